"""Human-verified records: load them, let them override labels, and measure agreement.

A verified file is contract JSONL keyed by ``id``: each line needs ``id`` and ``expected`` (a
contract record); ``kind``, ``as_of`` and ``text`` may be there and are not needed. The id is a
row's source id or its log id. Every bad line is reported at once and nothing is written.

The agreement table compares, per record key, the production answer, the relabel and the
verified record: where production and verified disagree is where the production model was
wrong, and where relabel and verified disagree is how far the stronger model can be trusted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from protege.contract.io import scan_jsonl
from protege.contract.parse import NormalizedRecord, parse_output
from protege.contract.record import RECORD_KEYS, LiabilityRecord
from protege.datasets.rows import DatasetRow
from protege.errors import DatasetInputError
from protege.prompts import target_text
from protege.validation import first_problem

PAIRS = (("production", "verified"), ("relabel", "verified"), ("production", "relabel"))


def load_verified_records(path: Path, known_ids: set[str]) -> dict[str, str]:
    """``{id: compact record JSON}`` from a verified file; raises ``DatasetInputError`` listing
    every malformed line, contract violation, duplicate and id no selected row has."""
    records: dict[str, str] = {}
    first_line: dict[str, int] = {}
    problems: list[tuple[int, str]] = []
    for number, obj, problem in scan_jsonl(path):
        if obj is None:
            problems.append((number, problem or "bad line"))
            continue
        row_id = obj.get("id")
        if not isinstance(row_id, str) or not row_id:
            problems.append((number, "missing id: give the row's source id or log id"))
            continue
        if "expected" not in obj:
            problems.append((number, f"id {row_id!r}: missing expected (the verified record)"))
            continue
        try:
            record = LiabilityRecord.model_validate(obj["expected"])
        except ValidationError as exc:
            problems.append((number, f"id {row_id!r}: {first_problem(exc, within='expected')}"))
            continue
        if row_id in first_line:
            problems.append(
                (number, f"duplicate id {row_id!r} (first on line {first_line[row_id]})")
            )
            continue
        if row_id not in known_ids:
            problems.append(
                (number, f"unknown id {row_id!r}: no selected row has this source id or log id")
            )
            continue
        first_line[row_id] = number
        records[row_id] = target_text(record)
    if problems:
        raise DatasetInputError(path, problems)
    return records


def apply_verified(rows: Sequence[DatasetRow], records: dict[str, str]) -> int:
    """Set each row's verified answer (by log id first, then source id); return how many."""
    applied = 0
    for row in rows:
        record = records.get(row.log_id or "") or records.get(row.source_id)
        if record is not None:
            row.verified = record
            applied += 1
    return applied


@dataclass
class KeyAgreement:
    """How often two answers agree on one key, over the rows that have both."""

    rows: int = 0
    agree: int = 0

    @property
    def rate(self) -> float | None:
        return self.agree / self.rows if self.rows else None


@dataclass
class Agreement:
    """Per pair of answers (``production~verified``...), per key: rows compared and agreeing.

    An answer that is not a contract-valid record disagrees on every key; ``invalid`` counts
    such answers per kind of answer.
    """

    pairs: dict[str, dict[str, KeyAgreement]] = field(default_factory=dict)
    invalid: dict[str, int] = field(default_factory=dict)
    answers: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: rows, agreeing rows and rate per pair and key."""
        return {
            "answers": self.answers,
            "invalid": self.invalid,
            "pairs": {
                pair: {key: {**asdict(a), "rate": a.rate} for key, a in keys.items()}
                for pair, keys in self.pairs.items()
            },
        }


def agreement(rows: Sequence[DatasetRow]) -> Agreement:
    """Compare production, relabel and verified answers key by key (normalized as the scorer
    does, so ``1250`` and ``1250.00`` agree)."""
    result = Agreement(
        pairs={f"{a}~{b}": {key: KeyAgreement() for key in RECORD_KEYS} for a, b in PAIRS},
        invalid={"production": 0, "relabel": 0, "verified": 0},
        answers={"production": 0, "relabel": 0, "verified": 0},
    )
    for row in rows:
        parsed: dict[str, NormalizedRecord | None] = {}
        for name in ("production", "relabel", "verified"):
            text = getattr(row, name)
            if text is None:
                continue
            parsed[name] = parse_output(text).record
            result.answers[name] += 1
            result.invalid[name] += parsed[name] is None
        for a, b in PAIRS:
            if a not in parsed or b not in parsed:
                continue
            left, right = parsed[a], parsed[b]
            for key, counts in result.pairs[f"{a}~{b}"].items():
                counts.rows += 1
                counts.agree += left is not None and right is not None and left[key] == right[key]
    return result
