"""Normalization of record values before comparison, exactly as the contract's Scoring says.

Dollars to cents (``Decimal``, half-up), rates to three decimals, dates to ISO ``YYYY-MM-DD``,
``account_last4`` to its digits. Normalized values are strings so that they compare and hash
exactly and print unambiguously.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from protege.contract.record import DATE_KEYS, MONEY_KEYS, RATE_KEYS

_CENT = Decimal("0.01")
_RATE_STEP = Decimal("0.001")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _decimal(value: Any) -> Decimal:
    if isinstance(value, bool):  # bool is an int subclass; True is not a number here
        raise ValueError("a boolean is not a number")
    if isinstance(value, float):
        # str() gives the shortest repr that round-trips, so 18241.155 stays 18241.155
        # instead of the binary 18241.1549999... that Decimal(float) would see.
        value = str(value)
    try:
        result = Decimal(value)
    except (InvalidOperation, TypeError) as exc:
        raise ValueError(f"not a number: {value!r}") from exc
    if not result.is_finite():
        raise ValueError(f"not a finite number: {value!r}")
    return result


def normalize_money(value: Any) -> str:
    """Dollars to cents, rounding half-up: ``18241.155`` -> ``"18241.16"``."""
    return str(_decimal(value).quantize(_CENT, rounding=ROUND_HALF_UP))


def normalize_rate(value: Any) -> str:
    """A percentage rate to three decimals: ``6.49`` and ``6.490`` -> ``"6.490"``."""
    return str(_decimal(value).quantize(_RATE_STEP, rounding=ROUND_HALF_UP))


def normalize_date(value: Any) -> str:
    """A date to ISO ``YYYY-MM-DD``. Strings must already be ISO with zero padding."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str) and _ISO_DATE.match(value):
        return dt.date.fromisoformat(value).isoformat()  # raises on 2025-02-30
    raise ValueError(f"not an ISO YYYY-MM-DD date: {value!r}")


def normalize_last4(value: Any) -> str:
    """The digits of an account suffix: ``"x4421"`` -> ``"4421"``."""
    if not isinstance(value, str):
        raise ValueError(f"account_last4 must be a string, got {type(value).__name__}")
    return "".join(ch for ch in value if ch.isdigit())


def normalize_value(key: str, value: Any) -> str | None:
    """Normalize one record value for comparison; ``None`` stays ``None``."""
    if value is None:
        return None
    if key in MONEY_KEYS:
        return normalize_money(value)
    if key in RATE_KEYS:
        return normalize_rate(value)
    if key in DATE_KEYS:
        return normalize_date(value)
    if key == "account_last4":
        return normalize_last4(value)
    return str(value)
