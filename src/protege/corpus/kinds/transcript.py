"""Transcript sources: phone calls between a borrower (or someone acting for them) and a
servicer, as call-center transcripts: speaker labels, timestamps, IVR menus, holds, transfers,
authentication, small talk, spoken numbers and corrections.

This module holds the calls with an agent, each its own order of events and set of facts;
``_transcript_edge`` holds the calls shaped by the phone system or by their length (IVR
self-service then an agent, the very long noisy call, the voicemail, raw ASR output, the
automated outbound call); ``_transcript_parties`` holds the three-way calls and the calls
transferred to a payoff department. The call machinery is in ``_speech`` and the scripted
talk in ``_speech_scripts``.
"""

from __future__ import annotations

from decimal import Decimal

from protege.corpus.dates import ordinal
from protege.corpus.draft import Draft
from protege.corpus.kinds import (  # noqa: F401  (importing registers their calls)
    _transcript_edge,
    _transcript_parties,
)
from protege.corpus.kinds._changes import changed_figure
from protege.corpus.kinds._speech import (
    CARD,
    Call,
    amount,
    balance_name,
    due,
    misread,
    misread_digits,
    past_due_line,
    pay_word,
    payoff_quote,
    phone,
    rate_line,
    said,
)
from protege.corpus.kinds._speech_scripts import (
    closing,
    greet,
    hold,
    ivr_open,
    other_account,
    reason,
    small_talk,
    transfer,
    verify,
)
from protege.corpus.money import fmt_rate, spoken_digits
from protege.corpus.registry import LOANS, template


@template("transcript", "payoff_call", types=LOANS)
def payoff_call(d: Draft) -> str:
    """An inbound call for a payoff quote: account lookup (sometimes misread by the caller),
    verification, the quote with good-through date and per diem (or, now and then, a refusal:
    payoffs only in writing), principal balance for contrast, sending instructions."""
    s = d.s
    c = Call(d)
    greet(c)
    prod = d.product()
    c.caller(d.pick("Hi, yeah, ", "Hello, ", "Hi there. So ") + reason(c, prod))
    c.rep(
        d.pick(
            "I can help with that. Do you have the account number?",
            "Sure thing. What's the account number?",
        )
    )
    if d.says("account_last4") and d.chance(0.2):
        c.caller(f"It ends in {c.keep(misread_digits(s.last4, d))}.")
        c.rep(
            f"Hmm, I'm not finding that one under your name. I have the {prod} {d.last4(d.pick('ending', 'spoken'))}, is that it?"
        )
        c.caller("Oh, yes, sorry, I flipped the numbers.")
        d.tag("caller_correction")
    elif d.says("account_last4") and d.chance(0.3):
        c.caller(f"I only have the last four, {c.keep(spoken_digits(s.last4))}.")
        c.rep(f"Okay, {d.last4('ending')}, got it.")
    elif d.says("account_last4"):
        style = d.pick("full", "ending", "spoken")
        lead = "Yes, it's" if style == "full" else "It's the one"
        c.caller(f"{lead} {d.last4(style)}.")
    else:
        c.caller("I don't have it in front of me, can you look it up by my name?")
    verify(c)
    if d.chance(0.3):
        c.add(small_talk(c))
    if d.says("payoff_amount") and d.chance(0.15):
        # some servicers release payoffs only in writing: no quote, so the payoff keys stay null
        d.tag("absent_fields")
        c.rep(
            d.pick(
                "I'm sorry, I'm not able to give out payoff figures over the phone. I can send you a written payoff statement by email, fax or mail.",
                "Payoff quotes have to be requested in writing on this account. I'll submit the request now and you'll get the letter in one to two business days.",
            )
        )
        c.caller(
            d.pick(
                "Oh. Okay, email is fine.", "Really? Fine, send it by email.", "Okay, mail it then."
            )
        )
    else:
        payoff_quote(c)
    if d.offers("current_balance", 0.65):
        if "payoff_amount" in d.fields:
            c.caller(
                d.pick(
                    "Wait, why is that more than the balance in my app?",
                    "Huh, that's higher than my balance.",
                )
            )
            fee = (
                f" plus a {c.keep(amount(d, s.payoff_fee))} processing fee"
                if s.payoff_fee and d.chance(0.7)
                else ""
            )
            c.rep(
                f"Right, your principal balance is {said(d, 'current_balance')}, and the payoff adds the interest accrued through the payoff date{fee}."
            )
        else:
            c.rep(
                f"Your {balance_name(d)} is {said(d, 'current_balance')}, but I'll have to send the exact payoff figure in writing."
            )
    if d.offers("interest_rate", 0.35):
        c.caller("And just out of curiosity, what's my rate?")
        c.rep(rate_line(c))
    if d.offers("past_due_amount", 0.4):
        c.rep(past_due_line(c))
    if (
        s.liability_type == "mortgage"
        and d.says("liability_type")
        and d.offers("escrow_balance", 0.4)
    ):
        c.caller(
            d.pick("What happens to my escrow?", "And the escrow account, is that part of it?")
        )
        held = said(d, "escrow_balance")
        c.rep(
            d.pick(
                f"Escrow's at {held} right now. That isn't subtracted from the payoff; once the loan's paid off it comes back to you as a refund.",
                f"You have {held} sitting in escrow. It stays out of the payoff figure and we mail you whatever's left after the payoff posts.",
            )
        )
    if d.says("next_payment_amount") and d.offers("next_payment_due_date", 0.35):
        c.rep(
            f"If the payoff won't reach us before {due(d)}, please still make your {pay_word(d)} of {said(d, 'next_payment_amount')}; any overpayment is refunded."
        )
    if s.original_amount and d.chance(0.25):
        c.caller(
            f"Wow. I borrowed {c.keep(amount(d, s.original_amount))} and it still feels like I owe all of it."
        )
    if d.chance(0.5):
        c.rep(
            f"You can wire the funds, our routing number is {c.keep(s.routing_number)}, or mail a certified check to P.O. Box {d.rng.randint(1000, 99999)}. Put your account number on the memo line."
        )
    if d.chance(0.2) and (change := changed_figure(c)):
        c.rep(change)
    if d.chance(0.15):
        c.rep(other_account(c))
    closing(c)
    return c.text(d.pick("Payoff Requests", "Loan Servicing")) if d.chance(0.4) else c.text()


@template("transcript", "quick_balance_check")
def quick_balance_check(d: Draft) -> str:
    """A short call: what do I owe and when is it due; the caller sometimes has the payment
    amount or due date wrong and the rep corrects it."""
    s = d.s
    c = Call(d, stamps=d.pick("none", "short"), flu=d.pick(0.05, 0.1))
    greet(c)
    prod = d.product()
    c.caller(
        d.pick(
            f"Hi, I just wanted to check the balance on my {prod} and when my next payment's due.",
            f"Yeah, what do I owe on my {prod}, and when is the payment due?",
        )
    )
    if d.says("account_last4"):
        c.rep(
            f"I can help. Is this for the account {d.last4(d.pick('ending', 'ending', 'spoken', 'x'))}?"
        )
        c.caller("Yes, that's the one.")
    if d.chance(0.6):
        verify(c)
    if d.says("current_balance"):
        c.rep(f"Your {balance_name(d)} is {said(d, 'current_balance')}.")
    if d.says("next_payment_amount") and d.says("next_payment_due_date") and d.chance(0.4):
        wrong = misread(s.next_payment_amount, d)
        c.caller(f"And my payment is still {c.keep(amount(d, wrong))}, right?")
        c.rep(
            f"{d.pick('No,', 'Actually no,')} your {pay_word(d)} is {said(d, 'next_payment_amount')}, due {due(d)}."
        )
        d.tag("caller_correction")
    elif d.says("next_payment_due_date") and d.chance(0.3):
        day = s.next_payment_due_date.day
        wrong_day = day + 5 if day <= 20 else day - 7
        c.caller(f"It's due on the {c.keep(ordinal(wrong_day))}, isn't it?")
        c.rep(
            f"It's due {due(d)}"
            + (
                f", and the amount is {said(d, 'next_payment_amount')}."
                if d.says("next_payment_amount")
                else "."
            )
        )
        d.tag("caller_correction")
    elif d.says("next_payment_amount"):
        when = f", due {due(d)}" if d.says("next_payment_due_date") else ""
        c.rep(f"Your next {pay_word(d)} is {said(d, 'next_payment_amount')}{when}.")
    if d.offers("past_due_amount", 0.5):
        c.rep(past_due_line(c))
    if s.liability_type == CARD and d.offers("credit_limit", 0.5):
        c.caller("And what's my limit?")
        c.rep(
            f"It's {said(d, 'credit_limit')}, and you have {c.keep(amount(d, s.available_credit or Decimal(0)))} available."
        )
    elif d.says("payoff_amount") and d.chance(0.35):
        c.caller("So if I sent that balance, I'd be done?")
        c.rep("Not quite, the payoff includes interest to the day it posts.")
        payoff_quote(c, correct=0.0)
    if d.chance(0.2) and (change := changed_figure(c)):
        c.rep(change)
    closing(c)
    return c.text()


_HARDSHIP_OFFERS = {
    "mortgage": (
        "We have forbearance and loan modification options, but those go through our loss mitigation team.",
        "There are a few workout options for homeowners, like a repayment plan or a modification. Loss mitigation reviews those.",
    ),
    "auto_loan": (
        "We might be able to do a payment extension, where we move a payment to the end of the loan; there's a fifty dollar fee for that.",
        "One option is a deferment: we push one or two payments to the end of the contract so the car stays in good standing.",
    ),
    "student_loan": (
        "You might qualify for a forbearance, up to twelve months at a time, interest does keep accruing though.",
        "Since you're out of work you may qualify for an economic hardship deferment. I can send the form.",
    ),
    "personal_loan": (
        "I can move your due date once, or set up a short payment plan.",
        "We can do a one-time skip-a-payment, and the skipped payment moves to the end of the loan.",
    ),
    CARD: (
        "We have a hardship program that lowers your APR to 9.9 percent for twelve months and closes the card to new purchases.",
        "There's a twelve-month assistance plan: reduced interest, a fixed payment, and the card is suspended while you're on it.",
    ),
}


@template("transcript", "hardship_call")
def hardship_call(d: Draft) -> str:
    """A borrower in financial trouble: past-due status (often zero, sometimes owed), late fee
    and amount-to-bring-current distractors, assistance options, a promise to pay."""
    s = d.s
    c = Call(d)
    greet(c)
    prod = d.product()
    trouble = d.pick(
        "I got laid off last month",
        "my hours got cut at work",
        "I had a medical emergency",
        "I've been out on disability",
        "my husband passed away in the spring and money's tight",
        "my hours got reduced and my rent went up",
        "I just had surgery and I'm off work for six weeks",
    )
    c.caller(
        d.pick(
            f"Hi, {trouble}, and I'm really worried about my {prod}. I don't know if I can make the next payment.",
            f"Yeah, hi. So, {trouble}. I wanted to call before I fall behind on the {prod}.",
            f"I'm calling because {trouble} and I need some help with my {prod}.",
        )
    )
    c.rep(
        d.pick(
            "I'm so sorry to hear that. Let's see what we can do.",
            "I'm sorry you're going through that. Let me pull up the account and we'll look at options.",
            "Thank you for calling us early, that really helps. Let me take a look.",
            "I understand, and I appreciate you reaching out. First I need to verify the account.",
        )
    )
    verify(c)
    if d.offers("account_last4", 0.5):
        c.rep(f"Okay, I have the account {d.last4()} open.")
    if d.says("past_due_amount"):
        if s.past_due_amount == 0:
            phrase = d.past_due(d.pick("all caught up", "not past due", "nothing past due"))
            c.rep(
                f"So the good news first: right now you're {phrase}."
                if phrase != "nothing past due"
                else f"Right now there's {phrase}, so you're in good shape so far."
            )
        else:
            fee = c.keep(amount(d, s.late_fee))
            owed = d.past_due()
            c.rep(
                d.pick(
                    f"Okay, so I'm showing {owed} past due, plus a late charge of {fee}.",
                    f"The account is behind right now: {owed} past due. There's also a {fee} late fee, but that's separate.",
                )
            )
            if d.offers("next_payment_amount", 0.6):
                total = c.keep(amount(d, s.past_due_amount + s.late_fee + s.next_payment_amount))
                c.rep(f"With the payment coming up, to be fully current you'd need {total}.")
    if d.says("next_payment_amount") and d.says("next_payment_due_date"):
        nxt, when = said(d, "next_payment_amount"), due(d)
        c.rep(
            d.pick(
                f"Your next {pay_word(d)} is {nxt} and it's due {when}.",
                f"The next one, {nxt}, comes due {when}.",
            )
        )
    if c.typed:
        c.rep(d.pick(*_HARDSHIP_OFFERS[s.liability_type]))
    else:
        c.rep("We do have a couple of assistance options for situations like this.")
    if s.liability_type == CARD and d.offers("interest_rate", 0.6):
        c.caller(d.pick("What's my rate now?", "And what am I paying in interest now?"))
        c.rep(rate_line(c) + " So the program would be a pretty big difference.")
    who = "rep"
    if s.liability_type == "mortgage" and c.typed and d.chance(0.6):
        transfer(c, "loss mitigation")
        who = "rep2"
        c.rep2(
            d.pick(
                "I have your notes here. I'll send an application packet today; please return it within thirty days.",
                "I'll open a hardship review. We'll need two pay stubs, or your unemployment letter, and your last bank statement.",
            )
        )
    if d.offers("current_balance", 0.4):
        c.caller(
            d.pick("How much do I even owe in total at this point?", "What's left on it, anyway?")
        )
        c.speak(who, f"The {balance_name(d)} is {said(d, 'current_balance')}.")
    promise = c.keep(amount(d, Decimal(d.pick(100, 150, 200, 250, 300))))
    c.caller(
        d.pick(
            f"Okay. I can probably send {promise} on Friday, would that help?",
            f"I could do {promise} now and the rest when my check comes.",
            f"Let me look at my budget. Maybe {promise} this week?",
        )
    )
    c.speak(
        who,
        d.pick(
            "Any amount helps. I'll note the account that you called and that a payment is coming.",
            "That's fine, I'll put a note on the account so you don't get collection calls in the meantime.",
            "Okay, I've documented that. Just call us back if anything changes.",
        ),
    )
    closing(c, who=who)
    return c.text("Customer Assistance") if d.chance(0.3) else c.text()


@template("transcript", "escrow_call", types=("mortgage",))
def escrow_call(d: Draft) -> str:
    """A mortgage call about an escrow analysis: the escrow balance (sometimes first misread as
    a disbursement, or confused by the caller with the monthly escrow portion), the new total
    payment and when it starts, the old payment and the shortage as distractors."""
    s = d.s
    escrow_monthly = s.escrow_monthly or Decimal(0)
    c = Call(d)
    if d.chance(0.5):
        ivr_open(c)
        c.note("[caller pressed 0]")
        hold(c)
    greet(c)
    prod = d.product()
    c.caller(
        d.pick(
            f"Hi, I got a letter about my escrow, it says my {prod} payment is going up?",
            f"Yeah, my {prod} payment changed and I don't understand the escrow statement you sent.",
        )
    )
    verify(c)
    c.rep(
        d.pick(
            "Let me pull up your latest escrow analysis.", "Okay, I have the escrow analysis here."
        )
    )
    what = s.escrow_disbursement_what if c.typed else None
    what = what or "tax and insurance bills"
    paid = c.keep(amount(d, s.escrow_disbursement or Decimal(1000)))
    if d.says("escrow_balance"):
        if d.chance(0.3):
            d.tag("rep_correction")
            c.rep(
                f"So your escrow balance is {paid}... no, sorry, that's what we paid out for your {what}."
            )
            c.rep(
                f"The balance actually sitting in escrow right now is {said(d, 'escrow_balance')}."
            )
        else:
            c.rep(
                f"We paid your {what}, that was {paid}, and after that your escrow balance is {said(d, 'escrow_balance')}."
            )
    else:
        c.rep(f"This year we paid {paid} for your {what}, and it came in higher than projected.")
    shortage = Decimal(d.rng.randint(120, 1400)) + Decimal(d.rng.randint(0, 99)) / 100
    c.rep(
        f"That left a shortage of {c.keep(amount(d, shortage))}, which we spread over the next twelve months."
    )
    monthly = c.keep(amount(d, escrow_monthly))
    if d.offers("escrow_balance", 0.35):
        c.caller(f"Wait, so my escrow balance is {monthly}?")
        c.rep(
            f"No, {monthly} is the monthly escrow part of your payment. The balance in the account is {said(d, 'escrow_balance', 0.2)}."
        )
        d.tag("caller_correction")
    else:
        c.rep(f"So the escrow portion of your payment is now {monthly} a month.")
    if d.says("next_payment_amount"):
        old = s.next_payment_amount - shortage / 12 - Decimal(d.rng.randint(5, 60))
        when = f" starting with the payment due {due(d)}" if d.says("next_payment_due_date") else ""
        c.rep(
            f"Your total monthly payment goes from {c.keep(amount(d, old.quantize(Decimal('0.01'))))} to {said(d, 'next_payment_amount')}{when}. That's principal, interest and escrow."
        )
    if d.chance(0.5):
        c.caller("Can I just pay the shortage now instead?")
        c.rep(
            "You can, and then the payment would drop back down; I can send you a coupon for that."
        )
    if d.offers("interest_rate", 0.4):
        c.caller("And my rate didn't change, right?")
        c.rep(
            f"No, your rate is fixed at {d.rate(spoken=d.chance(0.3))}. Only the escrow part moves."
        )
    if d.offers("current_balance", 0.4):
        c.rep(f"And for your records the {balance_name(d)} is {said(d, 'current_balance')}.")
    if d.offers("past_due_amount", 0.4):
        c.rep(past_due_line(c))
    if d.chance(0.2) and (change := changed_figure(c)):
        c.rep(change)
    if d.chance(0.15):
        c.rep(other_account(c))
    closing(c)
    return c.text(d.pick("Escrow", "Mortgage Servicing")) if d.chance(0.35) else c.text()


@template("transcript", "card_services_call", types=(CARD,))
def card_services_call(d: Draft) -> str:
    """A credit card call: credit limit (increase request) vs available credit, statement
    balance vs current balance, minimum payment and due date, purchase APR vs cash-advance
    and penalty APR; the caller often has a figure wrong."""
    s = d.s
    c = Call(d)
    if d.chance(0.4):
        ivr_open(c, menu=False)
        hold(c)
    greet(c)
    prod = d.product()
    purpose = d.pick("increase", "minimum", "apr")
    c.caller(
        {
            "increase": f"Hi, I'd like to see about getting a credit limit increase on my {prod}.",
            "minimum": f"Hi, I have a question about the minimum payment on my {prod}, it seems high.",
            "apr": f"Hi, I'm trying to understand the interest on my {prod}.",
        }[purpose]
    )
    if d.says("account_last4"):
        number = d.pick("card number", "card number on the front of the card") if c.typed else None
        c.rep(f"Sure. Can you give me the {number or 'account number'}?")
        if d.chance(0.5):
            c.caller(f"It's {c.keep(spoken_digits(s.account_number))}.")
            c.rep(f"Thank you, that's the {'card' if c.typed else 'account'} {d.last4('ending')}.")
        else:
            c.caller(f"It's {d.last4('full')}.")
    verify(c)
    if purpose == "increase" and d.says("credit_limit"):
        if d.chance(0.4):
            c.caller(
                f"Right now my limit's {c.keep(amount(d, s.credit_limit * 2 if s.credit_limit else Decimal(0)))}, I think?"
            )
            c.rep(f"I'm actually showing a credit limit of {said(d, 'credit_limit')}.")
            d.tag("caller_correction")
        else:
            c.rep(f"Your current credit limit is {said(d, 'credit_limit')}.")
        c.rep(
            f"You have {c.keep(amount(d, s.available_credit or Decimal(0)))} available. I can't approve an increase today, the account needs six months without a late payment."
        )
    if d.says("current_balance"):
        stmt = c.keep(amount(d, s.previous_balance or Decimal(0)))
        c.rep(
            f"Your last statement balance was {stmt}; with activity since then, your current balance today is {said(d, 'current_balance')}."
        )
    if d.says("next_payment_amount"):
        when = f", due {due(d)}" if d.says("next_payment_due_date") else ""
        c.rep(f"The minimum payment is {said(d, 'next_payment_amount')}{when}.")
        if purpose == "minimum":
            c.rep(
                f"It went up because it's one percent of the balance plus the interest, and interest last cycle was {c.keep(amount(d, s.interest_charged or Decimal(0)))}."
            )
    if d.says("interest_rate"):
        if purpose == "apr" and s.cash_advance_apr is not None and d.chance(0.5):
            c.caller(
                f"The app says {c.keep(fmt_rate(s.cash_advance_apr))}, is that what I'm paying?"
            )
            c.rep(f"That's the cash advance rate. Your purchase APR is {d.rate()}.")
            d.tag("caller_correction")
        else:
            c.rep(rate_line(c))
        if d.chance(0.4):
            c.rep(
                f"And if a payment is more than sixty days late, a penalty APR of up to {c.keep(fmt_rate(s.penalty_apr or Decimal('29.99')))} can apply."
            )
    if purpose != "increase" and d.offers("credit_limit", 0.5):
        c.rep(f"Your credit limit is {said(d, 'credit_limit')}, by the way.")
    if d.offers("past_due_amount", 0.5):
        c.rep(past_due_line(c))
    if d.chance(0.2) and (change := changed_figure(c)):
        c.rep(change)
    closing(c)
    return c.text("Card Services") if d.chance(0.3) else c.text()


@template("transcript", "card_offer_call", types=(CARD,))
def card_offer_call(d: Draft) -> str:
    """An outbound call offering a card balance-transfer promotion: the promotional APR and
    transfer fee are distractors beside the purchase APR; credit limit vs available credit;
    the balance and minimum payment; a transfer from the borrower's card at another bank."""
    s = d.s
    c = Call(d, stamps=d.pick("none", "bracket", "short"))
    c.note(d.pick("[outbound call]", "[outbound - retention campaign]", "[ringing]"))
    c.caller("Hello?")
    c.rep(f"Hi, may I speak with {s.borrower_first} {s.borrower_last}?")
    c.caller(d.pick("Speaking.", "This is them.", "Yeah, who's calling?"))
    prod = d.product()
    last4 = f" {d.last4(d.pick('ending', 'spoken'))}" if d.says("account_last4") else ""
    c.rep(
        f"Hi {s.borrower_first}, this is {s.rep} calling from {c.co} on a recorded line about your {prod}{last4}. Do you have a couple of minutes?"
    )
    c.caller(d.pick("Uh, sure, what's this about?", "I guess, I'm kind of busy though."))
    c.rep("Before I go over anything I do need to verify your identity.")
    verify(c)
    promo = d.pick("0%", "0 percent", "zero percent", "1.99%", "2.99%", "3.99 percent")
    months = d.pick(12, 15, 18, 21)
    fee = d.pick(3, 4, 5)
    c.rep(
        f"You've been pre-selected for a balance transfer offer: {c.keep(promo)} APR for {months} months on balances you transfer, with a {fee} percent transfer fee."
    )
    if d.says("interest_rate"):
        c.caller("And what happens after the promo?")
        c.rep(
            f"After that, anything left goes to your regular purchase APR, which is {d.rate(spoken=d.chance(0.25))}."
        )
    if d.says("credit_limit"):
        c.caller("How much could I move over?")
        avail = c.keep(amount(d, s.available_credit or Decimal(0)))
        c.rep(
            f"Up to your available credit, which is {avail}. Your total credit limit is {said(d, 'credit_limit')}."
        )
    if d.offers("current_balance", 0.7):
        c.rep(f"Right now your {balance_name(d)} is {said(d, 'current_balance')}.")
    if d.offers("next_payment_amount", 0.6):
        when = f", due {due(d)}" if d.says("next_payment_due_date") else ""
        c.rep(
            f"Your next minimum payment would be {said(d, 'next_payment_amount')}{when}, and that can change after a transfer."
        )
    if d.offers("past_due_amount", 0.4):
        c.rep(past_due_line(c))
    if d.chance(0.5):
        d.tag("other_account")
        moved = c.keep(amount(d, Decimal(d.rng.randint(8, 60) * 100)))
        c.caller(
            f"Okay, let's do it. I want to move {moved} from my other card, the one ending in {c.keep(s.other_account_last4)}."
        )
        c.rep(
            "I can set that up. It usually takes seven to ten days, so keep paying the other card until you see it post."
        )
    else:
        c.caller("I'll think about it. Can you send me something in writing?")
        c.rep("Of course, I'll email the offer details today. It's good for thirty days.")
    closing(c, outbound=True)
    return c.text()


@template("transcript", "third_party_payoff", types=LOANS)
def third_party_payoff(d: Draft) -> str:
    """A dealer, title company or refinancing lender calls for a payoff with the borrower on
    the line to authorize it: authorization, VIN or address check, payoff, per diem, where to
    send funds, and the borrower asking about their next payment."""
    s = d.s
    first = d.pick("Mike", "Dana", "Luis", "Sheryl", "Tom", "Aaron", "Kim")
    city = d.pick("Springfield", "Riverside", "Lakewood", "Fairview", "Georgetown")
    kind = s.liability_type if d.says("liability_type") else "other"
    org, role = {
        "auto_loan": (
            f"{city} {d.pick('Honda', 'Ford', 'Toyota', 'Chevrolet', 'Auto Mall')}",
            "Dealer",
        ),
        "mortgage": (f"{city} Title & Escrow", "Title Co"),
    }.get(kind, (f"{city} Federal Credit Union", "Lender"))
    c = Call(
        d,
        roles={
            "caller": d.pick(role, f"{first} ({org})"),
            "other": d.pick("Borrower", s.borrower_first),
        },
    )
    greet(c)
    prod = d.product()
    ask = {
        "auto_loan": f"I've got a customer here trading in their vehicle and I need a payoff quote on their {prod}.",
        "mortgage": f"we're closing a sale next week and I need a payoff statement on the seller's {prod}.",
    }
    c.caller(
        f"Hi, this is {first} with {org}, "
        + ask.get(
            kind, f"we're refinancing one of your borrowers and I need a payoff on the {prod}."
        )
    )
    c.rep("I'll need the borrower's authorization before I can release that. Are they available?")
    c.caller(
        d.pick(
            "Yep, they're sitting right here, I'll put you on speaker.",
            "Yes, I have them on the line.",
        )
    )
    c.other(f"Hi, yes, this is {s.borrower_first}. You can give them whatever they need.")
    verify(c, answer="other")
    if d.says("account_last4"):
        c.rep(
            f"Okay. And just to confirm, we're talking about the {prod} {d.last4(d.pick('ending', 'x', 'masked'))}?"
        )
        c.caller("That's right.")
    if kind == "auto_loan" and s.vin:
        c.caller(f"VIN ends in {c.keep(s.vin[-6:])}, if that helps.")
    payoff_quote(c, correct=0.15)
    if d.offers("current_balance", 0.5):
        c.caller("And the principal balance, for my worksheet?")
        c.rep(f"Principal is {said(d, 'current_balance', 0.1)}.")
    if d.says("per_diem") and not any("per diem" in b.text for b in c.beats) and d.chance(0.6):
        c.caller("What's the per diem?")
        if d.chance(0.3):
            d.tag("rep_correction")
            c.rep(
                f"It's {c.keep(amount(d, misread(s.per_diem or Decimal(1), d)))}. Sorry, no, {said(d, 'per_diem', 0.0)} a day."
            )
        else:
            c.rep(f"{said(d, 'per_diem', 0.2)} a day.")
    c.rep(
        d.pick(
            f"Funds can be wired, routing number {c.keep(s.routing_number)}, or sent overnight to our payoff department.",
            "Send a check overnight to our payoff department and put the borrower's account number on it.",
            f"I'll email the payoff letter with wiring instructions; the fax number is {phone(d)}.",
        )
    )
    c.caller(
        "And how long does the lien release take?"
        if kind != "other"
        else "How long until you confirm it's paid?"
    )
    c.rep(
        d.pick(
            "About ten business days after the funds clear.", "Usually within two weeks of payoff."
        )
    )
    if d.says("next_payment_due_date") and d.offers("next_payment_amount", 0.5):
        c.other(f"Do I still need to make my payment on {due(d)}?")
        c.rep(
            f"If the payoff hasn't posted by then, yes, please make the {said(d, 'next_payment_amount')} payment; any overpayment is refunded to you."
        )
    closing(c)
    return c.text("Payoffs") if d.chance(0.4) else c.text()


@template("transcript", "extra_payment_call", types=LOANS)
def extra_payment_call(d: Draft) -> str:
    """A borrower wants to pay extra toward principal: the regular payment and due date, the
    principal balance, original amount and term as distractors, the rate (sometimes
    misremembered by the caller), and a projected balance after the extra payment."""
    s = d.s
    extra = Decimal(d.pick(500, 1000, 1500, 2000, 2500, 3000))
    c = Call(d)
    greet(c)
    prod = d.product()
    c.caller(
        f"Hi, I got my tax refund and I want to put {c.keep(amount(d, extra, d.chance(0.3)))} toward my {prod}. Does that go to principal?"
    )
    if d.chance(0.7):
        verify(c)
    if d.says("next_payment_amount"):
        c.rep(
            f"It can. Anything above your {pay_word(d)} of {said(d, 'next_payment_amount')} goes to principal as long as you mark it principal-only."
        )
    else:
        c.rep("It can, as long as you mark it principal-only.")
    if d.says("current_balance"):
        c.caller("What's the balance right now?")
        c.rep(
            f"Your {balance_name(d)} is {said(d, 'current_balance')}. After the extra payment it'd be about {c.keep(amount(d, s.current_balance - extra if s.current_balance > extra else Decimal(0)))}."
        )
    if s.original_amount and s.term_months and d.chance(0.6):
        c.rep(
            f"You financed {c.keep(amount(d, s.original_amount))} on a {s.term_months}-month term, so you're making good progress."
        )
    if d.says("interest_rate"):
        if d.chance(0.35):
            wrong = (s.interest_rate + Decimal(d.pick("0.5", "1", "-0.25", "1.25"))).normalize()
            c.caller(f"And my rate is {c.keep(fmt_rate(wrong, 'percent'))}?")
            c.rep(f"Let me check... no, it's {d.rate(spoken=d.chance(0.3))}.")
            d.tag("caller_correction")
        else:
            c.caller("Remind me what my rate is?")
            c.rep(rate_line(c))
    if d.says("next_payment_due_date"):
        c.rep(
            f"One thing: paying extra doesn't move your due date, so your next payment is still due {due(d)}."
        )
    if d.offers("past_due_amount", 0.35):
        c.rep(past_due_line(c))
    if d.offers("payoff_amount", 0.3):
        c.caller("Actually, what would it take to pay the whole thing off?")
        payoff_quote(c)
    if d.chance(0.2) and (change := changed_figure(c)):
        c.rep(change)
    if d.chance(0.15):
        c.rep(other_account(c))
    closing(c)
    return c.text()
