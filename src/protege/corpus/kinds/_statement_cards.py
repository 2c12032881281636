"""Credit card statement templates (registered by importing ``protege.corpus.kinds.statement``).

``card_full_statement``: account summary beside payment information, late-payment and
minimum-payment warnings (sometimes boxed), transactions, interest charge calculation (purchase
APR vs cash-advance and promotional APRs), year-to-date totals. ``card_scanned_compact``: a
scanned one-page summary with OCR noise, credit limit beside available credit and cash limits,
purchase, cash-advance, penalty and sometimes promotional APRs, often the minimum-payment warning.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from protege.corpus.dates import add_months
from protege.corpus.draft import Draft
from protege.corpus.kinds import _statement_parts as sp
from protege.corpus.kinds._layout import Sheet, box, split_amount, table, two_columns
from protege.corpus.money import cents, fmt_rate
from protege.corpus.registry import template

D = Decimal

_MERCHANTS = (
    "GREENLEAF GROCERY #0412", "SUNRISE COFFEE CO", "METRO TRANSIT FARE", "RIVERSIDE PHARMACY",
    "BLUE MESA GRILL", "QUICKSTOP FUEL #204", "PAGEWORKS BOOKS", "HILLTOP HARDWARE",
    "STREAMLINE MEDIA SUBSCR", "CITY PARKING GARAGE", "NORTHSIDE PET SUPPLY",
    "ONLINE MKTPLACE*2H4K9", "PIXEL ELECTRONICS", "HARBOR VIEW HOTEL", "SKYLINE AIR 0167",
    "FRESHMART SUPERCENTER", "CORNERSTONE DENTAL", "VALLEY UTILITIES PMT", "TRAILWAY OUTFITTERS",
    "LUCKY NOODLE HOUSE", "BRIGHTSIDE FITNESS", "ACE CLEANERS",
)  # fmt: skip


class _Cycle:
    """One billing cycle's figures, reconciled so the summary adds up to the new balance."""

    def __init__(self, d: Draft) -> None:
        s = d.s
        due = s.next_payment_due_date
        self.close = min(
            s.as_of - dt.timedelta(days=d.rng.randint(0, 4)),
            due - dt.timedelta(days=d.rng.choice((21, 23, 25))),
        )
        self.days = int(d.pick(29, 30, 30, 31))
        self.open = self.close - dt.timedelta(days=self.days - 1)
        self.fees = s.late_fee if s.past_due_amount > 0 else D(0)
        self.interest = s.interest_charged or D(0)
        self.previous = s.previous_balance or s.current_balance
        self.payments = s.last_payment_amount
        self.purchases = (
            s.current_balance - self.previous + self.payments - self.interest - self.fees
        )
        if self.purchases < 0:
            self.purchases = s.purchases or D(0)
            self.payments = (
                self.previous + self.purchases + self.interest + self.fees - s.current_balance
            )
        self.pay_day = self.open + dt.timedelta(days=d.rng.randint(2, max(3, self.days - 5)))


def _min_warning(d: Draft) -> list[str]:
    """The minimum payment warning with years and totals (rounded, distractor figures)."""
    s = d.s
    r = float(s.interest_rate) / 1200
    bal, months, paid = float(s.current_balance), 0, 0.0
    while bal > 0.005 and months < 600:
        interest = bal * r
        pay = min(max(25.0, bal * 0.01 + interest), bal + interest)
        bal, paid, months = bal + interest - pay, paid + pay, months + 1
    pmt36 = (
        float(s.current_balance) * r / (1 - (1 + r) ** -36) if r else float(s.current_balance) / 36
    )
    d.tag("distractor_amounts")
    years = max(1, round(months / 12))
    rows = [
        [
            "Only the minimum payment",
            f"{years} years" if months > 18 else f"{months} months",
            f"${round(paid):,}",
        ]
    ]
    if months > 36:
        rows.append(
            [
                f"${round(pmt36):,}",
                "3 years",
                f"${round(pmt36 * 36):,} (Savings=${round(paid - pmt36 * 36):,})",
            ]
        )
    lines = list(
        d.pick(
            (
                "Minimum Payment Warning: If you make only the minimum payment each period, you will pay",
                "more in interest and it will take you longer to pay off your balance. For example:",
            ),
            (
                "If you make only the minimum payment, you will pay more in interest and it will",
                "take longer to repay your balance. Assuming no new charges:",
            ),
        )
    )
    head = list(
        d.pick(
            (
                "If you make no additional charges and each month you pay...",
                "You will pay off the balance in about...",
                "And you will end up paying an estimated total of...",
            ),
            ("Each month you pay", "You will pay off the balance in about", "Estimated total"),
            ("Monthly payment", "Payoff time", "Total cost"),
        )
    )
    body = lines + table(head, rows, "lll", rule="")
    if max(map(len, body)) <= 90 and d.chance(0.5):  # many issuers frame the warning as a box
        body[0] = body[0].removeprefix("Minimum Payment Warning: ")
        return box("MINIMUM PAYMENT WARNING", body, 60, d.pick("ascii", "double"))
    return body


def _promo(d: Draft, start: dt.date, zero: bool = False) -> tuple[str, dt.date]:
    """A promotional APR (a distractor beside the purchase APR) and the day it ends; ``zero``
    for a 0% offer (a statement that itemizes interest then charges none on the promotion)."""
    rate = "0.00%" if zero else d.pick("0.00%", "0.00%", "1.99%", "2.99%", "3.99%")
    return rate, add_months(start, d.rng.randint(2, 15))


@template("statement", "card_full_statement", types=("credit_card",))
def card_full_statement(d: Draft) -> str:
    """A full credit card statement: summary, payment information, warnings, transactions,
    interest charge calculation and year-to-date totals."""
    s = d.s
    ms = d.pick("usd", "usd", "usd", "usd_space", "commas")
    ds = d.pick("us_slash", "us_slash", "us_slash_short", "short_month")
    cyc = _Cycle(d)
    sh = Sheet(d, scanned=d.chance(0.2))

    sh.say(d.lender)
    sh.add(sp.title(d, d.chance(0.5), neutral="Monthly Statement"))
    number = sp.acct(d, d.pick("masked", "stars", "x"))
    if number:
        sh.add(sh.t("Account Number: ") + number)
    sh.say(f"Opening/Closing Date {sp.fd(cyc.open, ds)} - {sp.fd(cyc.close, ds)}")
    sh.blank()

    summary: list[tuple[str, str]] = []
    if d.says("current_balance"):
        summary = [
            (sh.t("Previous Balance"), d.fmt(cyc.previous, ms)),
            (sh.t("Payment, Credits"), "-" + d.fmt(cyc.payments, ms)),
            (sh.t("Purchases"), "+" + d.fmt(cyc.purchases, ms)),
            (sh.t("Cash Advances"), "+" + d.fmt(D(0), ms)),
            (sh.t("Balance Transfers"), "+" + d.fmt(D(0), ms)),
            (sh.t("Fees Charged"), "+" + d.fmt(cyc.fees, ms)),
            (sh.t("Interest Charged"), "+" + d.fmt(cyc.interest, ms)),
            (sh.t("New Balance"), d.money("current_balance", ms)),
        ]
    if d.says("past_due_amount") and (s.past_due_amount > 0 or d.chance(0.5)):
        summary.append((sh.t("Past Due Amount"), sp.past_due(d, ms)))
    if d.says("credit_limit"):
        summary.append(
            (
                sh.t(d.pick("Credit Limit", "Credit Line", "Total Credit Line")),
                d.money("credit_limit", ms),
            )
        )
        if d.says("current_balance"):
            summary.append((sh.t("Available Credit"), d.fmt(s.available_credit or D(0), ms)))
        cash = cents((s.credit_limit or D(0)) * D("0.3") / 100) * 100
        summary.append((sh.t("Cash Access Line"), d.fmt(cash, ms)))
    summary.append((sh.t("Days in Billing Cycle"), str(cyc.days)))

    pay: list[tuple[str, str]] = []
    if d.says("current_balance"):
        pay.append((sh.t("New Balance"), d.money("current_balance", ms)))
    if d.says("next_payment_amount"):
        pay.append((sh.t("Minimum Payment Due"), d.money("next_payment_amount", ms)))
    if d.says("next_payment_due_date"):
        pay.append((sh.t("Payment Due Date"), sp.due_text(d, ds)))
    side = d.chance(0.5)
    if side:
        sh.add(
            *two_columns(
                [(sh.t("ACCOUNT SUMMARY"), ""), *summary],
                [(sh.t("PAYMENT INFORMATION"), ""), *pay],
                col=36,
            )
        )
    else:
        sh.say("PAYMENT INFORMATION")
        sh.add(*(f"{label}: {value}" for label, value in pay))
        sh.blank()
        sh.say("ACCOUNT SUMMARY")
        sh.add(*(f"{label.ljust(24)}{value}" for label, value in summary))
    sh.blank()
    sh.say(
        "Late Payment Warning: If we do not receive your minimum payment by the date listed above,",
        f"you may have to pay a late fee of up to ${s.late_fee:.2f} and your APRs may be increased up to",
        f"the Penalty APR of {fmt_rate(s.penalty_apr or D('29.99'))}.",
    )
    if d.says("current_balance") and d.offers("interest_rate", 0.7):
        sh.blank()
        sh.say(*_min_warning(d))
    sh.blank()

    rows: list[list[str]] = []
    if cyc.payments > 0:
        rows.append(
            [
                f"{cyc.pay_day:%m/%d}",
                f"{cyc.pay_day:%m/%d}",
                sh.t("PAYMENT - THANK YOU"),
                "-" + d.fmt(cyc.payments, "commas"),
            ]
        )
    for amount in split_amount(cyc.purchases, d.rng.randint(2, 6), d):
        day = cyc.open + dt.timedelta(days=d.rng.randint(0, cyc.days - 1))
        post = min(day + dt.timedelta(days=d.rng.randint(0, 2)), cyc.close)
        rows.append([f"{day:%m/%d}", f"{post:%m/%d}", d.pick(*_MERCHANTS), d.fmt(amount, "commas")])
    if cyc.fees:
        rows.append(
            [f"{cyc.close:%m/%d}", f"{cyc.close:%m/%d}", "LATE FEE", d.fmt(cyc.fees, "commas")]
        )
    if cyc.interest:
        rows.append(
            [
                f"{cyc.close:%m/%d}",
                f"{cyc.close:%m/%d}",
                sh.t("INTEREST CHARGE ON PURCHASES"),
                d.fmt(cyc.interest, "commas"),
            ]
        )
    rows.sort(key=lambda row: row[1])
    sh.say("TRANSACTIONS")
    sh.add(
        *table(
            [sh.t("Trans Date"), sh.t("Post Date"), sh.t("Description"), sh.t("Amount")],
            rows,
            "lllr",
        )
    )
    sh.blank()

    if d.says("interest_rate"):
        days = cyc.days
        subject = (
            cents(cyc.interest * 36500 / (s.interest_rate * days)) if s.interest_rate else D(0)
        )
        sh.say(
            "INTEREST CHARGE CALCULATION",
            "Your Annual Percentage Rate (APR) is the annual interest rate on your account.",
        )
        d.tag("distractor_amounts")
        calc = [
            [
                sh.t("Purchases"),
                d.rate(d.pick("pct", "pct")) + " (v)",
                d.fmt(subject, ms),
                d.fmt(cyc.interest, ms),
            ],
            [
                sh.t("Cash Advances"),
                fmt_rate(s.cash_advance_apr or D("29.99")) + " (v)",
                d.fmt(D(0), ms),
                d.fmt(D(0), ms),
            ],
        ]
        if d.chance(0.35):  # a 0% promotional balance until a stated day
            promo, ends = _promo(d, cyc.close, zero=True)
            promo_bal = cents(subject * D(str(round(d.rng.uniform(0.15, 0.5), 2))))
            calc.append(
                [
                    sh.t("Promotional Balance Transfer"),
                    f"{promo} until {sp.fd(ends, ds)}",
                    d.fmt(promo_bal, ms),
                    d.fmt(D(0), ms),
                ]
            )
        elif d.chance(0.5):
            calc.append(
                [
                    sh.t("Balance Transfers"),
                    d.rate("pct") + " (v)",
                    d.fmt(D(0), ms),
                    d.fmt(D(0), ms),
                ]
            )
        head = [
            sh.t("Type of Balance"),
            sh.t("Annual Percentage Rate (APR)"),
            sh.t("Balance Subject to Interest Rate"),
            sh.t("Interest Charge"),
        ]
        sh.add(*table(head, calc, "lrrr"))
        sh.say("(v) = Variable Rate")
        sh.blank()

    ytd_interest = cents(cyc.interest * D(max(1, cyc.close.month)))
    sh.say(f"{cyc.close.year} Totals Year-to-Date")
    sh.add(sh.t(f"Total fees charged in {cyc.close.year}   ") + d.fmt(cyc.fees, ms))
    sh.add(sh.t(f"Total interest charged in {cyc.close.year}   ") + d.fmt(ytd_interest, ms))
    if d.chance(0.3):
        other = sp.other_account(d, ms)
        if other:
            sh.blank()
            sh.add(sh.t(f"Also at {d.lender}: your {other[0]}, balance ") + other[1] + ".")
    return sh.render()


@template("statement", "card_scanned_compact", types=("credit_card",))
def card_scanned_compact(d: Draft) -> str:
    """A scanned one-page card summary: OCR noise, limits side by side, APR list, warning."""
    s = d.s
    ms = d.pick("usd", "usd", "usd_space", "commas", "usd_nocomma")
    ds = d.pick("us_slash", "long", "short_month", "dash_text")
    cyc = _Cycle(d)
    sh = Sheet(d, scanned=True, rate=float(d.pick(0.02, 0.04)))

    sh.add(sh.t(d.lender.upper()) + "    " + sp.title(d, True, neutral="STATEMENT"))
    bits = [sh.t("Closing Date ") + sp.fd(cyc.close, ds)]
    if d.says("account_last4"):
        bits.insert(0, sh.t("Account ") + d.last4(d.pick("ending", "stars", "x")))
    sh.add("   ".join(bits))
    sh.say(s.borrower.upper())
    sh.add("=" * 60)

    left: list[tuple[str, str]] = []
    right: list[tuple[str, str]] = []
    if d.says("current_balance"):
        left.append(
            (
                sh.t(d.pick("New Balance", "Statement Balance", "New Balance Total")),
                sh.money("current_balance", ms),
            )
        )
    if d.says("credit_limit"):
        left.append((sh.t("Credit Limit"), sh.money("credit_limit", ms)))
        if d.says("current_balance"):
            left.append((sh.t("Available Credit"), d.fmt(s.available_credit or D(0), ms)))
        left.append(
            (sh.t("Cash Advance Limit"), d.fmt(cents((s.credit_limit or D(0)) / 400) * 100, ms))
        )
    if d.says("next_payment_amount"):
        right.append((sh.t("Minimum Payment Due"), sh.money("next_payment_amount", ms)))
    if d.says("next_payment_due_date"):
        right.append((sh.t("Payment Due Date"), sp.due_text(d, ds)))
    if d.says("past_due_amount") and (s.past_due_amount > 0 or d.chance(0.6)):
        right.append((sh.t("Past Due Amount"), sp.past_due(d, ms, ocr=d.chance(0.4))))
    right.append((sh.t("Previous Balance"), d.fmt(cyc.previous, ms)))
    sh.add(*two_columns(left, right, col=34))
    sh.add("=" * 60)

    if d.says("interest_rate"):
        sh.say("Annual Percentage Rates")
        sh.add(
            sh.t("  Purchases ") + d.rate(d.pick("pct", "pct3")),
            sh.t("  Cash Advances ") + fmt_rate(s.cash_advance_apr or D("29.99")),
            sh.t("  Penalty APR ") + fmt_rate(s.penalty_apr or D("29.99")),
        )
        if d.chance(0.35):  # a promotional rate listed beside the standing ones
            promo, ends = _promo(d, cyc.close)
            sh.add(
                sh.t("  Promotional APR (balance transfers) ")
                + f"{promo} through {sp.fd(ends, ds)}"
            )
        d.tag("distractor_amounts")
    sh.add(
        sh.t("Interest charged this period ")
        + d.fmt(cyc.interest, ms)
        + sh.t("   Fees ")
        + d.fmt(cyc.fees, ms)
    )
    sh.say(
        "LATE PAYMENT WARNING: If we do not receive your minimum payment by the due date, you may",
        f"have to pay a late fee of up to ${s.late_fee:.0f}.00 and your APRs may be increased to the Penalty APR.",
    )
    if d.says("current_balance") and d.offers("interest_rate", 0.45):
        sh.say(*_min_warning(d))
    if d.chance(0.5):
        sh.say(f"Rewards: {d.rng.randint(120, 9000):,} points earned to date. Redeem online.")
    sh.say(d.pick("Page 1 of 3", "Pg 1/2", "-- continued --"))
    return sh.render()
