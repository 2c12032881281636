"""``protege evidence``: every typed value a source states, with its span; and, on a verified
set, how many of the stated values the recognizers find (value recall per key)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import typer
from rich.progress import Progress
from rich.table import Table

from protege.cli.render import console, pct, print_json
from protege.contract.io import load_sources, load_verified, write_jsonl
from protege.errors import UsageError
from protege.evidence import find_candidates

MISSES_SHOWN = 30  # misses listed in the table view; --json lists all of them


def evidence_command(
    input: Path = typer.Option(..., "--input", help="Contract JSONL sources."),
    output: Path = typer.Option(
        None,
        "--output",
        help='JSONL to write: {"id", "values": [{"type", "value", "start", "end"}]}.',
    ),
    recall: bool = typer.Option(
        False, "--recall", help="The input has expected records: report value recall per key."
    ),
    as_json: bool = typer.Option(
        False, "--json", help="With --recall: print JSON, misses included."
    ),
) -> None:
    """Find every money, rate, date and last-four value in each source, with its span.

    Example: protege evidence --input corpus.jsonl --output evidence.jsonl --recall
    """
    if output is None and not recall:
        raise UsageError("give --output FILE, --recall, or both")
    sources = load_verified(input) if recall else load_sources(input)
    if output is not None:
        with Progress(console=console, transient=True) as progress:
            task = progress.add_task("reading", total=len(sources))

            def rows() -> Iterator[dict[str, Any]]:
                for source in sources:
                    values = find_candidates(source.text, source.as_of)
                    progress.advance(task)
                    yield {"id": source.id, "values": [v.to_json() for v in values]}

            count = write_jsonl(output, rows())
        if not as_json:
            console.print(f"wrote the values of {count} sources to {output}")
    if not recall:
        return
    from protege.evidence.recall import value_recall

    report = value_recall(sources)  # type: ignore[arg-type]  # load_verified's rows
    if as_json:
        print_json(report.to_json())
        return
    table = Table(
        title=f"Value recall on {len(sources)} sources: {pct(report.overall)}", title_justify="left"
    )
    for column in ("key", "stated", "found", "recall"):
        table.add_column(column, justify="left" if column == "key" else "right")
    for key, row in report.to_json()["per_key"].items():
        table.add_row(key, str(row["stated"]), str(row["found"]), pct(row["recall"]))
    console.print(table)
    if report.misses:
        misses = Table(title=f"Misses ({len(report.misses)})", title_justify="left")
        for column in ("id", "key", "expected", "candidates of its type"):
            misses.add_column(column)
        for miss in report.misses[:MISSES_SHOWN]:
            shown = ", ".join(miss.candidates[:8]) + (" ..." if len(miss.candidates) > 8 else "")
            misses.add_row(miss.id, miss.key, str(miss.expected), shown or "-")
        console.print(misses)
        if len(report.misses) > MISSES_SHOWN:
            console.print(f"... {len(report.misses) - MISSES_SHOWN} more: see --json")
