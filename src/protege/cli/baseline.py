"""``protege baseline regex``: the rule-based floor every model must beat."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import typer
from rich.progress import Progress

from protege.baseline import extract_output
from protege.cli.render import console
from protege.contract.io import load_sources, write_jsonl

app = typer.Typer(help="Baselines every model must beat.", no_args_is_help=True)


@app.command("regex")
def regex_command(
    input: Path = typer.Option(
        ..., "--input", help="Contract JSONL sources (expected is ignored)."
    ),
    output: Path = typer.Option(..., "--output", help="Predictions JSONL to write."),
) -> None:
    """Extract records with hand-written rules (labels near amounts, date parsing).

    Example: protege baseline regex --input corpus.jsonl --output regex.jsonl
    """
    sources = load_sources(input)
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("extracting", total=len(sources))

        def rows() -> Iterator[dict[str, Any]]:
            for source in sources:
                started = time.perf_counter()
                out = extract_output(source)
                latency_ms = (time.perf_counter() - started) * 1000
                progress.advance(task)
                yield {"id": source.id, "output": out, "latency_ms": round(latency_ms, 3)}

        count = write_jsonl(output, rows())
    console.print(f"wrote {count} predictions to {output}")
