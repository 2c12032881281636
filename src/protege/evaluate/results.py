"""What an evaluation produces: the ``EvalResult`` of a finished run and the ``EvalEvent``s that
report its progress. The runner builds them; the report and the plot read them."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from protege.evaluate.metrics import ModelResult, Targets, pareto_front


@dataclass
class EvalResult:
    """A finished evaluation: its inputs, every model's result, and the files it wrote."""

    data: Path
    data_sha256: str
    n: int
    concurrency: int
    targets: Targets
    pricing: dict[str, Any]
    models: list[ModelResult]
    out_dir: Path
    created: str
    provenance: dict[str, Any] = field(default_factory=dict)
    paths: dict[str, Path] = field(default_factory=dict)

    def pareto_labels(self) -> list[str]:
        """Labels of the models on the latency/error Pareto front, fastest first."""
        points = [(m.latency(50), m.score.overall.record_error_rate) for m in self.models]
        return [self.models[i].label for i in pareto_front(points)]


@dataclass(frozen=True)
class EvalEvent:
    """Progress: ``load`` (a model is being loaded), ``start`` (its run begins; ``total``
    sources), ``advance`` (``done`` of ``total`` answered), ``scored`` (its ``model`` result
    is ready), ``done`` (everything written; ``result``)."""

    kind: Literal["load", "start", "advance", "scored", "done"]
    label: str = ""
    done: int = 0
    total: int = 0
    model: ModelResult | None = None
    result: EvalResult | None = None
