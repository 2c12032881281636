"""Shared pieces of written messages (emails and chats): who writes, when, and small phrasings.

Private to the ``email`` and ``chat`` kinds. Nothing here writes a contract value except
``relative_due`` (which records the due date like any ``Draft`` method); everything else is
context: senders, timestamps, signatures, typos, misquoted figures, another account.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from collections.abc import Callable
from decimal import Decimal

from protege.corpus.dates import ordinal
from protege.corpus.draft import Draft

COLLEAGUES = (
    "Jordan Baker",
    "Alicia Kim",
    "Priya Shah",
    "Marcus Lee",
    "Dana Whitfield",
    "Sam Ortiz",
)
ADVISOR_NAMES = ("Raj", "Karen", "Mr. Dawson", "Ms. Ellison", "Tom", "Beth", "Luis", "Denise")
TIME_ZONES = ("-0500", "-0600", "-0700", "-0800", "-0400")


def domain(name: str) -> str:
    """A plausible mail domain for a lender: 'Summit Auto Finance' -> 'summitauto.com'."""
    words = [re.sub(r"[^a-z]", "", w.lower()) for w in name.split()]
    words = [w for w in words if w and w not in ("co", "the")]
    return "".join(words[:2]) + ".com"


def borrower_address(d: Draft) -> str:
    """The borrower's personal email address."""
    first, last = d.s.borrower_first.lower(), re.sub(r"[^a-z]", "", d.s.borrower_last.lower())
    user = d.pick(
        f"{first}.{last}",
        f"{first[0]}{last}",
        f"{first}{last}{d.rng.randint(1, 99)}",
        f"{last}.{first}",
    )
    return f"{user}@{d.pick('gmail.com', 'yahoo.com', 'outlook.com', 'icloud.com', 'aol.com')}"


def header_date(day: dt.date, rng: random.Random, hours: tuple[int, int] = (7, 19)) -> str:
    """A mail header date on ``day`` (hour within ``hours``), in one of the common client
    formats."""
    hour, minute = rng.randint(*hours), rng.randint(0, 59)
    twelve = f"{(hour - 1) % 12 + 1}:{minute:02d} {'AM' if hour < 12 else 'PM'}"
    return rng.choice(
        (
            f"{day:%a}, {day.day} {day:%b %Y} {hour:02d}:{minute:02d}:{rng.randint(0, 59):02d} {rng.choice(TIME_ZONES)}",
            f"{day:%A}, {day:%B} {day.day}, {day.year} {twelve}",
            f"{day:%a}, {day:%b} {day.day}, {day.year} at {twelve}",
            f"{day.month}/{day.day}/{day.year} {twelve}",
        )
    )


def mail_headers(d: Draft, sender: str, subject: str) -> list[str]:
    """From/To/Date/Subject lines in a varied order and style."""
    name = d.lender
    frm = d.pick(
        f"{name} <{sender}@{domain(name)}>",
        f"{sender}@{domain(name)}",
        f'"{name}" <{sender}@{domain(name)}>',
    )
    lines = [f"From: {frm}", f"To: {borrower_address(d)}", f"Subject: {subject}"]
    if d.chance(0.7):
        lines.insert(d.pick(1, 2, 3), f"{d.pick('Date', 'Sent')}: {header_date(d.s.as_of, d.rng)}")
    return [*lines, ""]


def relative_due(d: Draft) -> str | None:
    """The next due date said relative to ``as_of`` ("the 15th", "in 5 days", "tomorrow"),
    recorded; None when that would not resolve to it (write the date instead)."""
    due, as_of = d.s.next_payment_due_date, d.s.as_of
    delta = (due - as_of).days
    if not 0 < delta <= 27 or due.day == as_of.day:
        return None
    if delta == 1:
        surface = "tomorrow"
    elif delta <= 10 and d.chance(0.4):
        surface = f"in {delta} days"
    else:
        surface = f"the {ordinal(due.day)}"
    d.tag("relative_date")
    return d.state("next_payment_due_date", surface, "relative")


def due_text(d: Draft, relative_p: float = 0.3, style: str | None = None) -> str:
    """The next due date, relative when possible with probability ``relative_p``, else a date.
    The caller has checked ``d.says('next_payment_due_date')``."""
    if d.chance(relative_p):
        phrase = relative_due(d)
        if phrase:
            return phrase
    return d.date("next_payment_due_date", style)


def good_through_text(d: Draft, relative_p: float = 0.3, style: str | None = None) -> str:
    """'good through <date>' or 'good for ten days', with the verb chosen by the caller's text.
    The caller has checked ``d.says('payoff_good_through')``."""
    verb = d.pick("good", "valid", "good", "good")
    if d.chance(relative_p):
        phrase = d.relative_date("payoff_good_through")
        if phrase:
            return f"{verb} {phrase}"
    return f"{verb} {d.pick('through', 'through', 'thru', 'until')} {d.date('payoff_good_through', style)}"


def misstate(value: Decimal, rng: random.Random) -> Decimal:
    """A plausible slip on ``value``: two digits swapped, or off by a round amount."""
    text = f"{value:.2f}"
    whole = text.split(".")[0]
    swaps = [i for i in range(len(whole) - 1) if whole[i] != whole[i + 1]]
    if swaps and rng.random() < 0.6:
        i = rng.choice(swaps)
        chars = list(text)
        chars[i], chars[i + 1] = chars[i + 1], chars[i]
        wrong = Decimal("".join(chars))
    else:
        step = (
            Decimal(rng.choice((10, 100, 100, 1000)))
            if value >= 1000
            else Decimal(rng.choice((1, 10)))
        )
        wrong = value + step if rng.random() < 0.5 or value <= step else value - step
    return wrong if wrong != value and wrong > 0 else value + Decimal(100)


def misread_digits(digits: str, rng: random.Random) -> str:
    """The last four digits as a caller might misread them (two swapped, or one changed)."""
    chars = list(digits)
    pairs = [i for i in range(3) if chars[i] != chars[i + 1]]
    if pairs:
        i = rng.choice(pairs)
        chars[i], chars[i + 1] = chars[i + 1], chars[i]
    else:
        chars[3] = str((int(chars[3]) + rng.randint(1, 8)) % 10)
    return "".join(chars)


def typos(text: str, rng: random.Random, rate: float = 0.06, keep: tuple[str, ...] = ()) -> str:
    """Casual typing: swapped letters in some longer words; digits, symbols and the words of
    ``keep`` (recorded surfaces such as the product name) untouched."""
    kept = {w for phrase in keep for w in phrase.split()}
    out = []
    for word in text.split(" "):
        if len(word) >= 5 and word.isalpha() and word not in kept and rng.random() < rate:
            i = rng.randrange(1, len(word) - 2)
            word = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
        out.append(word)
    return " ".join(out)


def other_account(d: Draft) -> tuple[str, str] | None:
    """Another account of the same borrower: (product name, 'ending in 1234'), tagged; or None
    when its number would clash with the account in question."""
    s = d.s
    if s.other_account_last4 == s.last4:
        return None
    d.tag("other_account")
    return s.other_account_product, d.pick(
        f"ending in {s.other_account_last4}",
        f"ending {s.other_account_last4}",
        f"x{s.other_account_last4}",
    )


def other_account_balance(d: Draft) -> str:
    """The other account's balance, written as a distractor."""
    return d.fmt(d.s.other_account_balance)


def collateral_phrase(d: Draft) -> str | None:
    """What secures or relates to the loan (vehicle, property, school), when the type may be
    said; None otherwise."""
    s = d.s
    if not s.collateral or not d.says("liability_type"):
        return None
    if s.liability_type == "auto_loan":
        return d.pick(f"your {s.collateral}", f"the {s.collateral}", f"{s.collateral}")
    if s.liability_type == "mortgage":
        return f"the property at {s.collateral}"
    if s.liability_type == "student_loan":
        return f"your loan for {s.collateral}"
    return None


def clock(rng: random.Random, twelve_hour: bool | None = None) -> Callable[[int], str]:
    """A chat clock starting at a random business-hours minute; ``tick(seconds)`` advances it
    and returns the time ('2:14 PM' or '14:14')."""
    state = {"t": rng.randint(8 * 3600, 19 * 3600)}
    use_12 = rng.random() < 0.7 if twelve_hour is None else twelve_hour

    def tick(seconds: int = 0) -> str:
        state["t"] += seconds + rng.randint(0, max(1, seconds // 2))
        hour, minute = divmod(state["t"] // 60, 60)
        hour %= 24
        if use_12:
            return f"{(hour - 1) % 12 + 1}:{minute:02d} {'AM' if hour < 12 else 'PM'}"
        return f"{hour:02d}:{minute:02d}"

    return tick


def phone(rng: random.Random) -> str:
    """A toll-free customer-service number."""
    return f"1-{rng.choice(('800', '888', '877', '866'))}-{rng.randint(200, 999)}-{rng.randint(1000, 9999)}"
