"""The predictor interface every model answers through.

``predict`` takes sources in batches of ``batch_size`` (the concurrency: requests served
together) and yields one ``Prediction`` per source, in input order. Which predictor a model spec
names is decided by ``protege.predictors``.
"""

from __future__ import annotations

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
    # key -> [start, end) of the source span each non-null value came from, when known
    evidence: dict[str, list[int]] | None = None
    # key -> the model's probability of its answer, when the predictor has one (the scorer)
    confidence: dict[str, float] | None = None

    def to_row(self) -> dict[str, Any]:
        """The predictions-JSONL row (with ``evidence`` when the predictor gives it)."""
        row: dict[str, Any] = {
            "id": self.id,
            "output": self.output,
            "latency_ms": round(self.latency_ms, 3),
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "cpu_s": round(self.cpu_s, 6),
        }
        if self.evidence is not None:
            row["evidence"] = self.evidence
        if self.confidence is not None:
            row["confidence"] = self.confidence
        return row


class Predictor(Protocol):
    """Anything that turns sources into raw outputs."""

    name: str
    kind: str  # "rules", "self-hosted" or "api": decides how it is priced

    def predict(self, sources: Sequence[Source], batch_size: int = 1) -> Iterator[Prediction]:
        """Yield one prediction per source, in order."""
        ...


def is_adapter_dir(path: Path) -> bool:
    """Whether ``path`` holds a trained LoRA adapter."""
    return (path / "adapter_config.json").is_file()
