"""Shared chrome of servicer documents: portal page furniture and letter furniture.

Private to the ``portal`` and ``payoff_letter`` kinds. Nothing here writes a contract value
except ``product_label`` and ``account_ref`` (which record through the ``Draft`` like any of its
methods); the rest is context a reader must look past: cookie banners, menus, footers, addresses,
wire and reference numbers (never ending in the account's last four digits).
"""

from __future__ import annotations

import datetime as dt
import textwrap
from decimal import Decimal

from protege.corpus import names
from protege.corpus.dates import fmt_date
from protege.corpus.draft import PRODUCT_WORDS, Draft
from protege.corpus.money import fmt_money
from protege.corpus.scenario import random_digits

# money styles that sit well in a table cell or a key/value row (no "dollars" suffix)
CELL_MONEY = ("usd", "usd", "usd", "usd_nocomma", "commas", "usd_space")
# account-number styles that fit after a label such as "Loan #"
NUMBER_STYLES = ("masked", "stars", "x", "full")
BANKS = (
    "Harborline National Bank",
    "Second Federal Trust",
    "Midland Commerce Bank",
    "Plains State Bank",
)


def product_label(d: Draft, case: str = "title") -> str:
    """Name the product in a heading ("Auto Loan", "MORTGAGE"): records ``liability_type``,
    or gives a neutral word when it is withheld."""
    if not d.says("liability_type"):
        word = d.product()  # a neutral word that records nothing
        return word.upper() if case == "upper" else word.title()
    word = d.pick(*PRODUCT_WORDS[d.s.liability_type])
    word = {"title": word.title(), "upper": word.upper(), "lower": word}[case]
    return d.product(word)


def account_ref(d: Draft, *styles: str) -> str | None:
    """The account number in one of ``styles`` (recorded), or None when it must stay unsaid."""
    if not d.says("account_last4"):
        return None
    return d.last4(d.pick(*(styles or NUMBER_STYLES)))


def digits(d: Draft, n: int) -> str:
    """A random number of ``n`` digits (wire account, NMLS id, reference) whose last four are
    never the account's."""
    while True:
        out = random_digits(d.rng, n)
        if out[-4:] != d.s.last4:
            return out


def phone(d: Draft) -> str:
    """A toll-free number in one of the usual spellings."""
    area = d.pick("800", "866", "877", "888")
    line = f"01{d.rng.randint(0, 99):02d}"
    return d.pick(f"1-{area}-555-{line}", f"({area}) 555-{line}", f"{area}.555.{line}")


def street(d: Draft) -> str:
    """A street address line."""
    return f"{d.rng.randint(100, 9899)} {d.pick(*names.STREETS)}"


def city_line(d: Draft, zip_code: str | None = None) -> str:
    """'Tempe, AZ 85281' (a random ZIP unless given)."""
    city, state = d.pick(*names.CITIES)
    return f"{city}, {state} {zip_code or digits(d, 5)}"


def borrower_block(d: Draft) -> list[str]:
    """The borrower's name and mailing address, as on an envelope window."""
    s = d.s
    name = d.pick(s.borrower, s.borrower.upper(), f"{s.borrower_first[0]}. {s.borrower_last}")
    return [name, street(d), city_line(d, s.zip_code)]


def recent(d: Draft, low: int, high: int) -> dt.date:
    """A day shortly before ``as_of`` (a last login, a request date)."""
    return d.s.as_of - dt.timedelta(days=d.rng.randint(low, high))


def last_paid(d: Draft) -> Decimal:
    """The last payment received. A loan's equals its regular payment, so where that payment
    is withheld the borrower is shown paying extra, and the payment stays unsaid."""
    s = d.s
    if s.liability_type == "credit_card" or "next_payment_amount" not in d.withheld:
        return s.last_payment_amount
    return s.last_payment_amount + Decimal(d.pick(25, 50, 100, 150))


def marketing_offer(d: Draft) -> str:
    """A cross-sell banner: an amount the borrower could borrow or a promotional APR range.
    Neither is the account's; both are distractors (tagged)."""
    d.tag("distractor_amounts")
    lo = Decimal(d.rng.randint(1799, 2499)) / 100  # an APR range that is never the account's
    while d.s.interest_rate in (lo - 10, lo, lo + 8):
        lo += Decimal("0.25")
    span = f"{lo}% to {lo + 8}%" if d.chance(0.5) else f"{lo}%-{lo + 8}%"
    up_to = Decimal(d.pick(5000, 10000, 15000, 25000, 35000, 40000))
    months = d.pick(12, 15, 18, 21)
    return d.pick(
        f"Special offer: 0% intro APR on balance transfers for {months} months, then a variable APR of {span}. A {d.pick(3, 4, 5)}% fee applies to each transfer.",
        f"Pre-qualified! Borrow up to {d.pick(fmt_money(up_to, 'usd'), f'${up_to:,.0f}')} for a home project or debt consolidation. Rates as low as {lo - 10}% APR with autopay. [See my offer]",
        f"Need a little extra? Members like you may be eligible for up to {fmt_money(up_to, 'usd')}. Checking your rate won't affect your credit score.",
        f"Transfer a balance and pay 0% for {months} billing cycles (then {span} variable). Offer ends soon.",
    )


def cookie_banner(d: Draft) -> str:
    """A cookie-consent banner as it lands in scraped page text."""
    return d.pick(
        'We use cookies to improve your experience and analyze site traffic. By clicking "Accept all", '
        "you agree to the storing of cookies on your device.\nCookie settings   Reject all   Accept all",
        "This site uses cookies. Some are essential; others help us understand how you use the site. "
        "See our Cookie Policy.\n[ Manage preferences ]  [ Accept all ]",
        "Your privacy choices\nWe and our partners use cookies and similar technologies for security, "
        "analytics and personalization.\nAccept All Cookies | Necessary Only | Customize",
        "🍪 We use cookies to make online banking work. Accept all  ×",
    )


def nav_menu(d: Draft) -> str:
    """A top navigation menu."""
    return d.pick(
        "Skip to main content\nHome   Accounts   Payments   Statements & Documents   Help   Sign out",
        "☰ Menu\nOverview | Make a Payment | AutoPay | Documents | Messages | Profile | Log off",
        "MY ACCOUNTS ▾   PAY ▾   TRANSFER   DOCUMENTS   SUPPORT   SIGN OUT",
        "Dashboard\nPayments\nStatements\nAccount Services\nContact Us\nLog Out",
        "Home > Accounts > Account summary",
    )


def greeting(d: Draft) -> str:
    """The signed-in greeting."""
    first = d.s.borrower_first
    return d.pick(
        f"Welcome back, {first}",
        f"Good {d.pick('morning', 'afternoon', 'evening')}, {first}",
        f"Hi {first}!",
        f"Hello, {d.s.borrower.upper()}",
        f"Signed in as {first[0]}. {d.s.borrower_last}",
    )


def last_login(d: Draft) -> str:
    """'Last login: Feb 18, 2025 at 7:42 PM ET'."""
    day = fmt_date(recent(d, 1, 20), d.pick("short_month", "us_slash", "long"))
    hour, minute = d.rng.randint(1, 12), d.rng.randint(0, 59)
    return f"Last {d.pick('login', 'sign-in', 'visit')}: {day} at {hour}:{minute:02d} {d.pick('AM', 'PM')} ET"


def footer(d: Draft) -> str:
    """Legal small print at the bottom of a page."""
    year, name = d.s.as_of.year, d.lender
    parts = [f"© {year} {name}. All rights reserved."]
    parts.append(
        d.pick(
            "Privacy | Terms of Use | Accessibility | Site Map",
            "Privacy Policy  ·  Terms  ·  Security  ·  Careers",
            "Privacy   Terms   Your Privacy Choices",
        )
    )
    if d.chance(0.6):
        parts.append(f"NMLS ID #{digits(d, d.pick(6, 7))}")
    if d.chance(0.4):
        parts.append(
            d.pick(
                "Equal Housing Lender.",
                "Member FDIC. Equal Housing Lender.",
                "Federally insured by NCUA.",
            )
        )
    if d.chance(0.5):
        parts.append(
            d.pick(
                "Account information is provided for convenience and may not reflect transactions "
                "that have not yet posted.",
                "This communication is from a debt collector. Any information obtained will be used for that purpose.",
                "Balances shown are as of the close of the previous business day.",
                "Online payments received after 8:00 PM ET are credited the next business day.",
            )
        )
    return "\n".join(parts)


def keep_wrap(d: Draft, text: str, width: int) -> str:
    """Hard-wrap ``text`` at ``width`` as a copied page does, never inside a stated value
    (the evidence surfaces recorded so far stay on one line)."""
    glue = "\x00"
    for item in d.evidence:
        if " " in item.surface:
            text = text.replace(item.surface, item.surface.replace(" ", glue))
    lines = textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False)
    return "\n".join(lines).replace(glue, " ")


# date styles that fit a table cell or a key/value row
CELL_DATES = (
    "long",
    "us_slash",
    "us_slash",
    "short_month",
    "us_slash_short",
    "iso",
    "dash_text",
    "month_day",
)


def stated(d: Draft, *keys: str) -> bool:
    """Whether every key has been written into this source (so values derived from them, such
    as available credit = limit - balance, reveal nothing unrecorded)."""
    return all(key in d.fields for key in keys)


def pairs_block(d: Draft, pairs: list[tuple[str, str]], layout: str | None = None) -> str:
    """Key/value rows: 'Label: value', tab-separated, label and value on separate lines, padded
    columns (a copied details panel), or dot leaders and right-aligned amounts (a printed letter)."""
    layout = layout or d.pick("colon", "tab", "stacked", "padded")
    width = max((len(label) for label, _ in pairs), default=0) + d.rng.randint(2, 8)
    right = max((len(value) for _, value in pairs), default=0) + 2
    rows = {
        "colon": [f"{label}: {value}" for label, value in pairs],
        "tab": [f"{label}\t{value}" for label, value in pairs],
        "stacked": [f"{label}\n{value}" for label, value in pairs],
        "padded": [f"{label:<{width}}{value}" for label, value in pairs],
        "dots": [f"{label} {'.' * (width - len(label))} {value}" for label, value in pairs],
        "right": [f"{label:<{width}}{value:>{right}}" for label, value in pairs],
    }[layout]
    return "\n".join(rows)
