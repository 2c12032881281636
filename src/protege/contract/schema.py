"""The record's JSON Schema, for validation elsewhere and for constrained decoding later.

Written out by hand rather than derived from the pydantic model: a decoder needs a small,
closed schema (every key required, no extra keys, plain types), and the contract's types are
simpler than pydantic's ``Decimal`` and ``date`` schemas.
"""

from __future__ import annotations

from typing import Any

from protege.contract.record import DATE_KEYS, LIABILITY_TYPES, NUMBER_KEYS, RECORD_KEYS

ISO_DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"


def _property(key: str) -> dict[str, Any]:
    if key == "liability_type":
        return {"enum": [*LIABILITY_TYPES, None]}
    if key == "account_last4":
        return {"type": ["string", "null"], "pattern": r"^\d{4}$"}
    if key in NUMBER_KEYS:
        return {"type": ["number", "null"]}
    if key in DATE_KEYS:
        return {"type": ["string", "null"], "format": "date", "pattern": ISO_DATE_PATTERN}
    raise KeyError(key)


def record_json_schema() -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of one liability record."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "LiabilityRecord",
        "type": "object",
        "properties": {key: _property(key) for key in RECORD_KEYS},
        "required": list(RECORD_KEYS),
        "additionalProperties": False,
    }
