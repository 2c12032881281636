"""portal sources, continued: app screens, the payoff-quote flow, a multi-account overview,
widget dumps, the alerts inbox and the one-line quick view. Registered by ``portal``."""

from __future__ import annotations

import datetime as dt
import json

from protege.corpus.dates import fmt_date
from protege.corpus.draft import Draft
from protege.corpus.kinds._portal_parts import (
    Pair,
    cell_money,
    facts,
    history,
    is_card,
    past_due_pair,
    payoff_pairs,
    rate_pairs,
)
from protege.corpus.kinds._web import (
    CELL_MONEY,
    account_ref,
    digits,
    footer,
    greeting,
    last_paid,
    nav_menu,
    pairs_block,
    phone,
    product_label,
    recent,
    stated,
)
from protege.corpus.registry import LOANS, template

TYPE_CODES = {
    "auto_loan": ("AUTO_LOAN", "AUTO", "VEHICLE_LOAN"),
    "mortgage": ("MORTGAGE", "HOME_LOAN", "MORTGAGE_FIXED"),
    "credit_card": ("CREDIT_CARD", "CARD", "CARD_REVOLVING"),
    "student_loan": ("STUDENT_LOAN", "EDUCATION_LOAN"),
    "personal_loan": ("PERSONAL_LOAN", "PERSONAL_INSTALLMENT"),
}


@template("portal", "mobile_app")
def mobile_app(d: Draft) -> str:
    """A phone screen dumped to text: status bar, big balance, due line, recent activity and a
    tab bar."""
    s = d.s
    hour = f"{d.rng.randint(1, 12)}:{d.rng.randint(0, 59):02d}"
    out = [
        f"{hour}  {d.pick('▂▄▆ LTE', '5G', 'Wi-Fi')}  {d.rng.randint(8, 100)}%",
        d.pick("‹ Accounts", "< Back", "✕"),
    ]
    if d.chance(0.5):
        out.append(d.pick(f"Hi, {s.borrower_first} 👋", f"Hey {s.borrower_first}"))
    ref = account_ref(d, "stars", "x")
    out.append(f"{product_label(d, d.pick('upper', 'title'))}{' ' + ref if ref else ''}")
    if d.says("current_balance"):
        out += [
            cell_money(d, "current_balance"),
            d.pick(
                "Current balance", "Principal balance" if not is_card(d) else "Balance", "Balance"
            ),
        ]
    if is_card(d) and d.offers("credit_limit", 0.6):
        out.append(f"of {cell_money(d, 'credit_limit')} limit")
    due = []
    if d.says("next_payment_amount"):
        due.append(
            f"{d.pick('Next payment', 'Payment due', 'Minimum due' if is_card(d) else 'Monthly payment')}  {cell_money(d, 'next_payment_amount')}"
        )
    if d.says("next_payment_due_date"):
        due.append(
            f"{d.pick('Due', 'Due date', 'Due by')}  {d.date('next_payment_due_date', d.pick('short_month', 'month_day', 'us_slash_short'))}"
        )
    out += due
    if d.offers("past_due_amount", 0.5):
        out.append(
            f"Past due  {d.past_due('$0.00')}"
            if s.past_due_amount == 0
            else f"⚠ {d.past_due()} past due"
        )
    if d.chance(0.3):
        out += [f"{label}  {value}" for label, value in rate_pairs(d)]
    out.append(d.pick("[ Make a payment ]", "Pay now", "PAY"))
    if d.chance(0.4):
        out.append(d.pick("Recent activity", "RECENT TRANSACTIONS", "Activity"))
        for day, what, amount in history(d, d.rng.randint(2, 4)):
            out.append(f"{fmt_date(day, 'short_month')}  {what}  -{d.fmt(amount, 'usd')}")
        out.append("See all ›")
    if d.chance(0.5):
        out.append(d.pick("AutoPay  ON", "AutoPay is off  Turn on ›", "Paperless ✓"))
    out.append(d.pick("Home    Pay    Activity    More", "⌂ Home   $ Pay   ☰ Menu"))
    return "\n".join(out)


@template("portal", "payoff_quote", types=LOANS)
def payoff_quote(d: Draft) -> str:
    """The result page of the 'request a payoff quote' flow, with an itemized breakdown; now
    and then a page saying the quote is unavailable online (the payoff keys stay null)."""
    s = d.s
    out = [
        d.lender,
        nav_menu(d),
        d.pick("Payoff quote", "Request a Payoff Quote", "Get your payoff amount"),
    ]
    # now and then the flow declines to quote online: the payoff keys stay null
    unavailable = d.chance(0.15)
    out.append(
        d.pick("Payoff quote unavailable online", "⚠ We couldn't generate your quote")
        if unavailable
        else d.pick(
            "Step 3 of 3: Review your quote", "Your payoff quote is ready", "✓ Quote generated"
        )
    )
    ref = account_ref(d)
    out.append(f"{d.pick('Account', 'Loan', 'For')}: {product_label(d)}{' ' + ref if ref else ''}")
    if unavailable:
        return _payoff_unavailable(d, out)
    out.append(
        f"Quote requested: {fmt_date(s.as_of, d.pick('long', 'us_slash'))}   Reference #{digits(d, 8)}"
    )
    rows: list[Pair] = []
    full = d.says("payoff_amount") and d.says("current_balance")
    if d.says("payoff_amount"):
        rows.append(
            (
                d.pick("Total payoff amount", "Payoff amount", "Amount to pay off your loan"),
                cell_money(d, "payoff_amount"),
            )
        )
    if d.says("current_balance"):
        rows.append(
            (
                d.pick("Principal balance", "Unpaid principal", "Current principal"),
                cell_money(d, "current_balance"),
            )
        )
    if full and s.payoff_amount is not None:
        interest = s.payoff_amount - s.current_balance - s.payoff_fee
        rows.append(
            (
                d.pick("Interest to payoff date", "Accrued interest", "Interest"),
                d.fmt(interest, d.pick(*CELL_MONEY)),
            )
        )
        rows.append(
            (d.pick("Fees", "Payoff processing fee", "Other fees"), d.fmt(s.payoff_fee, "usd"))
        )
    if rows:
        out.append(pairs_block(d, rows))
    if "payoff_amount" in d.fields and d.says("payoff_good_through"):
        phrase = d.relative_date("payoff_good_through") if d.chance(0.4) else None
        good = (
            f"This quote is good {phrase}."
            if phrase
            else f"{d.pick('Good through', 'Valid through', 'This quote expires after')} {d.date('payoff_good_through')}"
        )
        out.append(good)
    if d.says("per_diem") and "payoff_amount" in d.fields:
        after = "that date" if "payoff_good_through" in d.fields else "the quote date"
        daily = d.money("per_diem")
        out.append(
            d.pick(
                f"Per diem: {daily}",
                f"If we receive your payment after {after}, add {daily} for each additional day.",
                f"Interest accrues at {daily} per day.",
            )
        )
    if d.chance(0.5) and (pair := past_due_pair(d)):
        out.append(f"{pair[0]}: {pair[1]}")
    out.append(
        d.pick("[Print]  [Email this quote]  [Pay off now]", "Print quote | Start a new quote")
    )
    out.append(
        d.pick(
            "This quote is an estimate. The payoff amount is different from your current balance because it includes interest through the payoff date and any fees. Payments that are returned will change the amount due.",
            "Payoff figures are subject to final verification. Do not stop your regular payments until your loan shows a zero balance.",
        )
    )
    out.append(footer(d))
    return "\n\n".join(out)


def _payoff_unavailable(d: Draft, out: list[str]) -> str:
    """The payoff flow's refusal page: why no quote, who to call, the balance and payment only."""
    d.tag("absent_fields")
    out.append(
        d.pick(
            f"This account isn't eligible for an online payoff quote. To get your payoff amount, call Payoff Services at {phone(d)} or request a payoff letter by mail.",
            f"Online quotes aren't available while a payment is pending or after a recent change to the account. Please call {phone(d)} and we'll send you a written payoff statement.",
            "We're unable to provide a payoff quote online for this account. Send us a secure message to request a payoff letter.",
        )
    )
    rows: list[Pair] = []
    if d.says("current_balance"):
        rows.append(
            (d.pick("Principal balance", "Unpaid principal"), cell_money(d, "current_balance"))
        )
    if d.offers("next_payment_amount", 0.6):
        rows.append(("Next payment", cell_money(d, "next_payment_amount")))
    if rows:
        out.append(
            "Your balance does not include interest accrued since your last payment.\n"
            + pairs_block(d, rows)
        )
    out.append(d.pick("[Back to account]  [Contact us]", "‹ Back   Message us"))
    out.append(footer(d))
    return "\n\n".join(out)


@template("portal", "multi_account")
def multi_account(d: Draft) -> str:
    """A multi-account overview with another account listed, and a detail panel for the one
    selected account."""
    s = d.s
    d.tag("other_account")
    other_last4 = s.other_account_last4 if s.other_account_last4 != s.last4 else digits(d, 4)
    other = s.other_account_product
    if other == "credit card" and (
        s.liability_type == "credit_card"
        or not d.says("account_last4")
        or not d.says("liability_type")
    ):
        other = "checking account"
    other_label = (
        "Available balance"
        if other in ("savings account", "checking account")
        else "Current balance"
    )
    ref = account_ref(d, "stars", "x", "masked")
    name = product_label(d)
    tiles = [
        f"  {other.title()} ••{other_last4}    {other_label} {d.fmt(s.other_account_balance, d.pick(*CELL_MONEY))}    View ›",
        f"▶ {name}{' ' + ref if ref else ''}    {d.pick('(selected)', '— viewing', '✓ Selected')}",
    ]
    if d.chance(0.5):
        tiles.reverse()
    out = [
        d.lender,
        nav_menu(d),
        greeting(d),
        f"{d.pick('Your accounts', 'Accounts overview', 'All accounts')} (2)",
        "\n".join(tiles),
    ]
    title = d.pick("Account details", "Selected account", "Details for")
    panel = [f"{title} — {name}{' ' + ref if ref else ''}"]
    panel.append(pairs_block(d, facts(d) + (payoff_pairs(d) if d.chance(0.25) else [])))
    out.append("\n".join(panel))
    out.append(
        d.pick(
            f"Only the selected account's details are shown. Select your {other} to see its activity.",
            "Switch account ▾",
            "",
        )
    )
    out.append(footer(d))
    return "\n\n".join(o for o in out if o)


def _json_value(d: Draft, key: str) -> str | None:
    """A contract value as a JSON widget prints it (plain numbers, ISO dates), recorded."""
    if not d.says(key):
        return None
    if key == "past_due_amount":
        return d.past_due("0.00") if d.s.past_due_amount == 0 else d.money(key, "plain")
    if key == "interest_rate":
        return d.state(key, f"{d.s.interest_rate.normalize():f}")
    if key.endswith(("_date", "_through")):
        return d.date(key, "iso")
    return d.money(key, "plain")


@template("portal", "json_widget")
def json_widget(d: Draft) -> str:
    """A terse API/JSON widget dump, as captured from a portal's network tab."""
    s = d.s
    if d.says("liability_type"):
        type_code = d.product(d.pick(*TYPE_CODES[s.liability_type]))
    else:
        type_code = "ACCOUNT" if is_card(d) else d.pick("LOAN", "INSTALLMENT")
    data: dict[str, object] = {"id": f"acct_{digits(d, 9)}", "productType": type_code}
    ref = account_ref(d, "masked", "stars")
    if ref:
        data["maskedNumber"] = ref
    names = {
        "current_balance": d.pick("currentBalance", "principalBalance", "balance")
        if not is_card(d)
        else "currentBalance",
        "interest_rate": "purchaseApr" if is_card(d) else d.pick("interestRate", "noteRate"),
        "next_payment_amount": d.pick(
            "nextPaymentAmount", "minimumDue" if is_card(d) else "regularPayment"
        ),
        "next_payment_due_date": d.pick("nextDueDate", "paymentDueDate"),
        "past_due_amount": d.pick("pastDueAmount", "amountPastDue"),
        "credit_limit": "creditLimit",
        "escrow_balance": "escrowBalance",
        "payoff_amount": "payoffAmount",
        "payoff_good_through": "payoffGoodThrough",
        "per_diem": "perDiem",
    }
    for key, field in names.items():
        if (key == "past_due_amount" and d.chance(0.4)) or (
            key.startswith(("payoff", "per_diem")) and d.chance(0.6)
        ):
            continue
        if key.startswith(("payoff_good", "per_diem")) and "payoff_amount" not in d.fields:
            continue
        if key == "escrow_balance" and not d.says("liability_type"):  # escrow names a mortgage
            continue
        value = _json_value(d, key)
        if value is not None:
            data[field] = value
    if s.apr is not None and "interestRate" in data and d.chance(0.5):
        d.tag("distractor_amounts")
        data["apr"] = f"{s.apr:f}"
    if (
        is_card(d)
        and stated(d, "credit_limit", "current_balance")
        and s.available_credit is not None
    ):
        data["availableCredit"] = d.fmt(s.available_credit, "plain")
    data["lastPayment"] = {
        "amount": d.fmt(last_paid(d), "plain"),
        "date": (s.last_payment_date or s.as_of).isoformat(),
    }
    data["autopay"] = d.chance(0.5)
    data["asOf"] = (
        f"{s.as_of.isoformat()}T{d.rng.randint(0, 23):02d}:{d.rng.randint(0, 59):02d}:00Z"
    )
    body = json.dumps(data, indent=d.pick(None, 2), ensure_ascii=False)
    head = d.pick(
        f"GET /api/v{d.rng.randint(1, 3)}/accounts/summary 200 OK ({d.rng.randint(40, 900)} ms)",
        "window.__INITIAL_STATE__.account =",
        "[widget:account-summary] data:",
    )
    return f"{head}\n{body}"


@template("portal", "alerts_inbox")
def alerts_inbox(d: Draft) -> str:
    """The notifications center: a list of dated alerts, only some carrying account facts."""
    s = d.s
    ref = account_ref(d, "stars", "ending", "x")
    about = f"{product_label(d, 'lower')}{' ' + ref if ref else ''}"
    items: list[tuple[dt.date, str]] = []
    if d.says("next_payment_amount") and d.says("next_payment_due_date"):
        items.append(
            (
                recent(d, 0, 2),
                f"Your autopay is scheduled — we'll withdraw {d.money('next_payment_amount')} from checking ••{digits(d, 4)} on {d.date('next_payment_due_date')} for your {about}.",
            )
        )
    elif d.says("next_payment_due_date"):
        items.append(
            (
                recent(d, 0, 2),
                f"Reminder: your {about} payment is due {d.date('next_payment_due_date')}.",
            )
        )
    else:
        items.append((recent(d, 0, 2), f"Your {about} statement is ready."))
    if s.last_payment_date:
        items.append(
            (s.last_payment_date, f"Payment received. Thanks! We received {d.fmt(last_paid(d))}.")
        )
    if d.offers("past_due_amount", 0.7):
        if s.past_due_amount > 0:
            items.append(
                (
                    recent(d, 1, 10),
                    f"Your account is past due. Amount past due: {d.past_due()}. A late fee of {d.fmt(s.late_fee, 'usd')} may apply.",
                )
            )
        else:
            items.append(
                (
                    recent(d, 1, 10),
                    f"Good news: {d.past_due(d.pick('your account is current', 'nothing is past due', 'you are up to date'))}.",
                )
            )
    if d.offers("current_balance", 0.5):
        items.append(
            (
                recent(d, 0, 3),
                f"Balance alert: your {d.pick('balance', 'current balance')} is {d.money('current_balance')}.",
            )
        )
    if d.chance(0.5):
        items.append(
            (
                recent(d, 3, 40),
                d.pick(
                    "Your password was changed.",
                    "New sign-in from Chrome on Windows.",
                    "Your paperless preference was updated.",
                ),
            )
        )
    items.sort(key=lambda item: item[0], reverse=True)
    style = d.pick("short_month", "us_slash", "month_day")
    lines = [f"{d.pick('Notifications', 'Alerts & messages', 'Message Center')} ({len(items)})"]
    for day, text in items:
        lines.append(
            f"{'● ' if day >= s.as_of - dt.timedelta(days=2) else '  '}{fmt_date(day, style)}  {text}"
        )
    return "\n".join([d.lender, *lines, footer(d) if d.chance(0.5) else ""])


@template("portal", "quick_view")
def quick_view(d: Draft) -> str:
    """A one-line 'quick view' strip from an accounts list: the shortest portal text."""
    ref = account_ref(d, "stars", "x")
    bits = [f"{product_label(d)}{' ' + ref if ref else ''}"]
    if d.says("current_balance"):
        bits.append(
            f"{d.pick('Balance', 'Bal', 'Current balance')} {cell_money(d, 'current_balance')}"
        )
    if d.offers("next_payment_amount", 0.7):
        bits.append(
            f"{d.pick('Next pmt', 'Payment', 'Due')} {cell_money(d, 'next_payment_amount')}"
        )
        if d.says("next_payment_due_date"):
            bits[-1] += (
                f" due {d.date('next_payment_due_date', d.pick('us_slash_short', 'short_month', 'month_day'))}"
            )
    if d.says("past_due_amount") and d.s.past_due_amount == 0 and d.chance(0.3):
        bits.append(f"Past due {d.past_due('$0.00')}")
    return d.pick(" | ", " · ", "  ").join(bits)
