"""``protege prompts add|list|show``: register prompt templates; the version is a content hash."""

from __future__ import annotations

import sys
from dataclasses import asdict
from pathlib import Path

import typer
from rich.table import Table

from protege.cli.render import console, err_console, print_json
from protege.prompts.registry import PromptRegistry, parse_prompt_ref

app = typer.Typer(help="Register prompt templates and look them up.", no_args_is_help=True)
AS_JSON = typer.Option(False, "--json", help="Print JSON instead of a table.")


@app.command("add")
def add_command(
    prompt_id: str = typer.Argument(..., metavar="ID", help="The prompt's name, e.g. liability."),
    file: Path = typer.Argument(..., help="A text file with the template."),
    as_json: bool = AS_JSON,
) -> None:
    """Register FILE as a version of prompt ID (the version is its content hash).

    Example: protege prompts add liability prompts/liability.txt; then send
    X-Protege-Prompt: liability (latest) or liability@VERSION with each call.
    """
    entry, new = PromptRegistry().add(prompt_id, file)
    if as_json:
        print_json({**asdict(entry), "new": new})
        return
    state = "registered" if new else "already registered"
    console.print(f"{entry.id}@{entry.version} {state} ({entry.chars} characters)")


@app.command("list")
def list_command(
    prompt_id: str | None = typer.Argument(None, metavar="[ID]", help="Only this prompt."),
    as_json: bool = AS_JSON,
) -> None:
    """List registered prompt versions, oldest first.

    Example: protege prompts list liability --json
    """
    entries = PromptRegistry().list(prompt_id)
    if as_json:
        print_json([asdict(e) for e in entries])
        return
    table = Table(title=f"{len(entries)} prompt version(s)", title_justify="left")
    for column in ("id", "version", "added (UTC)", "chars", "from"):
        table.add_column(column)
    for e in entries:
        table.add_row(e.id, e.version, e.added[:19], str(e.chars), e.source)
    console.print(table)


@app.command("show")
def show_command(
    ref: str = typer.Argument(..., metavar="ID[@VERSION]", help="A prompt, latest by default."),
    as_json: bool = AS_JSON,
) -> None:
    """Print a registered template: its text exactly (the id and version go to stderr), so
    `protege prompts show ID > file` then `protege prompts add ID file` keeps the version.

    Example: protege prompts show liability@3f2a9c1e0b7d
    """
    registry = PromptRegistry()
    entry = registry.resolve(*parse_prompt_ref(ref))
    text = registry.text(entry)
    if as_json:
        print_json({**asdict(entry), "text": text})
        return
    err_console.print(f"# {entry.id}@{entry.version}", style="bold", highlight=False)
    sys.stdout.write(text)
