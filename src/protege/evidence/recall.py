"""Value recall: of the values a verified set states (its non-null expected values), the share
the recognizers find among a source's candidates of the key's type. A value the recognizers do
not find is one no grounded model can give, so recall bounds what grounding allows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from protege.contract.normalize import normalize_value
from protege.contract.record import RECORD_KEYS, VerifiedSource
from protege.evidence import KEY_TYPES, Candidate, find_candidates
from protege.evidence.types import json_value


@dataclass(frozen=True)
class Miss:
    """A stated value the recognizers did not find."""

    id: str
    key: str
    expected: Any
    candidates: list[Any]  # the values of the key's type that were found instead

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "id": self.id,
            "key": self.key,
            "expected": self.expected,
            "candidates": self.candidates,
        }


@dataclass
class RecallReport:
    """Per-key counts of stated values and of those found, and every miss."""

    stated: dict[str, int] = field(default_factory=dict)
    found: dict[str, int] = field(default_factory=dict)
    misses: list[Miss] = field(default_factory=list)

    @property
    def overall(self) -> float:
        """Found over stated, every key together (1.0 when nothing is stated)."""
        stated = sum(self.stated.values())
        return sum(self.found.values()) / stated if stated else 1.0

    def recall(self, key: str) -> float:
        """Found over stated for one key (1.0 when it is never stated)."""
        return self.found.get(key, 0) / self.stated[key] if self.stated.get(key) else 1.0

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict: overall and per-key recall, counts, and the misses."""
        return {
            "overall": round(self.overall, 4),
            "stated": sum(self.stated.values()),
            "found": sum(self.found.values()),
            "per_key": {
                key: {
                    "stated": self.stated[key],
                    "found": self.found.get(key, 0),
                    "recall": round(self.recall(key), 4),
                }
                for key in RECORD_KEYS
                if key in self.stated
            },
            "misses": [miss.to_json() for miss in self.misses],
        }


def value_recall(sources: Sequence[VerifiedSource]) -> RecallReport:
    """Recall of every key with a value type, over a verified set."""
    report = RecallReport()
    for source in sources:
        candidates = find_candidates(source.text, source.as_of)
        by_type: dict[str, list[Candidate]] = {}
        for candidate in candidates:
            by_type.setdefault(candidate.type, []).append(candidate)
        for key, value_type in KEY_TYPES.items():
            expected = getattr(source.expected, key)
            if expected is None:
                continue
            report.stated[key] = report.stated.get(key, 0) + 1
            want = normalize_value(key, expected)
            values = [c.value for c in by_type.get(value_type, [])]
            if any(normalize_value(key, v) == want for v in values):
                report.found[key] = report.found.get(key, 0) + 1
            else:
                report.misses.append(
                    Miss(
                        source.id,
                        key,
                        json_value(expected),
                        sorted({str(json_value(v)) for v in values}),
                    )
                )
    return report
