"""Transcripts shaped by the phone system or by their length: IVR self-service then an agent,
the very long noisy call (about 4,500-6,000 characters), the very short voicemail (under 300),
raw machine transcription, and the automated outbound call.

Registered on import by ``transcript``.
"""

from __future__ import annotations

from decimal import Decimal

from protege.corpus.draft import PRODUCT_WORDS, Draft
from protege.corpus.kinds._speech import (
    CARD,
    Beat,
    Call,
    amount,
    balance_name,
    due,
    due_day,
    good_through,
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
    long_fillers,
    other_account,
    small_talk_options,
    transfer,
    verify,
)
from protege.corpus.money import spoken_digits
from protege.corpus.registry import template


@template("transcript", "ivr_then_agent")
def ivr_then_agent(d: Draft) -> str:
    """The automated system reads the account summary, the caller zeroes out to an agent and
    asks one more question (payoff, rate, or card APR and limit)."""
    s = d.s
    c = Call(d, layout="inline")
    spoken = d.chance(0.5)
    ivr_open(c)
    c.note(d.pick("[caller pressed 2]", "[DTMF: 2]", "[caller presses 2]"))
    c.ivr(
        d.pick(
            "Please enter or say your account number, followed by the pound sign.",
            "Using your keypad, enter your account number. If you don't know it, press star.",
            "Please say or enter the account number you're calling about.",
        )
    )
    c.note(d.pick("[DTMF tones]", "[keypad tones]", "[caller enters account number]"))
    prod = d.product()
    if d.says("account_last4"):
        acct = d.last4("spoken" if spoken else "ending")
        c.ivr(
            d.pick(f"Thank you. For the {prod} {acct}.", f"Thank you. I found your {prod} {acct}.")
        )
    else:
        c.ivr(d.pick(f"Thank you. I found your {prod}.", f"One moment while I access your {prod}."))

    def money(key: str) -> str:
        return d.spoken_money(key) if spoken else d.money(key, "usd")

    facts: list[str] = []
    if d.says("current_balance"):
        name = "current balance" if s.liability_type == CARD else "current principal balance"
        bal = money("current_balance")
        facts.append(d.pick(f"Your {name} is {bal}.", f"The {name} on this account is {bal}."))
    if d.says("next_payment_amount") and d.says("next_payment_due_date"):
        amt = money("next_payment_amount")
        when = d.date("next_payment_due_date", d.pick("long", "month_day", "weekday"))
        facts.append(
            d.pick(
                f"Your next {pay_word(d)} of {amt} is due on {when}.",
                f"A {pay_word(d)} of {amt} is due {when}.",
            )
        )
    if d.offers("past_due_amount", 0.7):
        if s.past_due_amount == 0:
            facts.append(
                f"There is {d.past_due(d.pick('no past due amount', 'nothing past due'))} on this account."
            )
        else:
            facts.append(
                f"Your account is past due. The past due amount is {money('past_due_amount')}."
            )
    if s.liability_type == CARD and s.available_credit is not None:
        facts.append(f"Your available credit is {c.keep(amount(d, s.available_credit, spoken))}.")
    elif s.last_payment_date and d.chance(0.5):
        paid = c.keep(amount(d, s.last_payment_amount, spoken))
        facts.append(
            f"Your last payment of {paid} was received on {s.last_payment_date:%B} {s.last_payment_date.day}."
        )
    d.rng.shuffle(facts)
    for fact in facts:
        c.ivr(fact)
    c.ivr(
        d.pick(
            "To hear this information again, press star. To make a payment, press 1. To speak with a representative, press 0.",
            "To repeat, press 9. To return to the main menu, press pound. For a representative, press 0.",
            "If you're finished, you may hang up. Otherwise, press 0 to speak with someone.",
        )
    )
    if d.chance(0.5):
        c.caller(d.pick("Representative.", "Agent.", "Talk to a person."))
        c.ivr(
            d.pick(
                "I'm sorry, I didn't understand your response.",
                "Sorry, I didn't catch that.",
                "I can help you with that. First, tell me in a few words what you're calling about.",
            )
        )
    c.note(d.pick("[caller pressed 0]", "[DTMF: 0]", "[zero pressed]"))
    c.ivr(
        d.pick(
            "Please hold while we transfer your call to the next available representative.",
            "One moment while I connect you.",
            "Transferring you now.",
        )
    )
    hold(c)
    c.rep(
        d.pick(
            f"Thank you for holding, this is {s.rep}. I see you've been verified through our automated system; can you just confirm your name for me?",
            f"{c.co}, {s.rep} speaking. Can I have your name to confirm I have the right account?",
            f"Hi, this is {s.rep}. You came through the phone system so I have your account up; who am I speaking with?",
        )
    )
    c.caller(
        d.pick(
            f"{s.borrower}.",
            f"Hi, it's {s.borrower_first} {s.borrower_last}.",
            f"Yeah, {s.borrower}.",
        )
    )
    if s.liability_type == CARD:
        c.caller(
            d.pick(
                "I just wanted to ask what my interest rate is. And what's my limit now?",
                "Quick question, what APR am I paying? And what's my credit limit?",
                "The system didn't tell me my rate or my limit, can you?",
            )
        )
        if d.says("interest_rate"):
            c.rep(rate_line(c))
        if d.says("credit_limit"):
            limit = said(d, "credit_limit")
            c.rep(
                d.pick(
                    f"Your credit limit is {limit}.", f"And the limit on the account is {limit}."
                )
            )
    elif d.says("payoff_amount") and d.chance(0.6):
        c.caller(
            d.pick(
                "The recording didn't give me a payoff. What would it take to pay it off completely?",
                "I need the payoff amount, the menu only gave me the balance.",
                "How much would I need to send to close this out?",
            )
        )
        payoff_quote(c)
    else:
        c.caller(
            d.pick(
                "Yeah, I just wanted to know what my interest rate is on this.",
                "What rate am I paying on this?",
                "Can you tell me my interest rate?",
            )
        )
        c.rep(
            rate_line(c)
            if d.says("interest_rate")
            else "I'm not able to see the rate on my screen, I'll have someone email it to you."
        )
    closing(c)
    return c.text()


@template("transcript", "long_noisy_call")
def long_noisy_call(d: Draft) -> str:
    """A long, messy call (about 4,500-6,000 characters): IVR misrecognitions, long holds, a
    transfer between departments, re-verification, small talk and line noise around the facts,
    a misread figure, another account mentioned."""
    s = d.s
    card = s.liability_type == CARD
    c = Call(d, flu=d.pick(0.08, 0.11, 0.14), stamps=d.pick("bracket", "bare", "short", "none"))
    ivr_open(c)
    c.caller("Representative.")
    c.ivr("I'm sorry, I didn't get that. Please say or enter your account number.")
    c.caller("Agent. Agent!")
    c.note("[DTMF: 0]")
    hold(c, long=True)
    greet(c)
    prod = d.product()
    c.caller(
        f"Hi, finally. I've been on hold forever. I have a couple of questions about my {prod}."
    )
    c.rep("I'm sorry about the wait, we're really busy today. Let me get you verified first.")
    verify(c)
    c.slot()
    if d.says("account_last4"):
        c.rep(f"Okay, I have the {prod} {d.last4(d.pick('ending', 'spoken', 'stars'))} pulled up.")
    if d.says("current_balance"):
        if d.chance(0.4):
            d.tag("rep_correction")
            c.rep(
                f"Your {balance_name(d)} is {c.keep(amount(d, misread(s.current_balance, d)))}, sorry, let me read that again, {said(d, 'current_balance')}."
            )
        else:
            c.rep(f"Your {balance_name(d)} is showing {said(d, 'current_balance')}.")
    c.slot()
    dept = d.pick("account services", "customer solutions")
    if c.typed:
        dept = "card services" if card else d.pick("payoff", "loan servicing", dept)
    c.caller(
        "The payoff and the interest, can you do that?"
        if not card
        else "I also want to talk about my limit and the interest rate."
    )
    transfer(c, dept)
    verify(c, who="rep2")
    c.slot()
    if card:
        if d.says("credit_limit"):
            c.rep2(
                f"Your credit limit is {said(d, 'credit_limit')} and available credit is {c.keep(amount(d, s.available_credit or Decimal(0)))}."
            )
        if d.says("interest_rate"):
            c.rep2(rate_line(c))
    else:
        payoff_quote(c, who="rep2", correct=0.25)
        c.slot()
        if d.says("interest_rate"):
            c.caller("And what's the interest rate?")
            c.rep2(rate_line(c))
    c.slot()
    if d.says("next_payment_amount") and d.says("next_payment_due_date"):
        c.rep2(f"Your next {pay_word(d)} is {said(d, 'next_payment_amount')}, due {due(d)}.")
    if d.offers("past_due_amount", 0.6):
        c.rep2(past_due_line(c))
    if d.chance(0.6):
        c.rep2(other_account(c))
    c.slot()
    closing(c, who="rep2")
    queue = d.pick("General", "Customer Care", dept.title()) if d.chance(0.4) else None
    target = d.rng.randint(4500, 5800)
    pool = small_talk_options(c) + long_fillers(c)
    pool += [
        [
            Beat("caller", "Hello? Are you still there?", 12),
            Beat(
                d.pick("rep", "rep2"),
                "Yes, I'm here, sorry, I was reading the notes on the account.",
            ),
        ],
        [
            Beat("note", "[crosstalk]"),
            Beat("caller", "Sorry, go ahead."),
            Beat("rep", "No, you go ahead."),
        ],
        [
            Beat("rep", "Can I place you on a brief hold while I check something?"),
            Beat("caller", "Sure."),
            Beat("note", "[hold music]", 95),
            Beat("rep", "Thank you so much for holding."),
        ],
        [
            Beat("caller", "[inaudible] ... the signal in my building is terrible."),
            Beat("rep", "I can hear you now."),
        ],
        [
            Beat("rep", "For security, I do have to let you know this call is being recorded."),
            Beat("caller", "That's fine."),
        ],
    ]
    d.rng.shuffle(pool)
    while pool and len(c.text(queue)) < target:
        before = list(c.beats)
        c.fill(pool.pop())
        if len(c.text(queue)) > 6000:  # the contract's ceiling: drop the stretch that overshot
            c.beats = before
            break
    return c.text(queue)


@template("transcript", "voicemail")
def voicemail(d: Draft) -> str:
    """A short voicemail (under 300 characters) a rep leaves, as a phone transcribes it."""
    s = d.s
    typed = d.says("liability_type")
    co = d.lender if typed else d.pick("your lender", d.lender)
    options = [k for k in ("payoff_amount", "next_payment_amount", "current_balance") if d.says(k)]
    if d.says("past_due_amount") and s.past_due_amount > 0:
        options.append("past_due_amount")
    body = d.pick(
        f"Hi {s.borrower_first}, this is {s.rep} with {co}.",
        f"Hey {s.borrower_first}, {s.rep} from {co}, returning your call.",
        f"This message is for {s.borrower_first}. It's {s.rep} at {co}.",
    )
    choice = d.pick(*options) if options else "none"
    if choice == "payoff_amount":
        thru = f", {good_through(d)}" if d.says("payoff_good_through") else ""
        body += f" The payoff you asked for is {d.money('payoff_amount', 'usd')}{thru}."
    elif choice == "next_payment_amount":
        when = ""
        if d.says("next_payment_due_date"):
            when = " due " + (due_day(d) or d.date("next_payment_due_date", "month_day"))
        body += f" Your {pay_word(d)} is {d.money('next_payment_amount', 'usd')}{when}."
    elif choice == "past_due_amount":
        body += f" Your account is {d.past_due()} past due, please give us a call."
    elif choice == "current_balance":
        body += f" Your {balance_name(d)} is {d.money('current_balance', 'usd')}."
    if typed or (d.says("account_last4") and len(body) < 190):
        last4 = (
            f" {d.last4(d.pick('ending', 'x'))}"
            if d.says("account_last4") and len(body) < 190
            else ""
        )
        body += f" That's for your {d.product()}{last4}."
    for extra in (f" Call us back at {phone(d)}.", d.pick(" Thanks, bye.", " Have a good one.")):
        if len(body) + len(extra) < 250 and d.chance(0.6):
            body += extra
    head = d.pick(
        f"Voicemail (0:{d.rng.randint(14, 52)})\n",
        "VM transcript: ",
        f"New voicemail {s.as_of:%m/%d} - ",
        "",
    )
    return f"{head}{body}"


@template("transcript", "asr_autoscribe")
def asr_autoscribe(d: Draft) -> str:
    """Raw machine transcription: diarized speakers, lowercase, no punctuation. Usually every
    number is spoken (amounts in words, the rate as 'six point four nine percent', digits read
    out); about a third of the time the engine's number formatting (inverse text normalization)
    writes figures as "$18,241.16", "6.49%" and "ending in 4417" in otherwise unpunctuated text."""
    s = d.s
    itn = d.chance(0.35)
    c = Call(
        d,
        labels="asr",
        asr=True,
        flu=0.12,
        stamps=d.pick("short", "bare", "none"),
        layout=d.pick("inline", "block"),
    )

    def money(key: str) -> str:
        return d.money(key, d.pick("usd", "usd", "usd_nocomma")) if itn else d.spoken_money(key)

    greet(c)
    word = d.pick(*PRODUCT_WORDS[s.liability_type]).lower() if c.typed else None
    prod = d.product(word)
    c.caller(
        d.pick(
            f"hi yeah I'm calling about my {prod}", f"hello I had a couple questions on my {prod}"
        )
    )
    if d.says("account_last4"):
        c.rep("sure can you tell me the account number or the last four digits")
        if d.chance(0.6):
            c.caller(f"yeah it's {d.last4('ending' if itn else 'spoken')}")
        else:
            c.caller(f"it's {c.keep(s.account_number if itn else spoken_digits(s.account_number))}")
            c.rep(f"okay the account {d.last4('ending' if itn else 'spoken')} got it")
    verify(c)
    if d.says("current_balance"):
        c.rep(f"okay so your {balance_name(d)} right now is {money('current_balance')}")
    if d.says("next_payment_amount"):
        when = ""
        if d.says("next_payment_due_date"):
            when = " due " + (
                due_day(d) or d.date("next_payment_due_date", d.pick("month_day", "ordinal_of"))
            )
        c.rep(f"and your next {pay_word(d)} is {money('next_payment_amount')}{when}")
    if d.offers("interest_rate", 0.7):
        c.caller("what's the interest rate on that")
        c.rep(f"it's {d.rate('pct') if itn else d.rate(spoken=True)}")
    if s.liability_type == CARD and d.says("credit_limit"):
        c.rep(f"your credit limit is {money('credit_limit')}")
    if d.offers("payoff_amount", 0.6):
        c.caller("and what would the payoff be")
        thru = ""
        if d.says("payoff_good_through"):
            phrase = d.relative_date("payoff_good_through")
            thru = (
                f" good {phrase}"
                if phrase
                else " good through " + d.date("payoff_good_through", "month_day")
            )
        c.rep(f"the payoff is {money('payoff_amount')}{thru}")
        if d.offers("per_diem", 0.6):
            c.rep(f"and after that it goes up {money('per_diem')} a day")
    if d.offers("past_due_amount", 0.5):
        if s.past_due_amount == 0:
            c.rep(f"and you're {d.past_due('not past due')} so you're good")
        else:
            c.rep(f"there is a past due amount of {money('past_due_amount')} on there")
    closing(c)
    if d.chance(0.4):
        return (
            f"[AutoScribe transcript | en-US | confidence {d.rng.randint(71, 96) / 100}]\n"
            + c.text()
        )
    return c.text()


@template("transcript", "automated_reminder")
def automated_reminder(d: Draft) -> str:
    """An outbound automated call: identity check by keypad, a payment reminder or past-due
    notice read by the system, then the borrower pays, repeats the message or reaches an agent."""
    s = d.s
    c = Call(
        d,
        roles={"ivr": d.pick("Automated Message", "IVR", "Recording")},
        stamps=d.pick("none", "short", "bracket"),
    )
    who = c.keep(s.borrower.upper() if d.chance(0.3) else s.borrower)
    c.ivr(
        d.pick(
            f"Hello. This is an important message from {c.co} for {who}. If you are {s.borrower_first}, press 1. If not, please press 2.",
            f"Hi, this is {c.co} calling with a message for {who}. If this is {s.borrower_first}, press 1 now.",
            f"This is an automated call from {c.co}. We are trying to reach {who}. Please press 1 to continue.",
        )
    )
    c.note(d.pick("[pressed 1]", "[DTMF 1]", "[keypress: 1]"))
    c.ivr(
        d.pick(
            "To verify your identity, please enter your five-digit ZIP code.",
            "To verify your identity, please enter your year of birth.",
            "For your security, please enter the last four digits of your Social Security number.",
        )
    )
    c.note(d.pick("[DTMF tones]", "[caller enters digits]", "[tones]"))
    acct = f" {d.last4(d.pick('spoken', 'ending'))}" if d.says("account_last4") else ""
    prod = d.product()
    c.ivr(
        d.pick(
            f"Thank you. This call is regarding your {prod}{acct}.",
            f"Thank you. We're calling about your {prod}{acct}.",
        )
    )
    if d.says("past_due_amount") and s.past_due_amount > 0:
        fee = c.keep(amount(d, s.late_fee))
        owed = d.money("past_due_amount", "usd")
        message = d.pick(
            f"Our records show your account is past due. The past due amount is {owed}. A late fee of {fee} may be assessed.",
            f"Your account is currently past due in the amount of {owed}. To avoid a late fee of {fee}, please make a payment today.",
        )
    elif d.says("next_payment_amount") and d.says("next_payment_due_date"):
        amt = d.money("next_payment_amount", "usd")
        when = d.date("next_payment_due_date", d.pick("long", "month_day", "weekday"))
        message = d.pick(
            f"This is a courtesy reminder that your {pay_word(d)} of {amt} is due on {when}.",
            f"Your upcoming {pay_word(d)} of {amt} is due {when}. If you have already paid, thank you.",
            f"We wanted to remind you that a payment of {amt} is due on {when}.",
        )
        if d.offers("past_due_amount", 0.5):
            message += f" There is {d.past_due(d.pick('no past due amount', 'nothing past due'))} on your account at this time."
    else:
        message = "Please contact us regarding your account at your earliest convenience."
    c.ivr(message)
    c.ivr(
        d.pick(
            "To make a payment now, press 1. To speak with a representative, press 2. To hear this message again, press 9.",
            "Press 1 to pay now, press 2 to talk to someone, or press 9 to repeat this message.",
        )
    )
    branch = d.pick("repeat", "agent", "agent", "pay")
    if branch == "repeat":
        c.note("[pressed 9]")
        c.ivr(message)
        c.ivr("To make a payment now, press 1. To speak with a representative, press 2.")
        c.note("[call ended]")
        return c.text()
    if branch == "pay":
        c.note("[pressed 1]")
        c.ivr("Please enter the payment amount in dollars and cents, followed by the pound sign.")
        c.note("[DTMF tones]")
        bank = c.keep(spoken_digits(f"{d.rng.randint(0, 9999):04d}"))
        c.ivr(
            f"Your payment will be drafted from the checking account on file ending in {bank}. To confirm, press 1."
        )
        d.tag("other_account")
        c.note("[pressed 1]")
        c.ivr(
            f"Thank you. Your confirmation number is {c.keep(str(d.rng.randint(10**6, 10**7)))}. Goodbye."
        )
        return c.text()
    c.note("[pressed 2]")
    hold(c)
    greet(c)
    c.caller(
        d.pick(
            "Yeah, I got a call about my payment. I actually already sent it.",
            "Hi, I just got an automated call. Can I set up the payment for Friday instead?",
        )
    )
    verify(c)
    if s.last_payment_date:
        c.rep(
            f"I see your last payment of {c.keep(amount(d, s.last_payment_amount))} posted on {s.last_payment_date:%B} {s.last_payment_date.day}. Anything new may take a day or two to show."
        )
    if d.offers("current_balance", 0.5):
        c.rep(f"The {balance_name(d)} is {said(d, 'current_balance')}.")
    closing(c)
    return c.text()
