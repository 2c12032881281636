"""portal sources: text scraped from a servicer's web portal or app, page chrome and all.

Every template writes one account in question; banners, menus, footers, transaction rows,
another account and API noise are context a reader must look past.
"""

from __future__ import annotations

from decimal import Decimal

from protege.corpus.dates import add_months, fmt_date
from protege.corpus.draft import Draft
from protege.corpus.kinds import _portal_apps  # noqa: F401  (registers the app and widget templates)
from protege.corpus.kinds._portal_parts import (
    Pair,
    cell_date,
    cell_money,
    collateral_pairs,
    facts,
    history,
    is_card,
    past_due_pair,
    payment_label,
    payoff_pairs,
    rate_pairs,
)
from protege.corpus.kinds._statement_parts import escrow_summary
from protege.corpus.kinds._web import (
    CELL_DATES,
    CELL_MONEY,
    account_ref,
    cookie_banner,
    footer,
    greeting,
    keep_wrap,
    last_login,
    last_paid,
    marketing_offer,
    nav_menu,
    pairs_block,
    phone,
    product_label,
    recent,
    stated,
)
from protege.corpus.money import cents, fmt_rate
from protege.corpus.registry import LOANS, template

FAQ = (
    "How do I change my payment due date? + You may request a due date change once every 12 months after making six on-time payments. Call us or send a secure message.",
    "When will my payment post? + Payments made online before 8 p.m. ET post the same business day. Payments by mail can take 7 to 10 days to arrive.",
    "How do I get a payoff quote? + Choose Payoff Quote from the Account Services menu. Quotes include interest through the date you choose and may include fees.",
    "Can I make extra payments toward principal? + Yes. Select 'Additional principal' when you schedule a payment. Extra payments do not change your due date.",
    "What happens if I miss a payment? + A late fee may be charged if your payment is received after the grace period. Late payments may be reported to the credit bureaus.",
    "How do I enroll in paperless statements? + Go to Profile > Document preferences and select Paperless. You'll get an email when each statement is ready.",
    "Why is my balance different from my payoff amount? + Your balance does not include interest that has accrued since your last payment.",
)
MERCHANTS = (
    "AMZN Mktp US",
    "SHELL OIL 5742",
    "TRADER JOE'S #118",
    "NETFLIX.COM",
    "TARGET 00021",
    "UBER *TRIP",
    "COSTCO WHSE #0442",
    "SQ *BLUE BOTTLE",
    "CVS/PHARMACY #2231",
)


@template("portal", "account_dashboard")
def account_dashboard(d: Draft) -> str:
    """A signed-in home page: cookie banner, menu, greeting, alerts and one account tile."""
    s, card = d.s, is_card(d)
    out = [cookie_banner(d)] if d.chance(0.5) else []
    out += [d.lender, nav_menu(d), greeting(d)]
    if d.chance(0.5):
        out.append(last_login(d))
    alerts: list[str] = []
    if d.says("past_due_amount") and s.past_due_amount > 0 and d.chance(0.8):
        alerts.append(
            f"⚠ Your account is past due. Please pay {d.past_due()} as soon as possible to avoid additional fees."
        )
    if d.says("next_payment_amount") and d.offers("next_payment_due_date", 0.5):
        alerts.append(
            f"Your autopay of {d.money('next_payment_amount')} is scheduled for {d.date('next_payment_due_date')}."
        )
    elif d.chance(0.4):
        alerts.append(
            d.pick(
                "Go paperless! Turn off paper statements in Settings.",
                "Your latest statement is ready to view.",
                "Update your contact info to keep receiving alerts.",
            )
        )
    if alerts:
        out.append("Alerts (" + str(len(alerts)) + ")\n" + "\n".join(f"• {a}" for a in alerts))
    ref = account_ref(d, "stars", "x", "masked", "ending")
    product = product_label(d)
    tile_label = f"{product}{' ' + ref if ref else ''}"
    if ref and d.chance(0.35):
        # the account named once, in the identity bar under the menu, not in the tile
        sep = d.pick("  |  ", " · ", "   ")
        bar = [f"Signed in: {s.borrower_first} {s.borrower_last}", f"Acct {ref}"]
        bar.append(d.pick("Sign off", "Switch account", "Settings"))
        out.append(sep.join(bar))
        tile_label = product
    tile = [d.pick("My accounts", "Your accounts", "Accounts"), tile_label]
    shown = facts(d)
    if not card and d.chance(0.3):
        shown += payoff_pairs(d)
    elif not card and d.says("payoff_amount") and d.chance(0.12):
        # a payoff tile that refuses to quote: the payoff keys stay null
        d.tag("absent_fields")
        shown.append(
            (
                d.pick("Payoff amount", "Payoff quote"),
                d.pick("Unavailable online", "Not available online - please call us"),
            )
        )
    tile.append(pairs_block(d, shown, d.pick("stacked", "colon", "tab")))
    tile.append(
        d.pick(
            "Make a payment   View details", "[Pay now] [Details ›]", "Pay | Activity | Statements"
        )
    )
    out.append("\n".join(tile))
    if d.chance(0.5):
        out.append(
            d.pick(
                "Thinking about refinancing? See if you could lower your rate →",
                "Earn 2% cash back with our new rewards card. Learn more"
                if d.says("liability_type")
                else "Go paperless today.",
                "Set up AutoPay and never miss a payment.",
            )
        )
    if d.chance(0.3):
        out.append(marketing_offer(d))
    out.append(footer(d))
    return "\n\n".join(out)


@template("portal", "loan_details", types=LOANS)
def loan_details(d: Draft) -> str:
    """The 'Loan details' tab: a long key/value list with origination facts as distractors."""
    s = d.s
    out = [d.lender, nav_menu(d), "‹ Back to accounts"]
    ref = account_ref(d)
    out.append(f"{product_label(d)}{' — ' + ref if ref else ''}")
    out.append(
        d.pick(
            "Overview   Loan details   Payment history   Documents",
            "Summary | Details | Activity | Statements | Payoff",
        )
    )
    rows: list[Pair] = []
    if ref and d.chance(0.5):
        rows.append(("Loan number", account_ref(d, "full", "masked") or ref))
    rows += facts(d)
    if s.original_amount is not None and d.chance(0.8):
        rows.insert(
            d.rng.randint(0, len(rows)),
            (
                d.pick("Original loan amount", "Amount financed", "Original principal"),
                d.fmt(s.original_amount, d.pick(*CELL_MONEY)),
            ),
        )
    if s.origination_date and s.term_months and d.chance(0.6):
        rows.append(
            (
                d.pick("Origination date", "Loan date", "Opened"),
                fmt_date(s.origination_date, d.pick(*CELL_DATES[:4])),
            )
        )
        rows.append(("Term", f"{s.term_months} months"))
        rows.append(
            ("Maturity date", fmt_date(add_months(s.origination_date, s.term_months), "us_slash"))
        )
    if (
        s.liability_type == "mortgage"
        and stated(d, "next_payment_amount")
        and s.escrow_monthly
        and d.says("liability_type")
        and d.chance(0.6)
    ):
        rows.append(
            ("  Principal & interest", d.fmt(s.next_payment_amount - s.escrow_monthly, "usd"))
        )
        rows.append(("  Escrow", d.fmt(s.escrow_monthly, "usd")))
    if d.chance(0.5):
        rows.append(
            (f"Interest paid YTD ({s.as_of.year})", d.fmt(s.ytd_interest, d.pick(*CELL_MONEY)))
        )
    if s.last_payment_date and d.chance(0.5):
        rows.append(
            (
                "Last payment received",
                f"{d.fmt(last_paid(d), 'usd')} on {fmt_date(s.last_payment_date, 'us_slash')}",
            )
        )
    if d.chance(0.4):
        rows += payoff_pairs(d)
    rows += collateral_pairs(d)
    out.append(
        d.pick("Loan details", "Loan Information", "LOAN DETAILS") + "\n" + pairs_block(d, rows)
    )
    if "payoff_amount" not in d.fields and s.payoff_amount is not None:
        if d.chance(0.35):  # the portal says outright it will not quote: the payoff stays null
            d.tag("absent_fields")
            out.append(
                f"Payoff quote unavailable online. Call {phone(d)} to request a payoff statement."
            )
        else:
            out.append(
                d.pick("Need a payoff amount? Request a payoff quote ›", "Get a payoff quote")
            )
    if d.chance(0.3):
        out.append(marketing_offer(d))
    out.append(footer(d))
    return "\n\n".join(out)


@template("portal", "payment_activity")
def payment_activity(d: Draft) -> str:
    """The activity tab: a summary strip over a table of past payments or card transactions."""
    s, card = d.s, is_card(d)
    ref = account_ref(d, "stars", "x")
    head = [
        f"{product_label(d, d.pick('title', 'upper'))}{' ' + ref if ref else ''}",
        d.pick("Payment activity", "Activity", "Transaction history", "Payment History"),
    ]
    strip = facts(d)
    head.append(pairs_block(d, strip, d.pick("padded", "colon", "tab")) if strip else "")
    table: list[str] = []
    sep = d.pick("\t", "  |  ", "   ")
    if card:
        table.append(sep.join(("Date", "Description", "Amount")))
        days = sorted((recent(d, 1, 28) for _ in range(d.rng.randint(3, 7))), reverse=True)
        for day in days:
            table.append(
                sep.join(
                    (
                        fmt_date(day, "us_slash"),
                        d.pick(*MERCHANTS),
                        d.fmt(cents(Decimal(d.rng.uniform(4, 260))), "usd"),
                    )
                )
            )
        for day, what, amount in history(d, 1):
            table.append(sep.join((fmt_date(day, "us_slash"), what, "-" + d.fmt(amount, "usd"))))
        if s.interest_charged and d.chance(0.6):
            table.append(
                sep.join(
                    (
                        fmt_date(recent(d, 1, 25), "us_slash"),
                        "INTEREST CHARGE: PURCHASES",
                        d.fmt(s.interest_charged, "usd"),
                    )
                )
            )
    else:
        mortgage = (
            s.liability_type == "mortgage"
            and s.escrow_monthly is not None
            and d.says("liability_type")
        )
        cols = ["Date", "Description", "Total", "Principal", "Interest"] + (
            ["Escrow"] if mortgage else []
        )
        table.append(sep.join(cols))
        monthly_interest = cents(s.current_balance * s.interest_rate / 1200)
        for day, what, amount in history(d, d.rng.randint(2, 6)):
            escrow = s.escrow_monthly if mortgage and s.escrow_monthly else Decimal(0)
            interest = cents(monthly_interest * Decimal(d.rng.uniform(0.98, 1.03)))
            cells = [
                fmt_date(day, d.pick("us_slash", "short_month")),
                what,
                d.fmt(amount, "usd"),
                d.fmt(amount - interest - escrow, "usd"),
                d.fmt(interest, "usd"),
            ]
            table.append(sep.join(cells + ([d.fmt(escrow, "usd")] if mortgage else [])))
        if s.past_due_amount > 0 and d.chance(0.5):
            table.insert(
                1,
                sep.join(
                    (
                        fmt_date(recent(d, 1, 12), "us_slash"),
                        "Late charge assessed",
                        d.fmt(s.late_fee, "usd"),
                        "",
                        "",
                    )
                ),
            )
    tail = [
        d.pick(
            "Showing recent activity. Download CSV",
            f"Page 1 of {d.rng.randint(2, 9)}   Next ›",
            "Pending transactions may not appear.",
        )
    ]
    if not card and d.chance(0.5):
        tail.append(f"Interest paid year to date: {d.fmt(s.ytd_interest)}")
    return "\n\n".join([nav_menu(d), *head, "\n".join(table), *tail, footer(d)])


def _crumble(d: Draft, lines: list[str]) -> str:
    """Paste damage: lines glued to their neighbour with nothing, a tab or a space."""
    out: list[str] = []
    for line in lines:
        if out and out[-1] and line and d.chance(0.3):
            glue = d.pick("", "\t", " ", "  ")
            if not glue and out[-1][-1] in "0123456789%." and line[0] in "0123456789$":
                glue = " "  # two numbers glued together would read as one
            out[-1] += glue + line
        else:
            out.append(line)
    return "\n".join(out)


@template("portal", "copied_page")
def copied_page(d: Draft) -> str:
    """A page selected and pasted whole: screen-reader text, glued labels and values,
    hard-wrapped paragraphs and menus one word per line."""
    s, card = d.s, is_card(d)
    junk = ["Skip to main content", "Toggle navigation", "Menu", "Search", "Opens in a new window"]
    lines = [j for j in junk if d.chance(0.5)] + nav_menu(d).replace("   ", "\n").replace(
        " | ", "\n"
    ).split("\n")
    lines.append(greeting(d))
    ref = account_ref(d, "stars", "ending", "x")
    lines.append(f"{product_label(d)}{' ' + ref if ref else ''}")
    body = [_crumble(d, lines)]
    # one DOM order for the whole page: value above its label (big-number tiles) or after it
    value_first = d.chance(0.25)
    units = []
    for label, value in facts(d) + (payoff_pairs(d) if d.chance(0.3) else []):
        gap = d.pick("", "\n", "\n\n", " ", "\t")
        units.append(f"{value}\n{label}" if value_first else f"{label}{gap}{value}")
        if d.chance(0.25):
            units.append(d.pick("Show", "Hide", "ⓘ", "What's this?", "Learn more"))
    if s.last_payment_date and d.chance(0.6):
        paid, day = d.fmt(last_paid(d)), fmt_date(s.last_payment_date, "short_month")
        units.append(f"{paid}\nLast payment {day}" if value_first else f"Last payment{paid}{day}")
    body.append("\n".join(units) if value_first else _crumble(d, units))
    blurb = d.pick(
        "Payments made after 8 p.m. Eastern time will be credited the next business day. If you have questions about your {what}, call us Monday through Friday.",
        "Your balance may not include recent transactions, interest or fees. For the amount needed to pay your account in full, request a payoff quote.",
        "To avoid a late fee, make sure your payment reaches us by 5 p.m. on the due date. Payments by phone may carry a convenience fee.",
    )
    if "{what}" in blurb:
        blurb = blurb.replace("{what}", product_label(d, "lower"))
    if card:
        blurb = (
            "Paying only the minimum payment will increase the interest you pay and the time it takes to repay your balance. "
            + blurb
        )
    width = d.rng.randint(38, 70)
    body.append(keep_wrap(d, blurb, width))
    if d.chance(0.4):
        faq = [q for q in FAQ if d.chance(0.6)]
        body.append("Frequently asked questions\n" + "\n".join(keep_wrap(d, q, width) for q in faq))
    body.append(keep_wrap(d, footer(d).replace("\n", " "), width))
    return "\n".join(body)


@template("portal", "card_dashboard", types=("credit_card",))
def card_dashboard(d: Draft) -> str:
    """A credit-card home page: balance against limit and available credit, statement facts,
    the APR table and rewards."""
    s = d.s
    out = [cookie_banner(d)] if d.chance(0.4) else []
    ref = account_ref(d, "stars", "x", "ending")
    out += [d.lender, greeting(d), f"{product_label(d)}{' ' + ref if ref else ''}"]
    bal: list[Pair] = []
    if d.says("current_balance"):
        bal.append((d.pick("Current balance", "Current Balance"), cell_money(d, "current_balance")))
    if s.previous_balance is not None and d.chance(0.6):
        bal.append(
            (
                d.pick("Statement balance", "Last statement balance"),
                d.fmt(s.previous_balance, d.pick(*CELL_MONEY)),
            )
        )
    if d.says("credit_limit"):
        bal.append((d.pick("Credit limit", "Credit line"), cell_money(d, "credit_limit")))
    if stated(d, "credit_limit", "current_balance") and s.available_credit is not None:
        bal.insert(
            d.rng.randint(0, len(bal)),
            ("Available credit", d.fmt(s.available_credit, d.pick(*CELL_MONEY))),
        )
        if d.chance(0.3):
            bal.append(
                (
                    "Cash advance limit",
                    d.fmt(cents((s.credit_limit or Decimal(0)) * Decimal("0.3")), "usd"),
                )
            )
    out.append(pairs_block(d, bal))
    pay: list[Pair] = []
    if d.says("next_payment_amount"):
        pay.append((payment_label(d), cell_money(d, "next_payment_amount")))
    if d.says("next_payment_due_date"):
        pay.append(("Payment due date", cell_date(d, "next_payment_due_date")))
    if d.chance(0.6) and (pair := past_due_pair(d)):
        pay.append(pair)
    if s.last_payment_date and d.chance(0.6):
        pay.append(
            (
                "Last payment",
                f"{d.fmt(s.last_payment_amount, 'usd')} on {fmt_date(s.last_payment_date, 'short_month')}",
            )
        )
    out.append(
        d.pick("Payment information", "Pay your bill", "PAYMENTS") + "\n" + pairs_block(d, pay)
    )
    rates = rate_pairs(d)
    if s.penalty_apr is not None and rates and d.chance(0.4):
        rates.append(("Penalty APR", fmt_rate(s.penalty_apr)))
    if rates and d.chance(0.25):  # an introductory offer beside the standing rates
        ends = fmt_date(add_months(s.as_of, d.rng.randint(2, 14)), "short_month")
        rates.append(("Promotional APR (balance transfers)", f"0% until {ends}"))
    if rates:
        out.append("Interest rates\n" + pairs_block(d, rates))
    if d.chance(0.5):
        out.append(f"Rewards\n{d.rng.randint(1200, 90000):,} points available   Redeem ›")
    if d.chance(0.3):
        out.append(marketing_offer(d))
    out.append(footer(d))
    return "\n\n".join(out)


@template("portal", "escrow_details", types=("mortgage",))
def escrow_details(d: Draft) -> str:
    """A mortgage's escrow tab: balance held (sometimes at the end of a year-to-date summary of
    beginning balance, deposits and disbursements), monthly deposit, disbursement history and
    the payment breakdown."""
    if not d.says("liability_type"):  # an escrow tab names the product; the type is withheld
        return loan_details(d)
    s = d.s
    out = [d.lender, nav_menu(d)]
    ref = account_ref(d)
    out.append(
        f"{product_label(d)}{' ' + ref if ref else ''}  ›  {d.pick('Escrow', 'Escrow account', 'Taxes & insurance')}"
    )
    rows: list[Pair] = []
    summary = escrow_summary(d) if d.says("escrow_balance") and d.chance(0.4) else None
    if summary:  # a year-to-date summary: only its last line is the escrow balance
        start, begin, deposits, paid = summary
        money = d.pick(*CELL_MONEY)
        block = [
            (f"Beginning balance ({fmt_date(start, 'us_slash')})", d.fmt(begin, money)),
            ("Deposits", d.fmt(deposits, money)),
            ("Disbursements", d.fmt(paid, money)),
            (
                d.pick("Current escrow balance", "Escrow balance today", "Current balance"),
                cell_money(d, "escrow_balance"),
            ),
        ]
        out.append(
            d.pick("Escrow account summary", "Year-to-date escrow activity")
            + "\n"
            + pairs_block(d, block, "padded")
        )
    elif d.says("escrow_balance"):
        rows.append(
            (
                d.pick("Escrow balance", "Current escrow balance", "Balance held in escrow"),
                cell_money(d, "escrow_balance"),
            )
        )
    if s.escrow_monthly is not None:
        rows.append(
            (
                d.pick("Monthly escrow deposit", "Escrow portion of payment", "Monthly escrow"),
                d.fmt(s.escrow_monthly, d.pick(*CELL_MONEY)),
            )
        )
    if d.chance(0.4) and s.escrow_monthly is not None:
        rows.append(
            (
                d.pick("Projected shortage", "Anticipated shortage"),
                d.fmt(cents(s.escrow_monthly * Decimal(d.rng.uniform(0.2, 1.5))), "usd"),
            )
        )
    out.append(pairs_block(d, rows))
    if s.escrow_disbursement is not None and d.says(
        "liability_type"
    ):  # a property tax bill names the collateral
        sep = d.pick("\t", "   ", " | ")
        table = [sep.join(("Date", "Paid to", "Amount"))]
        table.append(
            sep.join(
                (
                    fmt_date(recent(d, 20, 200), "us_slash"),
                    (s.escrow_disbursement_what or "County tax").title(),
                    d.fmt(s.escrow_disbursement, "usd"),
                )
            )
        )
        if d.chance(0.6):
            table.append(
                sep.join(
                    (
                        fmt_date(recent(d, 200, 330), "us_slash"),
                        "Hazard insurance",
                        d.fmt(cents(Decimal(d.rng.uniform(600, 2400))), "usd"),
                    )
                )
            )
        out.append(d.pick("Disbursement history", "Escrow disbursements") + "\n" + "\n".join(table))
    pay: list[Pair] = []
    if d.says("next_payment_amount") and s.escrow_monthly is not None and d.chance(0.8):
        pay += [
            ("Principal & interest", d.fmt(s.next_payment_amount - s.escrow_monthly, "usd")),
            ("Escrow", d.fmt(s.escrow_monthly, "usd")),
            (
                d.pick("Total monthly payment", "Monthly payment"),
                cell_money(d, "next_payment_amount"),
            ),
        ]
    if d.offers("next_payment_due_date", 0.6):
        pay.append(("Next payment due", cell_date(d, "next_payment_due_date")))
    if pay:
        out.append("Your payment\n" + pairs_block(d, pay, "padded"))
    if d.chance(0.5):
        out.append(
            f"Your next escrow analysis is scheduled for {fmt_date(add_months(s.as_of, d.rng.randint(1, 8)), 'long')}. Any surplus over $50 will be refunded."
        )
    if d.chance(0.3):
        out.append(marketing_offer(d))
    out.append(footer(d))
    return "\n\n".join(out)
