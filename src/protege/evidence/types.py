"""What a recognizer finds: a typed, normalized value and the span of the source it was read
from.

``start`` and ``end`` index the source's own text (``text[start:end]``, end exclusive), and the
span holds everything that decides the value: a recognizer that reads ``text[start:end]`` alone
(with the same ``as_of``) finds that value again. That is how a user audits a figure, and how
grounded decoding knows which values a source supports.
"""

from __future__ import annotations

import datetime as dt
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
        value: Any
        if isinstance(self.value, dt.date):
            value = self.value.isoformat()
        elif isinstance(self.value, Decimal):
            value = float(self.value)
        else:
            value = self.value
        return {"type": self.type, "value": value, "start": self.start, "end": self.end}


@dataclass(frozen=True)
class Found:
    """A recognizer's raw hit: the span and the value, before it is typed."""

    start: int
    end: int
    value: Decimal | dt.date | str
