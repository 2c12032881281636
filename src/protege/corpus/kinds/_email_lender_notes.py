"""Emails written inside another lender about the account: a loan processor at a mortgage
company, a refinance desk or a dealership's finance office verifies the applicant's existing
debt with its servicer and writes the figures up for the file. The writer's company lends one
kind of product and the account is often another, so the product the note is about has to be
read from the note, not from who wrote it. Registered by ``kinds.email``.
"""

from __future__ import annotations

from protege.corpus.draft import Draft
from protege.corpus.kinds._messaging import due_text, good_through_text, header_date
from protege.corpus.registry import template
from protege.corpus.scenario import random_amount

# Lenders that check an applicant's other debts before they lend: (name, what they lend).
VERIFYING_LENDERS = (
    ("Keystone Home Lending", "mortgage"),
    ("Copperline Mortgage Co", "mortgage"),
    ("Brightway Refinance", "refinance"),
    ("Tallgrass Home Loans", "mortgage"),
    ("Northgate Motors Finance Desk", "auto"),
    ("Seabright Auto Group", "auto"),
    ("Quillfield Credit Union Lending", "consumer"),
)
WRITERS = ("Dana Whitcomb", "Omar Haddad", "Priya Natarajan", "Lev Abramov", "Kendra Sole")
TEAMS = ("Processing", "Underwriting", "Closing", "Credit Desk", "Loan File")


def _figure(d: Draft, label: str, value: str) -> str:
    """One fact of the write-up: as a labelled bullet, or as a plain sentence."""
    return d.pick(f"- {label}: {value}", f"* {label} - {value}", f"{label}: {value}")


@template("email", "lender_verification_notes")
def lender_verification_notes(d: Draft) -> str:
    """Another lender's processor writes up the applicant's debt as its servicer confirmed it,
    with the credit bureau's older figure beside the servicer's."""
    s = d.s
    lenders: tuple[tuple[str, str], ...] = VERIFYING_LENDERS
    if not d.says("liability_type"):  # a name such as "... Auto Group" would read as the type
        lenders = tuple(x for x in lenders if x[1] in ("refinance", "consumer"))
    company, lends = d.pick(*lenders)
    writer, team = d.pick(*WRITERS), d.pick(*TEAMS)
    applicant = f"{s.borrower_first} {s.borrower_last}"
    product = d.product()
    money = d.pick("usd", "usd", "commas", "usd_nocomma")
    user = writer.split()[0].lower()
    host = "".join(w.lower() for w in company.split()[:2]) + ".example"
    subject = d.pick(
        f"{applicant} - {product} confirmed with servicer",
        f"Liability check for {applicant} ({d.lender})",
        f"File notes: existing {product}, {s.borrower_last}",
    )
    lines = [
        f"From: {writer} <{user}@{host}>",
        f"To: {team} <{team.lower().replace(' ', '')}@{host}>",
        f"Date: {header_date(s.as_of, d.rng)}",
        f"Subject: {subject}",
        "",
        d.pick("All,", f"{team} team,", "Hi all,", "Notes for the file:"),
        "",
        d.pick(
            f"I reached {d.lender} today with {s.borrower_first} on the line and confirmed the "
            f"{product} that shows on the bureau report.",
            f"Servicer confirmation for the applicant's {product} ({d.lender}), taken by phone "
            "this morning with the applicant's consent.",
            f"{d.lender} confirmed the {product} below; the applicant authorized the call.",
        ),
        "",
    ]
    facts = []
    if d.says("account_last4"):
        facts.append(_figure(d, d.pick("Account", "Acct", "Loan no."), d.last4()))
    if d.says("current_balance"):
        label = d.pick("Balance owed per servicer", "Unpaid principal (servicer)", "Principal now")
        if s.liability_type == "credit_card":
            label = d.pick("Card balance per servicer", "Balance today (issuer)")
        fact = _figure(d, label, d.money("current_balance", money))
        if s.current_balance is not None and d.chance(0.4):
            stale = s.current_balance + random_amount(d.rng, 200, 4000)
            fact += f" (bureau still reports {d.fmt(stale, money)}; ours is newer)"
        facts.append(fact)
    if d.says("interest_rate"):
        kind = d.pick("", " fixed", " variable") if s.liability_type != "credit_card" else ""
        facts.append(_figure(d, d.pick("Rate", "Note rate", "Interest"), d.rate() + kind))
    if d.says("next_payment_amount"):
        payment = d.money("next_payment_amount", money)
        if d.says("next_payment_due_date"):
            payment += d.pick(" due ", ", next one ", " - next installment ") + due_text(d, 0.0)
        facts.append(_figure(d, d.pick("Payment", "Installment", "Monthly obligation"), payment))
    if d.says("past_due_amount"):
        if s.past_due_amount == 0:
            facts.append(_figure(d, "Delinquency", d.past_due(d.pick("$0.00", "nothing past due"))))
        else:
            facts.append(_figure(d, d.pick("Past due", "Behind by"), d.past_due()))
    if d.says("escrow_balance"):
        facts.append(_figure(d, "Escrow on hand", d.money("escrow_balance", money)))
    if d.says("credit_limit"):
        facts.append(_figure(d, d.pick("Line", "Limit"), d.money("credit_limit", money)))
    if d.says("payoff_amount"):
        quote = d.money("payoff_amount", money)
        if d.says("payoff_good_through"):
            quote += " " + good_through_text(d, 0.2)
        if d.says("per_diem"):
            quote += f", then {d.money('per_diem', money)} a day"
        facts.append(_figure(d, d.pick("Payoff quote", "Payoff to close it"), quote))
    lines += facts
    reason = {
        "mortgage": "It counts in the debt-to-income for the new home loan.",
        "refinance": "We pay this one off at closing if the refinance goes through.",
        "auto": "Needed before the desk can approve the vehicle contract.",
        "consumer": "It stays open; only the payment counts against the new loan.",
    }[lends]
    if not d.says("liability_type"):  # the new loan's kind would read as this account's
        reason = "It counts toward the applicant's monthly obligations."
    lines += ["", reason, "", writer, f"{team} | {company}"]
    return "\n".join(lines)
