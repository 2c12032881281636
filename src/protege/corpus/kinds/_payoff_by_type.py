"""payoff_letter sources, continued: letters only one product gets (a dealer's trade-in payoff,
a mortgage payoff statement with escrow, a student-loan payoff verification, an online
lender's personal-loan payoff). Registered by ``payoff_letter``."""

from __future__ import annotations

import datetime as dt

from protege.corpus.dates import add_months, fmt_date
from protege.corpus.draft import Draft
from protege.corpus.kinds._letter_parts import (
    DISCLAIMERS,
    NEW_LENDERS,
    Pair,
    good_through,
    itemize,
    letter_date,
    letterhead,
    lien_release,
    overnight_block,
    per_diem_line,
    status_line,
    wire_lines,
)
from protege.corpus.kinds._web import (
    CELL_MONEY,
    account_ref,
    city_line,
    digits,
    pairs_block,
    phone,
    product_label,
)
from protege.corpus.registry import template

DEALERS = (
    "Riverside Motors",
    "Capital City Toyota",
    "Lakeside Ford",
    "Sunrise Honda",
    "Metro Auto Plaza",
    "Valley Chevrolet",
)


@template("payoff_letter", "dealer_payoff", types=("auto_loan",))
def dealer_payoff(d: Draft) -> str:
    """A payoff quote faxed to a dealership taking the vehicle in trade: requester block,
    vehicle and VIN, figures, title-release terms."""
    s, car = d.s, d.says("liability_type")
    requester = d.pick(*DEALERS) if car else d.pick(*NEW_LENDERS)
    head = [
        d.lender.upper(),
        d.pick(
            "DEALER PAYOFF QUOTE",
            "PAYOFF QUOTE — TRADE-IN",
            "10-DAY PAYOFF LETTER"
            if s.payoff_good_through == s.as_of + dt.timedelta(days=10)
            else "PAYOFF QUOTE",
        )
        if car
        else "PAYOFF QUOTE — THIRD PARTY",
    ]
    head.append(f"Date: {letter_date(d, s.as_of)}    Quote #: {digits(d, 8)}")
    out = ["\n".join(head)]
    info: list[Pair] = [
        ("Requested by", f"{requester} (ID {digits(d, 5)})"),
        ("Customer", s.borrower.upper()),
    ]
    if ref := account_ref(d, "full", "masked"):
        info.append(("Account number", ref))
    info.append(("Product", product_label(d)))
    if car and s.collateral:
        info.append(("Vehicle", s.collateral))
        if s.vin:
            info.append(("VIN", s.vin))
    out.append(pairs_block(d, info, d.pick("colon", "padded")))
    figs: list[Pair] = []
    if d.says("payoff_amount"):
        figs.append(
            (
                d.pick("Payoff amount", "Net payoff", "Payoff"),
                d.money("payoff_amount", d.pick(*CELL_MONEY)),
            )
        )
        if d.says("payoff_good_through"):
            figs.append(
                (
                    d.pick("Good through", "Valid through", "Quote expires"),
                    d.date("payoff_good_through"),
                )
            )
        if d.says("per_diem"):
            figs.append(
                (
                    d.pick("Per diem", "Per diem interest", "Daily interest"),
                    d.money("per_diem", "usd"),
                )
            )
    if d.offers("current_balance", 0.6):
        figs.append(
            (
                d.pick("Principal balance", "Unpaid principal"),
                d.money("current_balance", d.pick(*CELL_MONEY)),
            )
        )
    if d.offers("interest_rate", 0.3):
        figs.append(("Contract rate", d.rate()))
    if figs:
        out.append(
            d.pick("PAYOFF FIGURES", "Payoff information")
            + "\n"
            + pairs_block(d, figs, d.pick("dots", "padded", "colon"))
        )
    out.append(
        d.pick(
            f"Funds must be received by the good-through date. Make check payable to the lienholder and include the account number{' and VIN' if car else ''}.",
            f"{'Dealer' if car else 'Requester'} must remit payoff within the quote period. Payoffs received after the good-through date must include per diem for each additional day.",
        )
    )
    out.append(overnight_block(d))
    if d.chance(0.5):
        out.append("\n".join(wire_lines(d)))
    if lien := lien_release(d):
        out.append(d.pick("TITLE RELEASE: ", "Title/Lien: ") + lien)
    out.append(d.pick(*DISCLAIMERS))
    return "\n\n".join(out)


@template("payoff_letter", "mortgage_statement", types=("mortgage",))
def mortgage_statement(d: Draft) -> str:
    """A mortgage payoff statement: loan data block, payoff calculation, an escrow section
    (balance refunded after payoff, scheduled disbursements), remittance and release terms."""
    s, home = d.s, d.says("liability_type")
    out = [
        "\n".join(letterhead(d)),
        d.pick(
            "MORTGAGE PAYOFF STATEMENT" if home else "PAYOFF STATEMENT",
            "Payoff Statement",
            "STATEMENT OF AMOUNT DUE TO PAY LOAN IN FULL",
        ),
    ]
    info: list[Pair] = [("Statement date", letter_date(d, s.as_of))]
    if ref := account_ref(d, "full", "masked"):
        info.append(("Loan number", ref))
    info.append(
        (
            "Loan type",
            f"{product_label(d)}{d.pick(' — Conventional', ' — FHA', '', ' (fixed rate)') if home else ''}",
        )
    )
    info.append(("Borrower(s)", s.borrower.upper()))
    if home and s.collateral:
        info.append(("Property address", s.collateral))
    if d.offers("interest_rate", 0.7):
        info.append(("Interest rate", d.rate()))
    info.append(("Interest paid to", fmt_date(s.previous_due_date, "us_slash")))
    if d.offers("next_payment_due_date", 0.6):
        info.append(
            ("Next payment due", d.date("next_payment_due_date", d.pick("us_slash", "long", "iso")))
        )
    if d.says("payoff_amount") and d.offers("payoff_good_through", 0.6):
        info.append(
            (
                "Payoff good through",
                d.date("payoff_good_through", d.pick("us_slash", "long", "dash_text")),
            )
        )
    out.append(pairs_block(d, info, d.pick("colon", "padded")))
    rows = itemize(d, escrow=False)  # its escrow section says escrow is refunded separately
    if rows:
        out.append(
            d.pick("PAYOFF CALCULATION", "Itemization of Payoff", "Amounts Due")
            + "\n"
            + pairs_block(d, rows, d.pick("dots", "right"))
        )
    if "payoff_good_through" not in d.fields and (good := good_through(d, 0.2)):
        out.append(good)
    if pd := per_diem_line(d):
        out.append(pd)
    escrow = []
    if home and d.says("escrow_balance"):
        escrow.append(
            f"Escrow balance: {d.money('escrow_balance')}. {d.pick('Escrow funds are not deducted from the payoff amount; any balance remaining after payoff will be refunded to you within 20 business days.', 'This balance has not been applied to the payoff. It will be refunded after the loan is paid in full.')}"
        )
    if home and s.escrow_disbursement is not None and d.chance(0.6):
        due = add_months(s.as_of, 1)
        escrow.append(
            f"Scheduled disbursement: {s.escrow_disbursement_what} of {d.fmt(s.escrow_disbursement)} due {letter_date(d, due)}. If the payoff is not received before then, the disbursement will be paid from escrow and the refund reduced."
        )
    if s.escrow_monthly is not None and escrow and d.chance(0.4):
        escrow.append(f"(Monthly escrow deposit: {d.fmt(s.escrow_monthly)}.)")
    if escrow:
        out.append("ESCROW INFORMATION\n" + "\n".join(escrow))
    if status := status_line(d):
        out.append(status)
    out.append("\n".join(wire_lines(d)))
    if lien := lien_release(d):
        out.append(lien)
    out.append(" ".join(d.rng.sample(DISCLAIMERS, 2)))
    return "\n\n".join(out)


@template("payoff_letter", "student_loan_payoff", types=("student_loan",))
def student_loan_payoff(d: Draft) -> str:
    """A student-loan payoff verification for a refinancing lender: borrower identifiers
    (SSN last four as a distractor), a one-row loan table, validity and remittance."""
    s, school = d.s, d.says("liability_type")
    out = [
        d.lender,
        d.pick(
            "LOAN PAYOFF VERIFICATION",
            "Payoff Letter — Education Loan" if school else "Payoff Letter",
            "PAYOFF STATEMENT",
        ),
    ]
    ident: list[Pair] = [
        ("Date", letter_date(d, s.as_of)),
        ("Borrower", s.borrower),
        ("SSN", f"XXX-XX-{s.ssn_last4}"),
    ]
    if d.chance(0.6):
        ident.append(("Requested by", f"{d.pick(*NEW_LENDERS)} (refinance)"))
    out.append(pairs_block(d, ident, "colon"))
    cols: list[Pair] = []
    if ref := account_ref(d, "full", "masked", "stars"):
        cols.append(("Loan ID", ref))
    cols.append(("Loan type", product_label(d)))
    if school and s.collateral and d.chance(0.7):
        cols.append(("School", s.collateral))
    if s.origination_date and s.original_amount is not None and d.chance(0.6):
        cols += [
            ("Disbursed", fmt_date(s.origination_date, "us_slash")),
            ("Orig. principal", d.fmt(s.original_amount, "commas")),
        ]
    if d.offers("interest_rate", 0.6):
        cols.append(("Rate", d.rate("pct")))
    money = d.pick("commas", "usd", "plain")
    if d.says("current_balance"):
        cols.append(("Principal", d.money("current_balance", money)))
    if s.payoff_amount is not None and "current_balance" in d.fields and d.says("payoff_amount"):
        cols += [
            ("Interest", d.fmt(s.payoff_amount - s.current_balance - s.payoff_fee, money)),
            ("Fees", d.fmt(s.payoff_fee, money)),
        ]
    if d.says("payoff_amount"):
        cols.append(("Payoff", d.money("payoff_amount", money)))
        if d.offers("per_diem", 0.8):
            cols.append(("Daily int.", d.money("per_diem", money)))
    if d.chance(0.5):
        out.append(pairs_block(d, cols, "padded"))
    else:  # a one-row table: header over values
        widths = [max(len(a), len(b)) + 2 for a, b in cols]
        out.append(
            "".join(a.ljust(w) for (a, _), w in zip(cols, widths, strict=True)).rstrip()
            + "\n"
            + "".join(b.ljust(w) for (_, b), w in zip(cols, widths, strict=True)).rstrip()
        )
    if "payoff_amount" in d.fields and (good := good_through(d, 0.3)):
        out.append(good)
    if status := status_line(d):
        out.append(status)
    out.append(
        d.pick(
            f"Send payoff funds to {d.lender}, Attn: Payoff Processing, P.O. Box {digits(d, 5)}, {city_line(d)}. Include the borrower's name and Loan ID.",
            "Payoff funds may be sent by wire or by check. Include the Loan ID on all remittances so funds are applied correctly.",
        )
    )
    if d.chance(0.5):
        out.append("\n".join(wire_lines(d)))
    out.append(
        d.pick(
            "Once the payoff is received, the loan will be reported to the credit bureaus as paid in full and a paid-in-full letter will be sent to the borrower.",
            "Payments received after the date of this letter will reduce the payoff amount. Any overpayment will be refunded to the borrower.",
        )
    )
    return "\n\n".join(out)


@template("payoff_letter", "personal_loan_payoff", types=("personal_loan",))
def personal_loan_payoff(d: Draft) -> str:
    """An online lender's friendly payoff letter: the headline amount first, an optional
    breakdown, and the ways to pay (online, ACH, check)."""
    s, name = d.s, d.lender
    out = [
        name,
        d.pick("Your payoff letter", "Payoff Quote", "Loan payoff information"),
        letter_date(d, s.as_of),
        f"Hi {s.borrower_first},",
    ]
    ref = account_ref(d, "ending", "x", "stars")
    out.append(
        f"Here's what it takes to pay off your {product_label(d, 'lower')}{' ' + ref if ref else ''}."
    )
    if d.says("payoff_amount"):
        out.append(
            f"{d.pick('Payoff amount', 'Amount to pay off', 'Your payoff')}: {d.money('payoff_amount', d.pick('usd', 'usd', 'usd_space'))}"
        )
        if good := good_through(d, 0.6):
            out.append(good)
    if d.chance(0.7) and (rows := itemize(d)):
        out.append(
            d.pick("How we got there:", "Breakdown", "What's included")
            + "\n"
            + pairs_block(d, rows, "padded")
        )
    if pd := per_diem_line(d):
        out.append(pd)
    ach = f"Bank transfer (ACH): routing {s.routing_number}, account {digits(d, 10)}"
    ways = [
        f"Online at {name.lower().replace(' ', '')}.com/payoff",
        "By phone with your bank account",
        ach,
        f"Check or money order to {name}, P.O. Box {digits(d, 5)}, {city_line(d)}",
    ]
    out.append(
        "Ways to pay\n" + "\n".join(f"• {w}" for w in d.rng.sample(ways, d.rng.randint(2, 4)))
    )
    if status := status_line(d):
        out.append(status)
    out.append(
        d.pick(
            "After your payoff posts, we'll send a paid-in-full letter within 5 business days and turn off AutoPay automatically.",
            "Please don't cancel a scheduled payment until your payoff has posted. Any overpayment will be refunded to your bank account.",
        )
    )
    out.append(f"Questions? Call {phone(d)}, Monday–Friday 8am–8pm ET.\n— The {name} team")
    return "\n\n".join(out)
