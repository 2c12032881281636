"""Per-key confidence thresholds for the workflow's confidence check, calibrated on held-out
verified data, and the coverage/accuracy curve they trade along.

A record is accepted (outcome ``ok``) only when every key clears its threshold, and it is right
only when every key is right. The error budget ``1 - target`` is split evenly over the keys:
each key's threshold is the lowest at which the key's values clearing it are at least
``1 - (1 - target) / keys`` right. By the union bound, the accepted records are then at least
``target`` right on the calibration data, whatever the keys' errors have in common.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from protege.contract.normalize import normalize_value
from protege.contract.record import RECORD_KEYS, VerifiedSource

CURVE_POINTS = (0.0, 0.5, 0.7, 0.8, 0.9, 0.95, 0.98, 0.99)


@dataclass(frozen=True)
class Scored:
    """One calibration source: each key's confidence and whether its value is right."""

    confidence: dict[str, float]
    right: dict[str, bool]

    @property
    def record_right(self) -> bool:
        """Every key right."""
        return all(self.right.values())


def scored(
    source: VerifiedSource, record: Mapping[str, Any], confidence: Mapping[str, float]
) -> Scored:
    """A source's prediction, checked key by key against its verified record."""
    expected = source.expected.to_json_dict()
    right = {
        key: normalize_value(key, record.get(key)) == normalize_value(key, expected[key])
        for key in RECORD_KEYS
    }
    return Scored({k: float(confidence.get(k, 0.0)) for k in RECORD_KEYS}, right)


def key_threshold(pairs: Sequence[tuple[float, bool]], accuracy: float) -> float:
    """The lowest threshold at which the (confidence, right) pairs clearing it are at least
    ``accuracy`` right (1.0 when none is)."""
    ranked = sorted(pairs, key=lambda p: -p[0])
    best, right = 1.0, 0
    for count, (confidence, ok) in enumerate(ranked, start=1):
        right += ok
        ties_follow = count < len(ranked) and ranked[count][0] == confidence
        if not ties_follow and right / count >= accuracy:
            best = confidence
    return best


def calibrate_thresholds(rows: Sequence[Scored], target: float) -> dict[str, float]:
    """Per-key thresholds whose accepted records are at least ``target`` right (module
    docstring)."""
    per_key = 1.0 - (1.0 - target) / len(RECORD_KEYS)
    return {
        key: round(key_threshold([(r.confidence[key], r.right[key]) for r in rows], per_key), 4)
        for key in RECORD_KEYS
    }


def acceptance(rows: Sequence[Scored], thresholds: Mapping[str, float]) -> dict[str, float]:
    """The share of records every key of which clears its threshold (coverage), and the share
    of those that are right (accuracy; 1.0 when none is accepted)."""
    accepted = [r for r in rows if all(r.confidence[k] >= t for k, t in thresholds.items())]
    right = sum(r.record_right for r in accepted)
    return {
        "coverage": len(accepted) / len(rows) if rows else 0.0,
        "accuracy": right / len(accepted) if accepted else 1.0,
        "accepted": float(len(accepted)),
    }


def curve(rows: Sequence[Scored], points: Sequence[float] = CURVE_POINTS) -> list[dict[str, float]]:
    """Coverage and accuracy with one threshold for every key, at each of ``points``."""
    return [{"threshold": t, **acceptance(rows, dict.fromkeys(RECORD_KEYS, t))} for t in points]
