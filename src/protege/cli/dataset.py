"""``protege dataset build|list|show|stats|export``: training data from production logs."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from protege.cli.logs import AS_JSON, MODEL, PROMPT_VERSION, SINCE, STORE, TAG, UNTIL, call_filter
from protege.cli.render import console, err_console, pct, print_json
from protege.contract.record import RECORD_KEYS
from protege.errors import UsageError

app = typer.Typer(
    help="Datasets from logged calls: build (select, relabel, verify, dedupe, split), list, "
    "show, stats, export.",
    no_args_is_help=True,
)

GATEWAY_URL = "http://127.0.0.1:8100/v1"  # `protege gateway`'s default address


@app.command("build")
def build_command(
    name: str = typer.Argument(..., help="Dataset name: $PROTEGE_HOME/datasets/NAME."),
    from_logs: bool = typer.Option(
        False, "--from-logs", help="Select logged calls (filters below)."
    ),
    from_file: Path | None = typer.Option(
        None, "--from-file", help="Contract JSONL sources, or calls from `protege logs export`."
    ),
    model: str | None = MODEL,
    tag: list[str] | None = TAG,
    prompt_version: str | None = PROMPT_VERSION,
    since: str | None = SINCE,
    until: str | None = UNTIL,
    status: str | None = typer.Option(
        "ok", "--status", help="Only calls with this status (default ok; '' for any)."
    ),
    sample: float = typer.Option(1.0, "--sample", help="Keep this fraction of rows (stable)."),
    relabel: str | None = typer.Option(
        None, "--relabel", help="Relabel every row with this (stronger) model."
    ),
    relabel_base_url: str | None = typer.Option(
        None,
        "--relabel-base-url",
        envvar="PROTEGE_RELABEL_BASE_URL",
        help=f"OpenAI-compatible endpoint for --relabel. Default: $OPENAI_BASE_URL, else the "
        f"local gateway {GATEWAY_URL}.",
    ),
    relabel_api_key_env: str = typer.Option(
        "OPENAI_API_KEY", "--relabel-api-key-env", help="Environment variable with its API key."
    ),
    relabel_concurrency: int = typer.Option(8, "--relabel-concurrency", min=1, max=512),
    relabel_retries: int = typer.Option(3, "--relabel-retries", min=0, max=20),
    relabel_temperature: float = typer.Option(
        0.0, "--relabel-temperature", min=0.0, max=2.0, help="Sampling temperature of --relabel."
    ),
    relabel_no_temperature: bool = typer.Option(
        False,
        "--relabel-no-temperature",
        help="Send no temperature at all: for models that refuse the parameter (reasoning "
        "models such as the o-series).",
    ),
    verified: Path | None = typer.Option(
        None, "--verified", help="Verified records (JSONL: id + expected); they override labels."
    ),
    dedupe: bool = typer.Option(False, "--dedupe", help="Drop exact and near-duplicate sources."),
    near_threshold: float = typer.Option(
        0.9, "--near-threshold", help="MinHash Jaccard at or above which texts are duplicates."
    ),
    split: str = typer.Option(
        "test=0.2,seed=1", "--split", help="Test share and seed of the stable hash split."
    ),
    force: bool = typer.Option(False, "--force", help="Replace an existing dataset of that name."),
    as_json: bool = typer.Option(False, "--json", help="Print meta.json instead of tables."),
    store: str | None = STORE,
) -> None:
    """Build a dataset from logged calls or a file.

    Example: protege dataset build billing-v1 --from-logs --tag app=billing --since 7d
    --relabel gpt-4.1 --verified checked.jsonl --dedupe --split test=0.2,seed=1
    """
    from protege.datasets import BuildSpec, RelabelSettings, SplitSpec, build_dataset

    if from_logs == (from_file is not None):
        raise UsageError("give exactly one of --from-logs and --from-file FILE")
    settings = None
    if relabel:
        base_url = relabel_base_url or os.environ.get("OPENAI_BASE_URL") or GATEWAY_URL
        settings = RelabelSettings(
            model=relabel,
            base_url=base_url,
            api_key=os.environ.get(relabel_api_key_env),
            concurrency=relabel_concurrency,
            max_retries=relabel_retries,
            temperature=None if relabel_no_temperature else relabel_temperature,
        )
    spec = BuildSpec(
        name=name,
        logs=call_filter(model, tag, prompt_version, since, until, status or None)
        if from_logs
        else None,
        store_url=store,
        file=from_file,
        sample=sample,
        verified=verified,
        dedupe=dedupe,
        near_threshold=near_threshold,
        relabel=settings,
        split=SplitSpec.parse(split),
        force=force,
    )
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=err_console, transient=True) as progress:
        tasks: dict[str, Any] = {}

        def report(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = progress.add_task(stage, total=total)
            progress.update(tasks[stage], completed=done, total=total)

        result = build_dataset(spec, report)
    if as_json:
        print_json(result.meta)
        return
    _print_meta(result.meta)
    console.print(f"dataset written to {result.path}")


def _print_meta(meta: dict[str, Any]) -> None:
    counts = Table(title=f"dataset {meta['name']}", title_justify="left", show_header=False)
    counts.add_column("step")
    counts.add_column("rows", justify="right")
    for step, value in meta["counts"].items():
        counts.add_row(step, str(value))
    counts.add_row("content hash", meta.get("content_hash", "")[:16])
    console.print(counts)
    table = _agreement_table(meta.get("agreement") or {})
    if table is not None:
        console.print(table)


def _agreement_table(agreement: dict[str, Any]) -> Table | None:
    """Per key: how often production, relabel and verified answers agree."""
    pairs = {
        pair: keys
        for pair, keys in (agreement.get("pairs") or {}).items()
        if any(entry["rows"] for entry in keys.values())
    }
    if not pairs:
        return None
    table = Table(title="Agreement per key (share of rows with both answers)", title_justify="left")
    table.add_column("key")
    for pair, keys in pairs.items():
        rows = max(entry["rows"] for entry in keys.values())
        table.add_column(f"{pair.replace('~', ' = ')} (n={rows})", justify="right")
    for key in RECORD_KEYS:
        cells = []
        for keys in pairs.values():
            rate = keys[key]["rate"]
            cells.append("-" if rate is None else pct(rate))
        table.add_row(key, *cells)
    invalid = agreement.get("invalid") or {}
    answers = agreement.get("answers") or {}
    table.caption = "invalid answers: " + ", ".join(
        f"{name} {invalid.get(name, 0)}/{answers.get(name, 0)}" for name in answers
    )
    return table


@app.command("list")
def list_command(as_json: bool = AS_JSON) -> None:
    """List the datasets in the protege home.

    Example: protege dataset list --json
    """
    from protege.datasets import list_datasets

    infos = list_datasets()
    if as_json:
        print_json([info.to_dict() for info in infos])
        return
    table = Table(title=f"{len(infos)} dataset(s)", title_justify="left")
    for column in ("name", "rows", "train", "test", "source", "content hash", "created (UTC)"):
        table.add_column(column, justify="right" if column in ("rows", "train", "test") else "left")
    for info in infos:
        table.add_row(
            info.name,
            str(info.rows),
            str(info.train),
            str(info.test),
            info.source,
            info.content_hash[:12],
            info.created_at[:19],
        )
    console.print(table)


@app.command("show")
def show_command(
    name: str = typer.Argument(..., help="Dataset name or directory."), as_json: bool = AS_JSON
) -> None:
    """Show a dataset's meta.json: query, counts per step, relabel model, hash.

    Example: protege dataset show loans-v1
    """
    from protege.datasets import load_meta

    meta = load_meta(name)
    if as_json:
        print_json(meta)
        return
    _print_meta(meta)
    for key in ("source", "relabel", "verified", "dedupe", "split", "prompt_versions"):
        console.print(f"{key}: {meta.get(key)}", markup=False, highlight=False)


@app.command("stats")
def stats_command(
    name: str = typer.Argument(..., help="Dataset name or directory."), as_json: bool = AS_JSON
) -> None:
    """Rows per split and label, mean lengths, and the per-key agreement table.

    Example: protege dataset stats loans-v1 --json
    """
    from protege.datasets import dataset_stats

    stats = dataset_stats(name)
    if as_json:
        print_json(stats)
        return
    table = Table(title=f"dataset {stats['name']}", title_justify="left", show_header=False)
    table.add_column("measure")
    table.add_column("value", justify="right")
    table.add_row("rows", str(stats["rows"]))
    for split, count in stats["splits"].items():
        table.add_row(f"split {split}", str(count))
    for label, count in sorted(stats["labels"].items()):
        table.add_row(f"label {label}", str(count))
    table.add_row("mean prompt chars", f"{stats['mean_prompt_chars']:.0f}")
    table.add_row("mean answer chars", f"{stats['mean_answer_chars']:.0f}")
    console.print(table)
    agreement = _agreement_table(stats["agreement"])
    if agreement is not None:
        console.print(agreement)


@app.command("export")
def export_command(
    name: str = typer.Argument(..., help="Dataset name or directory."),
    out: Path = typer.Option(..., "--out", help="JSONL file to write, or - for stdout."),
    format_: str = typer.Option("openai", "--format", help="Output format: openai."),
    split: str | None = typer.Option(None, "--split", help="Only this split: train or test."),
) -> None:
    """Export as OpenAI chat fine-tuning JSONL ({"messages": [...]} per line).

    Example: protege dataset export billing-v1 --format openai --split train --out train.jsonl
    """
    from protege.datasets import export_openai

    if format_ != "openai":
        raise UsageError(f"--format: only 'openai' is supported, got {format_!r}")
    if str(out) == "-":
        count = export_openai(name, sys.stdout, split)
    else:
        out.parent.mkdir(parents=True, exist_ok=True)
        with out.open("w", encoding="utf-8") as handle:
            count = export_openai(name, handle, split)
        err_console.print(f"wrote {count} row(s) to {out}")
