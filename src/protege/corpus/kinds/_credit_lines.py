"""Personal lines of credit: revolving accounts that are personal loans under the contract.

A bank's unsecured line works like a card (a line amount, a balance drawn against it, a minimum
payment, a variable rate) but the contract files it under ``personal_loan``, with its line as
``credit_limit``. These templates are registered ``revolving=True``: the generator draws a card's
economics for them (``make_scenario(..., revolving=True)``). Three layouts: an online-banking
page, a monthly statement and a call.
"""

from __future__ import annotations

from decimal import Decimal

from protege.corpus.dates import fmt_date
from protege.corpus.draft import Draft
from protege.corpus.kinds._portal_parts import cell_date, cell_money
from protege.corpus.kinds._speech import Call, amount, due, past_due_line, said
from protege.corpus.kinds._speech_scripts import closing, greet, verify
from protege.corpus.kinds._statement_parts import other_account
from protege.corpus.kinds._web import (
    account_ref,
    cookie_banner,
    footer,
    greeting,
    nav_menu,
    pairs_block,
    recent,
    stated,
)
from protege.corpus.money import fmt_money
from protege.corpus.registry import template

LINE_WORDS = (
    "personal line of credit",
    "line of credit",
    "personal credit line",
    "unsecured line of credit",
)


def line_name(d: Draft, case: str = "title") -> str:
    """Name the product as a line of credit (recording the type), or neutrally when withheld."""
    if not d.says("liability_type"):
        return d.product()
    word = d.pick(*LINE_WORDS)
    return d.product(word.title() if case == "title" else word)


def _variable(d: Draft) -> str:
    """The rate as a line's is usually quoted: variable, sometimes with its index margin."""
    rate = d.rate()
    margin = d.pick("", "", f" (Prime + {d.pick('3.00', '4.25', '5.50', '6.75')}%)")
    return f"{rate} {d.pick('variable', 'variable APR', 'APR')}{margin}"


@template("portal", "credit_line_page", types=("personal_loan",), revolving=True)
def credit_line_page(d: Draft) -> str:
    """An online-banking page for a personal line: balance against the line, what is left to
    draw, the rate and the minimum payment, then the member's other accounts."""
    s = d.s
    out = [cookie_banner(d)] if d.chance(0.4) else []
    out += [d.lender, nav_menu(d), greeting(d)]
    ref = account_ref(d, "dots", "x", "stars", "ending")
    out.append(f"{line_name(d)}{' ' + ref if ref else ''}")
    rows: list[tuple[str, str]] = []
    if d.says("current_balance"):
        rows.append(
            (
                d.pick("Current balance", "Amount owed", "Outstanding balance"),
                cell_money(d, "current_balance"),
            )
        )
    if d.offers("credit_limit", 0.8):
        rows.append(
            (d.pick("Credit line", "Line amount", "Approved line"), cell_money(d, "credit_limit"))
        )
        if stated(d, "current_balance") and d.chance(0.7):
            rows.append(
                (
                    d.pick("Available to draw", "Available credit"),
                    d.fmt(s.available_credit or Decimal(0)),
                )
            )
    if d.offers("interest_rate", 0.7):
        rows.append((d.pick("Interest rate", "Rate"), _variable(d)))
    if d.says("next_payment_amount"):
        rows.append(
            (d.pick("Minimum payment", "Payment due"), cell_money(d, "next_payment_amount"))
        )
    if d.says("next_payment_due_date"):
        rows.append((d.pick("Due date", "Payment due by"), cell_date(d, "next_payment_due_date")))
    if d.offers("past_due_amount", 0.4):
        rows.append(("Past due", d.past_due("$0.00") if s.past_due_amount == 0 else d.past_due()))
    if d.chance(0.6):
        draw = Decimal(d.pick(250, 500, 1000, 1500, 2000))
        rows.append(
            ("Last advance", f"{fmt_money(draw)} on {fmt_date(recent(d, 3, 25), 'us_slash')}")
        )
    out.append(pairs_block(d, rows, d.pick("padded", "colon", "tab")))
    out.append(
        d.pick(
            "[Transfer from line]  [Make a payment]  [Statements]", "Move money | Pay | Documents"
        )
    )
    if d.chance(0.5) and (other := other_account(d, "usd")):
        out.append("Your other accounts\n  " + "   ".join(other))
    out.append(footer(d))
    return "\n\n".join(out)


@template("statement", "credit_line_statement", types=("personal_loan",), revolving=True)
def credit_line_statement(d: Draft) -> str:
    """A monthly statement of a personal line: summary of the cycle (previous balance,
    advances, payments, interest), the line and what is available, the payment box."""
    s = d.s
    money = d.pick("usd", "usd", "commas")
    ref = account_ref(d, "full", "masked", "ending")
    out = [
        f"{d.lender.upper()}\n{line_name(d, 'title')} Statement",
        f"{s.borrower.upper()}" + (f"          Account {ref}" if ref else ""),
        f"Statement date: {fmt_date(s.as_of, 'us_slash')}",
    ]
    summary = [("Previous balance", d.fmt(s.previous_balance or Decimal(0), money))]
    summary.append(("Advances", d.fmt(s.purchases or Decimal(0), money)))
    summary.append(("Payments", "-" + d.fmt(s.payments_credits or Decimal(0), money)))
    summary.append(("Interest charged", d.fmt(s.interest_charged or Decimal(0), money)))
    if d.says("current_balance"):
        summary.append(("New balance", d.money("current_balance", money)))
    out.append("ACCOUNT SUMMARY\n" + pairs_block(d, summary, "dots"))
    line: list[tuple[str, str]] = []
    if d.offers("credit_limit", 0.85):
        line.append(("Credit line", d.money("credit_limit", money)))
        if stated(d, "current_balance"):
            line.append(("Available credit", d.fmt(s.available_credit or Decimal(0), money)))
    if d.offers("interest_rate", 0.8):
        line.append(("Annual percentage rate", _variable(d)))
    if line:
        out.append(pairs_block(d, line, "padded"))
    pay: list[tuple[str, str]] = []
    if d.says("next_payment_amount"):
        pay.append(("Minimum payment due", d.money("next_payment_amount", money)))
    if d.says("next_payment_due_date"):
        pay.append(("Payment due date", d.date("next_payment_due_date", "us_slash")))
    if d.offers("past_due_amount", 0.5):
        pay.append(
            ("Past due amount", d.past_due("$0.00") if s.past_due_amount == 0 else d.past_due())
        )
    if pay:
        out.append("PAYMENT INFORMATION\n" + pairs_block(d, pay, "padded"))
    out.append(
        d.pick(
            "Paying only the minimum will take longer and cost more in interest.",
            "Advances may be made by transfer in online banking or at any branch.",
        )
    )
    return "\n\n".join(out)


@template("transcript", "credit_line_call", types=("personal_loan",), revolving=True)
def credit_line_call(d: Draft) -> str:
    """A borrower asks about the personal line: what is drawn, the line, the minimum payment
    and due date, sometimes the rate."""
    s = d.s
    c = Call(d, stamps=d.pick("none", "short"), flu=d.pick(0.05, 0.1))
    greet(c)
    prod = line_name(d, "lower")
    c.caller(
        d.pick(f"Hi, I have some questions about my {prod}.", f"Hey, I'm calling about the {prod}.")
    )
    if d.says("account_last4"):
        c.rep(f"Sure. I see the {prod} {d.last4(d.pick('ending', 'spoken'))}. What can I do?")
    if d.chance(0.6):
        verify(c)
    if d.says("current_balance"):
        c.caller(d.pick("How much have I used?", "What do I owe on it right now?"))
        reply = f"You've drawn {said(d, 'current_balance')}"
        if d.offers("credit_limit", 0.7):
            reply += f" against a line of {said(d, 'credit_limit')}"
            if d.chance(0.6):
                reply += (
                    f", so {c.keep(amount(d, s.available_credit or Decimal(0)))} is still available"
                )
        c.rep(reply + ".")
    if d.says("next_payment_amount"):
        when = f", due {due(d)}" if d.says("next_payment_due_date") else ""
        c.rep(f"Your minimum payment is {said(d, 'next_payment_amount')}{when}.")
    if d.offers("interest_rate", 0.6):
        c.caller("And the rate?")
        c.rep(f"It's variable, right now {d.rate(spoken=d.chance(0.3))}.")
    if d.offers("past_due_amount", 0.5):
        c.rep(past_due_line(c))
    closing(c)
    return c.text()
