"""Typed recognizers with evidence: every money, rate, date and last-four value a source
states, each with its normalized value and the span ``[start, end)`` of the text it was read
from.

One reader for the whole project: the regex baseline picks among these candidates, grounded
decoding restricts a model's values to them, and ``protege evidence`` writes and measures them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence

from protege.contract.record import DATE_KEYS, MONEY_KEYS, RATE_KEYS
from protege.evidence.dates import find_dates
from protege.evidence.last4 import find_last4
from protege.evidence.money import find_money
from protege.evidence.rates import find_rates
from protege.evidence.types import VALUE_TYPES, Candidate, Found, ValueType

__all__ = [
    "KEY_TYPES",
    "VALUE_TYPES",
    "Candidate",
    "ValueType",
    "find_candidates",
    "read_span",
]

# The value type of each record key a recognizer can ground (liability_type is an enum, read
# from the words of the whole source, not from one span).
KEY_TYPES: dict[str, ValueType] = {
    **dict.fromkeys(sorted(MONEY_KEYS), "money"),
    **dict.fromkeys(sorted(RATE_KEYS), "rate"),
    **dict.fromkeys(sorted(DATE_KEYS), "date"),
    "account_last4": "last4",
}


def _recognizers(as_of: dt.date) -> dict[ValueType, Callable[[str], Iterator[Found]]]:
    return {
        "money": find_money,
        "rate": find_rates,
        "date": lambda text: find_dates(text, as_of),
        "last4": find_last4,
    }


def find_candidates(
    text: str, as_of: dt.date, types: Sequence[ValueType] = VALUE_TYPES
) -> list[Candidate]:
    """Every candidate value of the given types in ``text``, ordered by position."""
    recognizers = _recognizers(as_of)
    found = [
        Candidate(hit.start, hit.end, value_type, hit.value)
        for value_type in types
        for hit in recognizers[value_type](text)
    ]
    return sorted(found)


def read_span(text: str, value_type: ValueType, as_of: dt.date) -> list[Candidate]:
    """What the recognizer of ``value_type`` reads in ``text`` alone (a span of a source):
    a span a candidate came from reads as exactly that candidate's value."""
    return find_candidates(text, as_of, (value_type,))
