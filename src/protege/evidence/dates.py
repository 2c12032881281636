"""Dates a source states, as ``datetime.date``: written ("March 24, 2025", "24-MAR-2025",
"03/24/2025", "2025-03-24", "3/24"), scanned with OCR confusions ("O3/24/2O25"), spoken ("march
twenty fourth twenty twenty five"), or relative to the capture ("tomorrow", "good for ten days",
"the 20th": ``protege.evidence.relative_dates``).

The rules, after the contract:

- A date without a year takes the next occurrence on or after ``as_of`` (within a year: "Feb 29"
  with no leap day in reach is no date).
- A four-digit year is 1990-2099; an earlier one (a birth date, a note signed in 1987) makes the
  whole phrase no date, so "March 9, 1987" is not read as next March 9th. A two-digit year is
  20xx. A spoken year is "twenty twenty-five", "twenty oh five", "two thousand (and) five",
  "nineteen ninety-nine".
- A number pair is a month/day only with month 1-12 and day 1-31, not after "$" or inside a
  longer run of digits, and not before "%" ("6 1/8%" is a rate); "24/7", "555-123-4567",
  "10:42", "09/2024" and ZIP codes are not dates. Only "/" makes a year-less pair ("3/24"):
  "7-10 days", "3.24" and a page count ("Page 1/2") are not dates.
- A day in words is an ordinal ("march twenty fourth"); "march twenty four" is not read. A
  year-less day-first May needs "th" or "of" ("5th May", "5 of May"): "$25 may apply" is not a date.
- Overlapping readings keep the longest span ("Monday, March 24, 2025" over "Monday"), and every
  span re-reads alone as its own value.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

from protege.evidence.relative_dates import (
    CARDINAL_WORDS,
    ORDINAL_WORDS,
    find_relative_dates,
    resolve_day_of_month,
    word_value,
    words_pattern,
)
from protege.evidence.types import Found, longest_first

__all__ = ["find_dates", "resolve_day_of_month"]

_FIRST_YEAR, _LAST_YEAR = 1990, 2099
_MONTHS = {
    name: n
    for n, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}
# The dot is part of the month group so that "Mar." keeps the span tight and still maps by [:3].
_MONTH = (
    r"(?P<mon>(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)(?![a-z])\.?)"
)
_WEEKDAY = (
    r"(?:\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday"
    r"|mon|tues?|wed|thu(?:rs?)?|fri|sat|sun)(?![a-z])\.?,?[ \t]+)?"
)
_SPOKEN_YEAR = (
    rf"(?:twenty|nineteen)[\s-]+(?:o(?:h)?[\s-]+)?{words_pattern(CARDINAL_WORDS)}"
    rf"|two[\s-]+thousand(?:[\s-]+and)?(?:[\s-]+{words_pattern(CARDINAL_WORDS)})?"
)
# A comma may end a line ("March 24,\n2025"); a bare space may not, so that a date closing one
# line of a table does not take a number opening the next.
_YEAR = (
    r"(?P<yp>(?:[ \t]*,\s*|[ \t]+)"
    rf"(?:(?P<y>(?:19|20)\d\d)(?!\d|[.,]\d)|(?P<sy>{_SPOKEN_YEAR})))?"  # not "2024.12"
)
_ORDINAL = words_pattern(ORDINAL_WORDS)
# Digits as OCR misreads them: O/o for 0, l/I for 1 (numeric patterns are case-sensitive).
_N = "[0-9OolI]"
_OCR_FIX = str.maketrans({"O": "0", "o": "0", "l": "1", "I": "1"})

# A month may follow a lower-case letter directly in text copied from a web page, where a label
# runs into its value ("Due dateNov 5, 2025", "Good throughOctober 30").
_GLUED = r"(?:\b|(?-i:(?<=[a-z])(?=[A-Z])))"  # case-sensitive inside the re.I patterns
_MONTH_FIRST = re.compile(
    rf"{_WEEKDAY}{_GLUED}{_MONTH}[ \t]*(?:(?:the[ \t]+)?"
    rf"(?:(?P<d>\d{{1,2}})(?!\d)(?:st|nd|rd|th)?|(?P<dw>{_ORDINAL})))(?![a-z]){_YEAR}",
    re.I,
)
_DAY_FIRST = re.compile(
    rf"{_WEEKDAY}(?:\bthe[ \t]+)?"
    rf"(?:(?<![\w$.,/:-])(?P<d>\d{{1,2}})(?!\d)(?P<suf>st|nd|rd|th)?(?P<of>[ \t]+of)?"
    rf"|\b(?P<dw>{_ORDINAL})[ \t]+of)[ \t]+{_MONTH}{_YEAR}",
    re.I,
)
_DAY_MON_YEAR = re.compile(
    rf"(?<![\d_$.,/-])(?P<d>\d{{1,2}})-{_MONTH}-(?:(?P<y>\d{{4}})|(?P<yy>\d\d))(?![\d-])", re.I
)
_MON_DAY_YEAR = re.compile(
    rf"\b{_MONTH}-(?P<d>\d{{1,2}})-(?:(?P<y>\d{{4}})|(?P<yy>\d\d))(?![\d-])", re.I
)
_NUMERIC = re.compile(
    rf"(?<![\d_$/.])(?P<m>{_N}{{1,2}})(?P<s>[/.-])(?P<d>{_N}{{1,2}})(?P=s)"
    rf"(?:(?P<y>{_N}{{4}})|(?P<yy>{_N}{{2}}))(?![\d_/]|[.-]\d)"  # "7/1/24Escrow": glued text
)
_ISO = re.compile(
    r"(?<![\d_$/.-])(?P<y>(?:19|20)\d\d)(?P<s>[-/])(?P<m>\d{1,2})(?P=s)(?P<d>\d{1,2})"
    r"(?![\d/]|[.-]\d)"  # letters may follow: "2025-03-24T10:00", "2025-03-04Per diem"
)
_MONTH_SLASH_DAY = re.compile(
    rf"(?<![\w$/.])(?P<m>{_N}{{1,2}})/(?P<d>{_N}{{1,2}})"
    r"(?![\w/%]|[.,]\d|[ \t]*(?:%|(?i:percent)\b))"
)
_PATTERNS = (
    _MONTH_FIRST,
    _DAY_FIRST,
    _DAY_MON_YEAR,
    _MON_DAY_YEAR,
    _NUMERIC,
    _ISO,
    _MONTH_SLASH_DAY,
)
# Before a year-less "1/2": a page count ("Page 1/2", "P. 1/2" in a fax header), not a date.
_PAGE = re.compile(r"\b(?:page|pg|p)\.?[ \t]*$", re.I)
# After a year-less "Mar 1": a thousands group ("Mar 1,500"), a decimal, a clock or a percent
# means the number was not a day.
_NOT_A_DAY_TAIL = re.compile(r",\d|\.\d|:\d|[ \t]*%")
# After a spoken year: money words mean the "year" was an amount ("... twenty twenty dollars").
_MONEY_WORDS = re.compile(r"[\s,]*(?:dollars?|bucks|cents?|hundred|thousand|point|percent)\b", re.I)

# A reading: its span and its date, or None for a phrase that is a date-shaped non-date (a year
# out of range, the 31st of April): it keeps its span, so no shorter reading inside it is made.
_Reading = tuple[int, int, dt.date | None]


def _next_occurrence(as_of: dt.date, month: int, day: int) -> dt.date | None:
    for year in (as_of.year, as_of.year + 1):
        try:
            found = dt.date(year, month, day)
        except ValueError:
            continue
        if found >= as_of:
            return found
    return None


def _spoken_year(words: str) -> int | None:
    parts = re.split(r"[\s-]+", words.strip().lower())
    if parts[:2] == ["two", "thousand"]:
        rest = [part for part in parts[2:] if part != "and"]
        return 2000 + (word_value(CARDINAL_WORDS, " ".join(rest)) if rest else 0)
    century = 2000 if parts[0] == "twenty" else 1900
    if parts[1] in ("o", "oh"):
        n = word_value(CARDINAL_WORDS, " ".join(parts[2:]))
        return century + n if n < 10 else None
    n = word_value(CARDINAL_WORDS, " ".join(parts[1:]))
    return century + n if n >= 10 else None


def _ocr_digits(match: re.Match[str]) -> bool:
    """Whether a numeric date is mostly real digits: "O5/O6/2O25" is, "lO/lo" is not."""
    groups = match.groupdict()
    chars = "".join(groups.get(name) or "" for name in ("m", "d", "y", "yy"))
    real = sum(char.isdigit() for char in chars)
    return real >= 2 and real * 2 >= len(chars)


def _read(match: re.Match[str], text: str, as_of: dt.date) -> _Reading | None:
    """The reading of one match: a date, a non-date that keeps its span (None value), or None
    when the match is no date-shaped phrase at all."""
    groups = match.groupdict()
    start, end = match.span()
    if groups.get("m") is not None and not _ocr_digits(match):
        return None
    if (
        groups.get("s") == "-"
        and start >= 2
        and text[start - 1] == "-"
        and text[start - 2].isdigit()
    ):
        return None  # the tail of a hyphenated number ("1-555-12-25"), not a date
    if groups.get("s") == "." and groups.get("yy"):
        return None  # "1.2.25" is a version, not a date
    if match.re is _MONTH_SLASH_DAY and _PAGE.search(text[max(0, start - 8) : start]):
        return None
    month = (
        _MONTHS[groups["mon"][:3].lower()]
        if groups.get("mon")
        else int(groups["m"].translate(_OCR_FIX))
    )
    if groups.get("dw"):
        day = word_value(ORDINAL_WORDS, groups["dw"])
    else:
        day = int(groups["d"].translate(_OCR_FIX))
    year: int | None = None
    if groups.get("y"):
        year = int(groups["y"].translate(_OCR_FIX))
    elif groups.get("yy"):
        year = 2000 + int(groups["yy"].translate(_OCR_FIX))
    elif groups.get("sy"):
        if _MONEY_WORDS.match(text, end):
            end = match.start("yp")  # keep the month and day; the "year" is an amount
        else:
            year = _spoken_year(groups["sy"])
            if year is None:
                end = match.start("yp")
    if year is None:
        if groups.get("mon") and _NOT_A_DAY_TAIL.match(text, end):
            return None
        bare = not (groups.get("suf") or groups.get("of") or groups.get("dw"))
        if match.re is _DAY_FIRST and groups["mon"].lower() == "may" and bare:
            return None  # "$25 may apply": a year-less day-first May needs "of" or "th"
        return start, end, _next_occurrence(as_of, month, day)
    if not _FIRST_YEAR <= year <= _LAST_YEAR:
        return start, end, None
    try:
        return start, end, dt.date(year, month, day)
    except ValueError:
        return start, end, None


def find_dates(text: str, as_of: dt.date) -> Iterator[Found]:
    """Every date ``text`` states, in order of position, none overlapping: written, scanned,
    spoken and relative dates, each resolved against ``as_of`` (the day the source was
    captured). ``text[found.start:found.end]`` alone reads as the same date again."""
    readings: list[_Reading] = []
    for pattern in _PATTERNS:
        for match in pattern.finditer(text):
            reading = _read(match, text, as_of)
            if reading is not None:
                readings.append(reading)
    for hit in find_relative_dates(text, as_of):
        if isinstance(hit.value, dt.date):
            readings.append((hit.start, hit.end, hit.value))
    yield from longest_first(readings)
