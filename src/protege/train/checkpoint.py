"""Checkpoints: the adapter, optimizer and scheduler state, the step, and the RNG state, so a
resumed run continues exactly where the saved one stopped."""

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


def save_checkpoint(
    output: Path,
    model: PeftModel,
    optimizer: torch.optim.Optimizer,
    scheduler: torch.optim.lr_scheduler.LRScheduler,
    step: int,
    history: dict[str, Any],
) -> Path:
    """Write ``output/checkpoint`` atomically (a partial directory is renamed into place)."""
    import torch

    target = output / CHECKPOINT_DIR
    staging = output / (CHECKPOINT_DIR + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    model.save_pretrained(str(staging))
    torch.save(
        {
            "optimizer": optimizer.state_dict(),
            "scheduler": scheduler.state_dict(),
            "rng": torch.get_rng_state(),
        },
        staging / "state.pt",
    )
    (staging / "trainer_state.json").write_text(json.dumps({"step": step, "history": history}))
    shutil.rmtree(target, ignore_errors=True)
    staging.rename(target)
    return target


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

    source = output / CHECKPOINT_DIR
    if not (source / "trainer_state.json").is_file():
        raise UsageError(f"no checkpoint in {output}; run without --resume to start fresh")
    set_peft_model_state_dict(model, load_file(str(source / "adapter_model.safetensors")))
    state = torch.load(source / "state.pt", weights_only=False)
    optimizer.load_state_dict(state["optimizer"])
    scheduler.load_state_dict(state["scheduler"])
    torch.set_rng_state(state["rng"])
    saved = json.loads((source / "trainer_state.json").read_text())
    return int(saved["step"]), dict(saved["history"])
