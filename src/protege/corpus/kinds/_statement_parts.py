"""Pieces shared by the statement templates: document styles, headers, titles, account
references, past-due wording, payment splits and the other-account line.

Every helper that states a contract value does so through the ``Draft`` (so it is recorded) and
checks ``d.says`` first; helpers that write figures which are not record values use ``d.fmt``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from protege.corpus import names
from protege.corpus.dates import YEARLESS_STYLES, add_months, fmt_date, months_between
from protege.corpus.draft import Draft
from protege.corpus.kinds._layout import ocr_safe
from protege.corpus.money import cents, fmt_money, fmt_rate

D = Decimal
ZERO = D(0)

_TITLES: dict[str, tuple[str, ...]] = {
    "mortgage": (
        "Mortgage Statement", "Monthly Mortgage Statement", "Home Loan Statement",
        "Mortgage Loan Statement", "Mortgage Account Statement",
    ),
    "auto_loan": (
        "Auto Loan Statement", "Vehicle Loan Statement", "Monthly Auto Loan Statement",
        "Auto Financing Statement", "Retail Installment Contract Statement",
    ),
    "credit_card": (
        "Credit Card Statement", "Card Account Statement", "Credit Card Account Summary",
        "Credit Card Billing Statement",
    ),
    "student_loan": (
        "Student Loan Statement", "Education Loan Statement", "Private Student Loan Statement",
        "Student Loan Billing Statement",
    ),
    "personal_loan": (
        "Personal Loan Statement", "Personal Installment Loan Statement",
        "Signature Loan Statement", "Personal Loan Billing Statement",
    ),
}  # fmt: skip
_NOUNS: dict[str, tuple[str, ...]] = {
    "mortgage": ("mortgage", "mortgage loan", "home loan"),
    "auto_loan": ("auto loan", "vehicle loan", "car loan"),
    "credit_card": ("credit card", "card account", "credit card account"),
    "student_loan": ("student loan", "education loan"),
    "personal_loan": ("personal loan", "personal installment loan", "signature loan"),
}


_MONEY_STYLES = (
    "usd", "usd", "usd", "usd", "usd_space", "usd_nocomma", "commas", "commas", "plain",
    "usd_suffix",
)  # fmt: skip
_DATE_STYLES = (
    "us_slash", "us_slash", "us_slash", "long", "short_month", "us_slash_short", "dash_text",
    "iso", "dmy_text",
)  # fmt: skip


def money_style(d: Draft) -> str:
    """One money style for a whole document (printed statements are consistent)."""
    return d.pick(*_MONEY_STYLES)


def date_style(d: Draft) -> str:
    """One date style for a document's tables and headers."""
    return d.pick(*_DATE_STYLES)


def fd(day: dt.date, style: str) -> str:
    """A date that is not a record value, in the document's style (never year-less)."""
    return fmt_date(day, "long" if style in YEARLESS_STYLES else style)


def due_text(d: Draft, style: str) -> str:
    """Write the next due date (mostly in the document's style)."""
    if d.chance(0.15):
        style = d.pick("month_day", "ordinal", "weekday", "long", "ordinal_of")
    return d.date("next_payment_due_date", style)


def title(d: Draft, upper: bool = False, neutral: str = "Account Statement") -> str:
    """The document title, naming the product (records ``liability_type``) unless withheld."""
    if not d.says("liability_type"):
        return neutral.upper() if upper else neutral
    word = d.pick(*_TITLES[d.s.liability_type])
    return d.product(word.upper() if upper else word)


def noun(d: Draft, cap: bool = False) -> str:
    """The product named in prose ("your auto loan"); "loan"/"account" when withheld."""
    if not d.says("liability_type"):
        word = d.product()  # a neutral word that records nothing
        return word.capitalize() if cap else word
    word = d.pick(*_NOUNS[d.s.liability_type])
    return d.product(word[0].upper() + word[1:] if cap else word)


def acct(d: Draft, style: str | None = None) -> str | None:
    """The account number for a labelled field (records the last four), or None if withheld."""
    if not d.says("account_last4"):
        return None
    return d.last4(style or d.pick("masked", "stars", "full", "full", "x"))


def past_due(d: Draft, style: str, ocr: bool = False) -> str:
    """The past-due amount in the document's style: an explicit zero or the amount."""
    if d.s.past_due_amount == 0:
        zero = fmt_money(ZERO, style)
        return d.past_due(zero_phrase=d.pick(zero, zero, zero, "NONE", "None"))
    return d.money("past_due_amount", style, ocr=ocr and ocr_safe(d.s.past_due_amount, style))


def phone(d: Draft) -> str:
    """A fictional toll-free number."""
    return f"1-8{d.pick('00', '33', '44', '55', '66', '77', '88')}-555-0{d.rng.randint(100, 199)}"


def web(d: Draft) -> str:
    """A fictional web address for the servicer."""
    slug = "".join(ch for ch in d.lender.lower() if ch.isalnum())
    return f"www.{slug}.example"


def servicer_block(d: Draft, upper: bool = False) -> list[str]:
    """Servicer name and remittance address."""
    name = d.lender
    city, state = d.pick(*names.CITIES)
    zip5 = str(d.rng.randint(10000, 99999))
    lines = [name, f"P.O. Box {d.rng.randint(1000, 99999)}", f"{city}, {state} {zip5}"]
    return [line.upper() for line in lines] if upper else lines


def mailing(d: Draft, upper: bool = True) -> list[str]:
    """The borrower's name and mailing address (the property, for most mortgages)."""
    s = d.s
    if s.liability_type == "mortgage" and s.collateral and d.chance(0.8):
        street, city, rest = s.collateral.split(", ")
        lines = [s.borrower, street, f"{city}, {rest}"]
    else:
        city, state = d.pick(*names.CITIES)
        street = f"{d.rng.randint(10, 9999)} {d.pick(*names.STREETS)}"
        lines = [s.borrower, street, f"{city}, {state} {s.zip_code}"]
    return [line.upper() for line in lines] if upper else lines


def rate_pairs(
    d: Draft, label: str, apr_label: str = "APR", style: str | None = None
) -> list[tuple[str, str]]:
    """The note rate (recorded) and, when the loan quotes a different APR, the APR as a
    distractor. Empty when the rate is withheld (an APR alone would state it)."""
    if not d.says("interest_rate"):
        return []
    pairs = [(label, d.rate(style))]
    if d.s.apr is not None and d.chance(0.7):
        d.tag("distractor_amounts")
        pairs.append((apr_label, fmt_rate(d.s.apr, style or "pct")))
    return pairs


def late_fee_charged(d: Draft, stmt: dt.date, grace: int = 15) -> Decimal:
    """The late fee assessed this cycle: only when something is past due and the grace period
    of the missed payment ended by the statement date."""
    s = d.s
    if s.past_due_amount > 0 and s.previous_due_date + dt.timedelta(days=grace) <= stmt:
        return s.late_fee
    return ZERO


def payment_split(d: Draft) -> tuple[Decimal, Decimal, Decimal]:
    """The next regular payment split into principal, interest and escrow."""
    s = d.s
    escrow = s.escrow_monthly or ZERO
    pi = s.next_payment_amount - escrow
    interest = min(cents(s.current_balance * s.interest_rate / 1200), pi - D("0.01"))
    return pi - interest, interest, escrow


def total_due(d: Draft, fees: Decimal) -> Decimal:
    """Regular payment plus anything past due plus fees: a total that is not a record value."""
    return d.s.next_payment_amount + d.s.past_due_amount + fees


def total_due_ok(d: Draft) -> bool:
    """Whether a total amount due may be printed: it must not reveal a withheld payment or
    past-due amount (the total minus the other would state it)."""
    s = d.s
    return d.says("next_payment_amount") and (s.past_due_amount == 0 or d.says("past_due_amount"))


def total_text(d: Draft, fees: Decimal, style: str) -> str:
    """The total amount due: the regular payment itself when nothing else is owed."""
    total = total_due(d, fees)
    if total == d.s.next_payment_amount:
        return d.money("next_payment_amount", style)
    return d.fmt(total, style)


def other_account(d: Draft, style: str) -> tuple[str, str] | None:
    """Another account of the same borrower (its product and last four, its balance), tagged;
    None when its digits would collide with the account's."""
    s = d.s
    if s.other_account_last4 == s.last4:
        return None
    d.tag("other_account")
    return (
        f"{s.other_account_product.title()} ending in {s.other_account_last4}",
        d.fmt(s.other_account_balance, style),
    )


def payments_made(d: Draft) -> int:
    """Payments made so far (from the origination date), at least one."""
    s = d.s
    if s.origination_date is None:
        return 1
    return max(1, months_between(s.origination_date, s.next_payment_due_date) - 1)


def maturity(d: Draft) -> dt.date | None:
    """The loan's maturity date (origination plus term), if known."""
    s = d.s
    if s.origination_date is None or s.term_months is None:
        return None
    return add_months(s.origination_date, s.term_months)


def payment_history(d: Draft) -> list[tuple[dt.date, Decimal, Decimal, Decimal, Decimal]]:
    """Recent payments as (date, amount, principal part, interest part, balance after), oldest
    first; the last balance is the current principal."""
    s = d.s
    r = s.interest_rate / 1200
    paid = s.last_payment_date or s.previous_due_date
    amounts = [s.last_payment_amount, s.last_payment_amount]
    if s.past_due_amount >= s.next_payment_amount:
        amounts = [s.last_payment_amount]
        paid = add_months(paid, -1)
    elif s.past_due_amount > 0:
        amounts[-1] = s.next_payment_amount - s.past_due_amount
    rows: list[tuple[dt.date, Decimal, Decimal, Decimal, Decimal]] = []
    after = s.current_balance
    for i, amount in enumerate(reversed(amounts)):
        before = cents((after + amount) / (1 + r))
        principal = before - after
        rows.append((add_months(paid, -i), amount, principal, amount - principal, after))
        after = before
    return list(reversed(rows))


def escrow_summary(d: Draft) -> tuple[dt.date, Decimal, Decimal, Decimal] | None:
    """Escrow activity ending at the current escrow balance: (start day, beginning balance,
    deposits, disbursements), all distractors. Year to date (deposits counted as the mortgage
    statement's year-to-date breakdown counts them) when that starts at a balance of zero or
    more, else the month before ``as_of``; None without escrow figures."""
    s = d.s
    if s.escrow_balance is None or not s.escrow_monthly:
        return None
    months = s.as_of.month - 1  # escrow deposits made this year
    paid = s.escrow_disbursement or ZERO
    deposits = cents(s.escrow_monthly * months)
    begin = s.escrow_balance - deposits + paid
    if months >= 2 and begin >= 0:
        return dt.date(s.as_of.year, 1, 1), begin, deposits, paid
    # the month before: one deposit and no disbursement (the balance holds at least one deposit)
    return add_months(s.as_of, -1), s.escrow_balance - s.escrow_monthly, s.escrow_monthly, ZERO
