"""Mortgage statement templates (registered by importing ``protege.corpus.kinds.statement``).

``mortgage_explanation_box``: the CFPB-style periodic statement with an "Explanation of Amount
Due" box (the regular monthly payment is the record's payment; "Total Amount Due" adds overdue
payments and fees), account information, sometimes an escrow account summary (beginning
balance, deposits, disbursements, current balance: only the last is the escrow balance), past
payments breakdown, transaction activity, a delinquency notice when behind, and sometimes a
tear-off coupon.

``mortgage_escrow_activity``: a servicer statement built around the escrow account: a loan
summary, the payment breakdown (sometimes with a new payment from an escrow analysis), and an
escrow activity ledger whose ending balance is the escrow balance.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from protege.corpus.dates import add_months
from protege.corpus.draft import Draft
from protege.corpus.kinds import _statement_parts as sp
from protege.corpus.kinds._layout import (
    Sheet,
    box,
    pad,
    statement_date,
    table,
    two_columns,
)
from protege.corpus.money import cents
from protege.corpus.registry import template

D = Decimal

_MESSAGES = (
    "Partial Payments: Any partial payments that you make are not applied to your mortgage, but "
    "instead are held in a separate suspense account. If you pay the balance of a partial "
    "payment, the funds will then be applied to your mortgage.",
    "If you are experiencing financial difficulty, call us to learn about options that may be "
    "available to you. Housing counselors are also available through HUD.",
    "Your annual escrow analysis will be mailed separately. Please review it carefully.",
    "Sign up for automatic payments and never miss a due date. Visit us online to enroll.",
    "Please keep your homeowners insurance current. If your policy lapses we may purchase "
    "coverage at your expense.",
    "We are required to tell you that this communication is from a debt collector.",
)
# messages that do not reveal the product (for sources that must not state the type)
_NEUTRAL_MESSAGES = (
    "If you are experiencing financial difficulty, call us to learn about options that may be "
    "available to you.",
    "Sign up for automatic payments and never miss a due date. Visit us online to enroll.",
    "We are required to tell you that this communication is from a debt collector.",
    "Please notify us in writing if your mailing address changes.",
)


def _coupon(d: Draft, sh: Sheet, ms: str, ds: str, fees: Decimal) -> None:
    """A tear-off remittance coupon repeating the account number and amount due."""
    s = d.s
    sh.blank()
    sh.say(
        d.pick(
            "- - - - - - - - - - Detach and return this portion with your payment - - - - - - - - - -",
            "-------------------------------- cut here --------------------------------",
            "Please detach and return the bottom portion with your payment.",
        )
    )
    sh.blank()
    sh.say(d.lender)
    number = sp.acct(d, d.pick("full", "full", "masked"))
    if number:
        sh.kv("Account Number", number, 52)
    if d.says("next_payment_due_date"):
        sh.kv("Due Date", d.date("next_payment_due_date", ds), 52)
    if sp.total_due_ok(d):
        sh.kv("Amount Due", sp.total_text(d, fees, ms), 52)
    sh.add(pad(sh.t("Additional Principal"), "$__________", 52))
    if d.says("liability_type"):
        sh.add(pad(sh.t("Additional Escrow"), "$__________", 52))
    sh.add(pad(sh.t("Total Amount Enclosed"), "$__________", 52))
    sh.blank()
    sh.say(s.borrower.upper(), f"Make checks payable to {d.lender}")


@template("statement", "mortgage_explanation_box", types=("mortgage",))
def mortgage_explanation_box(d: Draft) -> str:
    """A CFPB-style mortgage statement: amount-due box, account info, history, activity."""
    s = d.s
    ms, ds = sp.money_style(d), sp.date_style(d)
    sh = Sheet(d, scanned=d.chance(0.3), width=d.pick(60, 66, 72))
    stmt = statement_date(d)
    fees = sp.late_fee_charged(d, stmt)
    typed = d.says("liability_type")
    upper = d.chance(0.5)

    sh.say(*sp.servicer_block(d, upper))
    sh.say(
        f"Customer Service: {sp.phone(d)}   {d.pick('Mon-Fri 8 a.m.-9 p.m. ET', 'M-F 8am-8pm CT', '24/7 automated line')}"
    )
    sh.blank()
    sh.add(sp.title(d, upper, neutral="Loan Statement"))
    sh.kv("Statement Date:", sp.fd(stmt, ds))
    sh.blank()
    sh.say(*sp.mailing(d))
    sh.blank()

    head: list[str] = []
    number = sp.acct(d)
    if number:
        head.append(pad(sh.t("Account Number"), number, 44))
    if d.says("next_payment_due_date"):
        head.append(pad(sh.t("Payment Due Date"), sp.due_text(d, ds), 44))
    if sp.total_due_ok(d) and d.chance(0.8):
        head.append(pad(sh.t("Amount Due"), sp.total_text(d, fees, ms), 44))
        if d.says("next_payment_due_date"):
            late = s.next_payment_due_date + dt.timedelta(days=15)
            head.append(
                sh.t(f"If payment is received after {sp.fd(late, ds)}, a ")
                + d.fmt(s.late_fee, ms)
                + sh.t(" late fee will be charged.")
            )
    if head:
        sh.add(*head)
        sh.blank()

    explain: list[str] = []
    if d.says("next_payment_amount"):
        prin, intr, esc = sp.payment_split(d)
        if typed:
            explain += [
                pad(sh.t("Principal"), d.fmt(prin, ms), 44),
                pad(sh.t("Interest"), d.fmt(intr, ms), 44),
                pad(sh.t("Escrow (for Taxes and Insurance)"), d.fmt(esc, ms), 44),
            ]
        explain.append(pad(sh.t("Regular Monthly Payment"), d.money("next_payment_amount", ms), 44))
        explain.append(pad(sh.t("Total Fees Charged"), d.fmt(fees, ms), 44))
    if d.says("past_due_amount"):
        explain.append(pad(sh.t("Overdue Payment"), sp.past_due(d, ms), 44))
    if sp.total_due_ok(d) and d.says("past_due_amount"):
        explain.append(pad(sh.t("Total Amount Due"), sp.total_text(d, fees, ms), 44))
    if explain:
        sh.add(
            *box(
                sh.t("Explanation of Amount Due"),
                explain,
                46,
                d.pick("ascii", "rule", "double"),
            )
        )
        sh.blank()

    info: list[tuple[str, str]] = []
    if d.says("current_balance"):
        info.append(
            (
                sh.t(
                    d.pick("Outstanding Principal", "Unpaid Principal Balance", "Principal Balance")
                ),
                d.money("current_balance", ms),
            )
        )
    info += [(sh.t(label), value) for label, value in sp.rate_pairs(d, "Interest Rate")]
    # the escrow balance only inside an escrow account summary, beside earlier balances
    escrow_block = typed and d.says("escrow_balance") and d.chance(0.35)
    if typed and d.says("escrow_balance") and not escrow_block and d.chance(0.7):
        info.append((sh.t("Escrow Balance"), d.money("escrow_balance", ms)))
    mature = sp.maturity(d)
    if mature is not None and d.chance(0.6):
        info.append((sh.t("Maturity Date"), sp.fd(mature, ds)))
    info.append((sh.t("Prepayment Penalty"), d.pick("No", "None", "N/A")))
    if info:
        sh.add(sh.t("Account Information"), *(pad(label, value, 44) for label, value in info))
        if typed and s.collateral:
            sh.add(sh.t("Property Address: ") + s.collateral)
        sh.blank()
    if escrow_block and (summary := sp.escrow_summary(d)):
        start, begin, deposits, paid = summary
        what = str(s.escrow_disbursement_what or "taxes and insurance")
        ledger = [
            pad(sh.t(f"Beginning Balance ({sp.fd(start, ds)})"), d.fmt(begin, ms), 44),
            pad(sh.t("Deposits"), "+" + d.fmt(deposits, ms), 44),
            pad(
                sh.t(f"Disbursements ({what})" if paid else "Disbursements"),
                "-" + d.fmt(paid, ms),
                44,
            ),
            pad(
                sh.t(d.pick("Current Escrow Balance", "Ending Balance", "Escrow Balance Today")),
                d.money("escrow_balance", ms),
                44,
            ),
        ]
        if d.chance(0.4):
            cushion = cents((s.escrow_monthly or D(0)) * 2)
            ledger.append(pad(sh.t("Required Cushion (2 months)"), d.fmt(cushion, ms), 44))
        sh.add(*box(sh.t("Escrow Account Summary"), ledger, 46, d.pick("ascii", "rule")))
        sh.blank()

    if d.says("next_payment_amount") and typed and d.chance(0.75):
        prin, intr, esc = sp.payment_split(d)
        last_ok = s.past_due_amount == 0
        months = max(1, s.as_of.month - 1)
        shift = min(D("1.37"), intr)
        last = [prin + shift, intr - shift, esc, D(0), D(0)] if last_ok else [D(0)] * 5
        if not last_ok and s.past_due_amount < s.next_payment_amount:
            last[4] = s.next_payment_amount - s.past_due_amount
        ytd = [cents(prin * months), s.ytd_interest, cents(esc * months), fees, last[4]]
        rows = [
            [sh.t(label), d.fmt(a, ms), d.fmt(b, ms)]
            for label, a, b in zip(
                (
                    "Principal",
                    "Interest",
                    "Escrow (Taxes and Insurance)",
                    "Fees",
                    "Partial Payment (Unapplied)",
                ),
                last,
                ytd,
                strict=True,
            )
        ]
        rows.append([sh.t("Total"), d.fmt(sum(last, D(0)), ms), d.fmt(sum(ytd, D(0)), ms)])
        sh.say("Past Payments Breakdown")
        sh.add(
            *table(["", sh.t("Paid Last Month"), sh.t(f"Paid Year to Date {s.as_of.year}")], rows)
        )
        sh.blank()

    activity: list[list[str]] = []
    if s.past_due_amount == 0 and s.last_payment_date is not None:
        activity.append(
            [
                sp.fd(s.last_payment_date, ds),
                sh.t("Payment Received - Thank You"),
                "",
                d.fmt(s.last_payment_amount, ms),
            ]
        )
    elif s.past_due_amount < s.next_payment_amount and s.last_payment_date is not None:
        part = s.next_payment_amount - s.past_due_amount
        activity.append(
            [
                sp.fd(s.last_payment_date, ds),
                sh.t("Partial Payment to Suspense"),
                "",
                d.fmt(part, ms),
            ]
        )
    if fees:
        activity.append(
            [
                sp.fd(s.previous_due_date + dt.timedelta(days=15), ds),
                sh.t("Late Charge"),
                d.fmt(fees, ms),
                "",
            ]
        )
    if typed and s.escrow_disbursement is not None and d.chance(0.4):
        when = max(
            stmt - dt.timedelta(days=d.rng.randint(3, 20)),
            s.as_of.replace(day=1) - dt.timedelta(days=20),
        )
        what = str(s.escrow_disbursement_what).title()
        activity.append(
            [
                sp.fd(when, ds),
                sh.t(f"Escrow Disbursement - {what}"),
                d.fmt(s.escrow_disbursement, ms),
                "",
            ]
        )
    if activity:
        activity.sort(key=lambda r: r[0])
        sh.say(f"Transaction Activity ({sp.fd(add_months(stmt, -1), ds)} to {sp.fd(stmt, ds)})")
        sh.add(
            *table(
                [sh.t("Date"), sh.t("Description"), sh.t("Charges"), sh.t("Payments")],
                activity,
                "llrr",
            )
        )
        sh.blank()

    if s.past_due_amount > 0 and d.says("past_due_amount"):
        prev = s.previous_due_date
        days = (stmt - prev).days + (30 if s.past_due_amount > s.next_payment_amount else 0)
        word = sp.noun(d)
        sh.say("** Delinquency Notice **")
        sh.add(
            sh.t("You are late on your ")
            + word
            + sh.t(" payments. Failure to bring your loan current may result in")
        )
        sh.say("fees and foreclosure." if typed else "additional fees and collection activity.")
        sh.add(
            sh.t(f"As of {sp.fd(stmt, ds)}, you are {days} days delinquent on your ") + word + "."
        )
        sh.say("Recent Account History")
        if s.past_due_amount > s.next_payment_amount:
            unpaid = [
                (add_months(prev, -1), s.past_due_amount - s.next_payment_amount),
                (prev, s.next_payment_amount),
            ]
        else:
            unpaid = [(prev, s.past_due_amount)]
        for day, amount in unpaid:
            sh.add(
                sh.t(f"  - Payment due {sp.fd(day, ds)}: Unpaid balance of ") + d.fmt(amount, ms)
            )
        sh.add(
            sh.t("  - Total: ")
            + d.fmt(s.past_due_amount + fees, ms)
            + sh.t(" due. You must pay this amount to bring your loan current.")
        )
        sh.blank()

    sh.say("Important Messages")
    for message in d.rng.sample(_MESSAGES if typed else _NEUTRAL_MESSAGES, k=d.rng.choice((1, 2))):
        sh.say(message)
    if d.chance(0.2):
        other = sp.other_account(d, ms)
        if other:
            sh.add(
                sh.t(f"Your {other[0]} has a balance of ")
                + other[1]
                + sh.t(". It is billed separately.")
            )
    if d.chance(0.55):
        _coupon(d, sh, ms, ds, fees)
    return sh.render()


@template("statement", "mortgage_escrow_activity", types=("mortgage",))
def mortgage_escrow_activity(d: Draft) -> str:
    """A mortgage statement built around the escrow ledger, sometimes announcing a new payment
    after an escrow analysis (the new payment is the record's)."""
    s = d.s
    ms, ds = sp.money_style(d), sp.date_style(d)
    sh = Sheet(d, scanned=d.chance(0.25), width=64)
    stmt = statement_date(d)
    fees = sp.late_fee_charged(d, stmt)
    typed = d.says("liability_type")
    colon = d.pick(":", ":", "")
    fill = d.pick(" ", " ", ".")

    sh.add(f"{d.lender}  |  {sp.phone(d)}  |  {sp.web(d)}")
    sh.add(sp.title(d, d.chance(0.3), neutral="Monthly Loan Statement"))
    top: list[tuple[str, str]] = []
    number = sp.acct(d, d.pick("full", "masked", "x"))
    if number:
        top.append((sh.t(d.pick("Loan Number", "Loan No.", "Account No.")), number))
    top.append((sh.t("Statement Date"), sp.fd(stmt, ds)))
    sh.add(*two_columns([top[0]], top[1:], col=30) if len(top) == 2 else [pad(*top[0], 30)])
    sh.say(f"Borrower{colon} {s.borrower}")
    if typed and s.collateral and d.chance(0.7):
        sh.add(sh.t(f"Property{colon} ") + s.collateral)
    sh.blank()

    summary: list[tuple[str, str]] = []
    if d.says("current_balance"):
        summary.append(
            (
                d.pick("Unpaid Principal Balance", "Principal Balance", "Current Principal"),
                d.money("current_balance", ms),
            )
        )
    summary += sp.rate_pairs(d, d.pick("Interest Rate", "Note Rate", "Current Interest Rate"))
    summary.append(("Interest Paid Year-to-Date", d.fmt(s.ytd_interest, ms)))
    if typed and s.escrow_disbursement is not None and d.chance(0.5):
        summary.append(("Taxes/Insurance Paid Year-to-Date", d.fmt(s.escrow_disbursement, ms)))
    sh.say(d.pick("LOAN SUMMARY", "Loan Summary", "ACCOUNT OVERVIEW"))
    for label, value in summary:
        sh.kv(label + colon, value, fill=fill)
    sh.blank()

    change = d.says("next_payment_amount") and typed and d.chance(0.3)
    old = (
        s.next_payment_amount - cents(D(d.rng.randint(400, 12000)) / 100)
        if change
        else s.next_payment_amount
    )
    if d.says("next_payment_due_date"):
        sh.add(
            sh.t(d.pick("PAYMENT DUE ", "Payment due on ", "Next payment due: "))
            + sp.due_text(d, ds)
        )
    else:
        sh.say("PAYMENT INFORMATION")
    if d.says("next_payment_amount"):
        prin, intr, esc = sp.payment_split(d)
        if typed:
            sh.kv("  Principal and Interest", d.fmt(prin + intr, ms))
            sh.kv("  Escrow Deposit", d.fmt(esc, ms))
        sh.kv(
            d.pick("  Monthly Payment", "  Regular Payment", "  Current Payment"),
            d.money("next_payment_amount", ms),
        )
    if d.says("past_due_amount") and (s.past_due_amount > 0 or d.chance(0.7)):
        sh.kv(
            d.pick("  Past Due Amount", "  Past Due Payments", "  Overdue Amount"),
            sp.past_due(d, ms),
        )
        if fees:
            sh.kv("  Late Charges", d.fmt(fees, ms))
        if s.past_due_amount > 0 and sp.total_due_ok(d):
            sh.kv("  Total Amount Due", sp.total_text(d, fees, ms))
    if change:
        when = sp.due_text(d, ds) if d.says("next_payment_due_date") else "your next due date"
        sh.add(
            sh.t(
                "  Your payment has changed. Following your annual escrow analysis, your payment of "
            )
            + d.fmt(old, ms)
            + sh.t(" changes to ")
            + d.money("next_payment_amount", ms)
            + sh.t(" beginning with the payment due ")
            + when
            + "."
        )
    sh.blank()

    if (
        typed
        and d.says("escrow_balance")
        and s.escrow_disbursement is not None
        and s.escrow_monthly
    ):
        end = s.escrow_balance or D(0)
        dep, disb = s.escrow_monthly, s.escrow_disbursement
        start = end - dep + disb
        pay_day = s.last_payment_date or stmt
        disb_day = min(stmt, pay_day + dt.timedelta(days=d.rng.randint(2, 15)))
        rows = [
            [sp.fd(add_months(stmt, -1), ds), sh.t("Beginning Balance"), "", "", d.fmt(start, ms)],
            [
                sp.fd(pay_day, ds),
                sh.t("Escrow Deposit"),
                d.fmt(dep, ms),
                "",
                d.fmt(start + dep, ms),
            ],
            [
                sp.fd(disb_day, ds),
                sh.t(str(s.escrow_disbursement_what).title()),
                "",
                d.fmt(disb, ms),
                d.money("escrow_balance", ms),
            ],
        ]
        sh.say(
            d.pick(
                "ESCROW ACCOUNT ACTIVITY",
                "Escrow Activity This Period",
                "Escrow Account History",
            )
        )
        sh.add(
            *table(
                [
                    sh.t("Date"),
                    sh.t("Description"),
                    sh.t("Deposits"),
                    sh.t("Disbursements"),
                    sh.t("Balance"),
                ],
                rows,
                "llrrr",
            )
        )
        sh.kv(
            d.pick(
                "Ending Escrow Balance",
                "Escrow Balance as of Statement Date",
                "Current Escrow Balance",
            ),
            d.money("escrow_balance", ms),
        )
        if d.chance(0.4):
            sh.add(
                sh.t("Projected escrow shortage at next analysis: ")
                + d.fmt(cents(disb / 12 * D(d.rng.randint(1, 4))), ms)
            )
        sh.blank()
    elif typed and s.escrow_monthly and d.chance(0.5):
        sh.add(
            sh.t("Escrow: your monthly escrow deposit is ")
            + d.fmt(s.escrow_monthly, ms)
            + sh.t(". Taxes and insurance are paid from escrow when due.")
        )
        sh.blank()

    sh.say(
        d.pick(
            "Payments received after 5:00 p.m. ET are credited the next business day.",
            "To avoid a late charge, make sure your payment arrives within the grace period.",
            "Questions about your escrow account? Call the number above.",
        )
    )
    return sh.render()
