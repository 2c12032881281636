"""The numbers an evaluation reports about one model, the targets they are held to, and the
Pareto front across models.

- ``percentile``: linear interpolation between closest ranks (NumPy's default, Hyndman & Fan
  type 7), so p50 of an even-sized sample is the mean of the middle two.
- ``Targets``: parsed from ``error=0.09,p50_ms=200,cost_per_1m=5``; each target is a bound
  a model passes when its value is on the right side of it (inclusive).
- ``pareto_front``: the models no other model beats on both latency and record error.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from protege.contract.scoring import ScoreReport
from protege.errors import UsageError
from protege.pricing import per_million


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0-100) by linear interpolation; ``ValueError`` when empty."""
    if not values:
        raise ValueError("percentile of no values")
    if not 0 <= q <= 100:
        raise ValueError(f"percentile q must be within 0..100, got {q}")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass(frozen=True)
class TargetSpec:
    """One metric a target can bound."""

    metric: str  # key in ``ModelResult.metrics()``
    bound: Literal["max", "min"]  # "max": value <= target passes; "min": value >= target
    unit: str
    fraction: bool = False  # a rate in 0..1 (error=0.09 means 9 %)


TARGETS: dict[str, TargetSpec] = {
    "error": TargetSpec("record_error_rate", "max", "fraction of records", fraction=True),
    "invalid": TargetSpec("invalid_rate", "max", "fraction of outputs", fraction=True),
    "field_acc": TargetSpec("field_accuracy", "min", "fraction of fields", fraction=True),
    "p50_ms": TargetSpec("p50_ms", "max", "ms"),
    "p95_ms": TargetSpec("p95_ms", "max", "ms"),
    "p99_ms": TargetSpec("p99_ms", "max", "ms"),
    "cost_per_1m": TargetSpec("usd_per_1m", "max", "USD per 1M extractions"),
}
TARGETS_FORMAT = "name=value[,name=value...], e.g. error=0.09,p50_ms=200,cost_per_1m=5"


@dataclass(frozen=True)
class Targets:
    """Bounds a model must meet, by target name (see ``TARGETS``)."""

    values: Mapping[str, float] = field(default_factory=dict)

    @classmethod
    def parse(cls, text: str | None) -> Targets:
        """Parse ``error=0.09,p50_ms=200,cost_per_1m=5``; ``UsageError`` saying the expected
        format, or listing the known names, when ``text`` is malformed."""
        values: dict[str, float] = {}
        for part in (text or "").split(","):
            if not part.strip():
                continue
            name, eq, raw = (s.strip() for s in part.partition("="))
            if not eq or not name or not raw:
                raise UsageError(f"bad target {part.strip()!r}; expected {TARGETS_FORMAT}")
            if name not in TARGETS:
                raise UsageError(f"unknown target {name!r}; known targets: {', '.join(TARGETS)}")
            try:
                value = float(raw)
            except ValueError:
                raise UsageError(
                    f"target {name} needs a number, got {raw!r}; expected {TARGETS_FORMAT}"
                ) from None
            if not math.isfinite(value) or value < 0:
                raise UsageError(f"target {name} must be a finite number >= 0, got {raw}")
            if TARGETS[name].fraction and value > 1:
                raise UsageError(f"target {name} is a fraction: {name}=0.09 means 9 %, got {raw}")
            if name in values:
                raise UsageError(f"target {name} is given twice")
            values[name] = value
        return cls(values)

    def check(self, metrics: Mapping[str, float]) -> dict[str, TargetCheck]:
        """Pass or fail of each target against one model's metrics."""
        checks: dict[str, TargetCheck] = {}
        for name, target in self.values.items():
            spec = TARGETS[name]
            value = metrics[spec.metric]
            passed = value <= target if spec.bound == "max" else value >= target
            checks[name] = TargetCheck(name, spec.metric, spec.bound, target, value, passed)
        return checks

    def to_dict(self) -> dict[str, float]:
        return dict(self.values)


@dataclass(frozen=True)
class TargetCheck:
    """One target held against one model."""

    name: str
    metric: str
    bound: Literal["max", "min"]
    target: float
    value: float
    passed: bool


@dataclass
class ModelResult:
    """Everything measured about one model on one verified set."""

    label: str  # what the report calls it (``--model label=spec``, else derived from spec)
    spec: str  # what was loaded
    name: str  # the predictor's own name (prices API models)
    kind: str  # "rules", "self-hosted" or "api"
    score: ScoreReport
    latencies_ms: list[float]
    prompt_tokens: list[int]
    completion_tokens: list[int]
    cpu_s: list[float]
    costs_usd: list[float]
    wall_s: float
    predictions_path: Path
    targets: dict[str, TargetCheck] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)  # how it decoded (grounding, ...)

    @property
    def n(self) -> int:
        return self.score.overall.n

    def latency(self, q: float) -> float:
        """The ``q``-th latency percentile in ms (0 when nothing ran)."""
        return percentile(self.latencies_ms, q) if self.latencies_ms else 0.0

    def metrics(self) -> dict[str, float]:
        """The flat headline numbers (what targets bound and tables show)."""
        overall = self.score.overall
        calls = len(self.latencies_ms)
        low, high = overall.summary()["record_error_ci95"]
        return {
            "n": overall.n,
            "record_errors": overall.record_errors,
            "record_error_rate": overall.record_error_rate,
            "record_error_ci95_low": low,
            "record_error_ci95_high": high,
            "field_accuracy": overall.field_accuracy,
            "invalid_rate": overall.invalid_rate,
            "p50_ms": self.latency(50),
            "p95_ms": self.latency(95),
            "p99_ms": self.latency(99),
            "mean_ms": sum(self.latencies_ms) / calls if calls else 0.0,
            "mean_prompt_tokens": sum(self.prompt_tokens) / calls if calls else 0.0,
            "mean_completion_tokens": sum(self.completion_tokens) / calls if calls else 0.0,
            "cpu_s": sum(self.cpu_s),
            "usd_total": sum(self.costs_usd),
            "usd_per_1m": per_million(self.costs_usd),
            "wall_s": self.wall_s,
            "throughput_per_s": calls / self.wall_s if self.wall_s > 0 else 0.0,
        }

    def passed_all(self) -> bool:
        """Whether every target passed (True when there are none)."""
        return all(check.passed for check in self.targets.values())

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: identity, headline metrics, targets, the score breakdowns."""
        return {
            "label": self.label,
            "spec": self.spec,
            "name": self.name,
            "kind": self.kind,
            "settings": self.settings,
            "metrics": self.metrics(),
            "targets": {name: asdict(check) for name, check in self.targets.items()},
            "passed_all_targets": self.passed_all(),
            "score": self.score.to_dict(),
            "predictions": str(self.predictions_path),
        }


def pareto_front(points: Sequence[tuple[float, float]]) -> list[int]:
    """Indices of the points (latency, error) that no other point dominates (both lower is
    better; equal points are both kept), ordered by latency."""
    front = []
    for i, (x, y) in enumerate(points):
        dominated = any(
            (ox <= x and oy <= y) and (ox < x or oy < y)
            for j, (ox, oy) in enumerate(points)
            if j != i
        )
        if not dominated:
            front.append(i)
    return sorted(front, key=lambda i: (points[i][0], points[i][1]))
