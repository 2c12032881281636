"""Amounts of money: written with digits (``$1,234.56``, ``1234.56``, ``1,234.56 USD``, ``$1,234``),
scanned with OCR confusions (``S1,2O4.56``), said in words (``protege.evidence.spoken``), or
said as nothing at all ("nothing is past due" states an amount: zero).

Every value is a ``Decimal`` in cents. A bare integer is not an amount (it is a count, a year or
an id) unless a currency word or sign marks it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from protege.evidence.spoken import spoken_amounts
from protege.evidence.types import CENTS, Found, longest_first

# OCR look-alikes inside a number: O/o for 0, l/I for 1, B for 8, S for 5 (and a leading S for
# a "$"). A number's first character is never an S: there it stands for the dollar sign.
_LEAD = "0-9OoIlB"
_OCR_DIGIT = "0-9OoIlBS"
_OCR_FIX = str.maketrans({"O": "0", "o": "0", "I": "1", "l": "1", "B": "8", "S": "5"})
_GROUPED = rf"[1-9OoIlB][{_OCR_DIGIT}]{{0,2}}(?:,[{_OCR_DIGIT}]{{3}})+"
_PLAIN = rf"[{_LEAD}][{_OCR_DIGIT}]*"
_NUMBER = rf"(?:{_GROUPED}|{_PLAIN})(?:\.[{_OCR_DIGIT}]{{2}})?"
# Letters may come right before an amount: text copied from a web page glues a label to its
# value ("Monthly payment$631.80", "Last payment1,805.20 USD"); _digits_number decides.
_MONEY = re.compile(
    r"(?<![\d.,$/])"
    r"(?:(?P<usd>\$\s?|S|USD\s?)-?)?"
    rf"(?P<num>{_NUMBER})"
    r"(?![\d%/_]|[.,]\d)"
    r"(?P<unit>\s?(?i:USD|dollars?|bucks)(?![a-z0-9]))?"  # "1,805.20 USDMar 4": glued text
)
# A run of look-alike letters alone is a word ("Bill", "loo"), not a misread number.
_HAS_DIGIT = re.compile(r"\d")
_ALL_LOOKALIKE_CENTS = re.compile(r"[OoIlBS]{1,3}\.[OoIlBS]{2}")  # "SO.OO": a scanned "$0.00"
# Phrases that state an amount of zero in words: nothing past due, all caught up on payments,
# a past-due label whose value is "None". Each names past due, overdue or the payments.
_ZERO = re.compile(
    r"\b(?:nothing(?: is| was|'s)?(?: currently)? (?:past[- ]due|overdue|delinquent)"
    r"|no (?:amount |balance |payment )?(?:is )?(?:past[- ]due|overdue|delinquent)(?: amount| balance)?"
    r"|not (?:past[- ]due|delinquent|behind on (?:\w+ )?payments|late on (?:any|anything|\w+ payments?))"
    r"|(?:zero|0) past[- ]due"
    r"|all caught up(?: on (?:\w+ )?payments)?|caught up on (?:\w+ )?payments"
    r"|(?:up to date|current) on (?:\w+ )?payments"
    r"|(?:account|loan) is (?:current|in good standing)"
    r"|(?:i|you|he|she|they|we)(?:'m|'re|'s| am| are| is)(?: all)? (?:current|up to date)\b"
    r"(?! (?:balance|rate|address|statement|on (?:your|my|the) (?:address|contact|info)))"
    r"|(?:past[- ]due|overdue|delinquent)(?: amount| balance)?[ \t:|._]*(?:none|n/a|nil)\b)",
    re.IGNORECASE,
)
# A cell that holds only "NONE" or "N/A", on a scanned page whose past-due label sits in the
# other column: a zero only when a past-due label comes shortly before it.
_ZERO_CELL = re.compile(r"(?im)^[ \t|]*(?:none|n/a)[ \t|]*$")
_PAST_DUE_LABEL = re.compile(r"past[- ]?due|overdue|delinquen", re.IGNORECASE)
_CELL_REACH = 300  # characters before the cell in which its label must appear


def _digits_number(text: str, match: re.Match[str]) -> Decimal | None:
    num = match.group("num")
    usd = (match.group("usd") or "").strip()
    if not _HAS_DIGIT.search(num) and not (usd and _ALL_LOOKALIKE_CENTS.fullmatch(num)):
        return None  # look-alike letters alone: a word ("Bill"), not a misread number
    marked = bool(usd) or bool(match.group("unit"))
    glued = match.start() > 0 and text[match.start() - 1].isalpha()
    if usd == "S" and (glued or not re.search(r"[.,]", num)):
        return None  # an S in a word, or before a bare number ("S 12"): a letter, not a "$"
    if glued and usd != "$" and not (num[:1].isdigit() and re.search(r"\.\d\d$", num)):
        return None  # after a letter, only "$..." or a real number with cents is an amount
    after = text[match.end("num") : match.end("num") + 1]
    if after.isalpha() and not (match.group("unit") or re.search(r"\.[\dOoIlBS]{2}$", num)):
        return None  # a letter right after: part of a word or an id, unless cents end it
    if not (marked or "." in num or "," in num):
        return None  # a bare integer is a count, a year or an id
    if "." not in num and not marked:
        return None  # "1,234" without a sign or cents: as likely a count as an amount
    try:
        return Decimal(num.translate(_OCR_FIX).replace(",", "")).quantize(
            CENTS, rounding=ROUND_HALF_UP
        )
    except InvalidOperation:
        return None


def written_amounts(text: str) -> Iterator[Found]:
    """Amounts written with digits (or OCR look-alikes), in order of position."""
    for match in _MONEY.finditer(text):
        value = _digits_number(text, match)
        if value is not None:
            yield Found(match.start(), match.end(), value)


def zero_amounts(text: str) -> Iterator[Found]:
    """Phrases that state an amount of zero without a digit: "nothing is past due"."""
    for match in _ZERO.finditer(text):
        yield Found(match.start(), match.end(), Decimal("0.00"))
    for match in _ZERO_CELL.finditer(text):
        labelled = _PAST_DUE_LABEL.search(text, max(0, match.start() - _CELL_REACH), match.start())
        alone = match.group().strip() == text.strip()  # the cell's own span, read back
        if labelled or alone:
            yield Found(match.start(), match.end(), Decimal("0.00"))


def is_zero_phrase(span: str) -> bool:
    """Whether a money candidate's text is a zero said in words (``zero_amounts``), not a
    written or spoken amount."""
    return bool(_ZERO.fullmatch(span) or _ZERO_CELL.fullmatch(span))


def find_money(text: str) -> Iterator[Found]:
    """Every amount the text states: written, spoken, or implied zero; overlaps resolved in
    favour of the longer span (a spoken amount's words are not also read as digits)."""
    found = [*written_amounts(text), *spoken_amounts(text), *zero_amounts(text)]
    yield from longest_first((f.start, f.end, f.value) for f in found)
