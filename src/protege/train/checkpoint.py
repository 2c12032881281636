"""Checkpoints: the adapter, optimizer and scheduler state, the step, and the RNG state, so a
resumed run continues exactly where the saved one stopped.

What a resume restores: the adapter weights, AdamW's moments, the learning-rate schedule, the
step and loss history, and torch's random state on the CPU and on every CUDA device (dropout
draws from them). The batch order needs no state: it is a function of the seed and the epoch,
and the loop skips the batches the checkpoint already trained on.

A checkpoint is replaced atomically: the new one is written beside it, the old one moves aside,
the new one takes its name, and only then is the old one deleted. A run killed at any point
leaves a whole checkpoint, under its name or (between the two renames) under the old one's.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

from protege.errors import UsageError

if TYPE_CHECKING:
    import torch
    from peft import PeftModel

CHECKPOINT_DIR = "checkpoint"
OLD_SUFFIX = ".old"  # the replaced checkpoint, while the new one takes its name
STAGING_SUFFIX = ".partial"  # the checkpoint being written


def save_checkpoint(
    output: Path,
    model: PeftModel,
    optimizer: torch.optim.Optimizer,
    scheduler: torch.optim.lr_scheduler.LRScheduler,
    step: int,
    history: dict[str, Any],
) -> Path:
    """Write ``output/checkpoint``, replacing the previous one atomically (module docstring)."""
    import torch

    target = output / CHECKPOINT_DIR
    staging = output / (CHECKPOINT_DIR + STAGING_SUFFIX)
    old = output / (CHECKPOINT_DIR + OLD_SUFFIX)
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    model.save_pretrained(str(staging))
    torch.save(
        {
            "optimizer": optimizer.state_dict(),
            "scheduler": scheduler.state_dict(),
            "rng": torch.get_rng_state(),
            "cuda_rng": (
                torch.cuda.get_rng_state_all()
                if torch.cuda.is_initialized()  # type: ignore[no-untyped-call]
                else None
            ),
        },
        staging / "state.pt",
    )
    (staging / "trainer_state.json").write_text(json.dumps({"step": step, "history": history}))
    if _complete(target):
        shutil.rmtree(old, ignore_errors=True)
        target.rename(old)
    else:
        shutil.rmtree(target, ignore_errors=True)  # a leftover without its state: not a checkpoint
    staging.rename(target)
    shutil.rmtree(old, ignore_errors=True)
    return target


def _complete(checkpoint: Path) -> bool:
    return (checkpoint / "trainer_state.json").is_file()


def latest_checkpoint(output: Path) -> Path | None:
    """The checkpoint a resume reads: ``output/checkpoint``, or the previous one when a run was
    killed between the two renames that replace it; None when there is neither."""
    for candidate in (CHECKPOINT_DIR, CHECKPOINT_DIR + OLD_SUFFIX):
        if _complete(output / candidate):
            return output / candidate
    return None


def load_checkpoint(
    output: Path,
    model: PeftModel,
    optimizer: torch.optim.Optimizer,
    scheduler: torch.optim.lr_scheduler.LRScheduler,
) -> tuple[int, dict[str, Any]]:
    """Restore a checkpoint into the given objects; return (step, history)."""
    import torch
    from peft import set_peft_model_state_dict
    from safetensors.torch import load_file

    source = latest_checkpoint(output)
    if source is None:
        raise UsageError(f"no checkpoint in {output}; run without --resume to start fresh")
    set_peft_model_state_dict(model, load_file(str(source / "adapter_model.safetensors")))
    state = torch.load(source / "state.pt", weights_only=False)
    optimizer.load_state_dict(state["optimizer"])
    scheduler.load_state_dict(state["scheduler"])
    torch.set_rng_state(state["rng"])
    if state.get("cuda_rng") is not None and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda_rng"])
    saved = json.loads((source / "trainer_state.json").read_text())
    return int(saved["step"]), dict(saved["history"])
