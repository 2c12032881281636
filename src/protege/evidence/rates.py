"""Interest rates: ``6.49%``, ``6.490 %``, ``6.49 percent``, ``APR 24.99``, and rates said in
words or fractions (``protege.evidence.spoken``: "six and an eighth percent", ``6 1/8%``).

Every value is a ``Decimal`` percent to three places, as the contract scores rates.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal

from protege.evidence.spoken import spoken_rates
from protege.evidence.types import RATE_PLACES, Found, longest_first

# Decimals may be OCR look-alikes of 0 ("4.9O%", "3.5OO%"); the whole part is real digits.
_NUM = r"(?P<num>\d{1,2}(?:\.[\dOo]{1,4})?)"
# A letter may come right before ("Rate8.97%" in text copied from a web page), a digit may not;
# a capital may come right after ("19.99 percentCash advance").
_WITH_PERCENT = re.compile(rf"(?<![\d.$,]){_NUM}\s?(?:%|(?i:percent|per cent)(?![a-z]))")
# A rate a label names without a percent sign ("APR 24.99", "Interest Rate: 6.125"): the label
# is part of the span, so the span alone still reads as a rate. Decimals only: "rate 5" is a
# count as often as a rate.
_LABELLED = re.compile(
    r"(?i:\b(?:apr\b|a\.p\.r\.(?!\w)|interest rate\b|note rate\b|rate\b))"
    r"\s*(?:(?i:is|of)\s+|:\s*|=\s*)?"
    r"(?P<num>\d{1,2}\.\d{1,4})(?![\d%]|\s?(?i:percent))"
)
# A rate under a JSON key that names one ("noteRate": "14.84", "apr": 24.99).
# The key's last word is the rate word: "noteRate", "interest_rate", "purchaseApr"; not
# "separateFee" or "aprilPayment".
_JSON_KEY = re.compile(
    r'"(?:[A-Za-z]*[a-z_])?(?:[Rr]ate|RATE|APR|[Aa]pr)"\s*:\s*"?(?P<num>\d{1,2}(?:\.\d{1,4})?)"?(?![\d.])'
)


def _rate(text: str) -> Decimal:
    digits = text.replace("O", "0").replace("o", "0")
    return Decimal(digits).quantize(RATE_PLACES, rounding=ROUND_HALF_UP)


def find_rates(text: str) -> Iterator[Found]:
    """Every rate the text states, in order of position, overlaps resolved to the longer."""
    found = [Found(m.start(), m.end(), _rate(m.group("num"))) for m in _WITH_PERCENT.finditer(text)]
    for pattern in (_LABELLED, _JSON_KEY):
        found += [Found(m.start(), m.end(), _rate(m.group("num"))) for m in pattern.finditer(text)]
    found += list(spoken_rates(text))
    yield from longest_first((f.start, f.end, f.value) for f in found)
