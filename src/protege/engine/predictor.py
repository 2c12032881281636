"""The predictor interface every model answers through, and how a model spec picks one.

A model spec is what users type after ``--model``:

- ``regex``: the rule-based baseline;
- a registry name (``gemma-3-270m``) or a local Hugging Face directory: the base model,
  prompted zero-shot;
- an adapter directory (``adapter_config.json`` + ``meta.json``): the base model it was trained
  from with the LoRA adapter merged in.

``predict`` takes sources in batches of ``batch_size`` (the concurrency: requests served
together) and yields one ``Prediction`` per source, in input order.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from protege.contract.record import Source


@dataclass(frozen=True)
class Prediction:
    """One model answer with what it cost."""

    id: str
    output: str
    latency_ms: float  # wall time from the request to its answer (its batch's time)
    prompt_tokens: int
    completion_tokens: int
    cpu_s: float  # process CPU seconds spent on this request (its share of its batch)

    def to_row(self) -> dict[str, Any]:
        """The predictions-JSONL row."""
        return {
            "id": self.id,
            "output": self.output,
            "latency_ms": round(self.latency_ms, 3),
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "cpu_s": round(self.cpu_s, 6),
        }


class Predictor(Protocol):
    """Anything that turns sources into raw outputs."""

    name: str
    kind: str  # "rules", "self-hosted" or "api": decides how it is priced

    def predict(self, sources: Sequence[Source], batch_size: int = 1) -> Iterator[Prediction]:
        """Yield one prediction per source, in order."""
        ...


class RegexPredictor:
    """The rule-based baseline behind the predictor interface."""

    name = "regex"
    kind = "rules"

    def predict(self, sources: Sequence[Source], batch_size: int = 1) -> Iterator[Prediction]:
        from protege.baseline import extract_output

        for source in sources:
            wall, cpu = time.perf_counter(), time.process_time()
            output = extract_output(source)
            yield Prediction(
                source.id,
                output,
                (time.perf_counter() - wall) * 1000,
                0,
                0,
                time.process_time() - cpu,
            )


def is_adapter_dir(path: Path) -> bool:
    """Whether ``path`` holds a trained LoRA adapter."""
    return (path / "adapter_config.json").is_file()


def load_predictor(spec: str, max_new_tokens: int = 256) -> Predictor:
    """The predictor for a model spec (see the module docstring)."""
    if spec == "regex":
        return RegexPredictor()
    from protege.engine.hf import HFPredictor

    return HFPredictor(spec, max_new_tokens=max_new_tokens)
