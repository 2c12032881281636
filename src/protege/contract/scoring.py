"""Scoring exactly as contract ``liability-v1`` defines it.

- field accuracy: share of (source, key) pairs equal to the verified record;
- record error rate: share of sources whose record differs in at least one key (the headline);
- invalid output rate: share of sources whose output is not a valid twelve-key record.

An invalid (or missing) output counts as a record error and as twelve wrong fields. Every rate is
also broken down per key, per source kind and per liability type (of the verified record), and
the record error rate carries a Wilson 95 % confidence interval.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from protege.contract.normalize import normalize_value
from protege.contract.parse import NormalizedRecord, parse_output
from protege.contract.record import RECORD_KEYS, LiabilityRecord, VerifiedSource
from protege.errors import ScoringError

_Z95 = 1.959964  # two-sided 95 % normal quantile


def wilson_interval(errors: int, n: int, z: float = _Z95) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion; (0, 0) when n is 0."""
    if n == 0:
        return (0.0, 0.0)
    p = errors / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return (max(0.0, centre - half), min(1.0, centre + half))


def normalize_record(record: LiabilityRecord) -> NormalizedRecord:
    """A verified record in the scorer's normalized form."""
    return {key: normalize_value(key, getattr(record, key)) for key in RECORD_KEYS}


@dataclass
class GroupScore:
    """Counts and rates for one group of sources (all, one kind, one liability type)."""

    n: int = 0
    record_errors: int = 0
    invalid: int = 0
    fields_correct: int = 0

    def add(self, wrong_keys: int, invalid: bool) -> None:
        self.n += 1
        self.record_errors += wrong_keys > 0
        self.invalid += invalid
        self.fields_correct += len(RECORD_KEYS) - wrong_keys

    @property
    def record_error_rate(self) -> float:
        return self.record_errors / self.n if self.n else 0.0

    @property
    def field_accuracy(self) -> float:
        return self.fields_correct / (self.n * len(RECORD_KEYS)) if self.n else 0.0

    @property
    def invalid_rate(self) -> float:
        return self.invalid / self.n if self.n else 0.0

    def summary(self) -> dict[str, Any]:
        low, high = wilson_interval(self.record_errors, self.n)
        return {
            **asdict(self),
            "record_error_rate": self.record_error_rate,
            "record_error_ci95": [low, high],
            "field_accuracy": self.field_accuracy,
            "invalid_rate": self.invalid_rate,
        }


@dataclass(frozen=True)
class RowResult:
    """How one source scored: which keys were wrong, or why the output was invalid."""

    id: str
    kind: str
    valid: bool
    wrong_keys: tuple[str, ...]
    error: str | None = None


@dataclass
class ScoreReport:
    """The full result of scoring a set of predictions against a verified set."""

    overall: GroupScore = field(default_factory=GroupScore)
    per_kind: dict[str, GroupScore] = field(default_factory=dict)
    per_type: dict[str, GroupScore] = field(default_factory=dict)
    key_correct: dict[str, int] = field(default_factory=lambda: dict.fromkeys(RECORD_KEYS, 0))
    missing: int = 0
    rows: list[RowResult] = field(default_factory=list)

    def key_accuracy(self) -> dict[str, float]:
        """Accuracy per record key."""
        n = self.overall.n
        return {key: (self.key_correct[key] / n if n else 0.0) for key in RECORD_KEYS}

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready summary (without the per-row details)."""
        return {
            **self.overall.summary(),
            "missing_predictions": self.missing,
            "per_key_accuracy": self.key_accuracy(),
            "per_kind": {k: g.summary() for k, g in sorted(self.per_kind.items())},
            "per_liability_type": {k: g.summary() for k, g in sorted(self.per_type.items())},
        }


def score(truth: Sequence[VerifiedSource], predictions: Mapping[str, Any]) -> ScoreReport:
    """Score raw predictions (id -> output) against verified sources.

    A verified source without a prediction counts as invalid output. A prediction whose id is
    not in the verified set is an error: the two files do not belong together.
    """
    truth_ids = {row.id for row in truth}
    unknown = [pid for pid in predictions if pid not in truth_ids]
    if unknown:
        shown = ", ".join(repr(u) for u in unknown[:3])
        raise ScoringError(
            f"{len(unknown)} prediction id(s) are not in the truth file (e.g. {shown}); "
            "score predictions against the file they were made from"
        )
    report = ScoreReport()
    for row in truth:
        expected = normalize_record(row.expected)
        type_name = row.expected.liability_type or "none"
        if row.id in predictions:
            parsed = parse_output(predictions[row.id])
            error = parsed.error
        else:
            parsed, error = None, "no prediction for this id"
            report.missing += 1
        if parsed is not None and parsed.record is not None:
            got = parsed.record
            wrong = tuple(key for key in RECORD_KEYS if got[key] != expected[key])
            valid = True
        else:
            wrong, valid = RECORD_KEYS, False
        for key in RECORD_KEYS:
            report.key_correct[key] += key not in wrong
        for group in (
            report.overall,
            report.per_kind.setdefault(row.kind.value, GroupScore()),
            report.per_type.setdefault(type_name, GroupScore()),
        ):
            group.add(len(wrong), invalid=not valid)
        report.rows.append(RowResult(row.id, row.kind.value, valid, wrong, error))
    return report
