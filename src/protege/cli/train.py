"""``protege train [--config CONFIG] [key=value ...]`` and ``protege train validate CONFIG``.

``train`` is a command group whose default command is ``run``: ``protege train --config X``
is ``protege train run --config X``, and ``validate`` is a sub-command of its own.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn
from typer.core import TyperGroup

from protege.cli.render import console
from protege.errors import UsageError
from protege.train.config import TrainConfig, load_config


class DefaultRunGroup(TyperGroup):
    """A group that runs its ``run`` command when the first argument names no sub-command
    (or there is none: ``run`` then says what it needs)."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if not args or (args[0] not in self.commands and args[0] not in ctx.help_option_names):
            args = ["run", *args]
        return list(super().parse_args(ctx, args))


app = typer.Typer(
    cls=DefaultRunGroup,
    help="Fine-tune a LoRA adapter: protege train --config CONFIG (key=value overrides, --resume) "
    "runs the default command, run (see protege train run --help); or check a config with "
    "protege train validate CONFIG.",
)
OVERRIDES = typer.Argument(None, help="key=value overrides, e.g. train.max_steps=20.")


@app.command("run")
def run_command(
    overrides: list[str] = OVERRIDES,
    config: Path = typer.Option(
        None, "--config", "-c", help="YAML config (configs/liability/*.yaml)."
    ),
    resume: bool = typer.Option(False, "--resume", help="Continue from output_dir/checkpoint."),
) -> None:
    """Fine-tune a LoRA adapter (also what `protege train --config ...` runs).

    Writes the adapter directory (adapter weights + meta.json) to the config's output_dir.

    Example: protege train --config configs/liability/gemma-3-270m_lora.yaml train.max_steps=100
    """
    if config is None:
        raise UsageError(
            "--config is required (e.g. --config configs/liability/gemma-3-270m_lora.yaml)"
        )
    run(load_config(config, list(overrides or [])), resume)


@app.command("validate")
def validate_command(
    config: Path = typer.Argument(None, help="YAML config to check."),
    overrides: list[str] = OVERRIDES,
) -> None:
    """Check a config and its overrides; report every problem at once.

    Example: protege train validate configs/liability/gemma-3-270m_lora.yaml train.epochs=2
    """
    if config is None:
        raise UsageError("usage: protege train validate CONFIG [key=value ...]")
    cfg = load_config(config, list(overrides or []))
    console.print(f"{config}: ok (model {cfg.model}, output {cfg.output_dir})")


LOG_EVERY = 5  # steps between progress lines when the output is not a terminal
READ_LOG_EVERY = 100  # sources between lines while a scorer reads


def run(cfg: TrainConfig, resume: bool) -> None:
    """Train with a progress bar showing loss, tokens/s and ETA."""
    from protege.train.loop import train
    from protege.train.scorer import train_scorer

    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console) as progress:
        task = progress.add_task("loading model and data", total=None)
        if cfg.student == "scorer" and resume:
            raise UsageError("--resume is for LoRA runs; a scorer re-reads its feature cache")
        events = train_scorer(cfg) if cfg.student == "scorer" else train(cfg, resume=resume)
        logged = 0  # hundreds of sources read, as last printed
        for event in events:
            if event.kind == "features":
                progress.update(
                    task,
                    total=event.total_steps,
                    completed=event.step,
                    description="reading sources with the frozen model",
                )
                if not progress.console.is_terminal and event.step // READ_LOG_EVERY > logged:
                    logged = event.step // READ_LOG_EVERY
                    progress.console.print(
                        f"read {event.step}/{event.total_steps} sources, "
                        f"{event.elapsed_s / 60:.1f} min"
                    )
            elif event.kind == "start":
                progress.update(task, total=event.total_steps, completed=event.step)
                progress.console.print(event.message)
            elif event.kind in ("step", "tune"):  # tune: the scorer's stage 2, its own bar
                label = "stage 2 " if event.kind == "tune" else ""
                if event.kind == "tune" and event.step == 1:
                    progress.update(task, total=event.total_steps, completed=0)
                    progress.console.print(f"stage 2: {event.total_steps} steps")
                speed = f"  {event.tokens_per_s:.0f} tok/s" if event.tokens_per_s else ""
                progress.update(
                    task,
                    completed=event.step,
                    description=f"{label}loss {event.loss:.4f}  lr {event.lr:.2e}{speed}",
                )
                if not progress.console.is_terminal and event.step % LOG_EVERY == 0:
                    # no live bar in a log file: a plain line now and then instead
                    progress.console.print(
                        f"{label}step {event.step}/{event.total_steps}: loss {event.loss:.4f}, "
                        f"lr {event.lr:.2e},{speed} {event.elapsed_s / 60:.1f} min"
                    )
            elif event.kind == "eval":
                what = event.message or "val loss"
                progress.console.print(f"step {event.step}: {what} {event.val_loss:.4f}")
            elif event.kind == "checkpoint":
                progress.console.print(f"step {event.step}: checkpoint saved to {event.message}")
            elif event.kind == "done" and event.meta.get("kind") == "scorer":
                metrics = event.meta["metrics"]
                progress.console.print(
                    f"scorer written to {event.message} (best epoch {metrics['best_epoch']}, "
                    f"val record error {metrics['best_val_record_error']}, "
                    f"threshold {event.meta['threshold']:.3f}, {metrics['train_seconds']:.0f} s)"
                )
            elif event.kind == "done":
                metrics = event.meta.get("metrics", {})
                progress.console.print(
                    f"adapter written to {event.message} "
                    f"({metrics.get('tokens_per_s')} tok/s, peak {metrics.get('peak_rss_mb')} MiB, "
                    f"final loss {metrics.get('final_loss')}, val loss {metrics.get('final_val_loss')})"
                )
