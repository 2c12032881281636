"""``protege corpus generate|stats``."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import typer
from rich.progress import Progress

from protege.cli.render import console, print_json, stats_tables
from protege.contract.io import load_verified, write_jsonl
from protege.corpus.generator import check_kinds, generate
from protege.corpus.stats import corpus_stats
from protege.corpus.version import corpus_version
from protege.errors import UsageError

app = typer.Typer(
    help="Generate and inspect synthetic verified liability sources.", no_args_is_help=True
)


@app.command("generate")
def generate_command(
    out: Path = typer.Option(..., "--out", help="Output contract JSONL file."),
    n: int = typer.Option(1000, "--n", help="How many sources to generate."),
    seed: int = typer.Option(1, "--seed", help="Random seed; the same seed gives the same corpus."),
    kind: list[str] = typer.Option(
        [], "--kind", help="Only these source kinds (repeatable). Default: all six."
    ),
) -> None:
    """Generate N realistic sources with verified records (contract JSONL, plus tags).

    Example: protege corpus generate --n 2000 --seed 1 --out corpus.jsonl
    """
    if n < 1:
        raise UsageError(f"--n must be at least 1, got {n}")
    kinds = check_kinds(kind)
    started = time.perf_counter()
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("generating", total=n)

        def rows() -> Iterator[dict[str, Any]]:
            for source in generate(n, seed, kinds):
                progress.advance(task)
                yield source.to_row()

        count = write_jsonl(out, rows())
    console.print(
        f"wrote {count} sources to {out} in {time.perf_counter() - started:.1f} s "
        f"(corpus version {corpus_version()})"
    )


@app.command("stats")
def stats_command(
    file: Path = typer.Argument(..., help="A contract JSONL file (e.g. from corpus generate)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of tables."),
) -> None:
    """Counts by kind, liability type and tag; templates per kind; variety; null shares.

    Example: protege corpus stats corpus.jsonl --json
    """
    stats = corpus_stats(load_verified(file))
    if as_json:
        print_json(stats.to_dict())
        return
    for table in stats_tables(stats):
        console.print(table)
