"""payoff_letter sources: formal payoff statements and letters from loan servicers.

A letter quotes one current payoff: its itemized total (taken as printed), the unpaid principal
(the balance), a good-through date and often a per-diem. Letterheads, addresses, wire and
routing numbers, VINs, SSNs, fees and older quotes are context a reader must look past.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from protege.corpus.dates import fmt_date
from protege.corpus.draft import Draft
from protege.corpus.kinds import _payoff_by_type  # noqa: F401  (registers the product-specific letters)
from protege.corpus.kinds._letter_parts import (
    DISCLAIMERS,
    NEW_LENDERS,
    Pair,
    good_through,
    itemize,
    letter_date,
    letterhead,
    lien_release,
    loan_block,
    ocr_text,
    overnight_block,
    per_diem_line,
    re_line,
    salutation,
    status_line,
    wire_lines,
)
from protege.corpus.kinds._web import (
    account_ref,
    borrower_block,
    city_line,
    digits,
    last_paid,
    pairs_block,
    phone,
    product_label,
    recent,
    street,
)
from protege.corpus.money import cents, fmt_money, fmt_rate
from protege.corpus.registry import LOANS, template


@template("payoff_letter", "bank_letter", types=LOANS)
def bank_letter(d: Draft) -> str:
    """A bank's formal payoff letter: letterhead, address block, itemized table, wire and
    overnight instructions, disclaimers."""
    out = [
        "\n".join(letterhead(d)),
        letter_date(d, d.s.as_of),
        "\n".join(borrower_block(d)),
        re_line(d),
        salutation(d),
    ]
    if d.says("payoff_amount"):
        intro = d.pick(
            "As you requested, the payoff figures for the above loan are itemized below.",
            "Thank you for your payoff request. The amount required to pay your loan in full is shown below.",
            "Below is the payoff information you requested.",
        )
    else:
        intro = "Below is the balance information for the above loan. Interest accrues daily until the loan is paid in full; please call us for a final payoff figure."
    out.append(intro)
    loan = loan_block(d)
    rows = itemize(d, escrow="escrow_balance" not in d.fields)
    if rows:
        out.append(pairs_block(d, rows, d.pick("dots", "right", "padded")))
    if loan:
        heading = d.pick("LOAN INFORMATION", "Account details:", "Other loan information")
        out.append(heading + "\n" + pairs_block(d, loan, d.pick("dots", "right", "padded")))
    out += [x for x in (good_through(d), per_diem_line(d), status_line(d), lien_release(d)) if x]
    if d.chance(0.7):
        out.append("\n".join(wire_lines(d)))
    if d.chance(0.6):
        out.append(overnight_block(d))
    out.append(" ".join(d.rng.sample(DISCLAIMERS, d.rng.randint(1, 3))))
    out.append(
        f"{d.pick('Sincerely,', 'Respectfully,', 'Regards,')}\n\n{d.pick('Payoff Department', 'Loan Servicing', f'{d.s.rep}, Payoff Specialist')}\n{d.lender}"
    )
    return "\n\n".join(out)


def _cu_name(d: Draft) -> str:
    name = d.lender
    return (
        name
        if "Credit Union" in name
        else d.pick("Lakeshore Credit Union", "Northpoint Federal Credit Union")
    )


@template("payoff_letter", "credit_union_letter", types=LOANS)
def credit_union_letter(d: Draft) -> str:
    """A credit union's plain-spoken letter to a member: paragraphs instead of a table, a
    member number, and ways to pay from a share account."""
    s, cu = d.s, _cu_name(d)
    ref = account_ref(d, "full", "masked", "ending")
    out = [
        f"{cu}\n{street(d)} · {city_line(d)} · {phone(d)}",
        letter_date(d, s.as_of),
        "\n".join(borrower_block(d)),
    ]
    out.append(
        f"Member #: {digits(d, 7)}"
        + (f"\nLoan: {ref}" if ref and not ref.startswith("ending") else "")
    )
    out.append(d.pick(f"Dear {s.borrower_first},", f"Dear {s.borrower},", "Dear Member,"))
    mention = f" ({ref})" if ref and ref.startswith("ending") else ""
    out.append(
        f"Thank you for being a member of {cu}. As you requested, here is the payoff information for your {product_label(d, 'lower')}{mention}."
    )
    para = []
    if d.says("payoff_amount"):
        sentence = f"To pay your loan in full, please remit {d.money('payoff_amount')}"
        if d.says("payoff_good_through"):
            phrase = d.relative_date("payoff_good_through") if d.chance(0.4) else None
            sentence += (
                f"; this figure is good {phrase}"
                if phrase
                else f" so that it is received by {d.date('payoff_good_through')}"
            )
        para.append(sentence + ".")
        if d.says("current_balance"):
            para.append(
                f"This includes your unpaid principal balance of {d.money('current_balance')} plus interest accrued to the payoff date{' and a release fee' if s.payoff_fee else ''}."
            )
    elif d.says("current_balance"):
        para.append(
            f"Your unpaid principal balance is {d.money('current_balance')}. Interest accrued to the day we receive your funds will be added."
        )
    if para:
        out.append(" ".join(para))
    if d.chance(0.85) and (pd := per_diem_line(d)):
        out.append(pd)
    if status := status_line(d):
        out.append(status)
    wire = d.chance(0.5)
    out.append(
        d.pick(
            f"You may pay off your loan by transferring funds from your share savings at any branch{',' if wire else ' or'} by check payable to {cu} (please write your member number on the memo line){', or by wire using the instructions below' if wire else ''}.",
            f"Payoff funds can be brought to any {cu} branch or mailed to the address above. Please include your member number with your payment.",
        )
    )
    if wire:
        out.append("\n".join(wire_lines(d, cu)))
    if lien := lien_release(d, cu):
        out.append(lien)
    out.append(
        f"If you have any questions, please call Member Loan Services at {phone(d)}.\n\nSincerely,\n\n{s.rep}\nMember Loan Services"
    )
    return "\n\n".join(out)


@template("payoff_letter", "faxed_letter", types=LOANS)
def faxed_letter(d: Draft) -> str:
    """A payoff letter received by fax and OCR'd: fax banner, misread characters in the text
    and in some amounts, columns knocked out of line."""
    s = d.s
    stamp = f"{fmt_date(s.as_of, 'us_slash')} {d.rng.randint(7, 17):02d}:{d.rng.randint(0, 59):02d}"
    out = [
        f"{stamp}  FROM: {d.lender.upper()}  FAX {phone(d)}  TO: {d.pick(s.borrower.upper(), 'TITLE DEPT', 'LOAN CLOSING')}  P.{d.pick('001/002', '1/2', '01')}"
    ]
    out += [
        "\n".join(letterhead(d)[:3]),
        d.pick("PAYOFF STATEMENT", "P A Y O F F   S T A T E M E N T", "Payoff Letter"),
        letter_date(d, s.as_of),
    ]
    out.append("\n".join(borrower_block(d)))
    out.append(re_line(d))
    loan = loan_block(d) if d.chance(0.6) else []
    rows = itemize(
        d,
        ("usd", "commas", "usd_nocomma"),
        ocr=d.chance(0.8),
        escrow="escrow_balance" not in d.fields,
    )
    gap = d.pick(" ", "  ", "\t")
    for block in (rows, loan):
        if block:
            out.append(
                "\n".join(f"{label}{gap * d.rng.randint(1, 6)}{value}" for label, value in block)
            )
    if good := good_through(d, 0.3):
        out.append(good)
    if d.says("per_diem") and "payoff_amount" in d.fields and "per_diem" not in d.fields:
        out.append(
            f"{d.pick('PER DIEM', 'Per Diem Interest', 'Daily interest')}: {d.money('per_diem', 'usd', ocr=d.chance(0.5))}"
        )
    if status := status_line(d):
        out.append(status)
    if lien := lien_release(d):
        out.append(lien)
    if d.chance(0.6):
        out.append("\n".join(wire_lines(d)))
    out.append(" ".join(d.rng.sample(DISCLAIMERS, 2)))
    out.append(
        d.pick(
            "*** END OF TRANSMISSION ***",
            "CONFIDENTIAL: If you received this fax in error, please notify the sender and destroy it.",
            f"PAGE 2 OF 2   {stamp}",
        )
    )
    return ocr_text(d, "\n\n".join(out))


@template("payoff_letter", "confirmation_snippet", types=LOANS)
def confirmation_snippet(d: Draft) -> str:
    """A short payoff confirmation (text message or notification), under 300 characters."""
    ref = account_ref(d, "x", "stars", "ending")
    acct = f" {ref}" if ref else ""
    what = product_label(d, d.pick("lower", "title"))
    bits: list[str] = []
    if d.says("payoff_amount"):
        amount = d.money("payoff_amount")
        bits.append(
            d.pick(
                f"Payoff quote for your {what}{acct}: {amount}",
                f"Your {what}{acct} payoff amount is {amount}",
            )
        )
        if d.says("payoff_good_through"):
            phrase = d.relative_date("payoff_good_through") if d.chance(0.5) else None
            bits[-1] += (
                f", good {phrase}"
                if phrase
                else f", good through {d.date('payoff_good_through', d.pick('us_slash', 'short_month', 'month_day', 'us_slash_short'))}"
            )
        if d.offers("per_diem", 0.5):
            bits.append(f"Per diem {d.money('per_diem', 'usd')}")
    elif d.says("current_balance"):
        bits.append(
            f"Principal balance on your {what}{acct} is {d.money('current_balance')}. Request a full payoff online"
        )
    else:
        bits.append(f"Your {what}{acct} payoff request was received")
    head = d.pick(f"{d.lender}: ", "PAYOFF CONFIRMATION — ", "", f"Ref {digits(d, 6)}. ")
    tail = d.pick(" Reply STOP to opt out.", "", f" Questions: {phone(d)}")
    return head + ". ".join(bits) + "." + tail


@template("payoff_letter", "revised_quote", types=LOANS)
def revised_quote(d: Draft) -> str:
    """A revised payoff statement that supersedes an earlier quote: the old amount and date
    are distractors, only the current quote counts."""
    s = d.s
    assert (
        s.payoff_amount is not None and s.payoff_good_through is not None and s.per_diem is not None
    )
    old_day = recent(d, 4, 20)
    old_through = old_day + dt.timedelta(days=d.pick(7, 10, 14))
    paid = last_paid(d)
    reasons = [
        (
            f"a payment of {d.fmt(paid)} was received after the prior statement was issued",
            s.payoff_amount + cents(paid * Decimal("0.8")),
        )
    ]
    if s.payoff_fee > 0:
        reasons.append(
            (
                f"the prior statement omitted the {fmt_money(s.payoff_fee)} payoff processing fee",
                s.payoff_amount - s.payoff_fee,
            )
        )
    reasons.append(
        (
            "the prior statement was calculated with an incorrect interest-paid-to date",
            s.payoff_amount - s.per_diem * d.pick(3, 5, 11),
        )
    )
    reason, old_amount = d.pick(*reasons)
    out = ["\n".join(letterhead(d)), letter_date(d, s.as_of), "\n".join(borrower_block(d))]
    out.append(
        d.pick(
            "REVISED PAYOFF STATEMENT",
            "CORRECTED PAYOFF QUOTE",
            "UPDATED PAYOFF STATEMENT — PLEASE READ",
        )
    )
    out.append(re_line(d))
    out.append(
        f"This statement supersedes and replaces our payoff statement dated {letter_date(d, old_day)}, which quoted "
        f"{d.fmt(old_amount)} good through {fmt_date(old_through, 'long')}. It was revised because {reason}. "
        f"{d.pick('Please disregard the prior quote.', 'The earlier figures are no longer valid.', 'Do not remit funds based on the earlier statement.')}"
    )
    loan = loan_block(d)
    if rows := itemize(d, escrow="escrow_balance" not in d.fields):
        out.append(
            d.pick("Revised payoff figures:", "CURRENT PAYOFF")
            + "\n"
            + pairs_block(d, rows, d.pick("dots", "right", "colon"))
        )
    if loan:
        out.append(pairs_block(d, loan, d.pick("dots", "right", "colon")))
    out += [x for x in (good_through(d), per_diem_line(d), status_line(d)) if x]
    if d.chance(0.6):
        out.append("\n".join(wire_lines(d)))
    out.append(d.pick(*DISCLAIMERS))
    out.append(f"Sincerely,\n{s.rep}\nPayoff Department, {d.lender}")
    return "\n\n".join(out)


@template("payoff_letter", "third_party_payoff", types=LOANS)
def third_party_payoff(d: Draft) -> str:
    """A payoff statement issued to a refinancing lender or closing agent, laid out as a form
    with lettered sections (request, loan, figures, remittance, release)."""
    s = d.s
    requester = d.pick(*NEW_LENDERS)
    closing = s.as_of + dt.timedelta(days=d.rng.randint(2, 6))
    out = [
        f"{d.lender.upper()} — {d.pick('PAYOFF STATEMENT (THIRD-PARTY REQUEST)', 'PAYOFF DEMAND STATEMENT', 'PAYOFF STATEMENT FOR CLOSING')}"
    ]
    sections: list[tuple[str, list[Pair]]] = []
    sections.append(
        (
            "REQUEST",
            [
                ("Requested by", requester),
                ("Requestor ref.", digits(d, 9)),
                ("Borrower authorization", f"received {fmt_date(recent(d, 1, 6), 'us_slash')}"),
                ("Anticipated closing", fmt_date(closing, "us_slash")),
            ],
        )
    )
    loan: list[Pair] = [("Borrower", s.borrower), ("Product", product_label(d))]
    if ref := account_ref(d, "full", "masked"):
        loan.insert(1, ("Loan number", ref))
    if d.offers("interest_rate", 0.6):
        loan.append(("Interest rate", d.rate()))
        if s.apr is not None and d.chance(0.4):
            d.tag("distractor_amounts")
            loan.append(("APR (disclosed)", fmt_rate(s.apr)))
    if d.offers("next_payment_amount", 0.5):
        loan.append(("Monthly payment", d.money("next_payment_amount", "usd")))
    if d.offers("next_payment_due_date", 0.5):
        loan.append(("Next due date", d.date("next_payment_due_date", "us_slash")))
    if d.says("liability_type") and d.offers("escrow_balance", 0.7):
        loan.append(("Escrow balance (refunded separately)", d.money("escrow_balance", "usd")))
    sections.append(("LOAN", loan))
    figures = itemize(d, escrow=False)  # its loan block says escrow is refunded separately
    if d.says("payoff_good_through") and "payoff_amount" in d.fields:
        figures.append(
            ("Good through", d.date("payoff_good_through", d.pick("us_slash", "long", "iso")))
        )
    if d.says("per_diem") and "payoff_amount" in d.fields:
        figures.append(("Per diem", d.money("per_diem", "usd")))
    sections.append(("PAYOFF FIGURES", figures))
    sections.append(
        (
            "REMITTANCE",
            [(line.split(":")[0], line.split(":", 1)[1].strip()) for line in wire_lines(d)[1:]],
        )
    )
    out += [
        f"SECTION {chr(65 + i)} — {title}\n{pairs_block(d, rows, 'padded')}"
        for i, (title, rows) in enumerate(sections)
        if rows
    ]
    if lien := lien_release(d):
        out.append(f"SECTION {chr(65 + len(sections))} — RELEASE\n{lien}")
    out.append(d.pick(*DISCLAIMERS))
    return "\n\n".join(out)
