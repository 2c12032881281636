"""Figures that changed lately, said with their old value beside the new one.

Servicers often explain a change: a payment that resets with the next installment, a credit line
that was raised, a variable rate that adjusted. The old value is a distractor; the record holds
the new one. Private to the transcript kinds.
"""

from __future__ import annotations

from decimal import Decimal

from protege.corpus.kinds._speech import Call, amount, due, said
from protege.corpus.money import fmt_rate

CARD = "credit_card"


def _older_payment(c: Call) -> Decimal:
    """The payment before the change: $9 to $40 off the new one, either way."""
    d = c.d
    new = d.s.next_payment_amount
    step = Decimal(d.rng.randint(900, 4000)) / 100
    return new - step if new - step > 20 and d.chance(0.5) else new + step


def changed_figure(c: Call) -> str | None:
    """A rep's sentence on a figure that changed, the new value recorded and the old one kept
    as a distractor (tagged); None when the account has no such figure to state."""
    d, s = c.d, c.d.s
    options = []
    if d.says("next_payment_amount") and s.liability_type != CARD:
        options.append("payment")
    if d.says("credit_limit"):
        options.append("limit")
    if d.says("interest_rate") and s.liability_type in (CARD, "student_loan", "mortgage"):
        options.append("rate")
    if not options:
        return None
    d.tag("distractor_amounts")
    what = d.pick(*options)
    if what == "payment":
        old = c.keep(amount(d, _older_payment(c)))
        new = said(d, "next_payment_amount")
        if d.says("next_payment_due_date"):
            when = due(d)
            return d.pick(
                f"One thing to know, the payment changes. It was {old}, and beginning with the one due {when} it's {new}.",
                f"Your installment went from {old} to {new}, and that takes effect {when}.",
            )
        return d.pick(
            f"Your payment was recalculated, so it's {new} now instead of {old}.",
            f"You used to pay {old}; the new payment amount is {new}.",
        )
    if what == "limit":
        limit, step = s.credit_limit or Decimal(0), Decimal(d.pick(500, 1000, 1500, 2500, 3000))
        old_limit = limit - step if limit > step else limit + step
        old = c.keep(amount(d, old_limit))
        new = said(d, "credit_limit")
        return d.pick(
            f"Good news on the line, too: it went up from {old} to {new} last cycle.",
            f"Your credit limit is {new} now; it was {old} before the review.",
        )
    old_rate = s.interest_rate + Decimal(d.pick("-0.75", "-0.5", "-0.25", "0.25", "0.5", "0.625"))
    before = c.keep(fmt_rate(old_rate))
    now = d.rate()
    return d.pick(
        f"The rate adjusted at the last reset, it's {now} now, up from {before}."
        if old_rate < s.interest_rate
        else f"The rate adjusted at the last reset, it's {now} now, down from {before}.",
        f"You were at {before} before; after the change your rate is {now}.",
    )
