"""``protege predict``: run a model over contract JSONL and write predictions."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import typer
from rich.progress import Progress

from protege.cli.render import GROUNDING, Grounding, console
from protege.contract.io import load_sources, write_jsonl
from protege.errors import UsageError


def predict_command(
    model: str = typer.Option(
        ...,
        "--model",
        help="A released student's name (liability-gemma-3-270m), an adapter or scorer "
        "directory, a base model name or path, or 'regex'.",
    ),
    input: Path = typer.Option(
        ..., "--input", help="Contract JSONL sources (expected is ignored)."
    ),
    output: Path = typer.Option(..., "--output", help="Predictions JSONL to write."),
    batch_size: int = typer.Option(1, "--batch-size", help="Sources decoded together."),
    max_new_tokens: int = typer.Option(256, "--max-new-tokens", help="Cap on answer tokens."),
    grounding: Grounding = GROUNDING,
) -> None:
    """Predict records: one {"id", "output", "evidence", "latency_ms", ...} per line.

    "evidence" maps each non-null value to the [start, end) span of the first candidate of the
    source that equals it. With --grounding on, every value is one the source states (a key
    with none is null). A scorer (protege train student=scorer) is grounded by construction
    and adds "confidence": each key's probability.

    Example: protege predict --model runs/liability --input test.jsonl --output pred.jsonl --batch-size 8
    """
    if batch_size < 1:
        raise UsageError(f"--batch-size must be at least 1, got {batch_size}")
    sources = load_sources(input)
    from protege.predictors import load_predictor

    predictor = load_predictor(
        model, max_new_tokens=max_new_tokens, grounding=grounding is Grounding.ON
    )
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task(f"predicting with {predictor.name}", total=len(sources))

        def rows() -> Iterator[dict[str, Any]]:
            for prediction in predictor.predict(sources, batch_size=batch_size):
                progress.advance(task)
                yield prediction.to_row()

        count = write_jsonl(output, rows())
    console.print(f"wrote {count} predictions to {output}")
