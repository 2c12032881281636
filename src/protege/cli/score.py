"""``protege score``: score predictions against a verified set, by the contract."""

from __future__ import annotations

from pathlib import Path

import typer

from protege.cli.render import console, print_json, score_tables
from protege.contract.io import load_predictions, load_verified
from protege.contract.scoring import score


def score_command(
    truth: Path = typer.Option(..., "--truth", help="Verified contract JSONL (with expected)."),
    pred: Path = typer.Option(..., "--pred", help='Predictions JSONL: {"id", "output"} per line.'),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of tables."),
) -> None:
    """Score predictions: record error (95 % CI), field accuracy, invalid rate, breakdowns.

    Example: protege score --truth corpus.jsonl --pred regex.jsonl
    """
    report = score(load_verified(truth), load_predictions(pred))
    if as_json:
        print_json(report.to_dict())
        return
    for table in score_tables(report):
        console.print(table)
