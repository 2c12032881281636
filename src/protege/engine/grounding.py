"""Grounded decoding: every non-null value the model writes is one the source states.

The evidence recognizers (``protege.evidence``) give a source's candidates of each type; each
key's allowed value strings are its type's candidates written as the record writes them (a money
value as its JSON number, ``18245.6``; a date as ``"2025-03-24"``). The record grammar then holds
those strings only (``RecordGrammar(values)``), so decoding stays greedy over the model's own
scores but cannot invent a value; a key whose type has no candidate can only be null.

After decoding, ``evidence_spans`` names, for each non-null value, the span of the first
candidate it equals: how a user audits a figure.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from protege.contract.normalize import normalize_value
from protege.evidence import KEY_TYPES, Candidate
from protege.evidence.types import json_value

MAX_NUMBER = Decimal(10) ** 9  # the record grammar's bound on numbers (engine/grammar.py)


def value_text(candidate: Candidate) -> str:
    """A candidate's value as compact JSON, exactly as a record writes it (a number as its
    float repr: ``18245.6``)."""
    return json.dumps(json_value(candidate.value))


def allowed_values(candidates: Sequence[Candidate]) -> dict[str, list[str]]:
    """Key -> the JSON value strings grounding allows it (every key with a value type).
    Numbers at or above the grammar's bound (1e9: never a consumer loan's figure, and their
    float repr would need an exponent) are left out."""
    by_type: dict[str, list[str]] = {}
    for candidate in candidates:
        if isinstance(candidate.value, Decimal) and candidate.value >= MAX_NUMBER:
            continue
        texts = by_type.setdefault(candidate.type, [])
        text = value_text(candidate)
        if text not in texts:
            texts.append(text)
    return {key: by_type.get(value_type, []) for key, value_type in KEY_TYPES.items()}


def evidence_spans(
    record: Mapping[str, Any], candidates: Sequence[Candidate]
) -> dict[str, list[int]]:
    """Key -> ``[start, end]`` of the first candidate equal to the record's value, for every
    non-null value that one equals (keys without a value type, such as liability_type, have
    none)."""
    spans: dict[str, list[int]] = {}
    for key, value_type in KEY_TYPES.items():
        value = record.get(key)
        if value is None:
            continue
        want = normalize_value(key, value)
        for candidate in candidates:
            if candidate.type == value_type and normalize_value(key, candidate.value) == want:
                spans[key] = [candidate.start, candidate.end]
                break
    return spans
