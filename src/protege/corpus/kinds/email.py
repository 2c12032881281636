# TEMPLATE WRITERS: read /tmp/helper_common.md FIRST (the binding rules: Draft API, honesty
# rules, no git commands, which files you may edit). Remove this comment when done.
"""Email sources: servicer replies, payoff quotes, forwarded threads, autopay notices."""

from __future__ import annotations

from protege.corpus.draft import Draft
from protege.corpus.registry import template

LOANS = ("auto_loan", "mortgage", "student_loan", "personal_loan")


@template("email", "payoff_quote_reply", types=LOANS)
def payoff_quote_reply(d: Draft) -> str:
    """A servicer answers a borrower's emailed request for a payoff quote."""
    s = d.s
    lines = [
        f"From: {d.pick('payoffs', 'customercare', 'noreply', 'loanservicing')}@"
        f"{s.servicer.lower().replace(' ', '').replace('.', '')}.example",
        f"To: {s.borrower_first.lower()}.{s.borrower_last.lower()}@mail.example",
        f"Subject: {d.pick('RE: Payoff request', 'Your payoff quote', 'Re: payoff amount?')}",
        "",
        f"{d.pick('Hi', 'Hello', 'Dear')} {d.pick(s.borrower_first, s.borrower)},",
        "",
    ]
    acct = f" {d.last4()}" if d.says("account_last4") else ""
    lines.append(f"Thank you for contacting {s.servicer} about your {d.product()}{acct}.")
    if d.says("payoff_amount"):
        quote = f"The payoff amount is {d.money('payoff_amount')}"
        if d.says("payoff_good_through"):
            phrase = d.relative_date("payoff_good_through") if d.chance(0.4) else None
            quote += f", good {phrase}" if phrase else f", good through {d.date('payoff_good_through')}"
        lines.append(quote + ".")
        if d.says("per_diem") and d.chance(0.7):
            lines.append(f"Interest accrues at {d.money('per_diem')} per day after that date.")
    if d.says("current_balance") and d.chance(0.6):
        lines.append(
            f"Please note the payoff differs from your principal balance of "
            f"{d.money('current_balance')} because it includes interest through the payoff date."
        )
    if s.original_amount is not None and d.chance(0.3):
        lines.append(f"(Original amount financed: {d.fmt(s.original_amount)}.)")
    lines += ["", d.pick("Regards,", "Best,", "Sincerely,"), s.rep, s.servicer]
    return "\n".join(lines)
