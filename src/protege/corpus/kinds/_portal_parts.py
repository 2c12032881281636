"""Shared pieces of portal pages: an account's facts as label/value rows, payment history.

Private to the ``portal`` kind. Each helper that states a contract value records it through the
``Draft``; the rest (APR beside the note rate, available credit, past payments) are distractors.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from protege.corpus.dates import add_months
from protege.corpus.draft import Draft
from protege.corpus.kinds._web import (
    CELL_DATES,
    CELL_MONEY,
    last_paid,
    recent,
    stated,
)
from protege.corpus.money import cents, fmt_rate

Pair = tuple[str, str]


def is_card(d: Draft) -> bool:
    """Whether the account is a credit card (cards show limits and APRs, loans principal)."""
    return d.s.liability_type == "credit_card"


def cell_money(d: Draft, key: str) -> str:
    """Write ``key`` as a table cell would (no "dollars" suffix), recorded."""
    return d.money(key, d.pick(*CELL_MONEY))


def cell_date(d: Draft, key: str) -> str:
    """Write ``key``'s date as a table cell would, recorded."""
    return d.date(key, d.pick(*CELL_DATES))


def balance_label(d: Draft) -> str:
    """A label for the balance; for loans every one of them means the principal."""
    if is_card(d):
        return d.pick("Current balance", "Current Balance", "Balance")
    return d.pick(
        "Principal balance",
        "Current principal balance",
        "Unpaid principal balance",
        "Loan balance",
        "Remaining principal",
        "Balance",
    )


def payment_label(d: Draft) -> str:
    """A label for the regular (loans) or minimum (cards) payment, never a total due."""
    if is_card(d):
        return d.pick("Minimum payment due", "Minimum payment", "Min. payment due")
    return d.pick(
        "Monthly payment",
        "Regular payment",
        "Next payment amount",
        "Payment amount",
        "Scheduled payment",
    )


def rate_pairs(d: Draft) -> list[Pair]:
    """The interest rate row, with the APR (loans) or cash-advance APR (cards) beside it."""
    s = d.s
    if not d.says("interest_rate"):
        return []
    if is_card(d):
        rows = [(d.pick("Purchase APR", "APR for purchases", "Purchase rate"), d.rate())]
        if s.cash_advance_apr is not None and d.chance(0.6):
            d.tag("distractor_amounts")
            rows.append(("Cash advance APR", fmt_rate(s.cash_advance_apr)))
        return rows
    rows = [(d.pick("Interest rate", "Note rate", "Rate", "Interest rate (fixed)"), d.rate())]
    if s.apr is not None and d.chance(0.6):
        d.tag("distractor_amounts")
        rows.append(("APR", fmt_rate(s.apr)))
    return rows


def past_due_pair(d: Draft) -> Pair | None:
    """The past-due row (an amount, or an explicit zero), or None when it must stay unsaid."""
    if not d.says("past_due_amount"):
        return None
    label = d.pick("Past due amount", "Amount past due", "Past due")
    if d.s.past_due_amount == 0:
        return label, d.past_due(d.pick("$0.00", "0.00", "None", "$0.00"))
    return label, cell_money(d, "past_due_amount")


def facts(d: Draft) -> list[Pair]:
    """The account's headline facts as a details panel lists them (each fact by chance)."""
    s, card, rows = d.s, is_card(d), []
    if d.says("current_balance"):
        rows.append((balance_label(d), cell_money(d, "current_balance")))
    if card and d.offers("credit_limit", 0.8):
        rows.append(
            (
                d.pick("Credit limit", "Credit line", "Total credit line"),
                cell_money(d, "credit_limit"),
            )
        )
        if stated(d, "current_balance") and s.available_credit is not None and d.chance(0.7):
            rows.append(("Available credit", d.fmt(s.available_credit, d.pick(*CELL_MONEY))))
    if d.chance(0.75):
        rows += rate_pairs(d)
    if d.says("next_payment_amount"):
        rows.append((payment_label(d), cell_money(d, "next_payment_amount")))
    if d.says("next_payment_due_date"):
        rows.append(
            (
                d.pick("Next payment due", "Payment due date", "Due date", "Next due date"),
                cell_date(d, "next_payment_due_date"),
            )
        )
    if d.chance(0.6) and (pair := past_due_pair(d)):
        rows.append(pair)
    # "escrow" names a mortgage
    if d.says("liability_type") and d.offers("escrow_balance", 0.8):
        rows.append(
            (
                d.pick("Escrow balance", "Escrow account balance", "Current escrow balance"),
                cell_money(d, "escrow_balance"),
            )
        )
    return rows


def payoff_pairs(d: Draft) -> list[Pair]:
    """A payoff figure with its good-through date and daily interest, as a portal shows it."""
    if not d.says("payoff_amount"):
        return []
    rows = [
        (
            d.pick("Payoff amount", "Estimated payoff", "Payoff quote", "Total payoff amount"),
            cell_money(d, "payoff_amount"),
        )
    ]
    if d.says("payoff_good_through"):
        rows.append(
            (
                d.pick("Good through", "Valid through", "Payoff good through"),
                cell_date(d, "payoff_good_through"),
            )
        )
    if d.offers("per_diem", 0.6):
        rows.append(
            (d.pick("Per diem", "Daily interest", "Per diem interest"), cell_money(d, "per_diem"))
        )
    return rows


def collateral_pairs(d: Draft) -> list[Pair]:
    """Vehicle and VIN, property address or school, only where the type may be stated."""
    s = d.s
    if not d.says("liability_type") or s.collateral is None:
        return []
    if s.liability_type == "auto_loan":
        rows = [("Vehicle", s.collateral)]
        return [*rows, ("VIN", s.vin)] if s.vin and d.chance(0.6) else rows
    return [
        (
            {"mortgage": "Property address", "student_loan": "School"}.get(
                s.liability_type, "Collateral"
            ),
            s.collateral,
        )
    ]


def history(d: Draft, count: int) -> list[tuple[dt.date, str, Decimal]]:
    """Past payments (most recent first): date, description, amount; all distractors."""
    s = d.s
    last = s.last_payment_date or recent(d, 10, 30)
    rows = []
    for i in range(count):
        day = add_months(last, -i) if i else last
        amount = (
            last_paid(d)
            if not is_card(d)
            else cents(s.last_payment_amount * Decimal(d.rng.uniform(0.6, 1.4)))
        )
        rows.append(
            (
                day,
                d.pick(
                    "Payment - Thank you", "Online payment", "AutoPay payment", "PAYMENT RECEIVED"
                ),
                amount,
            )
        )
    return rows
