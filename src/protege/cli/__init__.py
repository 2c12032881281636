"""The ``protege`` command line: typer sub-apps per stage; the only code that prints.

Errors protege raises on purpose (``ProtegeError``) become one clean red line on stderr and exit
code 1. Anything else is a bug: under tests it propagates; for users, ``main`` prints one line
and a hint to set ``PROTEGE_DEBUG=1`` for the traceback.
"""

from __future__ import annotations

import os
import sys
from typing import Any

import typer
from typer.core import TyperGroup

from protege.cli import (
    baseline,
    corpus,
    dataset,
    evaluate,
    evidence,
    extract,
    gateway,
    logs,
    models,
    predict,
    prompts,
    score,
    serve,
    train,
)
from protege.cli.render import err_console
from protege.errors import ProtegeError
from protege.version import __version__


class ProtegeGroup(TyperGroup):
    """The root command group: turns ``ProtegeError`` into one line and exit code 1."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except ProtegeError as exc:
            err_console.print(f"error: {exc}", style="red", markup=False, highlight=False)
            ctx.exit(1)


app = typer.Typer(
    cls=ProtegeGroup,
    name="protege",
    help="Turn production LLM traffic into a small fine-tuned model, evaluate it, and serve it.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.add_typer(corpus.app, name="corpus")
app.add_typer(baseline.app, name="baseline")
app.command("score")(score.score_command)
app.command("eval")(evaluate.eval_command)
app.command("evidence")(evidence.evidence_command)
app.add_typer(models.app, name="models")
app.add_typer(train.app, name="train")
app.command("predict")(predict.predict_command)
app.add_typer(logs.app, name="logs")
app.add_typer(dataset.app, name="dataset")
app.command("gateway")(gateway.gateway_command)
app.command("serve")(serve.serve_command)
app.add_typer(extract.app, name="extract")
app.add_typer(prompts.app, name="prompts")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"protege {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """protege: capture -> dataset -> fine-tune -> evaluate -> serve -> extract."""


def main() -> None:
    """Entry point of the ``protege`` script and ``python -m protege``."""
    try:
        app()
    except Exception as exc:  # a bug, not bad input: one line for users, traceback on request
        if os.environ.get("PROTEGE_DEBUG"):
            raise
        err_console.print(
            f"internal error: {type(exc).__name__}: {exc} (set PROTEGE_DEBUG=1 for the traceback)",
            style="red",
            markup=False,
            highlight=False,
        )
        sys.exit(1)
