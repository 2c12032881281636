"""Parse and type-check a model's output against the contract.

A raw output is accepted when, after stripping surrounding whitespace, it is a JSON object, or
exactly one fenced ```` ```json ```` block holding one. Nothing else is accepted: prose around the
JSON, two blocks, or a bare fence without ``json`` make the output invalid. The object must have
exactly the twelve keys with valid types; anything else is invalid output, which the scorer
counts as a record error.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from protege.contract.normalize import normalize_value
from protege.contract.record import DATE_KEYS, LIABILITY_TYPES, NUMBER_KEYS, RECORD_KEYS

_FENCE = re.compile(r"^```(?:json|JSON)[ \t]*\n(?P<body>.*?)\n?[ \t]*```$", re.DOTALL)
_KEY_SET = frozenset(RECORD_KEYS)

NormalizedRecord = dict[str, str | None]


@dataclass(frozen=True)
class ParsedOutput:
    """The outcome of parsing one output: a normalized record, or why it is invalid."""

    record: NormalizedRecord | None
    error: str | None = None

    @property
    def valid(self) -> bool:
        """True when the output is a contract-valid record."""
        return self.record is not None


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def loads_exact(text: str) -> Any:
    """``json.loads`` keeping numbers exact (``Decimal``) and refusing NaN/Infinity."""
    return json.loads(text, parse_float=Decimal, parse_constant=_reject_constant)


def _type_problem(key: str, value: Any) -> str | None:
    if value is None:
        return None
    if key == "liability_type":
        if value not in LIABILITY_TYPES:
            return f"liability_type {value!r} is not one of {', '.join(LIABILITY_TYPES)}"
    elif key == "account_last4":
        if not isinstance(value, str):
            return "account_last4 must be a string"
    elif key in NUMBER_KEYS:
        if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
            return f"{key} must be a number or null, got {type(value).__name__}"
    elif key in DATE_KEYS:
        try:
            normalize_value(key, value)
        except ValueError:
            return f"{key} must be a YYYY-MM-DD date or null, got {value!r}"
    return None


def check_record(obj: Any) -> NormalizedRecord:
    """Type-check a decoded JSON value as a record and return it normalized.

    Raises ``ValueError`` naming the first problem found.
    """
    if not isinstance(obj, dict):
        raise ValueError(f"output is a JSON {type(obj).__name__}, not an object")
    keys = set(obj)
    if keys != _KEY_SET:
        missing = sorted(_KEY_SET - keys)
        extra = sorted(str(k) for k in keys - _KEY_SET)
        parts = [f"missing {missing}" if missing else "", f"unexpected {extra}" if extra else ""]
        raise ValueError("keys differ from the contract: " + "; ".join(p for p in parts if p))
    for key in RECORD_KEYS:
        problem = _type_problem(key, obj[key])
        if problem:
            raise ValueError(problem)
    return {key: normalize_value(key, obj[key]) for key in RECORD_KEYS}


def extract_json_text(raw: str) -> str:
    """Strip whitespace and at most one ```json fence; return the JSON text inside."""
    text = raw.strip()
    if text.startswith("```"):
        match = _FENCE.match(text)
        if match is None:
            raise ValueError("output has a code fence that is not one ```json block")
        text = match.group("body").strip()
    return text


def parse_output(raw: Any) -> ParsedOutput:
    """Parse one model output (a raw string, or an already-decoded object)."""
    try:
        if isinstance(raw, str):
            try:
                obj = loads_exact(extract_json_text(raw))
            except json.JSONDecodeError as exc:
                raise ValueError(f"not JSON: {exc.msg} at char {exc.pos}") from exc
        else:
            obj = raw
        return ParsedOutput(record=check_record(obj))
    except ValueError as exc:
        return ParsedOutput(record=None, error=str(exc))
