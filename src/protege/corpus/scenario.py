"""The truth about one account on one day, generated before any text is written.

A ``Scenario`` holds every fact a source could mention: the twelve contract values, plus the
distractors a careful reader must not confuse with them (original amount, last payment,
year-to-date interest, escrow disbursements, another account, cash-advance APR, ...). Values are
consistent by construction: payments come from the amortization formula, per diem is
principal × rate / 365, the payoff is principal plus interest to the good-through date (plus a
fee), and the next due date falls after ``as_of``.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal

from protege.corpus import names
from protege.corpus.dates import add_months
from protege.corpus.money import cents

D = Decimal
ZERO = Decimal(0)


@dataclass
class Scenario:
    """Facts about one liability account as of one day. Money is ``Decimal`` dollars."""

    liability_type: str
    as_of: dt.date
    servicer: str
    borrower_first: str
    borrower_last: str
    rep: str
    account_number: str  # full digits; the record holds only the last four
    # the twelve contract values (None where they do not apply to this account)
    current_balance: Decimal
    interest_rate: Decimal
    next_payment_amount: Decimal
    next_payment_due_date: dt.date
    past_due_amount: Decimal
    payoff_amount: Decimal | None = None
    payoff_good_through: dt.date | None = None
    per_diem: Decimal | None = None
    escrow_balance: Decimal | None = None
    credit_limit: Decimal | None = None
    # distractors and context
    original_amount: Decimal | None = None
    origination_date: dt.date | None = None
    term_months: int | None = None
    last_payment_amount: Decimal = ZERO
    last_payment_date: dt.date | None = None
    ytd_interest: Decimal = ZERO
    late_fee: Decimal = ZERO
    accrued_interest: Decimal = ZERO  # interest accrued since the last due date
    payoff_fee: Decimal = ZERO
    escrow_monthly: Decimal | None = None
    escrow_disbursement: Decimal | None = None
    escrow_disbursement_what: str | None = None
    apr: Decimal | None = None  # a loan's APR when it differs from the note rate
    cash_advance_apr: Decimal | None = None
    penalty_apr: Decimal | None = None
    available_credit: Decimal | None = None
    previous_balance: Decimal | None = None
    purchases: Decimal | None = None
    interest_charged: Decimal | None = None
    payments_credits: Decimal | None = (
        None  # cards: previous + purchases + interest - this = balance
    )
    collateral: str | None = None  # vehicle, property address, school
    vin: str | None = None
    zip_code: str = "00000"
    ssn_last4: str = "0000"
    routing_number: str = "000000000"
    other_account_last4: str = "0000"
    other_account_balance: Decimal = ZERO
    other_account_product: str = "savings account"
    extras: dict[str, str] = field(default_factory=dict)

    @property
    def last4(self) -> str:
        """The last four digits of the account number."""
        return self.account_number[-4:]

    @property
    def account_last4(self) -> str:
        """The contract key's name for ``last4`` (so ``Draft.says("account_last4")`` works)."""
        return self.last4

    @property
    def previous_due_date(self) -> dt.date:
        """The due date before the next one (the payment a past-due amount comes from)."""
        return add_months(self.next_payment_due_date, -1)

    @property
    def borrower(self) -> str:
        """The borrower's full name."""
        return f"{self.borrower_first} {self.borrower_last}"


def random_digits(rng: random.Random, n: int) -> str:
    """A random number of ``n`` digits (no leading zero)."""
    return str(rng.randint(1, 9)) + "".join(str(rng.randint(0, 9)) for _ in range(n - 1))


def random_amount(rng: random.Random, low: int, high: int) -> Decimal:
    """A random amount from ``low`` to ``high`` dollars, with cents."""
    return cents(D(rng.randint(low, high)) + D(rng.randint(0, 99)) / 100)


def _payment(principal: Decimal, rate_pct: Decimal, months: int) -> Decimal:
    """Level monthly payment of an amortizing loan."""
    r = float(rate_pct) / 1200
    p = float(principal)
    return cents(D(str(p * r / (1 - (1 + r) ** -months)))) if r else cents(principal / months)


def _remaining(principal: Decimal, rate_pct: Decimal, payment: Decimal, paid: int) -> Decimal:
    """Principal left after ``paid`` level payments."""
    r = float(rate_pct) / 1200
    bal = float(principal)
    for _ in range(paid):
        bal = bal * (1 + r) - float(payment)
    return cents(D(str(max(bal, 50.0))))


def _rate(rng: random.Random, low: float, high: float, step: float = 0.01) -> Decimal:
    steps = round((high - low) / step)
    return D(str(round(low + rng.randint(0, steps) * step, 3))).normalize()


_LOAN_TERMS = {
    # type: (min amount, max amount, min rate, max rate, terms in months)
    "auto_loan": (12_000, 68_000, 2.49, 15.99, (36, 48, 60, 72, 84)),
    "mortgage": (120_000, 780_000, 2.625, 7.875, (180, 360, 360, 360)),
    "student_loan": (6_000, 90_000, 3.73, 8.05, (120, 120, 180)),
    "personal_loan": (2_000, 40_000, 6.99, 29.99, (24, 36, 48, 60)),
}


def make_scenario(
    rng: random.Random, liability_type: str, as_of: dt.date, revolving: bool = False
) -> Scenario:
    """Draw a consistent scenario of ``liability_type`` as of ``as_of``; ``revolving`` draws a
    line of credit (a card's economics at a bank line's lower rates) whatever the type."""
    first, last = rng.choice(names.FIRST_NAMES), rng.choice(names.LAST_NAMES)
    city_state = rng.choice(names.CITIES)
    common = {
        "liability_type": liability_type,
        "as_of": as_of,
        "servicer": rng.choice(names.SERVICERS[liability_type]),
        "borrower_first": first,
        "borrower_last": last,
        "rep": rng.choice(names.REP_NAMES),
        "account_number": random_digits(rng, rng.choice((10, 11, 12, 13, 16))),
        "zip_code": random_digits(rng, 5),
        "ssn_last4": random_digits(rng, 4),
        "routing_number": "0" + random_digits(rng, 8),
        "other_account_last4": random_digits(rng, 4),
        "other_account_balance": random_amount(rng, 300, 25_000),
        "other_account_product": rng.choice(
            ("savings account", "checking account", "credit card", "home equity line")
        ),
    }
    due_day = rng.choice((1, 1, 5, 10, 15, 15, 20, 25, 28))
    # the next due date is strictly after as_of (contract: "a next due date falls after as_of")
    due = add_months(as_of, 0).replace(day=due_day)
    while due <= as_of:
        due = add_months(due, 1).replace(day=due_day)
    past_due_roll = rng.random()
    if revolving:
        return _card(rng, common, due, past_due_roll, city_state, apr_range=(8.99, 17.99))
    if liability_type == "credit_card":
        return _card(rng, common, due, past_due_roll, city_state)
    return _loan(rng, common, due, past_due_roll, city_state)


def _loan(
    rng: random.Random,
    common: dict[str, object],
    due: dt.date,
    past_due_roll: float,
    city_state: tuple[str, str],
) -> Scenario:
    kind = str(common["liability_type"])
    lo, hi, rate_lo, rate_hi, terms = _LOAN_TERMS[kind]
    as_of: dt.date = common["as_of"]  # type: ignore[assignment]
    term = rng.choice(terms)
    original = D(rng.randint(lo // 100, hi // 100) * 100)
    rate = _rate(rng, rate_lo, rate_hi, 0.125 if kind == "mortgage" else 0.01)
    pi = _payment(original, rate, term)
    paid = rng.randint(2, max(3, term - 6))
    principal = _remaining(original, rate, pi, paid)
    origination = add_months(due, -(paid + 1))
    per_diem = cents(principal * rate / 100 / 365)
    last_due = add_months(due, -1)
    good_days = rng.choice((7, 10, 10, 14, 15, 20, 30))
    good_through = as_of + dt.timedelta(days=good_days)
    accrued_days = max(1, (good_through - last_due).days)
    fee = rng.choice((D(0), D(0), D(15), D(25), D(30)))
    payoff = cents(principal + per_diem * accrued_days + fee)
    s = Scenario(
        **common,  # type: ignore[arg-type]
        current_balance=principal,
        interest_rate=rate,
        next_payment_amount=pi,
        next_payment_due_date=due,
        past_due_amount=D(0),
        payoff_amount=payoff,
        payoff_good_through=good_through,
        per_diem=per_diem,
        original_amount=original,
        origination_date=origination,
        term_months=term,
        accrued_interest=cents(per_diem * max(1, (as_of - last_due).days)),
        payoff_fee=fee,
        last_payment_date=last_due - dt.timedelta(days=rng.randint(0, 4)),
        ytd_interest=cents(principal * rate / 100 * D(max(1, as_of.month)) / 12),
        late_fee=rng.choice((D(25), D(29), D(35), D(39), D(15))),
    )
    if rng.random() < 0.3:  # many loans quote an APR a little above the note rate
        s.apr = (rate + _rate(rng, 0.05, 0.6)).quantize(D("0.001")).normalize()
    if kind == "mortgage":
        street = f"{rng.randint(10, 9999)} {rng.choice(names.STREETS)}"
        s.collateral = f"{street}, {city_state[0]}, {city_state[1]} {s.zip_code}"
        s.escrow_monthly = random_amount(rng, 180, 950)
        s.next_payment_amount = pi + s.escrow_monthly
        s.escrow_balance = cents(s.escrow_monthly * D(rng.randint(1, 9)) + D(rng.randint(0, 999)))
        s.escrow_disbursement_what = rng.choice(
            ("county property tax", "homeowners insurance premium", "school tax", "flood insurance")
        )
        # a semi-annual tax or annual insurance bill: roughly 6 or 12 months of escrow deposits
        months = D(rng.choice((6, 12)))
        share = D(str(round(rng.uniform(0.55, 0.95), 2)))
        s.escrow_disbursement = cents(s.escrow_monthly * months * share)
    elif kind == "auto_loan":
        year = as_of.year - rng.randint(0, 6)
        s.collateral = f"{year} {rng.choice(names.VEHICLES)}"
        s.vin = "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ0123456789") for _ in range(13))
        s.vin += random_digits(rng, 4)
    elif kind == "student_loan":
        s.collateral = rng.choice(names.SCHOOLS)
    # borrowers often round up or add principal, so the last payment need not equal the next
    extra = D(rng.choice((0, 0, 0, 25, 50, 100))) + (
        D(100) - s.next_payment_amount % 100 if rng.random() < 0.2 else D(0)
    )
    s.last_payment_amount = s.next_payment_amount + extra
    if past_due_roll < 0.12:
        s.past_due_amount = s.next_payment_amount
    elif past_due_roll < 0.18:
        s.past_due_amount = cents(s.next_payment_amount * D(rng.choice(("0.5", "0.25", "2"))))
    return s


def _card(
    rng: random.Random,
    common: dict[str, object],
    due: dt.date,
    past_due_roll: float,
    city_state: tuple[str, str],
    apr_range: tuple[float, float] = (15.99, 29.99),
) -> Scenario:
    limit = D(
        rng.choice((1500, 2000, 2500, 3000, 5000, 7500, 8000, 10_000, 12_000, 15_000, 25_000))
    )
    balance = cents(limit * D(str(rng.uniform(0.05, 0.97))))
    apr = _rate(rng, *apr_range, 0.25)
    interest = cents(balance * apr / 100 / 12)
    minimum = max(D(rng.choice((25, 35, 40))), cents(balance * D("0.01") + interest))
    minimum = min(minimum, balance)
    previous = cents(balance * D(str(rng.uniform(0.7, 1.1))))
    purchases = cents(D(str(rng.uniform(20, 1500))))
    s = Scenario(
        **common,  # type: ignore[arg-type]
        current_balance=balance,
        interest_rate=apr,
        next_payment_amount=minimum,
        next_payment_due_date=due,
        past_due_amount=D(0),
        credit_limit=limit,
        available_credit=limit - balance,
        cash_advance_apr=min(apr + _rate(rng, 3, 6, 0.25), D("29.99")),
        penalty_apr=D("29.99"),
        previous_balance=previous,
        interest_charged=interest,
        purchases=purchases,
        last_payment_amount=cents(D(str(rng.uniform(25, 900)))),
        late_fee=rng.choice((D(29), D(30), D(40), D(41))),
    )
    s.last_payment_date = due - dt.timedelta(days=rng.randint(25, 40))
    # Reconcile the statement cycle: previous + purchases + interest - payments = new balance.
    payments = previous + purchases + interest - balance
    if payments < 0:
        s.previous_balance = previous = previous - payments + s.last_payment_amount
        payments = previous + purchases + interest - balance
    s.payments_credits = cents(payments)
    if past_due_roll < 0.12:
        s.past_due_amount = minimum
    return s
