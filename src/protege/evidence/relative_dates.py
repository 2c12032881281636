"""Dates stated relative to the day a source was captured (``as_of``): "tomorrow", "good for ten
days", "in two weeks", "the 20th", "the fifth of next month", "end of the month", "this Friday".

The contract fixes the main rules: a date without a year or month takes the next occurrence on or
after ``as_of``, and "good for N days" means ``as_of + N days``. The forms it leaves open are
settled here, once:

- "the 20th", "the 20th of the month" (or "of each month"): the next 20th on or after ``as_of``;
  "the 20th of this month": the 20th of ``as_of``'s month, even when that is past (the text says
  which month); "the 20th of next month" and "next month on the 20th": the month after.
- "end of the month", "month-end", "the last day of the month": the last day of ``as_of``'s
  month; "end of next month": the last day of the month after.
- "Friday", "this Friday", "coming Friday": the first Friday on or after ``as_of`` (``as_of``
  itself when it is a Friday). "next Friday": the Friday of the week after ``as_of``'s (weeks run
  Monday to Sunday), which is what most speakers mean on a Monday and still a real date on a
  Saturday. "last Friday": the latest Friday strictly before ``as_of``.
- "N days" is a date only with a cue that counts from the capture: "[good|valid] for [the next]
  N days" (a quote "for 14 days" runs 14 days from ``as_of``, as the contract reads "good for N
  days"), "in N days", "N days from today", "N days out". "within 30 days", "(14 days)" and any
  "business days" are durations, not dates (business days depend on a holiday calendar).

Also the small number-word tables the date readers share: day ordinals ("twenty-first") and
cardinals 1-99 ("thirty", for counts of days and spoken years). Amounts and rates said in words
are ``protege.evidence.spoken``'s.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable, Iterator

from protege.evidence.types import Found

_UNITS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_TEENS = (
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
)
_TENS = ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_ORDINAL_UNITS = (
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
)
_ORDINAL_TEENS = (
    "tenth",
    "eleventh",
    "twelfth",
    "thirteenth",
    "fourteenth",
    "fifteenth",
    "sixteenth",
    "seventeenth",
    "eighteenth",
    "nineteenth",
)


def _cardinals() -> dict[str, int]:
    table = {word: n for n, word in enumerate(_UNITS + _TEENS, start=1)}
    for tens, word in enumerate(_TENS, start=2):
        table[word] = tens * 10
        table.update({f"{word} {unit}": tens * 10 + n for n, unit in enumerate(_UNITS, start=1)})
    return table


def _ordinals() -> dict[str, int]:
    table = {word: n for n, word in enumerate(_ORDINAL_UNITS + _ORDINAL_TEENS, start=1)}
    table["twentieth"] = 20
    table.update({f"twenty {word}": 20 + n for n, word in enumerate(_ORDINAL_UNITS, start=1)})
    table.update({"thirtieth": 30, "thirty first": 31})
    return table


CARDINAL_WORDS: dict[str, int] = _cardinals()
"""Cardinal words 1-99, keyed with single spaces: ``"twenty five": 25``."""
ORDINAL_WORDS: dict[str, int] = _ordinals()
"""Ordinal words for the days of a month, 1-31, keyed with single spaces: ``"twenty first": 21``."""


def words_pattern(table: dict[str, int]) -> str:
    """A regex alternation of ``table``'s keys, longest first (so "twenty five" is not read as
    "twenty"), with spaces or hyphens between the words ("twenty-five", ASR's "twenty five")."""
    keys = sorted(table, key=len, reverse=True)
    return "(?:" + "|".join(key.replace(" ", r"[\s-]+") for key in keys) + r")(?![a-z])"


def word_value(table: dict[str, int], words: str) -> int:
    """The number ``words`` (matched by :func:`words_pattern`) stands for."""
    return table[" ".join(re.split(r"[\s-]+", words.strip().lower()))]


def add_months(year: int, month: int, months: int) -> tuple[int, int]:
    """``(year, month)`` moved ``months`` later."""
    index = year * 12 + month - 1 + months
    return index // 12, index % 12 + 1


def month_day(year: int, month: int, day: int) -> dt.date | None:
    """The date, or None when that month has no such day (the 31st of April)."""
    if 1 <= day <= calendar.monthrange(year, month)[1]:
        return dt.date(year, month, day)
    return None


def resolve_day_of_month(as_of: dt.date, day: int) -> dt.date | None:
    """The first date on or after ``as_of`` whose day of the month is ``day`` ("the 20th" said on
    the 25th of March is April 20th; "the 31st" said on April 5th is May 31st); None when no
    month in the next twelve has that day (day 0 or 32)."""
    for step in range(13):
        found = month_day(*add_months(as_of.year, as_of.month, step), day)
        if found is not None and found >= as_of:
            return found
    return None


_CARDINAL = words_pattern(CARDINAL_WORDS)
_ORDINAL = words_pattern(ORDINAL_WORDS)
_DAY = rf"(?:(?P<digits>\d{{1,2}})(?:st|nd|rd|th)\b|(?P<words>{_ORDINAL}))"
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# Words after "the first" that make it an ordinal of something else ("the first payment").
_NOT_A_DAY_AFTER = (
    "payments?|installments?|times?|party|parties|ones?|pages?|lines?|liens?|loans?|mortgages?"
    "|years?|months?|weeks?|days?|quarters?|half|steps?|options?|items?|persons?|people|place"
    "|calls?|letters?|notices?|statements?|bills?|periods?|drafts?|attempts?|numbers?|digits?"
    "|cards?|accounts?|borrowers?|owners?|floor|rate|change|adjustment"
)
_COUNT = rf"(?P<n>\d{{1,3}}|{_CARDINAL}|an?\b)"
_FROM_CAPTURE = (
    r"from\s+(?:today|now|the\s+date\s+of\s+this\s+(?:letter|notice|statement|quote)"
    r"|this\s+(?:letter|notice|statement|quote)|the\s+(?:letter|notice|statement|quote)\s+date)"
    r"|after\s+today|out"
)

_TODAY = re.compile(r"\b(?P<word>today|tomorrow|yesterday)\b", re.I)
_COUNTED = re.compile(
    rf"(?:(?P<lead>\b(?:(?:good|valid)\s+)?for\s+(?:the\s+)?(?:next\s+)?|\bin\s+)|\b){_COUNT}"
    rf"\s+(?:calendar\s+)?(?P<unit>days?|weeks?)\b(?P<tail>\s+(?:{_FROM_CAPTURE})\b)?",
    re.I,
)
_OF_MONTH = re.compile(
    rf"\b(?:the\s+)?{_DAY}\s+(?:day\s+)?of\s+"
    r"(?P<which>the|this|next|each|every|the\s+following)\s+month\b",
    re.I,
)
_NEXT_MONTH_ON = re.compile(rf"\bnext\s+month\s+on\s+the\s+{_DAY}", re.I)
_THE_DAY = re.compile(
    # Only what follows on the same line can make it something else: in a transcript the next
    # line often starts with a timestamp ("due the 25th\n0:58 ...").
    rf"\bthe\s+{_DAY}(?![ \t]+(?:of|{_NOT_A_DAY_AFTER}|{_CARDINAL})\b|[ \t-]*\d)",
    re.I,
)
_MONTH_END = re.compile(
    r"\b(?:(?:the\s+)?(?:end|last(?:\s+day)?)\s+of\s+(?:the\s+|this\s+)?(?P<next>next\s+)?month"
    r"|month[\s-]end)\b",
    re.I,
)
_WEEKDAY = re.compile(
    rf"\b(?:(?P<q>this(?:\s+coming)?|coming|next|last)\s+)?(?P<wd>{'|'.join(_WEEKDAYS)})\b", re.I
)


def _day(match: re.Match[str]) -> int:
    digits = match.group("digits")
    return int(digits) if digits else word_value(ORDINAL_WORDS, match.group("words"))


def _today(match: re.Match[str], as_of: dt.date) -> dt.date | None:
    shift = {"today": 0, "tomorrow": 1, "yesterday": -1}[match.group("word").lower()]
    return as_of + dt.timedelta(days=shift)


def _counted(match: re.Match[str], as_of: dt.date) -> dt.date | None:
    if not (match.group("lead") or match.group("tail")):
        return None  # a bare duration ("(14 days)", "within 30 days") is not a date
    count = match.group("n").lower()
    if count.isdigit():
        n = int(count)
    else:
        n = 1 if count in ("a", "an") else word_value(CARDINAL_WORDS, count)
    if not 1 <= n <= 366:
        return None
    days = n * 7 if match.group("unit").lower().startswith("week") else n
    return as_of + dt.timedelta(days=days)


def _of_month(match: re.Match[str], as_of: dt.date) -> dt.date | None:
    which = match.group("which").lower()
    if which == "this":
        return month_day(as_of.year, as_of.month, _day(match))
    if which == "next" or which.endswith("following"):
        return month_day(*add_months(as_of.year, as_of.month, 1), _day(match))
    return resolve_day_of_month(as_of, _day(match))


def _next_month_on(match: re.Match[str], as_of: dt.date) -> dt.date | None:
    return month_day(*add_months(as_of.year, as_of.month, 1), _day(match))


def _the_day(match: re.Match[str], as_of: dt.date) -> dt.date | None:
    return resolve_day_of_month(as_of, _day(match))


def _month_end(match: re.Match[str], as_of: dt.date) -> dt.date | None:
    year, month = add_months(as_of.year, as_of.month, 1 if match.group("next") else 0)
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _weekday(match: re.Match[str], as_of: dt.date) -> dt.date | None:
    target = _WEEKDAYS.index(match.group("wd").lower())
    qualifier = (match.group("q") or "").lower()
    if qualifier == "next":
        monday_next_week = as_of + dt.timedelta(days=7 - as_of.weekday())
        return monday_next_week + dt.timedelta(days=target)
    if qualifier == "last":
        return as_of - dt.timedelta(days=(as_of.weekday() - target) % 7 or 7)
    return as_of + dt.timedelta(days=(target - as_of.weekday()) % 7)


_Resolver = Callable[[re.Match[str], dt.date], dt.date | None]
_READERS: tuple[tuple[re.Pattern[str], _Resolver], ...] = (
    (_TODAY, _today),
    (_COUNTED, _counted),
    (_OF_MONTH, _of_month),
    (_NEXT_MONTH_ON, _next_month_on),
    (_THE_DAY, _the_day),
    (_MONTH_END, _month_end),
    (_WEEKDAY, _weekday),
)


def find_relative_dates(text: str, as_of: dt.date) -> Iterator[Found]:
    """Every relative date in ``text`` resolved against ``as_of``, reader by reader. Hits may
    overlap (both "ten days from today" and "today"): ``protege.evidence.dates.find_dates``
    keeps the longest."""
    for pattern, resolve in _READERS:
        for match in pattern.finditer(text):
            value = resolve(match, as_of)
            if value is not None:
                yield Found(match.start(), match.end(), value)
