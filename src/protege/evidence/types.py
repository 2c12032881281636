"""What a recognizer finds: a typed, normalized value and the span of the source it was read
from.

``start`` and ``end`` index the source's own text (``text[start:end]``, end exclusive), and the
span holds everything that decides the value: a recognizer that reads ``text[start:end]`` alone
(with the same ``as_of``) finds that value again. That is how a user audits a figure, and how
grounded decoding knows which values a source supports.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

ValueType = Literal["money", "rate", "date", "last4"]
VALUE_TYPES: tuple[ValueType, ...] = ("money", "rate", "date", "last4")
CENTS = Decimal("0.01")
RATE_PLACES = Decimal("0.001")  # rates to three decimals, as the contract scores them


@dataclass(frozen=True, order=True)
class Candidate:
    """One value a source states: its type, its normalized value and its span."""

    start: int
    end: int
    type: ValueType
    value: Decimal | dt.date | str  # money: cents; rate: percent; date; last4: four digits

    def to_json(self) -> dict[str, Any]:
        """``{"type", "value", "start", "end"}`` with the value as the contract writes it."""
        return {
            "type": self.type,
            "value": json_value(self.value),
            "start": self.start,
            "end": self.end,
        }


def json_value(value: Any) -> Any:
    """A value as a record's JSON holds it: a date as ISO text, an amount or rate as a number."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


@dataclass(frozen=True)
class Found:
    """A recognizer's raw hit: the span and the value, before it is typed."""

    start: int
    end: int
    value: Decimal | dt.date | str


def longest_first(hits: Iterable[tuple[int, int, Decimal | dt.date | str | None]]) -> list[Found]:
    """The longest of each group of overlapping ``(start, end, value)`` hits (the earlier one
    on a tie), in order of start. A hit whose value is None claims its span and yields nothing
    (a phrase that looks like a value but is not one keeps shorter readings out of it)."""
    ordered = sorted(hits, key=lambda h: (h[0] - h[1], h[0]))
    claimed = bytearray(max((end for _, end, _ in ordered), default=0))  # one byte a character
    kept: list[Found] = []
    for start, end, value in ordered:
        if any(claimed[start:end]):
            continue
        claimed[start:end] = b"\x01" * (end - start)
        if value is not None:
            kept.append(Found(start, end, value))
    return sorted(kept, key=lambda found: found.start)
