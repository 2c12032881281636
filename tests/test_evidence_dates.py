"""protege.evidence.dates: every date a text states, with exact spans that re-read alone."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from protege.evidence.dates import find_dates, resolve_day_of_month

D = dt.date
TUE = D(2025, 3, 11)  # a Tuesday, mid-month
FRI = D(2025, 3, 14)  # a Friday
SAT = D(2025, 3, 15)  # a Saturday
LATE_DEC = D(2025, 12, 20)
LEAP_FEB = D(2024, 2, 10)

# (text, as_of, [(span text, ISO date), ...]) written for these tests, not copied from sources.
CASES: list[tuple[str, dt.date, list[tuple[str, str]]]] = [
    # absolute, with a year
    ("Your escrow review is set for April 3, 2025.", TUE, [("April 3, 2025", "2025-04-03")]),
    ("closing on Apr 3 2025 at noon", TUE, [("Apr 3 2025", "2025-04-03")]),
    ("funded Apr. 3rd, 2025 by wire", TUE, [("Apr. 3rd, 2025", "2025-04-03")]),
    ("letter dated 3 April 2025", TUE, [("3 April 2025", "2025-04-03")]),
    ("on the 3rd of April, 2025 we", TUE, [("the 3rd of April, 2025", "2025-04-03")]),
    ("Due Date: 04/03/2025", TUE, [("04/03/2025", "2025-04-03")]),
    ("due 4/3/25 per coupon", TUE, [("4/3/25", "2025-04-03")]),
    ("generated 2025-04-03 by system", TUE, [("2025-04-03", "2025-04-03")]),
    ("stamp 2025-04-03T09:15:00Z", TUE, [("2025-04-03", "2025-04-03")]),
    ("EFFECTIVE 03-APR-2025", TUE, [("03-APR-2025", "2025-04-03")]),
    ("EFFECTIVE 9-Apr-25 ONLY", TUE, [("9-Apr-25", "2025-04-09")]),
    ("SENT APR-09-2025 08:12", TUE, [("APR-09-2025", "2025-04-09")]),
    ("mail by 04-03-2025 please", TUE, [("04-03-2025", "2025-04-03")]),
    ("posted 4.3.2025.", TUE, [("4.3.2025", "2025-04-03")]),
    ("Thursday, April 3, 2025 4:02 PM", TUE, [("Thursday, April 3, 2025", "2025-04-03")]),
    ("Thu, 3 Apr 2025 16:02:11 -0400", TUE, [("Thu, 3 Apr 2025", "2025-04-03")]),
    ("due April 3rd 2025", TUE, [("April 3rd 2025", "2025-04-03")]),
    ("due April   3 ,  2025", TUE, [("April   3 ,  2025", "2025-04-03")]),
    ("signed Sept. 30, 2024", TUE, [("Sept. 30, 2024", "2024-09-30")]),
    ("matures 10/01/2049", TUE, [("10/01/2049", "2049-10-01")]),
    ("quote expires 04/03/2025.", TUE, [("04/03/2025", "2025-04-03")]),
    # year-less: the next occurrence on or after as_of
    ("next draft April 3", TUE, [("April 3", "2025-04-03")]),
    ("good until Apr 3rd", TUE, [("Apr 3rd", "2025-04-03")]),
    ("due by the 3rd of April", TUE, [("the 3rd of April", "2025-04-03")]),
    ("statement closes 3 April", TUE, [("3 April", "2025-04-03")]),
    ("pay by 4/3 to avoid a fee", TUE, [("4/3", "2025-04-03")]),
    ("figures good thru 3/20", TUE, [("3/20", "2025-03-20")]),
    ("autopay runs on 12/1", TUE, [("12/1", "2025-12-01")]),
    ("last payment 3/02", TUE, [("3/02", "2026-03-02")]),  # earlier this year: next year's
    ("your draft on March 11", TUE, [("March 11", "2025-03-11")]),  # as_of itself
    ("next due Jan 5", LATE_DEC, [("Jan 5", "2026-01-05")]),
    ("due February 29", LEAP_FEB, [("February 29", "2024-02-29")]),
    ("due February 30", LEAP_FEB, []),  # no such day
    ("the 30th of February", LEAP_FEB, []),
    # relative
    ("I can mail it tomorrow.", TUE, [("tomorrow", "2025-03-12")]),
    ("the balance as of today", TUE, [("today", "2025-03-11")]),
    ("valid through tomorrow only", TUE, [("tomorrow", "2025-03-12")]),
    ("the payment posted yesterday", TUE, [("yesterday", "2025-03-10")]),
    ("it comes out on the 20th", TUE, [("the 20th", "2025-03-20")]),
    ("it comes out on the 5th", TUE, [("the 5th", "2025-04-05")]),
    ("due the twentieth, same as always", TUE, [("the twentieth", "2025-03-20")]),
    ("through the twenty first", TUE, [("the twenty first", "2025-03-21")]),
    ("through the twenty-first.", TUE, [("the twenty-first", "2025-03-21")]),
    ("through the 31st", D(2025, 4, 5), [("the 31st", "2025-05-31")]),
    ("good through the 5th of next month", TUE, [("the 5th of next month", "2025-04-05")]),
    ("due the fifth of next month", TUE, [("the fifth of next month", "2025-04-05")]),
    ("due the 5th of next month", LATE_DEC, [("the 5th of next month", "2026-01-05")]),
    ("we draft next month on the 3rd", TUE, [("next month on the 3rd", "2025-04-03")]),
    ("good through the 25th of this month", TUE, [("the 25th of this month", "2025-03-25")]),
    ("billed on the 8th of each month", TUE, [("the 8th of each month", "2025-04-08")]),
    ("due the first of the month", TUE, [("the first of the month", "2025-04-01")]),
    ("due first of the month", D(2025, 4, 1), [("first of the month", "2025-04-01")]),
    ("starting the first of next month", TUE, [("the first of next month", "2025-04-01")]),
    ("the first day of next month", TUE, [("the first day of next month", "2025-04-01")]),
    ("good to the end of the month", TUE, [("the end of the month", "2025-03-31")]),
    ("quoted to end of this month", TUE, [("end of this month", "2025-03-31")]),
    ("figures run to month-end", TUE, [("month-end", "2025-03-31")]),
    ("figures run to month end", LEAP_FEB, [("month end", "2024-02-29")]),
    ("the last day of the month", TUE, [("the last day of the month", "2025-03-31")]),
    ("good until end of next month", TUE, [("end of next month", "2025-04-30")]),
    ("good until end of next month", LATE_DEC, [("end of next month", "2026-01-31")]),
    # weekdays: "this"/bare = on or after as_of; "next" = that day of the following Mon-Sun week
    ("good through this Friday", TUE, [("this Friday", "2025-03-14")]),
    ("I'll pay it Friday", TUE, [("Friday", "2025-03-14")]),
    ("I'll pay it Friday", FRI, [("Friday", "2025-03-14")]),
    ("send it next Friday", TUE, [("next Friday", "2025-03-21")]),
    ("send it next Friday", FRI, [("next Friday", "2025-03-21")]),
    ("send it next Friday", SAT, [("next Friday", "2025-03-21")]),
    ("by this Friday", SAT, [("this Friday", "2025-03-21")]),
    ("call back Monday", TUE, [("Monday", "2025-03-17")]),
    ("it posted last Friday", TUE, [("last Friday", "2025-03-07")]),
    ("it posted last Friday", FRI, [("last Friday", "2025-03-07")]),
    # counted from as_of
    ("this quote is good for ten days", TUE, [("good for ten days", "2025-03-21")]),
    ("the figure is good for 10 days", TUE, [("good for 10 days", "2025-03-21")]),
    ("valid for 30 days.", TUE, [("valid for 30 days", "2025-04-10")]),
    ("honored for the next fifteen days", TUE, [("for the next fifteen days", "2025-03-26")]),
    ("it holds for twenty-one days", TUE, [("for twenty-one days", "2025-04-01")]),
    ("the quote expires ten days from today", TUE, [("ten days from today", "2025-03-21")]),
    ("we quote 10 days out", TUE, [("10 days out", "2025-03-21")]),
    (
        "valid 14 days from the date of this letter",
        TUE,
        [("14 days from the date of this letter", "2025-03-25")],
    ),
    ("call back in two weeks", TUE, [("in two weeks", "2025-03-25")]),
    ("two weeks from today works", TUE, [("two weeks from today", "2025-03-25")]),
    ("follow up in a week", TUE, [("in a week", "2025-03-18")]),
    ("in ninety days the rate resets", TUE, [("in ninety days", "2025-06-09")]),
    # spoken and scanned
    ("next one is due april twenty third", TUE, [("april twenty third", "2025-04-23")]),
    ("due april third twenty twenty five", TUE, [("april third twenty twenty five", "2025-04-03")]),
    (
        "due April twenty-third, twenty twenty-six",
        TUE,
        [("April twenty-third, twenty twenty-six", "2026-04-23")],
    ),
    (
        "april first two thousand twenty six",
        TUE,
        [("april first two thousand twenty six", "2026-04-01")],
    ),
    ("due march the twenty second", TUE, [("march the twenty second", "2025-03-22")]),
    ("it's due april third twenty five dollars", TUE, [("april third", "2025-04-03")]),
    ("the twenty third of april", TUE, [("the twenty third of april", "2025-04-23")]),
    ("PAID O3/O4/2O25", TUE, [("O3/O4/2O25", "2025-03-04")]),
    ("interest O3/Ol/25 - O3/l4/25", TUE, [("O3/Ol/25", "2025-03-01"), ("O3/l4/25", "2025-03-14")]),
    ("posting dates 03/01-03/14", TUE, [("03/01", "2026-03-01"), ("03/14", "2025-03-14")]),
    # several in one passage: no overlaps, in order
    (
        "Quote dated March 11, 2025, good for ten days (through 3/21); next payment due the 1st.",
        TUE,
        [
            ("March 11, 2025", "2025-03-11"),
            ("good for ten days", "2025-03-21"),
            ("3/21", "2025-03-21"),
            ("the 1st", "2025-04-01"),
        ],
    ),
    # not dates
    ("call us at 555-123-4567", TUE, []),
    ("call 1-800-555-0199 today", TUE, [("today", "2025-03-11")]),
    ("Start time 10:42:07", TUE, []),
    ("storage is $3/day", TUE, []),
    ("a fixed rate of 6 1/8% for the term", TUE, []),
    ("rate 6 1/8 percent", TUE, []),
    ("2021 Outback Wilderness", TUE, []),
    ("support is 24/7", TUE, []),
    ("Springfield IL 62704-1182", TUE, []),
    ("app version 2.10.3", TUE, []),
    ("Account 4410-220-9917", TUE, []),
    ("lien released in ten business days", TUE, []),
    ("for the next 10 business days", TUE, []),
    ("refund within 30 days", TUE, []),
    ("Interest (14 days @ $3.10)", TUE, []),
    ("Date of birth: March 9, 1987", TUE, []),
    ("born march ninth nineteen eighty seven", TUE, []),
    ("born 11/09/1985", TUE, []),
    ("funded 09/2024, 60 months", TUE, []),
    ("paid Mar 1,500 in fees", TUE, []),
    ("the first payment at the new rate", TUE, []),
    ("the second half of the year", TUE, []),
    ("late fees of $25 may apply", TUE, []),
    ("13/45/2025 is not a date", TUE, []),
    ("ratio 0/12 and 12/32", TUE, []),
    ("escrow analysis in October 2025", TUE, []),
    ("ref 1.2.25 build", TUE, []),
    ("FAX P. 1/2", TUE, []),
    ("Page 2/3 of the notice", TUE, []),
]


def _read(text: str, as_of: dt.date) -> list[tuple[str, str]]:
    return [(text[f.start : f.end], str(f.value)) for f in find_dates(text, as_of)]


@pytest.mark.parametrize(("text", "as_of", "expected"), CASES, ids=[c[0][:40] for c in CASES])
def test_finds_each_date_with_its_span(
    text: str, as_of: dt.date, expected: list[tuple[str, str]]
) -> None:
    assert _read(text, as_of) == expected


@pytest.mark.parametrize(("text", "as_of", "expected"), CASES, ids=[c[0][:40] for c in CASES])
def test_each_span_rereads_alone_as_its_value(
    text: str, as_of: dt.date, expected: list[tuple[str, str]]
) -> None:
    for found in find_dates(text, as_of):
        again = list(find_dates(text[found.start : found.end], as_of))
        assert [(f.start, f.end, f.value) for f in again] == [
            (0, found.end - found.start, found.value)
        ]


@pytest.mark.parametrize(("text", "as_of", "expected"), CASES, ids=[c[0][:40] for c in CASES])
def test_spans_are_ordered_and_never_overlap(
    text: str, as_of: dt.date, expected: list[tuple[str, str]]
) -> None:
    found = list(find_dates(text, as_of))
    for before, after in itertools.pairwise(found):
        assert before.end <= after.start
    assert all(isinstance(f.value, dt.date) for f in found)


def test_values_are_case_insensitive() -> None:
    for text in ("APRIL 3, 2025", "april 3, 2025", "ApRiL 3, 2025"):
        assert _read(text, TUE) == [(text, "2025-04-03")]


@pytest.mark.parametrize(
    ("as_of", "day", "expected"),
    [
        (D(2025, 3, 25), 20, D(2025, 4, 20)),
        (D(2025, 3, 20), 20, D(2025, 3, 20)),
        (D(2025, 4, 5), 31, D(2025, 5, 31)),
        (D(2025, 1, 31), 30, D(2025, 3, 30)),
        (D(2025, 12, 15), 3, D(2026, 1, 3)),
        (D(2024, 2, 10), 29, D(2024, 2, 29)),
        (D(2025, 3, 11), 0, None),
        (D(2025, 3, 11), 32, None),
    ],
)
def test_resolve_day_of_month(as_of: dt.date, day: int, expected: dt.date | None) -> None:
    assert resolve_day_of_month(as_of, day) == expected
