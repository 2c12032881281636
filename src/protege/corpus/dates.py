"""How dates are written in sources, and relative dates resolved against ``as_of``.

``PLAIN_DATE_STYLES`` are the everyday formats; the rest feed the ``date_formats`` hard case.
A year-less style is only used for dates within a year after ``as_of``, where the contract's
rule (next occurrence on or after ``as_of``) makes it unambiguous.
"""

from __future__ import annotations

import datetime as dt

from protege.corpus.money import number_words

DATE_STYLES: tuple[str, ...] = (
    "long",  # March 4, 2025
    "us_slash",  # 03/04/2025
    "short_month",  # Mar 4, 2025
    "us_slash_short",  # 3/4/25
    "iso",  # 2025-03-04
    "dmy_text",  # 4 March 2025
    "ordinal",  # March 4th, 2025
    "dash_text",  # 04-Mar-2025
    "weekday",  # Tuesday, March 4, 2025
    "month_day",  # March 4 (no year)
    "ordinal_of",  # the 4th of March
)
PLAIN_DATE_STYLES = frozenset({"long", "us_slash", "short_month"})
YEARLESS_STYLES = frozenset({"month_day", "ordinal_of"})


def ordinal(n: int) -> str:
    """1 -> '1st', 22 -> '22nd', 13 -> '13th'."""
    suffix = "th" if 11 <= n % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def fmt_date(day: dt.date, style: str = "long") -> str:
    """Write a date in one of ``DATE_STYLES``."""
    formats = {
        "long": f"{day:%B} {day.day}, {day.year}",
        "us_slash": f"{day:%m/%d/%Y}",
        "short_month": f"{day:%b} {day.day}, {day.year}",
        "us_slash_short": f"{day.month}/{day.day}/{day:%y}",
        "iso": day.isoformat(),
        "dmy_text": f"{day.day} {day:%B} {day.year}",
        "ordinal": f"{day:%B} {ordinal(day.day)}, {day.year}",
        "dash_text": f"{day:%d-%b-%Y}",
        "weekday": f"{day:%A}, {day:%B} {day.day}, {day.year}",
        "month_day": f"{day:%B} {day.day}",
        "ordinal_of": f"the {ordinal(day.day)} of {day:%B}",
    }
    if style not in formats:
        raise ValueError(f"unknown date style {style!r}")
    return formats[style]


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by ``months`` calendar months (negative: back), the day of month clamped
    to 28 so that it exists in every month."""
    month = day.month - 1 + months
    return dt.date(day.year + month // 12, month % 12 + 1, min(day.day, 28))


def months_between(start: dt.date, end: dt.date) -> int:
    """Whole calendar months from ``start`` to ``end`` (never negative)."""
    return max(0, (end.year - start.year) * 12 + end.month - start.month)


def next_occurrence(as_of: dt.date, day_of_month: int) -> dt.date:
    """The first date on or after ``as_of`` whose day of month is ``day_of_month``."""
    year, month = as_of.year, as_of.month
    for _ in range(13):
        try:
            candidate = dt.date(year, month, day_of_month)
        except ValueError:
            candidate = None
        if candidate is not None and candidate >= as_of:
            return candidate
        month += 1
        if month == 13:
            year, month = year + 1, 1
    raise ValueError(f"no day {day_of_month} within a year of {as_of}")


def relative_phrases(day: dt.date, as_of: dt.date) -> list[str]:
    """Phrases that resolve to ``day`` from ``as_of`` under the contract's rules.

    Each follows a verb: "good {phrase}", "valid {phrase}" ("for ten days", "through the 14th",
    "ten days from today", "through this Friday", "through the end of the month", "through the
    5th of next month"). "for N days" means ``as_of + N`` days, as the contract says. Empty when
    ``day`` is not a short way ahead of ``as_of``.
    """
    delta = (day - as_of).days
    phrases: list[str] = []
    if delta == 1:
        phrases.append("through tomorrow")
    elif 2 <= delta <= 60:
        words = number_words(delta)
        phrases += [
            f"for {words} days",
            f"for {delta} days",
            f"{words} days from today",
            f"for the next {words} days",
        ]
    if 0 <= delta <= 27 and next_occurrence(as_of, day.day) == day:
        phrases += [f"through the {ordinal(day.day)}", f"until the {ordinal(day.day)}"]
    if 1 <= delta <= 6:  # the coming weekday: "this Friday" is the first Friday after as_of
        phrases.append(f"through this {day:%A}")
    if delta >= 1 and (day + dt.timedelta(days=1)).month != day.month and day.month == as_of.month:
        phrases.append("through the end of the month")
    if (day.year * 12 + day.month) - (as_of.year * 12 + as_of.month) == 1:
        phrases.append(f"through the {ordinal(day.day)} of next month")
    return phrases
