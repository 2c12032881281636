"""Statement sources: periodic account statements as text, often OCR'd from paper or PDF.

Type-specific templates live in sibling modules, imported here so they register:
``_statement_mortgage`` (mortgage_explanation_box, mortgage_escrow_activity),
``_statement_loans`` (auto_loan_summary, auto_ocr_scan, student_loan_group,
installment_loan_statement) and ``_statement_cards`` (card_full_statement, card_scanned_compact).
This module holds the templates that serve several types: ocr_two_column, coupon_tearoff,
annual_summary, estatement_notice and credit_union_combined.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from protege.corpus.dates import add_months
from protege.corpus.draft import Draft
from protege.corpus.kinds import _statement_cards, _statement_loans, _statement_mortgage
from protege.corpus.kinds import _statement_parts as sp
from protege.corpus.kinds._layout import (
    Pair,
    Sheet,
    broken_columns,
    pad,
    statement_date,
    table,
)
from protege.corpus.money import cents, fmt_rate
from protege.corpus.registry import LOANS, template
from protege.corpus.scenario import random_amount

__all__ = ["_statement_cards", "_statement_loans", "_statement_mortgage"]

D = Decimal


def _balance_label(d: Draft) -> str:
    if d.s.liability_type == "credit_card":
        return d.pick("New Balance", "Statement Balance", "New Balance Total")
    return d.pick(
        "Principal Balance", "Unpaid Principal Balance", "Current Principal", "Principal Bal."
    )


def _payment_label(d: Draft) -> str:
    kind = d.s.liability_type
    if kind == "credit_card":
        return d.pick("Minimum Payment Due", "Minimum Payment", "Min. Payment Due")
    if kind == "mortgage":
        return d.pick("Regular Monthly Payment", "Monthly Payment", "Current Payment")
    return d.pick("Payment Amount", "Monthly Payment", "Regular Payment", "Installment Amount")


@template("statement", "ocr_two_column")
def ocr_two_column(d: Draft) -> str:
    """A scanned statement whose two-column summary OCR read row by row: labels and values
    interleaved on separate lines. Each printed row pairs one amount with a non-amount (date,
    rate, number), so every value stays unambiguous to a careful reader."""
    s = d.s
    card = s.liability_type == "credit_card"
    ms, ds = sp.money_style(d), sp.date_style(d)
    sh = Sheet(d, scanned=True, rate=float(d.pick(0.02, 0.03, 0.05)))
    stmt = statement_date(d)

    sh.say(d.lender.upper())
    sh.add(sp.title(d, d.chance(0.6), neutral="ACCOUNT STATEMENT"))
    if d.chance(0.6):
        sh.say(*sp.mailing(d))
    sh.blank()

    money: list[Pair] = []
    other: list[Pair] = []
    if d.says("current_balance"):
        money.append((sh.t(_balance_label(d)), sh.money("current_balance", ms)))
    if d.says("next_payment_amount"):
        money.append((sh.t(_payment_label(d)), sh.money("next_payment_amount", ms)))
    if d.says("past_due_amount") and (s.past_due_amount > 0 or d.chance(0.6)):
        money.append(
            (
                sh.t(d.pick("Past Due Amount", "Amount Past Due", "Past Due")),
                sp.past_due(d, ms, ocr=d.chance(0.4)),
            )
        )
    if (
        s.liability_type == "mortgage"
        and d.says("liability_type")
        and d.says("escrow_balance")
        and d.chance(0.7)
    ):
        money.append((sh.t("Escrow Balance"), sh.money("escrow_balance", ms)))
    if card and d.says("credit_limit"):
        money.append((sh.t(d.pick("Credit Limit", "Credit Line")), sh.money("credit_limit", ms)))
        if d.offers("current_balance", 0.6):
            money.append((sh.t("Available Credit"), d.fmt(s.available_credit or D(0), ms)))
    if not card and s.original_amount is not None and d.chance(0.5):
        money.append(
            (
                sh.t(d.pick("Original Loan Amount", "Amount Financed", "Original Principal")),
                d.fmt(s.original_amount, ms),
            )
        )
    if d.chance(0.4):
        money.append(
            (
                sh.t(d.pick("Last Payment Received", "Last Payment Amount")),
                d.fmt(s.last_payment_amount, ms),
            )
        )
    if not card and d.chance(0.4):
        money.append((sh.t(f"Interest Paid {s.as_of.year} YTD"), d.fmt(s.ytd_interest, ms)))

    number = sp.acct(d)
    if number:
        other.append((sh.t(d.pick("Account Number", "Loan Number", "Account No.")), number))
    if d.says("next_payment_due_date"):
        other.append((sh.t("Payment Due Date"), sp.due_text(d, ds)))
    if card and d.says("interest_rate"):
        other.append((sh.t("Purchase APR"), d.rate()))
        other.append((sh.t("Cash Advance APR"), fmt_rate(s.cash_advance_apr or D("29.99"))))
        d.tag("distractor_amounts")
    else:
        other += [
            (sh.t(label), value)
            for label, value in sp.rate_pairs(d, "Interest Rate", "Annual Percentage Rate")
        ]
    other.append((sh.t(d.pick("Statement Date", "Closing Date")), sp.fd(stmt, ds)))
    mature = sp.maturity(d)
    if mature is not None and d.chance(0.5):
        other.append((sh.t("Maturity Date"), sp.fd(mature, ds)))
    if s.term_months and d.chance(0.3):
        other.append((sh.t("Original Term"), f"{s.term_months} months"))
    if card:
        other.append((sh.t("Days in Billing Cycle"), str(d.pick(29, 30, 31))))

    d.rng.shuffle(money)
    d.rng.shuffle(other)
    left: list[Pair] = []
    right: list[Pair] = []
    money_left = d.chance(0.5)
    for i in range(max(len(money), len(other))):
        a = money[i] if i < len(money) else ("", "")
        b = other[i] if i < len(other) else ("", "")
        if (not money_left) != d.chance(0.2):
            a, b = b, a
        left.append(a)
        right.append(b)
    lines = broken_columns(left, right, d.pick("stacked", "joined"))
    sh.add(*(line for line in (ln.strip() for ln in lines) if line))
    sh.blank()
    sh.say(
        d.pick(
            "THANK YOU FOR YOUR PAYMENT. PLEASE ALLOW 5-7 DAYS FOR MAILING.",
            "Please see reverse side for important information about your account.",
            "Payments received after the due date may be subject to a late charge.",
            "To update your mailing address, call customer service or visit us online.",
        )
    )
    if d.chance(0.5):
        sh.say(d.pick("Page 1 of 2", "PAGE 1", "- 1 -"))
    return sh.render()


@template("statement", "coupon_tearoff")
def coupon_tearoff(d: Draft) -> str:
    """A one-page statement whose bottom is a tear-off payment coupon repeating the account
    number and the amount due, with an OCR scan line."""
    s = d.s
    card = s.liability_type == "credit_card"
    ms, ds = sp.money_style(d), sp.date_style(d)
    sh = Sheet(d, scanned=d.chance(0.35), width=54)
    stmt = statement_date(d)
    fees = (s.late_fee if s.past_due_amount > 0 else D(0)) if card else sp.late_fee_charged(d, stmt)
    colon = d.pick(":", "")

    sh.say(*sp.servicer_block(d, d.chance(0.5)))
    sh.blank()
    sh.add(sp.title(d, d.chance(0.5)))
    sh.kv(f"Statement Date{colon}", sp.fd(stmt, ds))
    number = sp.acct(d, d.pick("masked", "stars", "x"))
    if number:
        sh.kv(f"Account{colon}", number)
    sh.blank()
    sh.say(*sp.mailing(d, d.chance(0.7)))
    sh.blank()

    if d.says("current_balance"):
        sh.kv(_balance_label(d) + colon, d.money("current_balance", ms))
    if card and d.says("credit_limit"):
        sh.kv(f"Credit Limit{colon}", d.money("credit_limit", ms))
    if d.says("interest_rate"):
        sh.kv(("Purchase APR" if card else "Interest Rate") + colon, d.rate())
    if d.says("next_payment_amount"):
        sh.kv(_payment_label(d) + colon, d.money("next_payment_amount", ms))
    if d.says("past_due_amount") and (s.past_due_amount > 0 or d.chance(0.6)):
        sh.kv(f"Past Due Amount{colon}", sp.past_due(d, ms))
        if fees:
            sh.kv(f"Late Charges{colon}", d.fmt(fees, ms))
    if d.says("next_payment_due_date"):
        sh.kv(f"Payment Due Date{colon}", sp.due_text(d, ds))
    sh.blank()
    sh.say(
        d.pick(
            "Thank you for your business. Pay online any time or by phone.",
            "Paying by check? Write your account number on the check.",
            "Payments must be received by 5 p.m. on the due date to be credited that day.",
            "Enroll in paperless statements and stop receiving paper mail.",
        )
    )
    if d.chance(0.15):
        other = sp.other_account(d, ms)
        if other:
            sh.add(sh.t(f"Your {other[0]} balance is ") + other[1] + ".")
    sh.blank()
    sh.say(
        d.pick(
            "- - - - - - - - - - - - - - - - - - - - - - - - - - -",
            "------------------ DETACH HERE ------------------",
            "8<-------------------------------------------------",
        )
    )
    sh.say(d.pick("RETURN THIS PORTION WITH YOUR PAYMENT", "PAYMENT COUPON", "Remittance Slip"))
    if d.says("account_last4"):
        sh.kv("Account Number", d.last4(d.pick("full", "full", "masked")), 46)
    if d.says("next_payment_due_date"):
        sh.kv("Due Date", d.date("next_payment_due_date", ds), 46)
    if card:
        if d.says("current_balance"):
            sh.kv("New Balance", d.money("current_balance", ms), 46)
        if d.says("next_payment_amount"):
            sh.kv("Minimum Payment Due", d.money("next_payment_amount", ms), 46)
    elif sp.total_due_ok(d):
        sh.kv(
            d.pick("Amount Due", "Total Amount Due", "Please Pay"),
            sp.total_text(d, fees, ms),
            46,
        )
    sh.add(pad(sh.t("Amount Enclosed"), "$ ____________", 46))
    sh.blank()
    sh.say(s.borrower.upper(), d.pick("Remit to:", "Make checks payable to:", "Mail to:"))
    sh.say(*sp.servicer_block(d, True))
    if d.says("account_last4"):
        check = sum(int(ch) for ch in s.account_number) % 10
        sh.add(f"{d.rng.randint(10, 99)}{s.account_number}{check} {d.rng.randint(100, 999)}")
    return sh.render()


@template("statement", "annual_summary", types=LOANS)
def annual_summary(d: Draft) -> str:
    """A year-end (early in the year: the previous year, with tax-form interest) or
    year-to-date summary: interest and principal paid are distractors, then current status."""
    s = d.s
    ms, ds = sp.money_style(d), sp.date_style(d)
    sh = Sheet(d, scanned=d.chance(0.25), width=60)
    stmt = statement_date(d)
    typed = d.says("liability_type")
    mortgage = s.liability_type == "mortgage" and typed
    prin, _, esc = sp.payment_split(d)
    year_end = s.as_of.month <= 2 and d.chance(0.85)
    if year_end:  # printed in the new year, after the year it summarizes
        stmt = max(stmt, dt.date(s.as_of.year, 1, 1))

    sh.say(d.lender)
    number = sp.acct(d, d.pick("full", "masked"))
    if year_end:
        year = s.as_of.year - 1
        heading = d.pick(
            f"{year} Year-End Statement",
            f"Annual Account Summary for {year}",
            f"Year-End Loan Summary - Tax Year {year}",
        )
        done = s.as_of.month
        interest = cents(s.current_balance * s.interest_rate / 100 * D("1.02"))
        paid = cents(prin * 12)
    else:
        year = s.as_of.year
        heading = d.pick(
            "Year-to-Date Summary",
            f"{year} Year-to-Date Account Summary",
            "Annual Summary (Year to Date)",
        )
        done = max(1, s.as_of.month - 1)
        interest = s.ytd_interest
        paid = cents(prin * done)
    sh.say(heading)
    sh.add(sh.t(d.pick("Product: ", "Loan type: ", "Account type: ")) + sp.noun(d, cap=True))
    if number:
        sh.kv("Account Number", number)
    sh.say(f"Borrower: {s.borrower}")
    if mortgage and s.collateral:
        sh.add(sh.t("Property: ") + s.collateral)
    sh.blank()

    period = f"{sp.fd(dt.date(year, 1, 1), ds)} - {sp.fd(dt.date(year, 12, 31), ds) if year_end else sp.fd(stmt, ds)}"
    sh.say(f"ACTIVITY FOR {period}")
    if s.liability_type == "student_loan" and typed and year_end:
        sh.kv("Student loan interest received (Form 1098-E, Box 1)", d.fmt(interest, ms))
    elif mortgage and year_end:
        sh.kv("Mortgage interest received (Form 1098, Box 1)", d.fmt(interest, ms))
    else:
        sh.kv(
            d.pick("Interest paid", "Total interest paid", "Interest collected"),
            d.fmt(interest, ms),
        )
    sh.kv("Principal paid", d.fmt(paid, ms))
    if mortgage and s.escrow_disbursement is not None:
        sh.kv(
            f"{str(s.escrow_disbursement_what).title()} paid from escrow",
            d.fmt(s.escrow_disbursement, ms),
        )
        sh.kv("Escrow deposits", d.fmt(cents(esc * (12 if year_end else done)), ms))
    if s.past_due_amount > 0:
        sh.kv("Late charges paid", d.fmt(s.late_fee, ms))
    if d.offers("current_balance", 0.7):
        if year_end:
            sh.kv(
                f"Principal balance as of 12/31/{year}",
                d.fmt(s.current_balance + cents(prin * done), ms),
            )
        else:
            sh.kv(f"Principal balance on January 1, {year}", d.fmt(s.current_balance + paid, ms))
    sh.blank()

    sh.say(
        d.pick(
            f"CURRENT ACCOUNT STATUS AS OF {sp.fd(stmt, ds)}",
            "YOUR ACCOUNT TODAY",
            "Current Loan Information",
        )
    )
    if d.says("current_balance"):
        sh.kv(
            d.pick("Current principal balance", "Unpaid principal balance", "Principal balance"),
            d.money("current_balance", ms),
        )
    for label, value in sp.rate_pairs(d, "Interest rate"):
        sh.kv(label, value)
    if mortgage and d.says("escrow_balance"):
        sh.kv("Escrow balance", d.money("escrow_balance", ms))
    if d.says("next_payment_amount"):
        sh.kv(
            d.pick("Monthly payment", "Regular payment", "Next payment amount"),
            d.money("next_payment_amount", ms),
        )
    if d.says("next_payment_due_date"):
        sh.kv("Next payment due", sp.due_text(d, ds))
    if d.offers("past_due_amount", 0.5):
        sh.kv("Amount past due", sp.past_due(d, ms))
    sh.blank()
    sh.say(
        d.pick(
            "This summary is provided for your records. Consult a tax advisor about deductibility.",
            "Amounts reported to the IRS may differ if payments were reversed after year end.",
            "Keep this statement with your tax records.",
        )
    )
    return sh.render()


@template("statement", "estatement_notice")
def estatement_notice(d: Draft) -> str:
    """A very short e-statement notification or statement excerpt (a text, an email preview,
    a cropped snippet) stating two or three facts."""
    s = d.s
    card = s.liability_type == "credit_card"
    ms = d.pick("usd", "usd", "usd_nocomma", "commas")
    ds = d.pick("short_month", "us_slash", "long", "month_day", "us_slash_short")
    name = d.lender
    month = f"{statement_date(d):%B}"
    facts: list[str] = []
    if d.says("current_balance") and (card or d.chance(0.5)):
        label = (
            d.pick("Statement balance", "New balance")
            if card
            else d.pick("Principal balance", "Principal bal")
        )
        facts.append(f"{label}: {d.money('current_balance', ms)}")
    if d.says("next_payment_amount"):
        label = (
            d.pick("Minimum payment due", "Min. payment")
            if card
            else d.pick("Payment amount", "Regular payment", "Monthly payment")
        )
        facts.append(f"{label}: {d.money('next_payment_amount', ms)}")
    if d.says("next_payment_due_date"):
        facts.append(
            f"{d.pick('Due date', 'Payment due', 'Due')}: {d.date('next_payment_due_date', ds)}"
        )
    if d.offers("past_due_amount", 0.35):
        facts.append(f"Past due: {sp.past_due(d, ms)}")

    variant = d.rng.randint(0, 2)
    ending = f" {d.last4('ending')}" if d.offers("account_last4", 0.8) else ""
    if variant == 0:
        text = f"{name}: Your {month} statement for your {sp.noun(d)}{ending} is ready. "
        text += ". ".join(facts)
        return (
            text
            + ("." if facts else "")
            + d.pick(" Log in to view.", "", " Reply STOP to end texts.")
        )
    if variant == 1:
        lines = [f"Subject: Your {month} eStatement is available", ""]
        lines.append(f"The statement for your {sp.noun(d)}{ending} is now available online.")
        return "\n".join([*lines, *facts, d.pick("Sign in to view your statement.", "")])
    lines = [d.pick("...ACCOUNT SUMMARY", "[page 1 excerpt]", "— statement snippet —")]
    if ending:
        lines.append(f"Account{ending}")
    return "\n".join(lines + facts)


@template("statement", "credit_union_combined", types=("auto_loan", "personal_loan", "mortgage"))
def credit_union_combined(d: Draft) -> str:
    """A credit union member statement combining a share account (another account of the same
    member, with its own number and balance) and the loan in question."""
    s = d.s
    ms, ds = sp.money_style(d), sp.date_style(d)
    sh = Sheet(d, scanned=d.chance(0.2), width=62)
    stmt = statement_date(d)
    start = add_months(stmt, -1) + dt.timedelta(days=1)
    fees = sp.late_fee_charged(d, stmt, grace=10)
    member = str(d.rng.randint(100000, 9999999))
    if member[-4:] == s.last4:
        member = member[:-1] + str((int(member[-1]) + 1) % 10)

    cu = "Credit Union" in d.lender
    heads = (
        ("MEMBER STATEMENT", "Combined Statement of Accounts")
        if cu
        else ("RELATIONSHIP STATEMENT", "Combined Statement")
    )
    sh.say(d.lender.upper(), d.pick(*heads, "Statement of Accounts"))
    sh.say(f"Statement Period {sp.fd(start, ds)} through {sp.fd(stmt, ds)}")
    sh.say(f"{'Member Number' if cu else d.pick('Customer ID', 'Customer Number')} {member}")
    sh.say(*sp.mailing(d, d.chance(0.7)))
    sh.blank()

    other = sp.other_account(d, ms) if d.chance(0.85) else None
    word = sp.noun(d)
    loan_id = d.pick("L01", "L10", "0140", "L2")
    rows: list[list[str]] = []
    product = s.other_account_product
    if other:
        rows.append([sh.t(product.title()), sh.t(f"...{s.other_account_last4}"), other[1]])
    rows.append(
        [
            sh.t("Loan ") + loan_id,
            d.last4("stars") if d.says("account_last4") else "",
            d.money("current_balance", ms) if d.says("current_balance") else "",
        ]
    )
    sh.say("SUMMARY OF ACCOUNTS")
    sh.add(*table([sh.t("Account"), sh.t("Number"), sh.t("Balance")], rows, "llr"))
    sh.blank()

    if other:
        sh.say(f"{product.upper()} ...{s.other_account_last4}")
        if product in ("savings account", "checking account"):
            deposits = random_amount(d.rng, 50, 3000)
            dividend = cents(s.other_account_balance * D("0.0004"))
            begin = s.other_account_balance - deposits - dividend
            sh.kv("Beginning Balance", d.fmt(begin, ms))
            sh.kv("Deposits", d.fmt(deposits, ms))
            sh.kv(
                "Dividends" if cu and product == "savings account" else "Interest Earned",
                d.fmt(dividend, ms),
            )
            sh.kv("Ending Balance", other[1])
        else:
            sh.kv("Balance", other[1])
            sh.kv("Last Payment", d.fmt(cents(s.other_account_balance * D("0.03")), ms))
        sh.blank()

    sh.add(f"{sh.t('LOAN')} {loan_id} - " + word)
    if d.says("liability_type") and s.collateral and s.liability_type != "personal_loan":
        sh.add(sh.t("Collateral: ") + s.collateral)
    if d.offers("current_balance", 0.6):
        sh.kv("Principal Balance", d.money("current_balance", ms))
    for label, value in sp.rate_pairs(d, d.pick("Interest Rate", "Rate"), "Annual Percentage Rate"):
        sh.kv(label, value)
    if (
        s.liability_type == "mortgage"
        and d.says("liability_type")
        and d.says("escrow_balance")
        and d.chance(0.6)
    ):
        sh.kv("Escrow Balance", d.money("escrow_balance", ms))
    if d.says("next_payment_amount"):
        sh.kv(
            d.pick("Payment Amount", "Regular Payment", "Monthly Payment"),
            d.money("next_payment_amount", ms),
        )
    if d.says("next_payment_due_date"):
        sh.kv(d.pick("Next Due Date", "Payment Due", "Due Date"), sp.due_text(d, ds))
    if d.says("past_due_amount") and (s.past_due_amount > 0 or d.chance(0.5)):
        sh.kv("Past Due", sp.past_due(d, ms))
    hist = sp.payment_history(d)[-1]
    sh.add(
        sh.t(f"{sp.fd(hist[0], ds)}  Payment ")
        + d.fmt(hist[1], ms)
        + sh.t("  Principal ")
        + d.fmt(hist[2], ms)
        + sh.t("  Interest ")
        + d.fmt(hist[3], ms)
    )
    if fees:
        sh.add(
            sh.t(f"{sp.fd(s.previous_due_date + dt.timedelta(days=10), ds)}  Late Fee ")
            + d.fmt(fees, ms)
        )
    if d.offers("payoff_amount", 0.3):
        line = sh.t("Payoff ")
        if d.says("payoff_good_through"):
            line += sh.t("through ") + d.date("payoff_good_through", ds) + " "
        line += d.money("payoff_amount", ms)
        if d.says("per_diem"):
            line += sh.t("; daily interest ") + d.money("per_diem", ms)
        sh.add(line)
    sh.blank()
    sh.say(
        d.pick(
            "Federally insured by NCUA."
            if cu
            else "Deposit products offered by our bank affiliate.",
            "Rates on deposit accounts are variable and subject to change.",
            "Thank you for being a member!" if cu else "Thank you for banking with us!",
        )
    )
    return sh.render()
