"""Installment-loan statement templates: auto, student and personal loans (registered by
importing ``protege.corpus.kinds.statement``).

``auto_loan_summary``: boxed loan and payment summaries with a transaction table whose running
principal balance ends at the balance. ``auto_ocr_scan``: a scanned paper statement with dot
leaders, OCR noise, accrued-interest and YTD distractors. ``student_loan_group``: a loan group
with one loan row, accrued interest and a total balance that adds it. ``installment_loan_statement``:
a modern PDF e-statement in friendly prose with autopay from another account.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from protege.corpus.dates import add_months
from protege.corpus.draft import Draft
from protege.corpus.kinds import _statement_parts as sp
from protege.corpus.kinds._layout import Sheet, box, pad, statement_date, table
from protege.corpus.money import fmt_money
from protege.corpus.registry import template

D = Decimal
INSTALLMENT = ("auto_loan", "student_loan", "personal_loan")


@template("statement", "auto_loan_summary", types=("auto_loan",))
def auto_loan_summary(d: Draft) -> str:
    """An auto finance statement: boxed loan and payment summaries, transaction history."""
    s = d.s
    ms, ds = sp.money_style(d), sp.date_style(d)
    sh = Sheet(d, scanned=d.chance(0.2), width=50)
    stmt = statement_date(d)
    fees = sp.late_fee_charged(d, stmt, grace=10)
    style = d.pick("ascii", "rule", "double")

    sh.say(d.lender.upper(), f"Customer Care {sp.phone(d)}  |  {sp.web(d)}")
    sh.add(sp.title(d, d.chance(0.4)))
    sh.kv("Statement Date", sp.fd(stmt, ds), 40)
    number = sp.acct(d)
    if number:
        sh.kv(d.pick("Account Number", "Account #", "Contract Number"), number, 40)
    sh.blank()
    sh.say(*sp.mailing(d, d.chance(0.6)))
    if d.says("liability_type") and s.collateral:
        sh.add(
            sh.t("Vehicle: ")
            + s.collateral
            + (sh.t("   VIN: ") + str(s.vin) if s.vin and d.chance(0.7) else "")
        )
    sh.blank()

    loan: list[str] = []
    if s.original_amount is not None:
        loan.append(pad(sh.t("Amount Financed"), d.fmt(s.original_amount, ms), 46))
    if s.origination_date is not None and d.chance(0.6):
        loan.append(pad(sh.t("Contract Date"), sp.fd(s.origination_date, ds), 46))
    rate_label = (
        "Contract Rate"
        if s.apr is not None
        else d.pick("Interest Rate", "Annual Percentage Rate", "APR", "Contract Rate")
    )
    loan += [
        pad(sh.t(label), value, 46)
        for label, value in sp.rate_pairs(d, rate_label, "Annual Percentage Rate")
    ]
    if s.term_months:
        made = sp.payments_made(d)
        loan.append(pad(sh.t("Payments Made / Term"), f"{made} / {s.term_months}", 46))
    mature = sp.maturity(d)
    if mature is not None and d.chance(0.5):
        loan.append(pad(sh.t("Maturity Date"), sp.fd(mature, ds), 46))
    if d.says("current_balance"):
        loan.append(
            pad(
                sh.t(d.pick("Principal Balance", "Current Principal Balance", "Unpaid Principal")),
                d.money("current_balance", ms),
                46,
            )
        )
    sh.add(*box(sh.t("LOAN SUMMARY"), loan, 48, style))
    sh.blank()

    pay: list[str] = []
    if d.says("next_payment_due_date"):
        pay.append(pad(sh.t("Payment Due Date"), sp.due_text(d, ds), 46))
    if d.says("next_payment_amount"):
        pay.append(
            pad(
                sh.t(d.pick("Current Payment", "Monthly Payment", "Scheduled Payment")),
                d.money("next_payment_amount", ms),
                46,
            )
        )
    if d.says("past_due_amount") and (s.past_due_amount > 0 or d.chance(0.75)):
        pay.append(pad(sh.t("Past Due Amount"), sp.past_due(d, ms), 46))
        if fees:
            pay.append(pad(sh.t("Late Charges Due"), d.fmt(fees, ms), 46))
        if sp.total_due_ok(d):
            pay.append(pad(sh.t("Total Amount Due"), sp.total_text(d, fees, ms), 46))
    if pay:
        sh.add(*box(sh.t("PAYMENT SUMMARY"), pay, 48, style))
        sh.blank()

    hist = sp.payment_history(d)
    with_bal = d.says("current_balance")
    head = ["Date", "Description", "Amount", "Principal", "Interest"] + (
        ["Balance"] if with_bal else []
    )
    rows: list[list[str]] = []
    for day, amount, prin, intr, after in hist:
        row = [sp.fd(day, ds), sh.t("Payment"), d.fmt(amount, ms), d.fmt(prin, ms), d.fmt(intr, ms)]
        if with_bal:
            row.append(
                d.money("current_balance", ms) if after == s.current_balance else d.fmt(after, ms)
            )
        rows.append(row)
    if fees:
        row = [
            sp.fd(s.previous_due_date + dt.timedelta(days=10), ds),
            sh.t("Late Charge"),
            d.fmt(fees, ms),
            "",
            "",
        ]
        rows.append(row + ([""] if with_bal else []))
    sh.say(d.pick("TRANSACTION HISTORY", "Recent Transactions", "ACCOUNT ACTIVITY"))
    sh.add(*table([sh.t(h) for h in head], rows, "ll" + "r" * (len(head) - 2)))
    sh.blank()

    if d.offers("payoff_amount", 0.4):
        line = sh.t("Payoff amount") + " "
        if d.says("payoff_good_through"):
            line += sh.t("good through ") + d.date("payoff_good_through", ds) + ": "
        line += d.money("payoff_amount", ms) + "."
        if d.offers("per_diem", 0.7):
            line += sh.t(" Per diem after that date: ") + d.money("per_diem", ms) + "."
        sh.add(line)
    sh.say(
        d.pick(
            "Payments received after 6 p.m. CT post the next business day.",
            "Save time: enroll in automatic payments online.",
            *(
                (
                    "Your vehicle must remain insured as required by your contract.",
                    "Ask about GAP protection and extended service contracts.",
                )
                if d.says("liability_type")
                else ()
            ),
        )
    )
    return sh.render()


@template("statement", "auto_ocr_scan", types=("auto_loan", "personal_loan"))
def auto_ocr_scan(d: Draft) -> str:
    """A scanned paper installment-loan statement: dot leaders, OCR noise, accrued-interest,
    last-payment and YTD distractors, page furniture."""
    s = d.s
    ms = d.pick("usd", "usd", "usd_space", "commas")
    ds = d.pick("us_slash", "us_slash_short", "dash_text", "short_month")
    sh = Sheet(d, scanned=True, width=58, rate=float(d.pick(0.02, 0.04, 0.06)))
    stmt = statement_date(d)
    fees = sp.late_fee_charged(d, stmt, grace=10)
    fill = d.pick(".", ".", "_", " ")

    def kv(label: str, value: str) -> None:
        sh.kv(label, value, 58, fill)

    sh.add(sh.t(d.lender.upper()) + d.pick("            Page 1 of 2", "", "     1/2"))
    sh.add(sp.title(d, True, neutral="INSTALLMENT LOAN STATEMENT"))
    sh.add("-" * 58 if d.chance(0.5) else "_" * 58)
    kv("Account Holder", s.borrower.upper())
    number = sp.acct(d, d.pick("full", "masked"))
    if number:
        kv("Account Number", number)
    kv(
        "Statement Period",
        f"{sp.fd(add_months(stmt, -1) + dt.timedelta(days=1), ds)} - {sp.fd(stmt, ds)}",
    )
    if d.says("liability_type") and s.collateral and s.liability_type == "auto_loan":
        kv("Collateral", s.collateral.upper())
    sh.add("-" * 58)
    sh.say("BALANCE INFORMATION")
    if s.original_amount is not None and d.chance(0.7):
        kv("Original Amount Financed", d.fmt(s.original_amount, ms))
    if d.says("current_balance"):
        kv(
            d.pick("Principal Balance", "Unpaid Principal Bal", "Current Balance"),
            sh.money("current_balance", ms),
        )
        if d.chance(0.5):
            kv("Interest Accrued Since Last Pmt", d.fmt(s.accrued_interest, ms))
            kv("Balance Incl. Accrued Interest", d.fmt(s.current_balance + s.accrued_interest, ms))
    for label, value in sp.rate_pairs(
        d, d.pick("Interest Rate", "Simple Interest Rate", "Annual Rate")
    ):
        kv(label, value)
    sh.say("PAYMENT INFORMATION")
    if d.says("next_payment_amount"):
        kv(
            d.pick("Payment Amount", "Regular Payment", "Installment Amount"),
            sh.money("next_payment_amount", ms),
        )
    if d.says("next_payment_due_date"):
        kv("Payment Due Date", sp.due_text(d, ds))
    if d.says("past_due_amount") and (s.past_due_amount > 0 or d.chance(0.5)):
        kv("Past Due", sp.past_due(d, ms, ocr=d.chance(0.5)))
        if fees:
            kv("Late Charges Assessed", d.fmt(fees, ms))
    if d.offers("next_payment_due_date", 0.6):
        late = s.next_payment_due_date + dt.timedelta(days=10)
        sh.add(
            sh.t(
                f"A late charge of {fmt_money(s.late_fee, ms)} applies if not received by {sp.fd(late, ds)}."
            )
        )
        d.tag("distractor_amounts")
    sh.say("LAST PAYMENT")
    if s.last_payment_date is not None and s.past_due_amount < s.next_payment_amount:
        kv("Date Received", sp.fd(s.last_payment_date, ds))
        kv("Amount Received", d.fmt(s.next_payment_amount - s.past_due_amount, ms))
    else:
        kv("Date Received", "--")
    kv(f"Interest Paid YTD {s.as_of.year}", d.fmt(s.ytd_interest, ms))
    if d.offers("payoff_amount", 0.35):
        sh.blank()
        label = sh.t("Payoff Amount")
        if d.says("payoff_good_through"):
            label += sh.t(" good thru ") + d.date("payoff_good_through", ds)
        sh.add(pad(label, sh.money("payoff_amount", ms), 58, fill))
        if d.says("per_diem"):
            kv("Per Diem Interest", d.money("per_diem", ms))
    if d.chance(0.3):
        other = sp.other_account(d, ms)
        if other:
            sh.blank()
            sh.say("YOUR OTHER ACCOUNTS WITH US")
            kv(other[0], other[1])
    sh.blank()
    sh.say(
        d.pick("- 1 -", "Page 1", "CONTINUED ON REVERSE", ""),
        "NOTICE: Interest is calculated on a simple interest basis. Paying early reduces",
        "the interest you pay; paying late increases it. See reverse for important information.",
    )
    return sh.render()


@template("statement", "student_loan_group", types=("student_loan",))
def student_loan_group(d: Draft) -> str:
    """A student loan billing statement showing one loan group with a single loan."""
    s = d.s
    ms, ds = sp.money_style(d), sp.date_style(d)
    sh = Sheet(d, scanned=d.chance(0.2), width=60)
    stmt = statement_date(d)
    group = d.pick("AA", "A", "01", "G1", "B")

    sh.say(d.lender, sp.phone(d))
    sh.add(sp.title(d, d.chance(0.4)))
    sh.kv("Statement Date", sp.fd(stmt, ds))
    number = sp.acct(d, d.pick("full", "full", "masked"))
    if number:
        sh.kv("Account Number", number)
    sh.say(f"Borrower: {s.borrower}")
    sh.blank()

    due: list[str] = []
    if d.says("next_payment_due_date"):
        due.append(pad(sh.t("Payment Due Date"), sp.due_text(d, ds), 44))
    if d.says("next_payment_amount"):
        due.append(pad(sh.t("Monthly Payment Amount"), d.money("next_payment_amount", ms), 44))
    if d.says("past_due_amount") and (s.past_due_amount > 0 or d.chance(0.6)):
        due.append(pad(sh.t("Past Due Amount"), sp.past_due(d, ms), 44))
        if s.past_due_amount > 0 and sp.total_due_ok(d):
            due.append(pad(sh.t("Total Amount Due"), sp.total_text(d, D(0), ms), 44))
    if due:
        sh.add(*box(sh.t("Amount Due"), due, 46, d.pick("ascii", "rule")))
        sh.blank()

    sh.say(f"Loan Group {group}" + d.pick("  (1 loan)", "", " - Repayment"))
    head = [
        "Loan",
        "Disbursed",
        "Original Principal",
        "Principal Balance",
        "Accrued Interest",
        "Rate",
    ]
    cells = [
        f"{group}-1",
        sp.fd(s.origination_date, "us_slash") if s.origination_date else "--",
        d.fmt(s.original_amount or D(0), ms),
        d.money("current_balance", ms) if d.says("current_balance") else "",
        d.fmt(s.accrued_interest, ms) if d.says("current_balance") else "",
        d.rate(d.pick("pct", "pct3")) if d.says("interest_rate") else "",
    ]
    keep = [i for i, cell in enumerate(cells) if cell]
    sh.add(
        *table(
            [sh.t(head[i]) for i in keep],
            [[cells[i] for i in keep]],
            "l" * 2 + "r" * (len(keep) - 2),
        )
    )
    if d.says("liability_type") and s.collateral:
        sh.say(
            f"School: {s.collateral}   Loan type: {d.pick('Undergraduate', 'Graduate', 'Private Consolidation')}"
        )
    sh.say(
        f"Repayment plan: {d.pick('Standard', 'Graduated', 'Extended Fixed', 'Level')}   Status: {d.pick('In Repayment', 'Repayment', 'Active - Repayment')}"
    )
    if d.offers("current_balance", 0.7):
        sh.add(
            sh.t("Total Balance (principal + accrued interest): ")
            + d.fmt(s.current_balance + s.accrued_interest, ms)
        )
    if s.term_months:
        left = s.term_months - sp.payments_made(d)
        sh.say(f"Payments made: {sp.payments_made(d)}   Payments remaining: {left}")
    sh.blank()
    sh.say("Payment Activity")
    rows = [
        [sp.fd(day, ds), sh.t("Payment"), d.fmt(amt, ms), d.fmt(prin, ms), d.fmt(intr, ms)]
        for day, amt, prin, intr, _ in sp.payment_history(d)
    ]
    sh.add(
        *table(
            [sh.t(h) for h in ("Date", "Type", "Amount", "To Principal", "To Interest")],
            rows,
            "llrrr",
        )
    )
    sh.add(
        sh.t(f"Interest paid in {s.as_of.year}: ")
        + d.fmt(s.ytd_interest, ms)
        + sh.t(" (may be tax deductible; see Form 1098-E)" if d.says("liability_type") else "")
    )
    sh.blank()
    sh.say(
        d.pick(
            "Auto-debit enrollment may reduce your interest rate by 0.25%. Call us to enroll.",
            "Having trouble paying? Ask about deferment, forbearance and income-driven options."
            if d.says("liability_type")
            else "Having trouble paying? Call us to discuss your options.",
            "Keep your contact information current so you don't miss important notices.",
        )
    )
    return sh.render()


@template("statement", "installment_loan_statement", types=INSTALLMENT)
def installment_loan_statement(d: Draft) -> str:
    """A modern PDF e-statement extracted to text: friendly headline, amount due, loan details,
    activity with principal/interest split, autopay from another account, payoff estimate."""
    s = d.s
    ms = d.pick("usd", "usd", "commas", "plain", "usd_nocomma")
    ds = d.pick("short_month", "long", "iso", "us_slash")
    sh = Sheet(d, width=48)
    stmt = statement_date(d)
    month = f"{stmt:%B %Y}"

    sh.add(
        d.lender,
        f"{d.pick('Monthly statement', 'Statement', 'Your statement')} · {month}",
        "",
    )
    hello = f"{d.pick('Hi', 'Hello', 'Dear')} {s.borrower_first},"
    intro = f"here's a summary of your {sp.noun(d)}"
    number = sp.acct(d, "ending") if d.chance(0.7) else None
    sh.add(hello, intro + (f" {number}." if number else "."), "")

    if d.says("next_payment_amount") or d.says("next_payment_due_date"):
        sh.add(d.pick("AMOUNT DUE", "Payment due", "WHAT YOU OWE THIS MONTH"))
        owed = d.money("next_payment_amount", ms) if d.says("next_payment_amount") else ""
        when = sp.due_text(d, ds) if d.says("next_payment_due_date") else ""
        sh.add(f"{owed} due {when}" if owed and when else (owed or f"Due {when}"))
        if d.chance(0.5):
            bank = d.rng.randint(1000, 9999)
            if str(bank) != s.last4:
                sh.add(
                    f"Autopay is on. We'll debit your checking account ending in {bank} on the due date."
                )
        sh.blank()
    if d.says("past_due_amount") and (s.past_due_amount > 0 or d.chance(0.4)):
        if s.past_due_amount > 0:
            sh.add(
                f"Your account is past due. Past due amount: {sp.past_due(d, ms)}. Please pay it as soon as possible."
            )
        else:
            sh.add(
                f"Past due: {sp.past_due(d, ms, False)}. {d.pick('Thanks for staying on track!', 'You are all caught up.')}"
            )
        sh.blank()

    sh.add(d.pick("LOAN DETAILS", "Loan details", "About your loan"))
    if number is None:
        plain = sp.acct(d, d.pick("full", "x"))
        if plain:
            sh.kv("Loan number", plain)
    if d.says("current_balance"):
        sh.kv(
            d.pick("Principal balance", "Remaining principal", "Current principal balance"),
            d.money("current_balance", ms),
        )
    for label, value in sp.rate_pairs(
        d, d.pick("Interest rate (fixed)", "Interest rate", "Fixed rate"), "APR", "pct"
    ):
        sh.kv(label, value)
    if s.original_amount is not None:
        sh.kv(
            d.pick("Original loan amount", "Amount borrowed", "Loan amount"),
            d.fmt(s.original_amount, ms),
        )
    if s.term_months:
        sh.kv("Term", f"{s.term_months} months")
        sh.kv("Payments remaining", str(s.term_months - sp.payments_made(d)))
    if d.says("liability_type") and s.collateral:
        sh.kv("Vehicle" if s.liability_type == "auto_loan" else "School", s.collateral)
    sh.blank()

    sh.add(d.pick("ACTIVITY SINCE YOUR LAST STATEMENT", "Recent activity", "Transactions"))
    hist = sp.payment_history(d)[-1:]
    for day, amount, prin, intr, _ in hist:
        sh.add(f"{sp.fd(day, ds)}  Payment  -{d.fmt(amount, ms)}")
        sh.add(f"    to principal {d.fmt(prin, ms)} · to interest {d.fmt(intr, ms)}")
    if s.past_due_amount > 0 and d.chance(0.6):
        sh.add(
            f"{sp.fd(s.previous_due_date + dt.timedelta(days=10), ds)}  Late fee  {d.fmt(s.late_fee, ms)}"
        )
    sh.blank()

    if d.offers("payoff_amount", 0.5):
        line = "Want to pay it off? Your estimated payoff is " + d.money("payoff_amount", ms)
        if d.says("payoff_good_through"):
            line += " if received by " + d.date("payoff_good_through", ds)
        line += "."
        if d.offers("per_diem", 0.6):
            line += f" After that, add {d.money('per_diem', ms)} per day."
        sh.add(line, "")
    sh.add(
        d.pick(
            "Questions? Reply in the app or call us. We're here 7 days a week.",
            "Paying extra goes straight to principal and there is never a prepayment penalty.",
            "This statement was generated electronically. Keep it for your records.",
        )
    )
    return sh.render()
