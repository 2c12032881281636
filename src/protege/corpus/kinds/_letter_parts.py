"""Shared pieces of payoff letters: letterhead, subject line, the itemization, validity and
per-diem sentences, wire and mailing instructions, lien-release language, OCR damage.

Private to the ``payoff_letter`` kind. The itemization states the principal and the total (taken
as printed); interest, fees and any credit between them are distractors that add up to the total.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from protege.corpus.dates import fmt_date, months_between
from protege.corpus.draft import Draft
from protege.corpus.kinds._web import (
    BANKS,
    CELL_MONEY,
    account_ref,
    city_line,
    digits,
    phone,
    product_label,
    street,
)
from protege.corpus.money import cents
from protege.corpus.noise import ocr_line

Pair = tuple[str, str]
NEW_LENDERS = (
    "Bayview Federal Savings",
    "Summitline Bank",
    "Cornerstone Lending Group",
    "Anchor Point Credit Union",
)
DISCLAIMERS = (
    "This payoff statement is subject to final verification by the note holder. If any payment is returned or reversed, the payoff amount will change.",
    "Figures are subject to change due to payments received, disbursements or fees assessed after the date of this statement.",
    "Personal checks are not accepted for payoff. Please remit certified funds or a wire transfer.",
    "Funds received after 2:00 p.m. Eastern time will be processed the next business day, and additional interest will accrue.",
    "If you have filed for bankruptcy, this statement is provided for informational purposes only and is not an attempt to collect a debt.",
    "This communication is from a debt collector. This is an attempt to collect a debt, and any information obtained will be used for that purpose.",
    "Any overpayment will be refunded to the borrower within 30 days after the loan is paid in full.",
)


def letter_date(d: Draft, day: dt.date) -> str:
    """A date that is not a record value (letter date, interest-paid-to date), as letters print."""
    return fmt_date(day, d.pick("long", "long", "us_slash", "short_month", "dmy_text"))


def letterhead(d: Draft) -> list[str]:
    """The servicer's name, address, phone and fax lines (and sometimes an NMLS number)."""
    name = d.lender
    lines = [
        d.pick(name, name.upper()),
        street(d) + d.pick("", f", Suite {d.rng.randint(100, 900)}"),
        city_line(d),
    ]
    lines.append(
        d.pick(
            f"Phone {phone(d)}   Fax {phone(d)}",
            f"Customer Service: {phone(d)}",
            f"Tel. {phone(d)}",
        )
    )
    if d.chance(0.4):
        lines.append(f"NMLS #{digits(d, 6)}")
    return lines


def re_line(d: Draft, what: str = "Payoff Statement") -> str:
    """The subject line; it always names the product, so a letter that later names the
    collateral has stated the type."""
    ref = account_ref(d)
    product = product_label(d)
    if ref is None:
        return f"RE: {what} — {product} of {d.s.borrower}"
    return d.pick(
        f"RE: {what} for {product} #{ref}",
        f"Re: {product} Number {ref} — {what}",
        f"RE: {what}\n     {product} Account No. {ref}",
    )


def salutation(d: Draft) -> str:
    """The letter's greeting line."""
    return d.pick(
        f"Dear {d.s.borrower}:",
        f"Dear {d.s.borrower_first} {d.s.borrower_last},",
        "Dear Borrower:",
        "To Whom It May Concern:",
    )


def fees(d: Draft) -> list[tuple[str, Decimal]]:
    """The payoff fee, split into the charges a servicer of this product itemizes."""
    s = d.s
    kind = s.liability_type if d.says("liability_type") else ""
    labels = {
        "mortgage": [
            "Recording fee",
            "Reconveyance fee",
            "Payoff statement fee",
            "Fax/courier fee",
        ],
        "auto_loan": ["Lien release fee", "Title processing fee", "Payoff quote fee"],
        "student_loan": ["Processing fee", "Payoff verification fee"],
        "personal_loan": ["Processing fee", "Payoff statement fee"],
    }.get(kind, ["Payoff statement fee", "Processing fee", "Release fee"])
    if s.payoff_fee > 0 and s.past_due_amount > 0:
        labels.append("Late charges")
    first, second = d.rng.sample(labels, 2)
    if s.payoff_fee == 0:
        return [(first, Decimal(0))] if d.chance(0.6) else []
    if s.payoff_fee >= 20 and d.chance(0.5):
        part = cents(s.payoff_fee * Decimal(d.pick("0.5", "0.4", "0.6")))
        return [(first, part), (second, s.payoff_fee - part)]
    return [(first, s.payoff_fee)]


def interest_label(d: Draft, detail: bool = True) -> str:
    """'Interest from 02/01/2025 to 03/14/2025 at 6.49% (41 days @ $4.12)', in part. Without
    ``detail``, no start date and no day count: the row's figure is then not days x per diem."""
    s = d.s
    label = d.pick("Interest", "Accrued interest", "Unpaid interest", "Interest due")
    last_due = s.previous_due_date
    if d.chance(0.5):
        if detail:
            label += f" from {fmt_date(last_due, 'us_slash')}"
        if d.offers("payoff_good_through", 0.7):
            label += f" to {d.date('payoff_good_through', 'us_slash')}"
    if d.offers("interest_rate", 0.3):
        label += f" at {d.rate()}"
    if detail and d.says("per_diem") and s.payoff_good_through and d.chance(0.25):
        label += f" ({(s.payoff_good_through - last_due).days} days @ {d.money('per_diem', 'usd')})"
    return label


CREDIT_P = 0.2  # share of full itemizations that net a credit out of the printed total
# Credits a payoff subtracts, by product; the neutral ones suit a source that must not name it.
_CREDITS: dict[str, tuple[str, ...]] = {
    "": ("Unapplied funds", "Funds held in suspense", "Payment received, not yet applied"),
    "mortgage": ("Escrow surplus credit", "Hazard insurance premium refund"),
    "auto_loan": ("Unearned GAP premium refund", "Unearned service contract refund"),
    "personal_loan": ("Unearned credit insurance premium", "Credit life insurance refund"),
}


def _signed(d: Draft, text: str) -> str:
    """A credit as itemizations print it: '-$125.00', '($125.00)' or '$125.00 CR'."""
    return d.pick(f"-{text}", f"({text})", f"{text} CR")


def _credit(d: Draft, style: str, interest: Decimal, escrow: bool) -> tuple[Pair, Decimal]:
    """One credit netted out of the payoff (a distractor) and its amount. The record's total
    stays as printed, so the interest row absorbs the credit (the rows still add up): that keeps
    a credit at a tenth to a third of the interest. Product-specific refunds (insurance, an
    escrow surplus unless ``escrow`` is False) only where the type may be named and the amount
    is one such a refund could be."""
    s = d.s
    kind = s.liability_type if d.says("liability_type") else ""
    if kind == "mortgage" and not escrow:
        kind = ""
    share = Decimal(str(round(d.rng.uniform(0.1, 0.35), 2)))
    credit = max(Decimal("1.00"), cents(interest * share))
    labels = _CREDITS[""] + (_CREDITS.get(kind, ()) if credit >= 40 else ())
    label = d.pick(*labels)
    label = d.pick(f"Less: {label[0].lower()}{label[1:]}", label, f"{label} (credit)")
    return (label, _signed(d, d.fmt(credit, style))), credit


def _rebate_rows(d: Draft, style: str) -> list[Pair] | None:
    """A precomputed (add-on interest) loan's payoff: the balance of the contract (every payment
    left) less the unearned-interest rebate, plus fees. None when the figures would not fit."""
    s = d.s
    if s.origination_date is None or s.term_months is None or s.payoff_amount is None:
        return None
    left = s.term_months - max(1, months_between(s.origination_date, s.next_payment_due_date) - 1)
    gross = s.next_payment_amount * left
    rebate = gross - (s.payoff_amount - s.payoff_fee)
    if left < 2 or rebate <= 0:
        return None
    return [
        (
            d.pick(f"Balance of contract ({left} payments remaining)", "Gross balance remaining"),
            d.fmt(gross, style),
        ),
        (
            d.pick("Less: unearned interest rebate", "Rebate of unearned finance charge"),
            _signed(d, d.fmt(rebate, style)),
        ),
    ]


def itemize(
    d: Draft, money: tuple[str, ...] = CELL_MONEY, ocr: bool = False, escrow: bool = True
) -> list[Pair]:
    """The payoff itemization. Full (principal, interest, fees, total) only when both the
    principal and the total may be stated: otherwise the missing one could be computed.

    Some full itemizations net a credit out of the total (unapplied funds, an unearned insurance
    refund, an escrow surplus: ``escrow=False`` for letters that say escrow is refunded
    separately), with or without a subtotal; a precomputed auto or personal loan may instead show
    the balance of its contract less an unearned-interest rebate. Either way the record's payoff
    is the printed total, never a sum of the rows."""
    s = d.s
    style = d.pick(*money)
    full = d.says("current_balance") and d.says("payoff_amount") and s.payoff_amount is not None
    netted = full and d.chance(CREDIT_P)
    rebate = None
    if netted and s.liability_type in ("auto_loan", "personal_loan") and d.chance(0.5):
        rebate = _rebate_rows(d, style)
    rows: list[Pair] = []
    if rebate is not None:
        rows += rebate
        rows += [(label, d.fmt(amount, style)) for label, amount in fees(d)]
    elif d.says("current_balance"):
        label = d.pick(
            "Unpaid principal balance",
            "Principal balance",
            "Unpaid Principal",
            "Current principal",
            "Principal",
        )
        rows.append((label, d.money("current_balance", style, ocr=ocr)))
    if full and rebate is None and s.payoff_amount is not None:
        interest = s.payoff_amount - s.current_balance - s.payoff_fee
        credit, extra = _credit(d, style, interest, escrow) if netted else (None, Decimal(0))
        rows.append((interest_label(d, detail=credit is None), d.fmt(interest + extra, style)))
        rows += [(label, d.fmt(amount, style)) for label, amount in fees(d)]
        if d.chance(0.35):
            zero = d.pick(
                "Corporate advances",
                "NSF fees",
                "Escrow advance"
                if s.liability_type == "mortgage" and d.says("liability_type")
                else "Other charges",
            )
            rows.append((zero, d.fmt(Decimal(0), style)))
        if credit is not None:
            if d.chance(0.5):
                subtotal = d.fmt(s.payoff_amount + extra, style)
                rows.append((d.pick("Subtotal", "Total charges"), subtotal))
            rows.append(credit)
    if d.says("payoff_amount"):
        label = d.pick(
            "Total Amount to Pay Off",
            "TOTAL PAYOFF AMOUNT",
            "Total Amount Due to Pay Loan in Full",
            "Payoff Amount",
            "Net payoff" if netted else "Total payoff",
        )
        rows.append((label, d.money("payoff_amount", style, ocr=ocr)))
    return rows


def good_through(d: Draft, relative_p: float = 0.35) -> str | None:
    """The sentence saying how long the quote holds (absolute or relative), only after a
    stated payoff amount ("the above amount" must be the payoff, never the principal)."""
    if "payoff_amount" not in d.fields or not d.says("payoff_good_through"):
        return None
    phrase = d.relative_date("payoff_good_through") if d.chance(relative_p) else None
    if phrase:
        return d.pick(
            f"This quote is valid {phrase}.",
            f"The figures above are good {phrase}.",
            f"This payoff amount is good {phrase}; after that, please request an updated quote.",
        )
    day = d.date("payoff_good_through")
    return d.pick(
        f"This payoff is good through {day}.",
        f"Payoff figures are valid until {day}.",
        f"Good Through Date: {day}",
        f"The above amount is sufficient to pay the loan in full if received on or before {day}.",
    )


def per_diem_line(d: Draft) -> str | None:
    """The daily-interest line, only beside a stated payoff."""
    if not d.says("per_diem") or "payoff_amount" not in d.fields or "per_diem" in d.fields:
        return None
    daily = d.money("per_diem", d.pick("usd", "usd", "usd_space", "dollars", "usd_nocomma"))
    return d.pick(
        f"Per Diem: {daily}",
        f"If funds are received after the good-through date, add {daily} for each additional day.",
        f"Daily interest (per diem): {daily}",
        f"Interest continues to accrue at {daily} per day.",
    )


def loan_block(d: Draft) -> list[Pair]:
    """The loan's standing as a servicer prints it beside a payoff: the note rate, the next
    installment and, for a mortgage, the escrow balance, which is refunded after the payoff
    rather than netted from it (a letter that prints it must itemize with ``escrow=False``)."""
    rows: list[Pair] = []
    if d.offers("interest_rate", 0.5):
        rows.append((d.pick("Interest rate", "Note rate", "Current interest rate"), d.rate()))
    if d.offers("next_payment_due_date", 0.45):
        style = d.pick("us_slash", "long", "iso")
        rows.append(
            (
                d.pick("Next payment due", "Next installment due", "Paid to / next due"),
                d.date("next_payment_due_date", style),
            )
        )
    if d.offers("next_payment_amount", 0.45):
        label = d.pick("Monthly payment", "Regular installment", "Scheduled payment amount")
        if d.s.escrow_monthly is not None and d.chance(0.4):
            label += d.pick(" (incl. escrow)", " (principal, interest and escrow)")
        rows.append((label, d.money("next_payment_amount")))
    if (
        d.s.liability_type == "mortgage"
        and d.says("liability_type")
        and d.offers("escrow_balance", 0.5)
    ):
        note = d.pick(
            "",
            " (to be refunded after payoff)",
            " - not deducted from the payoff",
            " (returned to the borrower once the loan is satisfied)",
        )
        rows.append(
            (
                d.pick("Escrow balance", "Escrow account balance", "Funds in escrow"),
                d.money("escrow_balance") + note,
            )
        )
    return rows


def status_line(d: Draft) -> str | None:
    """What the letter says about payments due: past due, the next payment, or nothing."""
    s, parts = d.s, []
    if d.offers("past_due_amount", 0.5):
        if s.past_due_amount == 0:
            sentence, phrase = d.pick(
                ("Amount past due: {}.", "$0.00"),
                ("Your account is {}.", "current"),
                ("There is {} on this loan.", "no past due amount"),
            )
            parts.append(sentence.format(d.past_due(phrase)))
        else:
            parts.append(
                f"Past due amount: {d.past_due()}. Past due installments are included in the payoff figures."
            )
    if d.says("next_payment_amount") and d.offers("next_payment_due_date", 0.4):
        parts.append(
            f"Your regular payment of {d.money('next_payment_amount')} is next due {d.date('next_payment_due_date')}. Continue making payments until the payoff is received."
        )
    return " ".join(parts) or None


def wire_lines(d: Draft, name: str | None = None) -> list[str]:
    """Wire instructions: routing and account numbers that are not the loan's."""
    ref = account_ref(d, "full", "masked") if d.chance(0.6) else None
    lines = [
        d.pick("WIRE INSTRUCTIONS", "Wire Transfer Instructions:", "Payoff funds may be wired to:"),
        f"Bank: {d.pick(*BANKS)}",
        f"{d.pick('ABA/Routing #', 'Routing Number', 'ABA')}: {d.s.routing_number}",
        f"{d.pick('Account #', 'Account Number', 'Credit Account')}: {digits(d, d.pick(9, 10, 12))}",
        f"Account Name: {name or d.lender} {d.pick('Payoff Clearing', 'Loan Payoffs', 'Remittance')}",
        f"Reference: {ref or d.s.borrower}{' / ' + d.s.borrower_last.upper() if ref else ''}",
    ]
    return lines


def overnight_block(d: Draft) -> str:
    """Where to send certified funds by overnight courier."""
    return (
        d.pick(
            "Overnight/express delivery:",
            "Mail certified funds to:",
            "Send payoff checks by overnight courier to:",
        )
        + f"\n{d.lender}\nAttn: Payoff Processing\n{street(d)}, Suite {d.rng.randint(100, 900)}\n{city_line(d)}"
    )


def lien_release(d: Draft, name: str | None = None) -> str | None:
    """Lien-release and title language (auto loans name the vehicle and VIN)."""
    s = d.s
    if not d.says("liability_type"):
        return None
    if s.liability_type == "auto_loan" and s.collateral:
        vin = f", VIN {s.vin}," if s.vin else ""
        return d.pick(
            f"Upon receipt of payoff funds, {name or d.lender} will release its lien on the {s.collateral}{vin} and mail the title to the owner of record within 10 business days.",
            f"Lien release: the lien on your {s.collateral}{vin} will be released electronically within 3 business days of payoff in electronic-title states.",
        )
    if s.liability_type == "mortgage" and s.collateral:
        return f"After payoff, a release of the mortgage (or deed of reconveyance) for {s.collateral} will be sent for recording within 30 days."
    return None


def ocr_text(d: Draft, text: str) -> str:
    """OCR noise on running text, leaving every stated value exactly as recorded."""
    surfaces = sorted({e.surface for e in d.evidence if e.surface in text}, key=len, reverse=True)
    if not surfaces:
        return ocr_line(text, d.rng)
    pattern = re.compile("|".join(map(re.escape, surfaces)))
    out, pos = [], 0
    for match in pattern.finditer(text):
        out += [ocr_line(text[pos : match.start()], d.rng), match.group()]
        pos = match.end()
    return "".join([*out, ocr_line(text[pos:], d.rng)])
