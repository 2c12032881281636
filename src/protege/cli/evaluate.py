"""``protege eval``: run models over a verified set; report error, latency, cost and targets."""

from __future__ import annotations

import datetime as dt
import functools
import json
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from protege.cli.render import GROUNDING, Grounding, console, err_console, print_json
from protege.evaluate.metrics import ModelResult, Targets
from protege.evaluate.report import (
    REPORT_JSON,
    describe_target,
    fmt_ci,
    fmt_ms,
    fmt_pct,
    fmt_usd,
    target_cell,
)
from protege.evaluate.results import EvalResult
from protege.evaluate.runner import evaluate
from protege.home import protege_home
from protege.predictors import load_predictor


def default_out_dir() -> Path:
    """``$PROTEGE_HOME/evals/<UTC timestamp>``."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
    return protege_home() / "evals" / stamp


def model_table(model: ModelResult) -> Table:
    """One model's headline numbers and target verdicts."""
    x = model.metrics()
    title = escape(f"{model.label} ({model.kind}, {model.n} sources)")
    table = Table(title=title, title_justify="left")
    table.add_column("measure")
    table.add_column("value", justify="right")
    rows = [
        ("record error", fmt_pct(x["record_error_rate"])),
        ("95 % CI", fmt_ci(x["record_error_ci95_low"], x["record_error_ci95_high"])),
        ("field accuracy", fmt_pct(x["field_accuracy"])),
        ("invalid output", fmt_pct(x["invalid_rate"])),
        (
            "latency p50 / p95 / p99 (ms)",
            " / ".join(fmt_ms(x[k]) for k in ("p50_ms", "p95_ms", "p99_ms")),
        ),
        (
            "mean tokens in / out",
            f"{x['mean_prompt_tokens']:.0f} / {x['mean_completion_tokens']:.0f}",
        ),
        ("$ per 1M extractions", fmt_usd(x["usd_per_1m"])),
    ]
    for check in model.targets.values():
        verdict = target_cell(check)
        style = "green" if check.passed else "bold red"
        rows.append((f"target {describe_target(check)}", f"[{style}]{verdict}[/]"))
    for name, value in rows:
        table.add_row(name, value)
    return table


def _run(
    data: Path,
    models: list[str],
    concurrency: int,
    targets: Targets,
    out: Path,
    prices: Path | None,
    usd_per_core_hour: float | None,
    show: Console,
    tables: bool,
    max_new_tokens: int = 192,
    grounding: bool = False,
) -> EvalResult:
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=show, transient=True) as progress:
        tasks: dict[str, TaskID] = {}
        load = functools.partial(load_predictor, max_new_tokens=max_new_tokens, grounding=grounding)
        events = evaluate(data, models, concurrency, targets, out, prices, usd_per_core_hour, load)
        for event in events:
            if event.kind == "load":
                tasks[event.label] = progress.add_task(f"loading {event.label}", total=None)
            elif event.kind == "start":
                progress.update(
                    tasks[event.label], description=event.label, total=event.total, completed=0
                )
            elif event.kind == "advance":
                progress.update(tasks[event.label], completed=event.done)
            elif event.kind == "scored" and event.model is not None and tables:
                progress.console.print(model_table(event.model))
            elif event.kind == "done" and event.result is not None:
                return event.result
    raise AssertionError("evaluate ended without a result")  # pragma: no cover


def eval_command(
    data: Path = typer.Option(..., "--data", help="Verified contract JSONL (with expected)."),
    model: list[str] = typer.Option(
        ...,
        "--model",
        help="Model to evaluate (repeatable): regex, a base model's or a released student's "
        "name, a model, adapter or scorer directory; LABEL=SPEC names it in the report.",
    ),
    concurrency: int = typer.Option(
        1, "--concurrency", help="Requests served together (the predictor's batch size)."
    ),
    targets: str = typer.Option(
        "", "--targets", help="Bounds to pass, e.g. error=0.09,p50_ms=200,cost_per_1m=5."
    ),
    out: Path | None = typer.Option(
        None, "--out", help="Output directory. Default: $PROTEGE_HOME/evals/<timestamp>."
    ),
    prices: Path | None = typer.Option(
        None, "--prices", help="Prices YAML. Default: the price table shipped with protege."
    ),
    usd_per_core_hour: float | None = typer.Option(
        None, "--usd-per-core-hour", help="Price of self-hosted CPU time (overrides --prices)."
    ),
    max_new_tokens: int = typer.Option(
        192, "--max-new-tokens", help="Cap on answer tokens (a Gemma record is ~120)."
    ),
    grounding: Grounding = GROUNDING,
    as_json: bool = typer.Option(False, "--json", help="Print report.json instead of tables."),
) -> None:
    """Evaluate models on a verified set: record error (95 % CI), field accuracy, invalid rate,
    p50/p95/p99 latency, tokens, $ per 1M extractions, and pass/fail per target. Writes
    report.json, report.md, pareto.png and each model's predictions.

    Example: protege eval --data corpus.jsonl --model regex --targets error=0.09,p50_ms=200
    """
    parsed = Targets.parse(targets)
    out_dir = out if out is not None else default_out_dir()
    result = _run(
        data,
        model,
        concurrency,
        parsed,
        out_dir,
        prices,
        usd_per_core_hour,
        show=err_console if as_json else console,
        tables=not as_json,
        max_new_tokens=max_new_tokens,
        grounding=grounding is Grounding.ON,
    )
    if as_json:
        print_json(json.loads((out_dir / REPORT_JSON).read_text(encoding="utf-8")))
        return
    front = ", ".join(result.pareto_labels())
    console.print(f"Pareto front (latency, error): {front}")
    console.print(f"report: {result.paths['report_md']}")
    console.print(f"plot:   {result.paths['pareto_png']}")
