"""Calls with more than one person on the customer's side, or handed from one agent to another:
the three-way call (a spouse, a co-signing parent or a housing counselor conferenced in), and the
payoff request that customer service transfers to the payoff department.

Both carry the cases a two-party call does not: a third party the servicer will not talk to
until the borrower authorizes them (and, when the borrower cannot be reached, no figures at
all), the phone system reading figures before an agent picks up, a hold and a second agent who
gives the figures, an older quote the caller brings up, and payoffs released only in writing.
A value the call refuses to give is never written, so its key stays null.

Registered on import by ``transcript``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from protege.corpus import names
from protege.corpus.dates import fmt_date
from protege.corpus.draft import Draft
from protege.corpus.kinds._speech import (
    CARD,
    Call,
    amount,
    balance_name,
    due,
    misread,
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
    reason,
    transfer,
    verify,
)
from protege.corpus.registry import LOANS, template
from protege.corpus.scenario import random_amount

_AGENCIES = (
    "Neighborhood Housing Partners",
    "Homeowner Options Counseling",
    "Tri-County Housing Counseling",
    "Greater Valley Housing Resource Center",
)
# How a spouse is referred to; a name is never put beside "husband" or "wife", which it could
# contradict.
_RELATIONS = ("wife", "husband", "spouse", "partner")


def _third_party(d: Draft, prod: str) -> tuple[str, str, str, str]:
    """Who joins the borrower: (kind, how the borrower introduces them mid-sentence, how they
    introduce themselves when they call first, speaker label). Co-signers and housing counselors name the
    product, so only typed student loans and mortgages get them."""
    s = d.s
    typed = d.says("liability_type")
    name = d.pick(*[n for n in names.FIRST_NAMES if n != s.borrower_first])
    if typed and s.liability_type == "student_loan" and d.chance(0.5):
        parent = d.pick("mom", "dad", "mother", "father")
        label = d.pick("Co-signer", "Parent")
        return "cosigner", f"my {parent}, my co-signer,", "", label
    if typed and s.liability_type == "mortgage" and d.chance(0.35):
        agency = d.pick(*_AGENCIES)
        label = d.pick("Counselor", f"{name} ({agency})", "Housing Counselor")
        own = f"Hi, this is {name}, a housing counselor with {agency}. I'm working with {s.borrower} on their {prod}."
        return "counselor", f"{name}, my housing counselor from {agency},", own, label
    relation = d.pick(*_RELATIONS)
    # beside the borrower's name, only a word that cannot contradict it
    near_name = relation if relation in ("spouse", "partner") else d.pick("spouse", "partner")
    own = d.pick(
        f"Hi, I'm calling about my {near_name}'s {prod}, it's in {s.borrower_first}'s name.",
        f"Hello, I help my {near_name} {s.borrower_first} with the bills and I had some questions on the {prod}.",
    )
    if relation in ("wife", "husband"):
        label = d.pick("Spouse", "Third Party", relation.capitalize())
        return "spouse", f"my {relation}", own, label
    return "spouse", f"my {relation}, {name},", own, d.pick("Spouse", name, "Third Party")


def _next_speaker(label: str) -> str:
    """The diarized label after ``label``: 'spk_3' -> 'spk_4', 'Speaker 3' -> 'Speaker 4'."""
    head = label.rstrip("0123456789")
    return f"{head}{int(label[len(head) :]) + 1}"


def _ask(c: Call, who: str, text: str) -> None:
    """The third party asks most questions; the borrower now and then cuts in."""
    c.speak(who if c.d.chance(0.75) else "caller", text)


@template("transcript", "conference_call")
def conference_call(d: Draft) -> str:
    """A three-way call (now and then as raw ASR): the borrower with a spouse, a co-signing
    parent (student loans) or a housing counselor (mortgages) on the line. Nothing is discussed
    until the borrower authorizes the third party; the third party asks most questions and
    sometimes has a figure wrong. When the third party calls alone and cannot bring the borrower
    on, the rep refuses every figure, so the record holds at most the account number and the
    product."""
    s = d.s
    prod = d.product()
    party, who_they_are, own_intro, label = _third_party(d, prod)
    asr = d.chance(0.2)  # raw ASR of a three-speaker call: no case, no punctuation
    if asr:
        c = Call(d, labels="asr", asr=True, flu=0.1)
        c.labels["other"] = _next_speaker(c.labels["ivr"])
    else:
        c = Call(d, roles={"other": label})
    if d.chance(0.3):
        ivr_open(c)
        c.note(d.pick("[caller pressed 0]", "[DTMF: 0]"))
        hold(c)
    greet(c)
    # a co-signer is on the loan and is never turned away, so always joins with the borrower
    if party == "cosigner" or d.chance(0.6):  # the borrower calls, the third party on the line
        c.caller(
            d.pick(
                f"Hi, I have {who_they_are} on the line with me. We have a few questions about my {prod}.",
                f"Hello. I'm calling about my {prod}, and {who_they_are} is on the call too, if that's okay.",
            )
        )
        c.other(d.pick("Hi there.", "Hello.", "Hi, thanks for taking the call."))
    else:  # the third party calls first, and has to conference the borrower in
        c.other(own_intro)
        if d.offers("account_last4", 0.6):
            c.other(f"The account number is {d.last4(d.pick('full', 'ending'))}.")
        c.rep(
            d.pick(
                f"I'm sorry, I can't discuss the account without the account holder's permission. Is {s.borrower_first} available to join the call?",
                "For privacy I can only go over the account with the borrower, or with someone they've authorized. Can you get them on the line?",
            )
        )
        if d.chance(0.2):  # nobody authorizes the caller: the rep gives no figures at all
            return _refused_third_party(c, party)
        c.other(d.pick("Sure, hang on, let me add them.", "Yes, one second, I'll merge the call."))
        c.note(
            d.pick("[call merged]", "[third party conferenced in]", "[borrower joined the call]")
        )
        c.caller(f"Hi, it's {s.borrower_first}. Sorry about that.")
    c.rep(
        d.pick(
            "Before I go over anything, do I have your permission to discuss the account with everyone on the line today?",
            f"{s.borrower_first}, do you authorize us to speak with them about this account?",
        )
    )
    c.caller(
        d.pick(
            "Yes, that's fine.",
            "Yes, they can hear everything.",
            "Yes, go ahead, they handle most of this.",
        )
    )
    verify(c)
    if party == "counselor":
        c.rep("I'll also note the third-party authorization for the counseling agency.")
    _figures(c, party)
    if d.chance(0.35):
        c.other(
            d.pick(
                "Okay, I have what I need. I'm going to hop off.",
                "Great, that helps. I'll drop off now.",
            )
        )
        c.note(d.pick("[third party left the call]", "[participant disconnected]"))
    closing(c)
    return c.text(d.pick("Customer Care", "Account Services")) if d.chance(0.3) else c.text()


def _refused_third_party(c: Call, party: str) -> str:
    """The borrower cannot be reached: the rep declines to state anything about the account."""
    d, s = c.d, c.d.s
    c.other(
        d.pick(
            "They're at work and can't get on the phone right now.",
            "I tried, it went to voicemail. Can't you just tell me the basics?",
        )
    )
    if d.chance(0.5):  # the caller's own guess: a distractor the rep does not confirm
        guess = (
            s.payoff_amount if s.payoff_amount and d.chance(0.5) else s.current_balance
        ) or Decimal(0)
        rounded = Decimal(round(guess / 100)) * 100
        c.other(f"I think it's around {c.keep(amount(d, rounded))}, is that about right?")
    c.rep(
        d.pick(
            "I'm sorry, I'm not able to confirm any balances or payment amounts without the account holder's authorization.",
            "I understand, but I can't release account information to a third party, not even the balance.",
        )
    )
    c.rep(
        d.pick(
            f"{s.borrower_first} can call us, or sign a third-party authorization form online, and then we can add you to the account.",
            f"If they call us at {phone(d)}, we can add you as an authorized party.",
        )
    )
    d.tag("absent_fields")
    if party == "spouse" and d.chance(0.5):
        c.other("Okay, I'll have them call back tonight.")
    closing(c)
    return c.text()


def _figures(c: Call, party: str) -> None:
    """The account's figures, asked for mostly by the third party, in a varied order."""
    d, s = c.d, c.d.s
    card = s.liability_type == CARD
    steps: list[Callable[[], None]] = []

    def balance() -> None:
        _ask(c, "other", d.pick("What's the balance right now?", "How much is still owed on it?"))
        c.rep(f"The {balance_name(d)} is {said(d, 'current_balance')}.")

    def payment() -> None:
        if d.chance(0.3):
            wrong = misread(s.next_payment_amount, d)
            c.other(f"And the {pay_word(d)} is {c.keep(amount(d, wrong))}, right?")
            c.rep(f"It's actually {said(d, 'next_payment_amount')}, due {due(d)}.")
            d.tag("caller_correction")
        else:
            _ask(
                c,
                "other",
                d.pick(
                    "And when's the next payment due, and how much?",
                    "What's the payment, and when is it due?",
                ),
            )
            c.rep(f"The next {pay_word(d)} is {said(d, 'next_payment_amount')}, due {due(d)}.")

    def behind() -> None:
        _ask(
            c,
            "other",
            d.pick("Is the account behind at all?", "Are there any late payments right now?"),
        )
        c.rep(past_due_line(c))
        if s.past_due_amount > 0 and party == "counselor" and d.says("next_payment_amount"):
            total = c.keep(amount(d, s.past_due_amount + s.late_fee + s.next_payment_amount))
            c.other("And to bring it fully current with this month's payment and the fees?")
            c.rep(f"That would be {total}, including the late charge.")

    def rate() -> None:
        _ask(c, "other", d.pick("What's the interest rate on it?", "Do you have the rate?"))
        c.rep(rate_line(c))

    def escrow() -> None:
        _ask(c, "other", "How much is in the escrow account?")
        monthly = c.keep(amount(d, s.escrow_monthly or Decimal(0)))
        c.rep(
            f"The escrow balance is {said(d, 'escrow_balance', 0.2)}, and {monthly} of each monthly payment goes into escrow."
        )

    def limit() -> None:
        _ask(c, "other", "And what's the credit limit on the card?")
        avail = c.keep(amount(d, s.available_credit or Decimal(0)))
        c.rep(f"The credit limit is {said(d, 'credit_limit')}, with {avail} available.")

    def payoff() -> None:
        _ask(
            c,
            "other",
            d.pick(
                "What would it take to pay it off completely?", "Can you give us a payoff figure?"
            ),
        )
        payoff_quote(c, correct=0.1)

    if d.says("next_payment_amount") and d.says("next_payment_due_date"):
        steps.append(payment)
    if d.offers("past_due_amount", 0.6):
        steps.append(behind)
    if d.offers("interest_rate", 0.4):
        steps.append(rate)
    if (
        s.liability_type == "mortgage"
        and d.says("liability_type")
        and d.says("escrow_balance")
        and d.chance(0.5)
    ):
        steps.append(escrow)
    if card and d.offers("credit_limit", 0.6):
        steps.append(limit)
    if not card and d.offers("payoff_amount", 0.35):
        steps.append(payoff)
    d.rng.shuffle(steps)
    if d.says("current_balance"):
        steps.insert(0, balance)
    for i, step in enumerate(steps):
        step()
        if i == 0 and d.chance(0.3):  # both speak at once
            c.note("[crosstalk]")
            c.caller(d.pick("Sorry, go ahead.", "Oh, sorry, you go."))


def _ivr_summary(c: Call) -> None:
    """The phone system reads the account summary (recorded values) before an agent answers,
    and says payoffs need an agent."""
    d = c.d
    spoken = d.chance(0.6)

    def money(key: str) -> str:
        return d.spoken_money(key) if spoken else d.money(key, "usd")

    ivr_open(c)
    c.note(d.pick("[caller pressed 2]", "[DTMF: 2]"))
    c.ivr("Please enter your account number, followed by the pound sign.")
    c.note(d.pick("[DTMF tones]", "[keypad tones]"))
    if d.says("current_balance"):
        c.ivr(f"Your current principal balance is {money('current_balance')}.")
    if d.says("next_payment_amount") and d.says("next_payment_due_date"):
        when = d.date("next_payment_due_date", d.pick("long", "month_day"))
        c.ivr(f"Your next payment of {money('next_payment_amount')} is due on {when}.")
    c.ivr("To request a payoff quote, press 3.")
    c.note(d.pick("[caller pressed 3]", "[DTMF: 3]"))
    c.ivr(
        d.pick(
            "Payoff quotes are not available through our automated system. Please hold for the next available representative.",
            "A representative can help you with a payoff. Please hold.",
        )
    )
    hold(c)


_WRITTEN_ONLY = (
    "I'm sorry, we don't give payoff figures over the phone. The payoff has to go out as a written statement, and I can fax it, email it or mail it to you.",
    "For security, payoff quotes are only released in writing. I've put in the request; the statement usually goes out within one business day.",
    "I can't read you a payoff on this call, it has to be a written payoff letter. Do you want it emailed or faxed?",
)


@template("transcript", "payoff_department_transfer", types=LOANS)
def payoff_department_transfer(d: Draft) -> str:
    """A payoff request customer service cannot answer: sometimes the phone system reads the
    account summary first; the agent gives the principal (perhaps a ballpark payoff, a
    distractor), puts the caller on hold and transfers to the payoff department, where a second
    agent sets aside the caller's older quote and gives the figures, or says payoffs only go out
    in writing (the payoff keys stay null)."""
    s = d.s
    asr = d.chance(0.25)  # some recording platforms keep only the raw ASR: no case, no punctuation
    c = Call(d, labels="asr" if asr else None, asr=asr, flu=0.1 if asr else None)
    if d.chance(0.4):
        _ivr_summary(c)
    greet(c)
    prod = d.product()
    c.caller(d.pick("Hi, ", "Yeah, hi, ", "Hello, ") + reason(c, prod))
    verify(c)
    if d.offers("account_last4", 0.6):
        c.rep(f"Okay, I have the {prod} {d.last4(d.pick('ending', 'spoken', 'x'))} up.")
    refused = not d.says("payoff_amount") or d.chance(0.25)
    if d.says("current_balance") and "current_balance" not in d.fields and d.chance(0.6):
        c.rep(
            f"I can see the {balance_name(d)} is {said(d, 'current_balance')}, but that's not a payoff, it doesn't include the interest."
        )
    if not refused and d.chance(0.25):  # a rough figure the first agent will not stand behind
        rough = Decimal(int((s.payoff_amount or Decimal(0)) / 100) + d.pick(1, 2, 3)) * 100
        c.rep(
            f"It'd be somewhere around {c.keep(amount(d, rough))}, but don't go by that, the payoff team has the exact figure."
        )
    elif d.chance(0.5):
        c.rep(
            d.pick(
                "I don't have payoff figures on my screen, though, those come from another team.",
                "Payoffs are done by a separate department, so I'll need to send you over.",
            )
        )
    transfer(c, d.pick("payoff processing", "payoff services", "loan payoffs"))
    c.rep2("Can you confirm the last four of the social on the account for me?")
    c.caller(d.pick(s.ssn_last4, f"Sure, {s.ssn_last4}."))
    c.rep2(d.pick("Thank you.", "Perfect, thanks.", "Got it, thank you."))
    if refused:
        c.rep2(d.pick(*_WRITTEN_ONLY))
        c.caller(d.pick("Can't you just read it to me?", "Seriously? I just need the number."))
        c.rep2(
            "I'm sorry, it's a policy on every account. The written statement will have the exact amount and the good-through date."
        )
        c.caller(
            d.pick("Fine, email it then.", "Okay, fax it to my closing agent.", "Mail is fine.")
        )
        d.tag("absent_fields")
        if d.says("next_payment_amount") and d.offers("next_payment_due_date", 0.5):
            c.rep2(
                f"In the meantime, your next {pay_word(d)} of {said(d, 'next_payment_amount')} is still due {due(d)}."
            )
    else:
        if d.chance(0.3):  # an older, expired quote the caller still has
            _old_quote(c)
        payoff_quote(c, who="rep2", correct=0.15)
        if d.says("current_balance") and "current_balance" not in d.fields and d.chance(0.4):
            c.caller("And the principal on it?")
            c.rep2(f"The {balance_name(d)} is {said(d, 'current_balance')}.")
    if d.offers("past_due_amount", 0.3):
        c.speak("rep2", past_due_line(c))
    closing(c, who="rep2")
    return c.text(d.pick("Payoffs", "General Servicing")) if d.chance(0.3) else c.text()


def _old_quote(c: Call) -> None:
    """The caller reads an older payoff letter; the agent says it expired (both distractors)."""
    d, s = c.d, c.d.s
    sent = s.as_of - dt.timedelta(days=d.rng.randint(18, 45))
    expired = sent + dt.timedelta(days=d.pick(7, 10, 14))
    old = (s.payoff_amount or Decimal(0)) + random_amount(d.rng, 120, 1500)
    letter = c.keep(c.styled(fmt_date(sent, "long")))
    c.caller(
        f"I have a payoff letter from {letter} that says {c.keep(amount(d, old))}. Is that still good?"
    )
    c.rep2(
        f"No, that one expired on {c.keep(c.styled(fmt_date(expired, 'long')))}. Interest and your last payment have changed it, so let me give you a new figure."
    )
