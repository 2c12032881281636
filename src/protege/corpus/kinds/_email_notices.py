"""Email notices about changes to an account: the annual escrow analysis, a card's
'statement ready' alert, and a variable-rate change notice. Registered by ``kinds.email``."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from protege.corpus.dates import fmt_date
from protege.corpus.draft import Draft
from protege.corpus.kinds._messaging import (
    mail_headers,
    phone,
)
from protege.corpus.kinds._web import marketing_offer
from protege.corpus.money import cents, fmt_rate
from protege.corpus.registry import template
from protege.corpus.scenario import random_amount


@template("email", "escrow_analysis", types=("mortgage",))
def escrow_analysis(d: Draft) -> str:
    """An annual escrow account analysis: the escrow balance now, last year's disbursements, a
    projected shortage or surplus, and the new monthly payment from the next due date."""
    s = d.s
    assert s.escrow_monthly is not None and s.escrow_disbursement is not None
    name = d.lender
    shortage = d.chance(0.65)
    change = random_amount(d.rng, 8, 95)
    old_payment = s.next_payment_amount - change if shortage else s.next_payment_amount + change
    lines = mail_headers(
        d,
        d.pick("escrow", "statements", "no-reply"),
        d.pick(
            "Your annual escrow account analysis",
            "Escrow Analysis Statement",
            "Important: your monthly payment is changing",
        ),
    )
    lines.append(f"Dear {s.borrower},")
    lines.append("")
    loan = (
        f"{d.product()} {d.last4(d.pick('masked', 'stars', 'full'))}"
        if d.says("account_last4")
        else d.product()
    )
    lines.append(
        f"Each year we review the escrow account for your {loan} to make sure there will be enough to pay your property taxes and insurance."
    )
    if d.says("liability_type") and s.collateral and d.chance(0.6):
        lines.append(f"Property: {s.collateral}")
    lines.append("")
    lines.append(d.pick("ESCROW ACCOUNT SUMMARY", "Escrow summary", "== Your escrow account =="))
    if d.says("escrow_balance"):
        lines.append(
            f"  {d.pick('Current escrow balance', 'Escrow balance as of today', 'Balance held in escrow')}: {d.money('escrow_balance')}"
        )
    lines.append(
        f"  {s.escrow_disbursement_what.capitalize() if s.escrow_disbursement_what else 'Disbursement'} paid this year: {d.fmt(s.escrow_disbursement)}"
    )
    lines.append(
        f"  Projected lowest balance: {d.fmt(cents(s.escrow_monthly * 2 * (1 if not shortage else Decimal('0.4'))))}"
    )
    gap = cents(change * 12)
    if shortage:
        lines.append(
            f"  {d.pick('Shortage', 'Projected shortage', 'Escrow shortage')}: {d.fmt(gap)} (spread over 12 months)"
        )
    else:
        lines.append(
            f"  {d.pick('Surplus', 'Projected surplus')}: {d.fmt(gap)}"
            + (" - a refund check will be mailed" if gap >= 50 else "")
        )
    lines.append(f"  New monthly escrow deposit: {d.fmt(s.escrow_monthly)}")
    lines.append("")
    lines.append("YOUR PAYMENT")
    if d.says("next_payment_amount"):
        lines.append(f"  Current payment: {d.fmt(old_payment)}")
        lines.append(
            f"  Principal and interest: {d.fmt(s.next_payment_amount - s.escrow_monthly)}  +  Escrow: {d.fmt(s.escrow_monthly)}"
        )
        eff = (
            f", effective with your payment due {d.date('next_payment_due_date')}"
            if d.says("next_payment_due_date")
            else ""
        )
        lines.append(f"  New payment: {d.money('next_payment_amount')}{eff}")
    lines.append("")
    if shortage and d.chance(0.5):
        lines.append(
            f"You may pay the shortage of {d.fmt(gap)} in full to keep your payment lower; the escrow portion would then be recalculated."
        )
    if d.offers("interest_rate", 0.3):
        lines.append(f"Your interest rate of {d.rate()} is not affected by this analysis.")
    lines.append(
        d.pick(
            "If you have questions about this analysis, call our Escrow Department at "
            + phone(d.rng)
            + ".",
            "Questions? Reply to this email or call " + phone(d.rng) + ".",
        )
    )
    lines += ["", name, "NMLS #" + str(d.rng.randint(10000, 999999))]
    return "\n".join(lines)


@template("email", "card_statement_ready", types=("credit_card",))
def card_statement_ready(d: Draft) -> str:
    """A card issuer's 'your statement is ready' e-notice: statement balance, minimum payment,
    due date, credit line and available credit, sometimes the purchase APR."""
    s = d.s
    name = d.lender
    lines = mail_headers(
        d,
        d.pick("alerts", "estatements", "no-reply"),
        d.pick(
            "Your statement is ready",
            "Your eStatement is available",
            f"Your {name} statement is ready to view",
        ),
    )
    acct = f" {d.last4(d.pick('ending', 'x', 'stars'))}" if d.says("account_last4") else ""
    lines.append(
        d.pick(f"Hello {s.borrower_first},", f"{s.borrower},", f"Hi {s.borrower_first.upper()}")
    )
    lines += [
        "",
        f"Your latest statement for your {d.product()}{acct} is now available online.",
        "",
    ]
    rows: list[tuple[str, str]] = []
    if d.says("current_balance"):
        rows.append(
            (d.pick("Statement balance", "New balance", "New Balance"), d.money("current_balance"))
        )
    if d.says("next_payment_amount"):
        rows.append(
            (
                d.pick("Minimum payment due", "Minimum Payment", "Min. payment"),
                d.money("next_payment_amount"),
            )
        )
    if d.says("next_payment_due_date"):
        rows.append(
            (d.pick("Payment due date", "Due date", "Due by"), d.date("next_payment_due_date"))
        )
    if d.offers("past_due_amount", 0.4):
        rows.append(("Past due amount", d.past_due()))
    if d.offers("credit_limit", 0.8):
        rows.append(
            (d.pick("Credit limit", "Credit line", "Total credit line"), d.money("credit_limit"))
        )
        if s.available_credit is not None and d.chance(0.7):
            rows.append(("Available credit", d.fmt(s.available_credit)))
    if s.previous_balance is not None and d.chance(0.3):
        rows.append(("Previous balance", d.fmt(s.previous_balance)))
    if d.chance(0.3):
        d.rng.shuffle(rows)
    lines += [f"{label}: {value}" for label, value in rows]
    lines.append("")
    if d.offers("interest_rate", 0.5):
        apr = f"Purchase APR: {d.rate()}"
        if s.cash_advance_apr is not None and d.chance(0.6):
            apr += f" | Cash advance APR: {fmt_rate(s.cash_advance_apr)}"
        lines.append(apr)
    if s.interest_charged is not None and d.chance(0.4):
        lines.append(f"Interest charged this period: {d.fmt(s.interest_charged)}")
    if d.chance(0.35):
        lines.append(
            "Late Payment Warning: if we do not receive your minimum payment by the due date, "
            f"you may have to pay a late fee of up to {d.fmt(s.late_fee)}."
        )
    else:
        lines.append(
            d.pick(
                "Pay your statement balance by the due date to avoid interest on new purchases.",
                "Set up AutoPay so you never miss a payment.",
            )
        )
    if d.chance(0.35):
        lines += ["", "-----", marketing_offer(d), "-----"]
    lines += [
        "",
        f"{name} | Sign in to view your full statement.",
        "This is an automated message; replies are not monitored.",
    ]
    return "\n".join(lines)


@template("email", "rate_change_notice", types=("mortgage", "credit_card", "student_loan"))
def rate_change_notice(d: Draft) -> str:
    """A notice that a variable rate has already adjusted: old and new rate, and (for loans)
    the new payment from the next due date, with the old payment for contrast."""
    s = d.s
    name = d.lender
    step = (
        Decimal(d.pick("0.125", "0.25", "0.5", "0.75", "1"))
        if s.liability_type != "credit_card"
        else Decimal(d.pick("0.25", "0.5", "1", "2"))
    )
    up = d.chance(0.7) or s.interest_rate - step <= 1
    old_rate = s.interest_rate - step if up else s.interest_rate + step
    d.tag("distractor_amounts")
    effective = s.as_of - dt.timedelta(days=d.rng.randint(0, 20))
    card = s.liability_type == "credit_card"
    lines = mail_headers(
        d,
        d.pick("notices", "no-reply", "customerservice"),
        d.pick(
            "Notice of interest rate change",
            "Your rate has changed",
            "Important information about your APR" if card else "Adjustable rate change notice",
        ),
    )
    lines += [f"Dear {s.borrower},", ""]
    acct = f" {d.last4()}" if d.says("account_last4") else ""
    what = "purchase APR" if card else d.pick("interest rate", "variable interest rate")
    if d.says("interest_rate"):
        index = d.pick("the Prime Rate", "the 30-day average SOFR", "the index")
        lines.append(
            f"Because {index} changed, the {what} on your {d.product()}{acct} {'increased' if up else 'decreased'} "
            f"from {fmt_rate(old_rate)} to {d.rate()}, effective {fmt_date(effective, d.pick('long', 'us_slash'))}."
        )
    else:
        lines.append(
            f"The {what} on your {d.product()}{acct} was adjusted effective {fmt_date(effective, 'long')}."
        )
    lines.append("")
    if card:
        if s.cash_advance_apr is not None and d.chance(0.6):
            lines.append(
                f"Your cash advance APR is now {fmt_rate(s.cash_advance_apr)}; the penalty APR remains {fmt_rate(s.penalty_apr or Decimal('29.99'))}."
            )
        if d.offers("next_payment_amount", 0.6):
            due = (
                f", due {d.date('next_payment_due_date')}"
                if d.says("next_payment_due_date")
                else ""
            )
            lines.append(
                f"Your minimum payment on the current statement is {d.money('next_payment_amount')}{due}."
            )
        if d.offers("credit_limit", 0.5):
            lines.append(f"Your credit limit of {d.money('credit_limit')} is unchanged.")
    else:
        old_payment = s.next_payment_amount - cents(
            s.next_payment_amount * step / 100 * Decimal(d.pick("1.2", "1.5", "2"))
        )
        if not up:
            old_payment = 2 * s.next_payment_amount - old_payment
        if d.says("next_payment_amount"):
            when = (
                f"the payment due {d.date('next_payment_due_date')}"
                if d.says("next_payment_due_date")
                else "your next payment"
            )
            lines.append(
                f"Beginning with {when}, your new monthly payment will be {d.money('next_payment_amount')} (previously {d.fmt(old_payment)})."
            )
            if s.liability_type == "mortgage" and s.escrow_monthly is not None and d.chance(0.5):
                lines.append(
                    f"This includes {d.fmt(s.escrow_monthly)} for escrow, which did not change."
                )
        if d.offers("current_balance", 0.6):
            lines.append(
                f"The new rate applies to your principal balance of {d.money('current_balance')}."
            )
        if s.liability_type == "mortgage" and d.chance(0.4):
            lines.append(
                f"Your next rate adjustment date is {f'{effective:%B} {effective.year + 1}'}; the rate can never exceed {fmt_rate(old_rate + 5)}."
            )
    lines += [
        "",
        d.pick(
            "If you have questions, please contact us at " + phone(d.rng) + ".",
            "Questions? We're here to help: " + phone(d.rng),
        ),
        "",
        name,
    ]
    return "\n".join(lines)
