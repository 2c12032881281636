"""Chat sources outside the servicer's chat widget: SMS keyword banking and texts from a loan
officer, colleagues at a lender on Slack or Teams, a budgeting app's assistant reading pasted
numbers, a voice assistant's transcript with spoken numbers, and one-line chats.
Registered by ``kinds.chat``."""

from __future__ import annotations

import math
from decimal import Decimal

from protege.corpus.dates import fmt_date
from protege.corpus.draft import Draft
from protege.corpus.kinds._messaging import (
    COLLEAGUES,
    clock,
    due_text,
    good_through_text,
    other_account,
    other_account_balance,
    relative_due,
)
from protege.corpus.registry import template


@template("chat", "sms_exchange")
def sms_exchange(d: Draft) -> str:
    """Text messages: keyword banking with a short code (BAL, PAYOFF, HELP), or a loan officer
    texting the borrower the figures they asked for."""
    s = d.s
    name = d.lender
    card = s.liability_type == "credit_card"
    me = d.pick("Me", "You", ">")
    lines = [
        f"{d.pick('Messages', 'Text Message', 'SMS')} · {fmt_date(s.as_of, d.pick('month_day', 'short_month'))}"
    ]
    product = d.product()
    if d.chance(0.6):
        code = str(d.rng.randint(20000, 99999))
        short = name.split()[0]
        acct = f" acct {d.last4(d.pick('x', 'stars'))}" if d.says("account_last4") else ""
        lines += [f"{me}: {d.pick('BAL', 'Bal', 'bal')}"]
        parts = [f"{short} {product}{acct}:"]
        if d.says("current_balance"):
            parts.append(
                f"{'Bal' if card else d.pick('Principal bal', 'Bal')} {d.money('current_balance', d.pick('usd', 'usd_nocomma'))}."
            )
        if card and s.available_credit is not None and d.offers("credit_limit", 0.6):
            limit = d.money("credit_limit", "usd_nocomma")
            parts.append(
                f"Avail credit {d.fmt(s.available_credit, 'usd_nocomma')} of {limit} limit."
            )
        if d.says("next_payment_amount"):
            due = (
                f" due {d.date('next_payment_due_date', d.pick('us_slash_short', 'month_day'))}"
                if d.says("next_payment_due_date")
                else ""
            )
            parts.append(
                f"{'Min pmt' if card else 'Next pmt'} {d.money('next_payment_amount', 'usd_nocomma')}{due}."
            )
        if d.offers("past_due_amount", 0.4):
            parts.append(
                f"Past due {d.past_due(d.pick('$0.00', '0.00'))}."
                if s.past_due_amount == 0
                else f"PAST DUE {d.past_due()}."
            )
        parts.append(d.pick("Reply PAYOFF, PAY, HELP or STOP.", "Txt HELP for help, STOP to end."))
        lines.append(f"{code}: " + " ".join(parts))
        if not card and d.offers("payoff_amount", 0.7):
            lines.append(f"{me}: PAYOFF")
            msg = f"{short}: Payoff amt {d.money('payoff_amount', d.pick('usd', 'usd_nocomma'))}"
            if d.says("payoff_good_through"):
                msg += f" good thru {d.date('payoff_good_through', d.pick('us_slash_short', 'us_slash'))}"
            if d.offers("per_diem", 0.5):
                msg += f", per diem {d.money('per_diem', 'usd')}"
            lines.append(
                f"{code}: {msg}. Call {d.rng.randint(800, 888)}-555-{d.rng.randint(1000, 9999)} for a payoff letter."
            )
        lines.append(f"{me}: {d.pick('thanks', 'ok', 'Thx')}")
        lines.append(
            f"{code}: {d.pick('Sorry, we did not understand your request. Reply HELP for a list of keywords.', 'Msg not recognized. Reply HELP for help.')}"
        )
        return "\n".join(lines)
    rep = d.s.rep
    them = d.pick(
        rep,
        f"{rep} ({short_name(name)})",
        f"+1 ({d.rng.randint(201, 989)}) 555-{d.rng.randint(1000, 9999)}",
    )
    lines.append(
        f"{them}: Hi {s.borrower_first}, this is {rep} from {name}, following up on your {product}."
    )
    lines.append(
        f"{me}: {d.pick('hey thanks! whats the payoff and my balance?', 'hi. what do i owe exactly', 'thanks for texting back')}"
    )
    if not card and d.says("payoff_amount"):
        msg = f"Payoff is {d.money('payoff_amount')}"
        if d.says("payoff_good_through"):
            msg += f", {good_through_text(d, 0.6)}"
        lines.append(f"{them}: {msg}")
    if d.says("current_balance"):
        lines.append(
            f"{them}: {'Current balance' if card else 'Principal'} is {d.money('current_balance')}"
        )
    if d.says("next_payment_amount") and d.offers("next_payment_due_date", 0.6):
        lines.append(f"{me}: do i still pay {'the min' if card else 'this month'}?")
        lines.append(f"{them}: Yes, {d.money('next_payment_amount')} due {due_text(d, 0.6)}")
    lines.append(f"{me}: {d.pick('perfect ty', 'ok 👍', 'got it')}")
    return "\n".join(lines)


def short_name(name: str) -> str:
    """'Summit Auto Finance' -> 'Summit'."""
    return name.split()[0]


@template("chat", "colleague_thread")
def colleague_thread(d: Draft) -> str:
    """Colleagues at a new lender discuss a borrower's existing account on Slack or Teams (a
    refinance or consolidation payoff), in shorthand, with reactions and edits."""
    s = d.s
    card = s.liability_type == "credit_card"
    a, b = d.rng.sample(COLLEAGUES, 2)
    tick = clock(d.rng)
    slack = d.chance(0.55)
    lines: list[str] = []
    if slack:
        lines.append(
            f"#{d.pick('refi-pipeline', 'closing-desk', 'underwriting', 'consolidation-loans', 'loan-ops')}"
        )

    def post(who: str, msg: str, gap: int = 60) -> None:
        t = tick(gap)
        if slack:
            lines.extend(["", f"{who}  {t}", msg])
        else:
            lines.extend([f"[{t}] {who}", msg])

    them = s.borrower_last
    pron = d.pick("she", "he", "they")
    servicer = d.lender
    product = d.product()
    first = b.split()[0]
    acct = f" ({d.last4(d.pick('x', 'ending', 'stars'))})" if d.says("account_last4") else ""
    if not card and d.says("payoff_amount"):
        msg = f"@{first} payoff came back from {servicer} on the {them} {product}{acct}: {d.money('payoff_amount')}"
        if d.says("payoff_good_through"):
            msg += (
                f" {good_through_text(d, 0.4, d.pick('us_slash_short', 'month_day', 'us_slash'))}"
            )
        if d.offers("per_diem", 0.7):
            msg += f", per diem {d.money('per_diem')}"
        post(a, msg, 0)
        post(
            b,
            d.pick(
                "ty! what's the principal? UW wants it separate",
                "thanks - principal balance?",
                "👍 need the principal too for the worksheet",
            ),
        )
        if d.says("current_balance"):
            extra = f" @ {d.rate()}" if d.offers("interest_rate", 0.6) else ""
            post(a, f"{d.money('current_balance')} principal{extra}")
        else:
            post(a, "didn't give it on the quote, I'll ask")
    else:
        post(
            a,
            f"@{first} got the numbers on {them}'s {servicer} {product}{acct} for the consolidation",
            0,
        )
        if d.says("current_balance"):
            post(
                a,
                f"bal {d.money('current_balance')}"
                + (f", limit {d.money('credit_limit')}" if d.offers("credit_limit", 0.7) else ""),
                20,
            )
        if d.says("interest_rate"):
            post(b, "rate?")
            post(a, f"{d.rate()}{' purchase APR' if card else ''}")
    if d.offers("past_due_amount", 0.6):
        if s.past_due_amount == 0:
            post(b, "any lates?")
            post(
                a,
                f"{d.pick('nope', 'no')}, {pron}'s {d.past_due(d.pick('current', 'all caught up'))} - {d.pick('nothing past due on the quote', 'verified with the servicer')}",
            )
        else:
            post(
                a,
                f"heads up {pron}'s behind: {d.past_due()} past due plus a {d.fmt(s.late_fee)} late fee",
            )
    if d.offers("next_payment_amount", 0.6):
        post(
            b,
            d.pick(
                "monthly pmt for DTI?",
                "what's the current payment?",
                f"do we know the {'min' if card else 'monthly'}?",
            ),
        )
        due = (
            f", next due {d.date('next_payment_due_date', d.pick('us_slash_short', 'month_day'))}"
            if d.says("next_payment_due_date")
            else ""
        )
        post(
            a,
            f"{d.money('next_payment_amount')}{due}"
            + (" (PITI)" if s.liability_type == "mortgage" and d.chance(0.5) else ""),
        )
    if s.liability_type == "mortgage" and d.offers("escrow_balance", 0.5):
        post(
            a, f"escrow bal {d.money('escrow_balance')} - {pron}'ll get that refunded after payoff"
        )
    if d.chance(0.35):
        other = other_account(d)
        if other:
            post(
                b,
                f"fyi {pron} also has a {other[0]} with us {other[1]}, bal {other_account_balance(d)} - not part of this one",
            )
    if d.chance(0.4) and slack:
        lines.append(d.pick(":thumbsup: 1", ":white_check_mark: 2", "(edited)"))
    post(
        b,
        d.pick(
            "perfect, sending to closing",
            "thanks!",
            "got it, will update the file",
            "ok ordering the wire",
        ),
    )
    return "\n".join(lines).strip()


def _months_left(balance: Decimal, rate: Decimal, payment: Decimal) -> int | None:
    r = float(rate) / 1200
    b, p = float(balance), float(payment)
    if p <= 0 or (r and p <= r * b):
        return None
    n = b / p if not r else -math.log(1 - r * b / p) / math.log(1 + r)
    return math.ceil(n)


@template("chat", "budget_app_assistant")
def budget_app_assistant(d: Draft) -> str:
    """A borrower pastes their servicer page into a budgeting app's assistant, which reads it
    back and runs a what-if with extra payments (hypothetical amounts)."""
    s = d.s
    card = s.liability_type == "credit_card"
    app = d.pick("Budgie", "Penny AI", "Nest Egg assistant", "Cashflow Coach", "Ledgerly")
    me = d.pick("You", "Me", s.borrower_first)
    product = d.product()
    paste: list[tuple[str, str]] = []
    if d.offers("account_last4", 0.6):
        paste.append(("Account", d.last4(d.pick("masked", "stars"))))
    if d.says("current_balance"):
        paste.append(
            (
                "Current Balance"
                if card
                else d.pick("Principal Balance", "Current Principal", "Balance"),
                d.money("current_balance"),
            )
        )
    if d.says("interest_rate"):
        paste.append(("Purchase APR" if card else d.pick("Interest Rate", "Note Rate"), d.rate()))
    if s.apr is not None and not card and d.offers("interest_rate", 0.5):
        paste.append(("APR", f"{s.apr}%"))
    if d.says("next_payment_amount"):
        paste.append(
            (
                "Minimum Payment Due"
                if card
                else d.pick("Monthly Payment", "Payment Amount", "Regular Payment"),
                d.money("next_payment_amount"),
            )
        )
    if d.says("next_payment_due_date"):
        paste.append(
            (
                "Payment Due Date" if card else d.pick("Next Due Date", "Due Date"),
                d.date("next_payment_due_date"),
            )
        )
    if d.says("credit_limit"):
        paste.append(("Credit Limit", d.money("credit_limit")))
        if s.available_credit is not None:
            paste.append(("Available Credit", d.fmt(s.available_credit)))
    if d.offers("escrow_balance", 0.7):
        paste.append(("Escrow Balance", d.money("escrow_balance")))
    if d.offers("past_due_amount", 0.5):
        paste.append(("Past Due Amount", d.past_due(d.pick("$0.00", "0.00"))))
    if not card and d.offers("payoff_amount", 0.5):
        paste.append(
            (
                "Payoff Amount" + ("*" if d.says("payoff_good_through") else ""),
                d.money("payoff_amount"),
            )
        )
    if s.original_amount is not None and d.chance(0.4):
        paste.append(("Original Loan Amount", d.fmt(s.original_amount)))
    sep = d.pick("\t", "  ", ": ", " ")
    footnote = []
    if "payoff_amount" in d.fields and d.says("payoff_good_through"):
        footnote = [f"*Payoff {good_through_text(d, 0.2)}"]
    lines = [
        f"{app}",
        f"{me}: {d.pick(f'can you help me with my {product}? this is from the {d.lender} site:', f'here are my {product} numbers, copied from my account page', f'pasting my {product} info')}",
        "",
        *[f"{label}{sep}{value}" for label, value in paste],
        *footnote,
        "",
        f"{me}: {d.pick('how long until its paid off if i pay extra?', 'what should i do with this', 'is this bad?')}",
    ]
    answer = [f"{app}: {d.pick('Thanks for sharing!', 'Got it.', 'Here is what I see:')}"]
    balance = s.current_balance
    payment = s.next_payment_amount - (s.escrow_monthly or 0)
    if card:
        extra = Decimal(d.pick(50, 100, 200))
        plan = s.next_payment_amount + extra
        months = (
            _months_left(balance, s.interest_rate, plan)
            if "current_balance" in d.fields and "interest_rate" in d.fields
            else None
        )
        if months:
            answer.append(
                f"If you paid {d.fmt(plan)} every month and stopped using the card, you'd be debt-free in about {months} months."
            )
        if s.credit_limit and "credit_limit" in d.fields and "current_balance" in d.fields:
            answer.append(
                f"You're using about {round(100 * balance / s.credit_limit)}% of your limit; under 30% helps your credit score."
            )
    else:
        known = all(
            k in d.fields for k in ("current_balance", "interest_rate", "next_payment_amount")
        )
        months = _months_left(balance, s.interest_rate, payment) if known else None
        extra = Decimal(d.pick(50, 100, 150, 250))
        faster = _months_left(balance, s.interest_rate, payment + extra) if known else None
        if months and faster:
            answer.append(f"At your current payment you have roughly {months} payments left.")
            answer.append(
                f"Adding {d.fmt(extra)} a month ({d.fmt(payment + extra)} toward principal and interest) would cut that to about {faster}."
            )
        elif "current_balance" in d.fields:
            answer.append(
                "Add your interest rate and monthly payment and I can estimate your payoff date."
            )
        if "payoff_amount" in d.fields and "current_balance" in d.fields:
            answer.append(
                "The payoff amount is higher than your balance because it includes interest up to the payoff date."
            )
    if d.chance(0.3):
        other = other_account(d)
        if other:
            answer.append(
                f"Your linked {other[0]} ({other[1]}) has {other_account_balance(d)}, which I've left out of this plan."
            )
    if len(answer) == 1:
        answer.append("Paying on time every month is the most important thing here.")
    lines += answer
    return "\n".join(lines)


@template("chat", "voice_assistant")
def voice_assistant(d: Draft) -> str:
    """A smart speaker's voice history: the user's words as recognized, the assistant's answers
    with amounts, rates and digits spelled out as spoken."""
    s = d.s
    card = s.liability_type == "credit_card"
    wake = d.pick("Alexa", "Hey Google", "Hey Nova", "Computer")
    you = d.pick("You said", "User", "YOU")
    bot = d.pick("Assistant", "Alexa" if wake == "Alexa" else "Assistant", "Response")
    name = d.lender
    product = d.product()
    lines = [f"{d.pick('Voice history', 'Activity', 'Transcript')} - {fmt_date(s.as_of, 'long')}"]
    quote = d.pick('"', "")
    asked = False
    if not d.says("current_balance") or d.chance(0.25):
        lines.append(f"{you}: {quote}{wake.lower()} open {name.lower()}{quote}")
        acct = f" {d.last4('spoken')}" if d.offers("account_last4", 0.5) else ""
        lines.append(
            f"{bot}: {quote}Welcome to {name}. I found your {product}{acct}. What would you like to know?{quote}"
        )
        asked = True
    if d.says("current_balance"):
        acct = (
            f" {d.last4('spoken')}"
            if d.says("account_last4") and "account_last4" not in d.fields and d.chance(0.6)
            else ""
        )
        lines.append(
            f"{you}: {quote}{'' if asked else wake.lower() + ' '}whats my {name.lower()} {product} balance{quote}"
        )
        label = "current balance" if card else d.pick("principal balance", "balance")
        lines.append(
            f"{bot}: {quote}Your {name} {product}{acct} has a {label} of {d.spoken_money('current_balance')}.{quote}"
        )
        asked = True
    if d.says("next_payment_amount"):
        lines.append(
            f"{you}: {quote}{'' if asked else wake.lower() + ' '}when is my {product} payment due{quote}"
        )
        when = ""
        if d.says("next_payment_due_date"):
            rel = relative_due(d) if d.chance(0.3) else None
            when = (
                f" on {rel}"
                if rel and rel.startswith("the")
                else (
                    f" {rel}"
                    if rel
                    else f" on {d.date('next_payment_due_date', d.pick('ordinal', 'month_day', 'ordinal_of', 'weekday'))}"
                )
            )
        lines.append(
            f"{bot}: {quote}Your {'minimum payment' if card else 'next payment'} of {d.spoken_money('next_payment_amount')} is due{when}.{quote}"
        )
    if d.offers("interest_rate", 0.5):
        lines.append(f"{you}: {quote}what's the interest rate{quote}")
        lines.append(
            f"{bot}: {quote}The {'purchase A P R' if card else 'interest rate'} is {d.rate(spoken=True)}.{quote}"
        )
    if not card and d.offers("payoff_amount", 0.6):
        lines.append(f"{you}: {quote}how much to pay it off{quote}")
        msg = f"Your payoff amount is {d.spoken_money('payoff_amount')}"
        if d.says("payoff_good_through"):
            msg += f", {good_through_text(d, 0.5, d.pick('ordinal', 'month_day'))}"
        lines.append(f"{bot}: {quote}{msg}.{quote}")
    if d.offers("credit_limit", 0.5):
        lines.append(f"{you}: {quote}and my credit limit{quote}")
        lines.append(f"{bot}: {quote}Your credit limit is {d.spoken_money('credit_limit')}.{quote}")
    if d.offers("past_due_amount", 0.3):
        lines.append(f"{you}: {quote}am i behind on it{quote}")
        msg = (
            f"No, there is {d.past_due('nothing past due')}."
            if s.past_due_amount == 0
            else f"Yes, {d.spoken_money('past_due_amount')} is past due."
        )
        lines.append(f"{bot}: {quote}{msg}{quote}")
    if len(lines) == 1:
        lines.append(f"{you}: {quote}{wake.lower()} check my {name.lower()} {product}{quote}")
        lines.append(
            f"{bot}: {quote}Sorry, I couldn't reach {name} right now. Please try again later.{quote}"
        )
    return "\n".join(lines)


@template("chat", "one_line_chat")
def one_line_chat(d: Draft) -> str:
    """A single chat message (or one question and its answer) under 300 characters."""
    s = d.s
    card = s.liability_type == "credit_card"
    who = d.pick(f"Agent {s.rep}", s.rep, "Bot", "Support", f"{s.rep} (Support)")
    t = clock(d.rng)(0)
    prefix = d.pick(f"[{t}] {who}: ", f"{who}: ", f"{who} {t}: ")
    kind = d.pick("payoff", "payment", "balance", "escrow")
    if kind == "payoff" and not card and d.says("payoff_amount"):
        msg = f"Your payoff is {d.money('payoff_amount')}"
        if d.says("payoff_good_through"):
            msg += f", {good_through_text(d, 0.6)}"
        return prefix + msg + "."
    if kind == "escrow" and d.says("escrow_balance") and d.says("liability_type"):
        me = d.pick("me", "You", s.borrower_first)
        return f"{me}: escrow balance on the {d.product()}?\n{prefix}{d.money('escrow_balance')} as of today."
    if kind in ("payment", "payoff", "escrow") and d.says("next_payment_amount"):
        msg = f"Your {'minimum payment' if card else 'next payment'} is {d.money('next_payment_amount')}"
        if d.says("next_payment_due_date"):
            msg += f", due {due_text(d, 0.5, d.pick('us_slash_short', 'month_day', 'short_month'))}"
        return prefix + msg + "."
    if d.says("current_balance"):
        label = "current balance" if card else d.pick("principal balance", "balance")
        msg = f"The {label} on your {d.product()} is {d.money('current_balance')}"
        if card and d.offers("credit_limit", 0.5):
            msg += f" (limit {d.money('credit_limit')})"
        return prefix + msg + "."
    return prefix + f"I can't share figures here - please sign in to see your {d.product()}."
