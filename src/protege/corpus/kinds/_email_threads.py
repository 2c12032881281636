"""Email sources written by people: forwarded payoff threads with an older quote below, a
borrower's casual summary of their loan, a rep's reply above a quoted chain with signature and
disclaimers, and one-line replies or text-style alerts. Registered by ``kinds.email``."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from protege.corpus.dates import fmt_date
from protege.corpus.draft import Draft
from protege.corpus.kinds._messaging import (
    ADVISOR_NAMES,
    COLLEAGUES,
    borrower_address,
    domain,
    due_text,
    good_through_text,
    header_date,
    misread_digits,
    misstate,
    other_account,
    other_account_balance,
    phone,
    typos,
)
from protege.corpus.registry import LOANS, template
from protege.corpus.scenario import random_amount


@template("email", "forwarded_payoff_thread", types=LOANS)
def forwarded_payoff_thread(d: Draft) -> str:
    """A borrower forwards the servicer's newest payoff quote to a closing agent or new lender;
    the servicer's earlier, expired quote sits further down the thread."""
    s = d.s
    name = d.lender
    sender = f"{d.pick('payoffs', 'payoff.requests', 'servicing')}@{domain(name)}"
    to_name = d.pick(*COLLEAGUES)
    to_role = d.pick("homefund", "closing", "title", "refi")
    old_day = s.as_of - dt.timedelta(days=d.rng.randint(16, 50))
    old_good = old_day + dt.timedelta(days=d.pick(7, 10, 10, 14))
    old_payoff = (s.payoff_amount or Decimal(0)) + random_amount(d.rng, 150, 1400)
    old_per_diem = (s.per_diem or Decimal(0)) + Decimal(d.pick("0.01", "0.02", "0.03", "0.05"))
    ofmt = d.pick("long", "us_slash", "short_month")

    lines = [
        f"From: {s.borrower} <{borrower_address(d)}>",
        f"To: {to_name} <{to_name.split()[0].lower()}@{to_role}{d.pick('partners', 'group', 'lending')}.com>",
        f"Date: {header_date(s.as_of, d.rng, (14, 20))}",
        f"Subject: Fwd: {d.pick('RE: Payoff quote', 'Updated payoff', 'Payoff letter request')}",
        "",
        d.pick(
            f"Hi {to_name.split()[0]}, here is the updated payoff they sent today. The one at the bottom is the older quote, please use the new one.",
            f"{to_name.split()[0]} - forwarding the new payoff. Ignore the older quote below, it expired.",
            "See below, updated quote from the servicer. Let me know if you need anything else for closing.",
        ),
        "",
        s.borrower_first,
        "",
        d.pick(
            "---------- Forwarded message ---------",
            "-------- Original Message --------",
            "Begin forwarded message:",
        ),
        f"From: {name} <{sender}>",
        f"Date: {header_date(s.as_of, d.rng, (7, 13))}",
        f"Subject: RE: {d.pick('Payoff quote', 'Payoff request', 'Updated payoff')}",
        f"To: {s.borrower_first} {s.borrower_last}",
        "",
        f"Hello {s.borrower_first},",
        "",
    ]
    acct = f" {d.last4()}" if d.says("account_last4") else ""
    lines.append(f"Here is the updated payoff for your {d.product()}{acct}, as requested.")
    if d.says("payoff_amount"):
        quote = f"{d.pick('Updated payoff amount', 'Payoff amount', 'Total payoff')}: {d.money('payoff_amount')}"
        if d.says("payoff_good_through"):
            quote += f" ({good_through_text(d, 0.35)})"
        lines.append(quote)
        if d.offers("per_diem", 0.75):
            lines.append(
                f"{d.pick('Per diem', 'Daily interest', 'Per diem interest')}: {d.money('per_diem')}"
            )
    else:
        lines.append("Your updated payoff letter is attached as a PDF.")
    if d.offers("current_balance", 0.5):
        lines.append(f"Principal balance: {d.money('current_balance')}")
        show_old_principal = d.chance(0.5)
    else:
        show_old_principal = False
    lines.append(
        d.pick(
            "This quote replaces any prior payoff quote.", "Please disregard previous quotes.", ""
        )
    )
    lines += ["", f"{s.rep}", f"{name} Payoff Department", ""]

    old = [
        f"Dear {s.borrower_first},",
        "",
        f"The payoff amount is {d.fmt(old_payoff)}, good through {fmt_date(old_good, ofmt)}.",
    ]
    if d.chance(0.7):
        old.append(f"Per diem after {fmt_date(old_good, ofmt)}: {d.fmt(old_per_diem)}")
    if show_old_principal:
        old.append(
            f"Principal balance as of {fmt_date(old_day, ofmt)}: {d.fmt(s.current_balance + random_amount(d.rng, 120, 900))}"
        )
    old += ["", s.rep]
    if d.chance(0.5):
        lines.append(f"On {header_date(old_day, d.rng)}, {name} <{sender}> wrote:")
        lines += [f"> {line}".rstrip() for line in old]
    else:
        lines += [
            "-----Original Message-----",
            f"From: {name} <{sender}>",
            f"Sent: {header_date(old_day, d.rng)}",
            "Subject: Payoff quote",
            "",
        ]
        lines += old
    return "\n".join(lines)


def _casual(d: Draft, text: str, keep: tuple[str, ...] = ()) -> str:
    return typos(text, d.rng, 0.08, keep)


@template("email", "borrower_summary")
def borrower_summary(d: Draft) -> str:
    """A borrower emails a financial advisor (or a new lender) the numbers of their loan in
    casual words: bare amounts without dollar signs, typos, facts in any order."""
    s = d.s
    card = s.liability_type == "credit_card"
    advisor = d.pick(*ADVISOR_NAMES)
    product = d.product()
    name = d.lender
    money_style = d.pick("plain", "plain", "commas", "usd_nocomma", "usd")
    facts: list[str] = []
    if d.says("current_balance"):
        facts.append(
            _casual(d, d.pick("balance is", "i still owe", "current balance"))
            + f" {d.money('current_balance', money_style)}"
            + ("" if card else d.pick("", " (principal)", " thats the principal"))
        )
    if d.says("interest_rate"):
        facts.append(
            _casual(d, d.pick("rate is", "interest rate", "the APR is" if card else "my rate is"))
            + f" {d.rate()}"
        )
    if d.says("next_payment_amount"):
        pay = _casual(
            d,
            d.pick("minimum payment is", "min payment")
            if card
            else d.pick("payment is", "monthly payment", "i pay"),
        )
        pay += f" {d.money('next_payment_amount', money_style)}"
        if s.liability_type == "mortgage" and d.chance(0.5):
            pay += " (includes escrow)"
        if d.says("next_payment_due_date"):
            pay += (
                f", next one due {due_text(d, 0.6, d.pick('us_slash_short', 'month_day', 'long'))}"
            )
        facts.append(pay)
    if d.offers("past_due_amount", 0.5):
        if s.past_due_amount == 0:
            facts.append(
                f"im {d.past_due(d.pick('all caught up', 'up to date', 'current'))} on payments"
            )
        else:
            facts.append(
                _casual(d, d.pick("im a little behind, past due is", "they say im past due"))
                + f" {d.past_due()}"
            )
    if d.offers("payoff_amount", 0.7):
        payoff = f"they quoted a payoff of {d.money('payoff_amount', money_style)}"
        if d.says("payoff_good_through"):
            payoff += (
                f" {good_through_text(d, 0.5, d.pick('us_slash_short', 'month_day', 'us_slash'))}"
            )
        if d.offers("per_diem", 0.4):
            payoff += f" plus {d.money('per_diem', money_style)} a day after that"
        facts.append(payoff)
    if d.offers("escrow_balance", 0.7):
        facts.append(f"theres {d.money('escrow_balance', money_style)} in escrow right now")
    if d.says("credit_limit"):
        facts.append(f"limit is {d.money('credit_limit', money_style)}")
    if s.original_amount is not None and d.chance(0.4):
        facts.append(f"originally borrowed {d.fmt(s.original_amount, 'plain')}")
    d.rng.shuffle(facts)
    lines = [
        f"To: {advisor.split()[-1].lower().strip('.')}@{d.pick('brightpathplanning', 'harborwealth', 'summitadvisors', 'clearviewcfp')}.com",
        f"Subject: {_casual(d, d.pick('my loan info', 'numbers you asked for', f're: {product} details', 'debt list - part 2'), (product,))}",
        "",
        d.pick(f"hi {advisor},", f"Hey {advisor}", f"{advisor} -"),
        "",
        _casual(
            d,
            d.pick(
                f"heres the info on my {product} with {name}",
                f"ok so for the {product} ({name})",
                f"you asked about the {product}, here goes",
            ),
            (product, name),
        ),
    ]
    if d.offers("account_last4", 0.6):
        lines.append(f"acct # {d.last4(d.pick('full', 'ending', 'x'))}")
    bullet = d.pick("- ", "", "* ")
    lines += [bullet + f for f in facts] if bullet else [", ".join(facts)]
    other = other_account(d) if d.chance(0.35) else None
    if other:
        product2, ending = other
        lines.append(
            _casual(d, f"also have a {product2} {ending} with them, around", (product,))
            + f" {other_account_balance(d)} "
            + _casual(d, "on it but thats separate")
        )
    lines += [
        "",
        d.pick("thanks!", "thx", "let me know what you think", "Thanks"),
        s.borrower_first,
        "",
    ]
    if d.chance(0.5):
        lines.append(
            d.pick("Sent from my iPhone", "Sent from my Galaxy", "Get Outlook for Android")
        )
    return "\n".join(lines)


@template("email", "reply_with_quoted_chain")
def reply_with_quoted_chain(d: Draft) -> str:
    """A rep's top-posted answer above the borrower's quoted question ('>' lines) and an older
    auto-acknowledgement ('>>' lines), with a signature block and legal disclaimers; the
    borrower's own figure is sometimes wrong and corrected."""
    s = d.s
    name = d.lender
    card = s.liability_type == "credit_card"
    product = d.product()
    asked_day = s.as_of - dt.timedelta(days=d.rng.randint(1, 4))
    rep_last = d.pick("Alvarez", "Brooks", "Nakamura", "Fitzgerald", "Osei", "Lindqvist")
    wrong_balance = d.says("current_balance") and d.chance(0.35)
    wrong_last4 = d.says("account_last4") and not wrong_balance and d.chance(0.25)
    wrong_figure = misstate(s.current_balance, d.rng)
    answer: list[str] = []
    if wrong_last4:
        d.tag("caller_correction")
        answer.append(
            f"First, a quick note: the account you asked about is the one {d.last4('ending')}, not {_misread_for(d)}."
        )
    elif d.says("account_last4") and d.chance(0.5):
        answer.append(
            f"I reviewed your {product} ({d.last4(d.pick('x', 'stars', 'ending'))}) and here is what I found:"
        )
    if d.says("current_balance"):
        label = (
            "current balance"
            if card
            else d.pick(
                "principal balance", "unpaid principal balance", "current principal balance"
            )
        )
        if wrong_balance:
            d.tag("caller_correction")
            answer.append(
                f"The {d.fmt(wrong_figure)} you mentioned isn't quite right: your {label} is {d.money('current_balance')}."
            )
        else:
            answer.append(f"Your {label} is {d.money('current_balance')}.")
    if d.says("next_payment_amount"):
        line = f"Your next {'minimum payment' if card else 'monthly payment'} is {d.money('next_payment_amount')}"
        if d.says("next_payment_due_date"):
            line += f", due {d.date('next_payment_due_date')}"
        answer.append(line + ".")
    if d.offers("past_due_amount", 0.6):
        answer.append(
            f"There is {d.past_due('no past due amount')} on the account."
            if s.past_due_amount == 0
            else f"The account shows {d.past_due()} past due; a late charge of {d.fmt(s.late_fee)} was also assessed."
        )
    if d.offers("interest_rate", 0.5):
        answer.append(f"The {'purchase APR' if card else 'interest rate'} is {d.rate()}.")
    if d.offers("credit_limit", 0.6):
        answer.append(
            f"Your credit limit is {d.money('credit_limit')}"
            + (
                f" and available credit is {d.fmt(s.available_credit)}."
                if s.available_credit is not None and d.chance(0.6)
                else "."
            )
        )
    if d.offers("escrow_balance", 0.6):
        answer.append(f"Your escrow account currently holds {d.money('escrow_balance')}.")
    if d.offers("payoff_amount", 0.5):
        quote = f"If you would like to pay the loan off, the payoff is {d.money('payoff_amount')}"
        if d.says("payoff_good_through"):
            quote += f", {good_through_text(d, 0.3)}"
        answer.append(quote + ".")
    if not answer:
        answer.append(
            "I have forwarded your request to our account specialists; you will receive a separate message shortly."
        )
    body = answer if d.chance(0.5) else [" ".join(answer)]

    sig = [
        s.rep + " " + rep_last,
        d.pick(
            "Customer Care Specialist",
            "Card Services Specialist" if card else "Senior Loan Servicing Specialist",
            "Account Representative",
        ),
    ]
    sig.append(f"{name} | {phone(d.rng)} ext. {d.rng.randint(100, 9999)}")
    if s.liability_type in ("mortgage", "personal_loan") and d.chance(0.6):
        sig.append(f"NMLS ID {d.rng.randint(100000, 2999999)}")
    sig.append(f"www.{domain(name)}")
    disclaimers = [
        "CONFIDENTIALITY NOTICE: This e-mail and any attachments are for the sole use of the intended recipient and may contain confidential information. If you are not the intended recipient, please delete it and notify the sender.",
        "This communication is from a debt collector attempting to collect a debt. Any information obtained will be used for that purpose.",
        "For your security, please do not send full account numbers or Social Security numbers by email.",
    ]
    d.rng.shuffle(disclaimers)
    question = [
        d.pick("Hello,", "Hi there,", "To whom it may concern,"),
        "",
        d.pick(
            f"I'm trying to figure out where I stand on my {product}.",
            f"Can you tell me a few things about my {product}?",
        ),
    ]
    if wrong_last4:
        question.append(f"The account ends in {_misread_for(d)}.")
    if wrong_balance:
        question.append(
            d.pick("My records say I owe", "I thought the balance was", "My app shows")
            + f" {d.fmt(wrong_figure)}, is that right?"
        )
    question += [
        d.pick(
            "What is the balance and when is the next payment due?",
            "Also how much do I need to pay and by when?",
        ),
        "",
        "Thanks,",
        s.borrower,
    ]
    lines = [
        f"From: {s.rep} {rep_last} <{s.rep.lower()}.{rep_last.lower()}@{domain(name)}>",
        f"To: {borrower_address(d)}",
        f"Subject: RE: {d.pick('Question about my account', 'balance question', 'Account inquiry', 'help please')}",
        "",
        f"Hi {s.borrower_first},",
        "",
        *body,
        "",
        d.pick(
            "Let me know if there's anything else I can do.",
            "Please don't hesitate to reach out with any other questions.",
        ),
        "",
        "Thank you,",
        *sig,
        "",
        *disclaimers[: d.pick(1, 2, 3)],
        "",
        f"On {header_date(asked_day, d.rng)}, {s.borrower} <{borrower_address(d)}> wrote:",
        *[f"> {q}".rstrip() for q in question],
    ]
    if d.chance(0.6):
        lines += [
            ">",
            f">> On {header_date(asked_day - dt.timedelta(days=d.rng.randint(1, 6)), d.rng)}, {name} wrote:",
            f">> Thank you for contacting {name}. Your case number is {d.rng.randint(10_000_000, 99_999_999)}.",
            ">> A specialist will respond within two business days.",
        ]
    return "\n".join(lines)


def _misread_for(d: Draft) -> str:
    """The borrower's misread last four (the same slip each time it is asked for)."""
    key = "misread_last4"
    if key not in d.s.extras:
        d.s.extras[key] = misread_digits(d.s.last4, d.rng)
    return d.s.extras[key]


@template("email", "short_reply")
def short_reply(d: Draft) -> str:
    """A very short email: a rep's one-line answer, or a text-style payment/balance alert."""
    s = d.s
    name = d.lender
    card = s.liability_type == "credit_card"
    style = d.pick("one_liner", "alert", "balance")
    if style == "one_liner" and d.says("payoff_amount"):
        body = f"Payoff is {d.money('payoff_amount')}"
        if d.says("payoff_good_through"):
            body += (
                f" {good_through_text(d, 0.5, d.pick('us_slash', 'us_slash_short', 'month_day'))}"
            )
        body += f". {d.pick('-', 'Thanks,', 'Best,')} {s.rep}"
        subject = "Re: payoff"
    elif style in ("one_liner", "alert") and d.says("next_payment_amount"):
        acct = f" (acct {d.last4(d.pick('x', 'stars'))})" if d.says("account_last4") else ""
        due = (
            f" is due {due_text(d, 0.4, d.pick('us_slash', 'us_slash_short', 'short_month'))}"
            if d.says("next_payment_due_date")
            else " is coming up"
        )
        what = "minimum payment" if card else "payment"
        body = f"{name}: Your {d.product()} {what} of {d.money('next_payment_amount')}{acct}{due}. Reply STOP to opt out."
        subject = "Payment reminder"
    elif d.says("current_balance"):
        acct = f" {d.last4('ending')}" if d.says("account_last4") else ""
        label = "current balance" if card else d.pick("principal balance", "balance")
        body = f"{name} Alert: The {label} on your {d.product()}{acct} is {d.money('current_balance')}."
        if d.offers("past_due_amount", 0.4):
            body += f" {d.past_due('Nothing is past due') if s.past_due_amount == 0 else 'Past due: ' + d.past_due()}."
        subject = "Balance alert"
    else:
        body = f"Hi {s.borrower_first}, we received your message about your {d.product()} and will reply within 1 business day. - {name}"
        subject = "We got your message"
    head = f"Subject: {subject}\n\n"
    return head + body if len(head) + len(body) < 290 else body
