"""Email sources written by servicers' systems and staff: payoff quotes, AutoPay and payment
notices, past-due letters.

Notices of account changes (escrow analysis, card statement ready, rate change) live in
``_email_notices``; emails written by people (forwarded threads, a borrower's own summary, quoted
reply chains, one-line replies) in ``_email_threads``. Both are registered from here.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from protege.corpus.dates import fmt_date
from protege.corpus.draft import Draft
from protege.corpus.kinds import (  # noqa: F401  (importing registers their templates)
    _email_lender_notes,
    _email_notices,
    _email_threads,
)
from protege.corpus.kinds._messaging import (
    collateral_phrase,
    due_text,
    good_through_text,
    mail_headers,
    phone,
)
from protege.corpus.registry import LOANS, template


def _last_payment(d: Draft) -> str:
    """'$412.50 on February 12, 2025' (a distractor; the date only when it is past)."""
    s = d.s
    text = d.fmt(s.last_payment_amount)
    if s.last_payment_date is not None and s.last_payment_date <= s.as_of:
        text += f" on {fmt_date(s.last_payment_date, d.pick('long', 'us_slash', 'short_month'))}"
    return text


@template("email", "payoff_quote_reply", types=LOANS)
def payoff_quote_reply(d: Draft) -> str:
    """A servicer answers a borrower's emailed request for a payoff quote: the quote (sometimes
    itemized; now and then refused, as payoffs are not sent by email), the principal for
    contrast, the regular payment still due, how to send funds."""
    s = d.s
    name = d.lender
    subject = d.pick(
        "RE: Payoff request",
        "Your payoff quote",
        "Re: payoff amount?",
        "Payoff Quote - Request Completed",
    )
    lines = mail_headers(
        d, d.pick("payoffs", "customercare", "loanservicing", "payoff.dept"), subject
    )
    lines += [f"{d.pick('Hi', 'Hello', 'Dear')} {d.pick(s.borrower_first, s.borrower)},", ""]
    acct = f" {d.last4()}" if d.says("account_last4") else ""
    coll = collateral_phrase(d)
    about = f"your {d.product()}{acct}" + (f" ({coll})" if coll and d.chance(0.4) else "")
    lines.append(
        d.pick(
            f"Thank you for contacting {name} about {about}.",
            f"As requested, below is the payoff information for {about}.",
            f"We received your request for a payoff quote on {about}.",
        )
    )
    # some servicers will not put a payoff in an email: the payoff keys stay null
    refused = d.says("payoff_amount") and d.chance(0.12)
    itemized = not refused and d.says("payoff_amount") and d.says("current_balance")
    itemized = itemized and d.chance(0.4)
    if refused:
        d.tag("absent_fields")
        lines.append(
            d.pick(
                "For your security, we are unable to provide payoff figures by email. A payoff statement has been mailed to the address on file.",
                "Payoff quotes cannot be sent by email. Please sign in and choose Payoff Quote, or call us and we will fax a payoff letter to you or your closing agent.",
            )
        )
    elif itemized:
        fee = s.payoff_fee
        interest = s.payoff_amount - s.current_balance - fee  # type: ignore[operator]
        label_w = 28
        through = (
            f" through {d.date('payoff_good_through')}" if d.says("payoff_good_through") else ""
        )
        rows = [
            (
                d.pick("Principal balance", "Unpaid principal", "Principal"),
                d.money("current_balance", "usd"),
            ),
            (f"Interest{through}", d.fmt(interest, "usd")),
        ]
        if fee:
            rows.append(
                (
                    d.pick("Payoff processing fee", "Recording fee", "Payoff statement fee"),
                    d.fmt(fee, "usd"),
                )
            )
        rows.append(
            (
                d.pick("Total payoff amount", "TOTAL TO PAY OFF", "Total amount to pay in full"),
                d.money("payoff_amount", "usd"),
            )
        )
        lines += [""] + [f"  {label:<{label_w}} {value:>14}" for label, value in rows] + [""]
        if d.says("payoff_good_through"):
            lines.append(f"This quote is {good_through_text(d, 0.3)}.")
    elif d.says("payoff_amount") and not refused:
        quote = d.pick(
            "The payoff amount is",
            "Your total payoff is",
            "The amount required to pay the loan in full is",
        )
        quote += f" {d.money('payoff_amount')}"
        if d.says("payoff_good_through"):
            quote += f", {good_through_text(d, 0.4)}"
        lines.append(quote + ".")
    if d.says("per_diem") and "payoff_amount" in d.fields and d.chance(0.7):
        daily = d.money("per_diem")
        lines.append(
            d.pick(
                f"Interest accrues at {daily} per day after that date.",
                f"If funds arrive later, please add {daily} for each additional day.",
                f"Per diem: {daily}.",
            )
        )
    if refused and d.says("current_balance") and d.chance(0.6):
        lines.append(
            f"Your principal balance is {d.money('current_balance')}; the payoff will be higher, because it adds interest through the payoff date."
        )
    elif not itemized and d.says("current_balance") and d.chance(0.6):
        principal = d.money("current_balance")
        lines.append(
            d.pick(
                f"Please note the payoff differs from your principal balance of {principal} "
                "because it includes interest through the payoff date.",
                f"(Your principal balance today is {principal}; the payoff adds accrued interest"
                + (" and fees.)" if s.payoff_fee else ".)"),
            )
        )
    if d.says("next_payment_amount") and d.offers("next_payment_due_date", 0.5):
        lines.append(
            f"If the payoff will not reach us before your next due date of {d.date('next_payment_due_date')}, "
            f"please continue to make your regular payment of {d.money('next_payment_amount')}."
        )
    if s.original_amount is not None and d.chance(0.3):
        lines.append(f"(Original amount financed: {d.fmt(s.original_amount)}.)")
    lines.append("")
    if d.chance(0.5):
        lines.append(
            f"Wire funds to ABA {s.routing_number}, referencing the loan number. Certified funds may be sent "
            f"overnight to {name}, Attn: Payoff Department, PO Box {d.rng.randint(1000, 99999)}."
        )
    elif s.liability_type == "auto_loan" and coll:
        lines.append(
            "Once the loan is paid in full, the lien release and title will be mailed within 10 business days."
        )
    lines += [
        "",
        d.pick("Regards,", "Best,", "Sincerely,", "Thank you,"),
        s.rep,
        f"{name} {d.pick('Payoff Team', 'Customer Care', 'Loan Servicing')}",
    ]
    return "\n".join(lines)


@template("email", "autopay_notice")
def autopay_notice(d: Draft) -> str:
    """An automated AutoPay email: either an upcoming draft reminder or a payment-received
    confirmation, as a short block of labelled lines."""
    s = d.s
    name = d.lender
    upcoming = d.chance(0.55)
    subject = (
        d.pick(
            "Your AutoPay is scheduled",
            "Upcoming automatic payment",
            "Reminder: automatic payment coming up",
        )
        if upcoming
        else d.pick("Payment received - thank you", "We got your payment", "Payment confirmation")
    )
    lines = mail_headers(d, d.pick("no-reply", "alerts", "autopay", "notifications"), subject)
    lines += [d.pick(f"Hi {s.borrower_first},", f"Dear {s.borrower},", f"{s.borrower_first},"), ""]
    acct = f" {d.last4(d.pick('ending', 'stars', 'x'))}" if d.says("account_last4") else ""
    product = d.product()
    bank = f"{d.pick('checking', 'Checking', 'savings')} account ****{s.other_account_last4}"
    rows: list[tuple[str, str]] = []
    if upcoming:
        lines.append(
            d.pick(
                f"This is a reminder that an automatic payment on your {product}{acct} is scheduled.",
                f"Your next AutoPay draft for {product}{acct} is coming up. No action is needed.",
            )
        )
        if d.says("next_payment_amount"):
            label = (
                "Minimum payment due"
                if s.liability_type == "credit_card"
                else d.pick("Payment amount", "Scheduled payment", "Monthly payment")
            )
            rows.append((label, d.money("next_payment_amount")))
            if s.liability_type != "credit_card" and d.chance(0.3):
                extra = Decimal(d.pick(25, 50, 100, 150, 200))
                rows.append(("Additional principal", d.fmt(extra)))
                rows.append(("Total draft amount", d.fmt(s.next_payment_amount + extra)))
        if d.says("next_payment_due_date"):
            rows.append((d.pick("Due date", "Payment due date"), d.date("next_payment_due_date")))
            rows.append(("Draft date", d.pick("On the due date", "Same as due date", "Due date")))
        if d.chance(0.7) and s.other_account_last4 != s.last4:
            d.tag("other_account")
            rows.append(("From", bank))
    else:
        lines.append(
            f"Thank you! We received your payment of {_last_payment(d)} on your {product}{acct}."
        )
        if d.says("current_balance"):
            label = (
                "Current balance"
                if s.liability_type == "credit_card"
                else d.pick("Principal balance", "Remaining principal balance", "Balance")
            )
            rows.append((label, d.money("current_balance")))
        if d.offers("past_due_amount", 0.6):
            rows.append((d.pick("Past due", "Amount past due"), d.past_due()))
        if d.says("next_payment_amount"):
            label = (
                "Next minimum payment"
                if s.liability_type == "credit_card"
                else d.pick("Next payment", "Next payment amount")
            )
            rows.append((label, d.money("next_payment_amount")))
        if d.says("next_payment_due_date"):
            rows.append(("Next due date", d.date("next_payment_due_date")))
    if not rows:
        rows.append(("Status", "Scheduled" if upcoming else "Posted"))
    width = max(len(label) for label, _ in rows) + 2
    lines += [""] + [f"{label + ':':<{width}} {value}" for label, value in rows] + [""]
    if upcoming and d.chance(0.5):
        lines.append(
            "To change or cancel this payment, sign in before 8 p.m. ET the business day before the draft date."
        )
    if s.liability_type == "mortgage" and d.offers("escrow_balance", 0.3):
        lines.append(f"Your current escrow balance is {d.money('escrow_balance')}.")
    lines += [
        "",
        d.pick("Thank you for banking with us.", f"- {name}", f"{name} Customer Service"),
        f"Questions? Call {phone(d.rng)}.",
    ]
    lines.append("Please do not reply to this email; this mailbox is not monitored.")
    return "\n".join(lines)


@template("email", "past_due_notice")
def past_due_notice(d: Draft) -> str:
    """A delinquency letter sent by email (past-due amount, late charge listed apart, a total
    to bring the account current, the debt-collector notice); for a current account, the same
    system's account-status email saying nothing is past due."""
    s = d.s
    name = d.lender
    product = d.product()
    acct = d.last4(d.pick("ending", "masked", "x")) if d.says("account_last4") else ""
    mentions = d.says("past_due_amount")
    behind = mentions and s.past_due_amount > 0
    subject = (
        d.pick(
            "Important: your payment is past due",
            "Notice of late payment",
            f"Action required on your {product}",
        )
        if behind
        else d.pick("Your account status", "Account update", "Your monthly account summary")
    )
    lines = mail_headers(
        d, d.pick("collections", "accountservices", "no-reply", "servicing"), subject
    )
    lines += [f"Dear {d.pick(s.borrower, s.borrower_first, 'Customer')},", ""]
    ref = f" ({acct})" if acct else ""
    missed = s.previous_due_date
    if behind:
        ratio = s.past_due_amount / s.next_payment_amount
        if ratio >= 2:  # two installments missed: the one before ``missed`` as well
            missed = missed - dt.timedelta(days=28)
            missed = missed.replace(day=min(s.next_payment_due_date.day, 28))
        days = (s.as_of - missed).days
        when = fmt_date(missed, "long")
        if days < 1 or not d.says("next_payment_due_date"):  # a missed date would give the due day
            days = 0
            opener = f"Our records show a past-due balance on your {product}{ref}."
        elif ratio >= 2:
            opener = f"Our records show we have not received your last two payments, beginning with the one due on {when}, for your {product}{ref}."
        elif ratio < 1:
            opener = f"We received only part of the payment that was due on {when} for your {product}{ref}."
        else:
            opener = f"Our records show we have not received the payment that was due on {when} for your {product}{ref}."
        if days > 0 and d.chance(0.6):
            opener += f" Your account is now {days} days past due."
        lines.append(opener)
        lines.append("")
        late = s.late_fee
        rows = [(d.pick("Amount past due", "Past due amount", "Past-due payment(s)"), d.past_due())]
        rows.append((d.pick("Late charge", "Late fee assessed"), d.fmt(late)))
        if d.chance(0.5):
            rows.append(("Amount to bring account current", d.fmt(s.past_due_amount + late)))
        if d.says("next_payment_amount"):
            rows.append(
                (
                    d.pick("Regular monthly payment", "Next scheduled payment"),
                    d.money("next_payment_amount"),
                )
            )
            if d.says("next_payment_due_date"):
                rows.append(("Next payment due", d.date("next_payment_due_date")))
            if d.chance(0.5):
                total = s.past_due_amount + late + s.next_payment_amount
                rows.append(("Total amount due", d.fmt(total)))
        width = max(len(r[0]) for r in rows) + 3
        lines += [f"    {label:<{width}}{value}" for label, value in rows] + [""]
        lines.append(
            d.pick(
                "Please send the past-due amount and late charge as soon as possible to avoid further fees and credit reporting.",
                "If you are having trouble making payments, please call us; we may be able to help with options.",
                "If you have already sent your payment, please disregard this notice.",
            )
        )
        if d.offers("current_balance", 0.4):
            label = (
                "current balance"
                if s.liability_type == "credit_card"
                else "unpaid principal balance"
            )
            lines.append(f"Your {label} is {d.money('current_balance')}.")
        lines += [
            "",
            "This communication is from a debt collector. This is an attempt to collect a debt and any information obtained will be used for that purpose.",
        ]
    else:
        lines.append(f"Here is a quick update on your {product}{ref}.")
        lines.append("")
        if not mentions:
            pass
        elif d.chance(0.5):
            lines.append(
                f"Good news: your account is in good standing with {d.past_due(d.pick('nothing past due', 'no past due amount'))}."
            )
        else:
            lines.append(f"Past due amount: {d.past_due(d.pick('$0.00', '0.00', 'None'))}")
        if d.says("next_payment_amount"):
            due = (
                f" is due {due_text(d, 0.3)}"
                if d.says("next_payment_due_date")
                else " will be due soon"
            )
            lines.append(f"Your next payment of {d.money('next_payment_amount')}{due}.")
        if d.offers("current_balance", 0.6):
            lines.append(f"{d.pick('Balance', 'Current balance')}: {d.money('current_balance')}")
        lines.append(f"Last payment received: {_last_payment(d)}")
    dept = (
        d.pick("Collections Department", "Default Prevention Team")
        if behind
        else d.pick("Customer Care", "Account Services")
    )
    lines += ["", "Sincerely,", f"{name} {dept}", phone(d.rng)]
    return "\n".join(lines)
