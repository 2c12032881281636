"""``protege logs list|show|stats|export``: read the logged calls in a store."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.table import Table

from protege.cli.render import console, err_console, print_json
from protege.errors import UsageError

if TYPE_CHECKING:  # SQLAlchemy loads only when a logs command runs, not for every command
    from protege.store import CallFilter, CallStats, LoggedCall, LogStore

app = typer.Typer(help="Read logged LLM calls: list, show, stats, export.", no_args_is_help=True)

STORE = typer.Option(
    None,
    "--store",
    envvar="PROTEGE_STORE",
    help="Store URL: sqlite:///path/logs.db, a file path, or postgresql://user@host/db. "
    "Default: logs.db in the protege home.",
)
MODEL = typer.Option(None, "--model", help="Only calls that requested this model.")
TAG = typer.Option(
    None, "--tag", help="Only calls with this tag, key=value (repeatable: all must match)."
)
PROMPT_VERSION = typer.Option(None, "--prompt-version", help="Only calls with this prompt version.")
SINCE = typer.Option(
    None, "--since", help="From this time on: ISO date/time (UTC unless given) or 30m, 2h, 7d ago."
)
UNTIL = typer.Option(None, "--until", help="Before this time (same forms as --since).")
STATUS = typer.Option(None, "--status", help="Only calls with this status (ok, error, ...).")
AS_JSON = typer.Option(False, "--json", help="Print JSON instead of tables.")


def _open(url: str | None) -> LogStore:
    # An explicit store must exist: a mistyped path should not quietly become a new empty store.
    from protege.store import LogStore

    return LogStore(url, must_exist=url is not None)


def call_filter(
    model: str | None,
    tag: list[str] | None,
    prompt_version: str | None,
    since: str | None,
    until: str | None,
    status: str | None,
) -> CallFilter:
    from protege.store import CallFilter

    return CallFilter.parse(
        model=model,
        tags=tag,
        prompt_version=prompt_version,
        since=since,
        until=until,
        status=status,
    )


def _time(call: LoggedCall) -> str:
    return call.ts.strftime("%m-%d %H:%M:%S")  # short: the table is wide; --json has the year


def _tokens(call: LoggedCall) -> str:
    if call.prompt_tokens is None and call.completion_tokens is None:
        return "-"
    return f"{call.prompt_tokens or 0}/{call.completion_tokens or 0}"


def _cost(value: float | None) -> str:
    return "-" if value is None else f"${value:.6f}"


@app.command("list")
def list_command(
    limit: int = typer.Option(20, "--limit", min=1, help="Show at most this many calls."),
    model: str | None = MODEL,
    tag: list[str] | None = TAG,
    prompt_version: str | None = PROMPT_VERSION,
    since: str | None = SINCE,
    until: str | None = UNTIL,
    status: str | None = STATUS,
    as_json: bool = AS_JSON,
    store: str | None = STORE,
) -> None:
    """List logged calls, newest first.

    Example: protege logs list --model gpt-4o --tag team=billing --since 2h
    """
    where = call_filter(model, tag, prompt_version, since, until, status)
    with _open(store) as log_store:
        calls = list(log_store.iter_calls(where, newest_first=True, limit=limit))
    if as_json:
        print_json([call.to_dict() for call in calls])
        return
    table = Table(title=f"{len(calls)} most recent call(s)", title_justify="left")
    table.add_column("id", no_wrap=True, min_width=26)  # whole, to paste into `logs show`
    table.add_column("time (UTC)", no_wrap=True)
    for column in ("model", "status", "ms", "tokens", "cost", "tags"):
        table.add_column(column, justify="right" if column in ("ms", "tokens") else "left")
    for call in calls:
        table.add_row(
            call.id,
            _time(call),
            call.model_requested,
            call.status,
            f"{call.latency_ms:.0f}",
            _tokens(call),
            _cost(call.cost_usd),
            ",".join(f"{k}={v}" for k, v in sorted(call.tags.items())),
        )
    console.print(table)


@app.command("show")
def show_command(
    call_id: str = typer.Argument(..., help="The id of a logged call (see protege logs list)."),
    as_json: bool = AS_JSON,
    store: str | None = STORE,
) -> None:
    """Show one logged call in full: request, response, timing, usage, tags.

    Example: protege logs show 01JF3Q7Z9X4M2V8K6T1N0R5B7C
    """
    with _open(store) as log_store:
        call = log_store.get(call_id)
    data = call.to_dict()
    if as_json:
        print_json(data)
        return
    table = Table(title=f"call {call.id}", title_justify="left", show_header=False)
    table.add_column("field")
    table.add_column("value")
    for name in ("id", "ts", *(key for key in data if key not in ("id", "ts"))):
        value = data[name]
        if name not in ("request", "response"):
            shown = json.dumps(value) if isinstance(value, dict) else str(value)
            table.add_row(name, "-" if value is None else shown)
    console.print(table)
    for name in ("request", "response"):
        console.print(f"{name}:", style="bold")
        console.print_json(json.dumps(data[name]))


def _stats_tables(stats: CallStats) -> list[Table]:
    summary = Table(title=f"{stats.calls} call(s)", title_justify="left", show_header=False)
    summary.add_column("measure")
    summary.add_column("value", justify="right")
    summary.add_row("errors", str(stats.errors))
    summary.add_row("first (UTC)", str(stats.first_ts or "-"))
    summary.add_row("last (UTC)", str(stats.last_ts or "-"))
    per_model = Table(title="Per model", title_justify="left")
    columns = ("model", "calls", "errors", "cache hits", "mean ms", "max ms", "tokens in/out")
    for column in (*columns, "cost"):
        per_model.add_column(column, justify="left" if column == "model" else "right")
    for m in stats.by_model:
        per_model.add_row(
            m.model,
            str(m.calls),
            str(m.errors),
            str(m.cache_hits),
            "-" if m.mean_latency_ms is None else f"{m.mean_latency_ms:.0f}",
            "-" if m.max_latency_ms is None else f"{m.max_latency_ms:.0f}",
            f"{m.prompt_tokens}/{m.completion_tokens}",
            _cost(m.cost_usd),
        )
    return [summary, per_model]


@app.command("stats")
def stats_command(
    model: str | None = MODEL,
    tag: list[str] | None = TAG,
    prompt_version: str | None = PROMPT_VERSION,
    since: str | None = SINCE,
    until: str | None = UNTIL,
    status: str | None = STATUS,
    as_json: bool = AS_JSON,
    store: str | None = STORE,
) -> None:
    """Counts, errors, latency, tokens and cost per model over the matching calls.

    Example: protege logs stats --since 2026-11-01 --until 2026-12-01 --json
    """
    where = call_filter(model, tag, prompt_version, since, until, status)
    with _open(store) as log_store:
        stats = log_store.stats(where)
    if as_json:
        print_json(stats.to_dict())
        return
    for table in _stats_tables(stats):
        console.print(table)


@app.command("export")
def export_command(
    out: Path = typer.Option(..., "--out", help="JSONL file to write, or - for stdout."),
    model: str | None = MODEL,
    tag: list[str] | None = TAG,
    prompt_version: str | None = PROMPT_VERSION,
    since: str | None = SINCE,
    until: str | None = UNTIL,
    status: str | None = STATUS,
    store: str | None = STORE,
) -> None:
    """Export the matching calls as JSONL, one call per line, oldest first.

    Example: protege logs export --prompt-version 3f2a9c1e --status ok --out calls.jsonl
    """
    where = call_filter(model, tag, prompt_version, since, until, status)
    with _open(store) as log_store:
        if str(out) == "-":
            count = log_store.export_jsonl(sys.stdout, where)
            err_console.print(f"exported {count} call(s)")
            return
        try:
            with out.open("w", encoding="utf-8") as handle:
                count = log_store.export_jsonl(handle, where)
        except OSError as exc:
            raise UsageError(f"--out {out}: cannot write ({exc.strerror})") from exc
    console.print(f"exported {count} call(s) to {out}")
