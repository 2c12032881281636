"""Scripted talk for call transcripts: IVR menus, hold messages, greetings, authentication,
small talk, transfers and closings.

Private to the transcript kinds. Nothing here records a contract value (``reason`` and
``other_account`` only take words already written); distractors it says (a date of birth, a
ZIP code, another account's balance) are protected from fillers with ``Call.keep``.
"""

from __future__ import annotations

from protege.corpus.kinds._speech import Beat, Call, amount, birth_date
from protege.corpus.money import spoken_digits


def other_account(call: Call, spoken: bool = False) -> str:
    """A sentence about another account the borrower holds (tags ``other_account``)."""
    d, s = call.d, call.d.s
    call.d.tag("other_account")
    last4 = spoken_digits(s.other_account_last4) if spoken else s.other_account_last4
    bal = call.keep(amount(d, s.other_account_balance, spoken))
    call.keep(f"ending in {last4}")
    return d.pick(
        f"I also see a {s.other_account_product} ending in {last4} under your name, that one's at {bal}.",
        f"And just so you know, your {s.other_account_product} ending in {last4} shows {bal}, but that's separate.",
        f"There's a second account on your profile, a {s.other_account_product} ending in {last4}, balance {bal}; I'm leaving that one alone.",
    )


def reason(c: Call, prod: str) -> str:
    """Why the caller wants a payoff, in terms that do not reveal the type when untyped."""
    d, kind = c.d, c.d.s.liability_type
    if c.typed and kind == "auto_loan":
        return d.pick(
            f"I'm trading in the car and need a payoff on my {prod}.",
            f"I'm selling the car privately and need to pay off the {prod}.",
        )
    if c.typed and kind == "mortgage":
        return d.pick(
            f"we're refinancing and the lender needs a payoff on the {prod}.",
            f"we're selling the house, I need the payoff on our {prod}.",
        )
    return d.pick(
        f"I want to pay off my {prod}, I need the exact amount.",
        f"I'm consolidating and need a payoff quote on my {prod}.",
        f"I got a bonus and I'd like to pay off the {prod}.",
    )


def ivr_open(call: Call, menu: bool = True) -> None:
    """The automated greeting, recording notice, language choice and main menu."""
    d, co = call.d, call.co
    call.ivr(
        d.pick(
            f"Thank you for calling {co}.",
            f"Welcome to {co}. Your call may be monitored or recorded for quality purposes.",
            f"Thank you for calling {co} customer service. This call may be recorded.",
            f"Hello, and thank you for choosing {co}. Calls are recorded for quality assurance.",
            f"You've reached {co} loan servicing.",
            f"{co}. Please note our office hours have changed.",
        )
    )
    if d.chance(0.5):
        call.ivr(
            d.pick(
                "For English, press 1. Para español, oprima el dos.",
                "Para español, oprima nueve.",
                "To continue in English, press 1. Para continuar en español, oprima 2.",
            )
        )
        call.note(d.pick("[caller pressed 1]", "[DTMF: 1]", "[tone]", "[keypress]"))
    if not menu:
        return
    options = [
        d.pick("To make a payment, press 1.", "To pay by phone, press 1."),
        d.pick(
            "For your balance and payment information, press 2.",
            "For account balances and due dates, press 2.",
        ),
        d.pick(
            "For payoff information, press 3.",
            "To request a payoff quote, press 3.",
            "For questions about your statement, press 3.",
            "To hear recent transactions, press 3.",
        ),
        d.pick(
            "For all other questions, or to speak with a representative, press 0.",
            "To speak with a customer service representative, press 0.",
            "For everything else, press 0.",
        ),
    ]
    if d.chance(0.4):
        options.insert(0, "Please listen carefully, as our menu options have changed.")
    if d.chance(0.3):
        options.append("To hear these options again, press star.")
    call.ivr(" ".join(options))


def hold(call: Call, long: bool = False) -> None:
    """The caller waits: music, and maybe a recorded message or two."""
    d = call.d
    secs = d.rng.randint(180, 660) if long else d.rng.randint(15, 200)
    call.note(
        d.pick(
            "[hold music]",
            "[on hold]",
            "[music]",
            f"[hold - {secs // 60}:{secs % 60:02d}]",
            "(hold music)",
            "[caller on hold]",
        ),
        pause=3,
    )
    if long or d.chance(0.4):
        site = call.co.lower().replace(" ", "").replace(".", "") + ".com"
        wait = d.pick("two", "five", "more than ten", "approximately eight")
        call.ivr(
            d.pick(
                "Your call is important to us. Please stay on the line and the next available representative will be with you shortly.",
                f"Did you know you can check your balance and make payments any time at {site}? Please continue to hold.",
                f"We are experiencing higher than normal call volumes. Your estimated wait time is {wait} minutes.",
                "All of our representatives are still assisting other customers. Thank you for your patience.",
                f"Skip the wait next time: download the {call.co} mobile app to view your account and set up autopay.",
                "If you would like a call back instead of holding, press 1. Otherwise, please stay on the line.",
            ),
            pause=secs // 2,
        )
        call.note(
            d.pick("[hold music resumes]", "[music]", "[hold music]", "[music continues]"), pause=2
        )
        secs //= 2
    call.waiting += secs


def greet(call: Call) -> None:
    """The representative answers."""
    d, s, co = call.d, call.d.s, call.co
    call.rep(
        d.pick(
            f"Thank you for calling {co}, my name is {s.rep}. How can I help you today?",
            f"{co}, this is {s.rep} on a recorded line. Who do I have the pleasure of speaking with?",
            f"Thanks for holding, this is {s.rep} with {co}. What can I do for you?",
            f"Good {d.pick('morning', 'afternoon')}, {co} customer care, {s.rep} speaking.",
            f"Hi, you've reached {s.rep} at {co}. How may I assist you?",
            f"Thank you for your patience. My name is {s.rep}, and I'll be helping you today. What's going on?",
            f"{co} servicing, {s.rep} here. How can I help?",
        )
    )


_NAME_ASKS = (
    "Can I get your full name, please?",
    "And who am I speaking with?",
    "Can you verify your first and last name for me?",
    "First, may I have the name on the account?",
    "Sure, I can look into that. Who do I have on the line?",
    "Can you please state your full name for verification?",
)
_DOB_ASKS = (
    "And your date of birth?",
    "Can I get your date of birth?",
    "What's your date of birth, please?",
    "And can you confirm your birthday for me?",
)
_ZIP_ASKS = (
    "What's the ZIP code on file?",
    "And the billing ZIP code?",
    "What ZIP code do we have for you?",
    "Can you give me the ZIP code of your mailing address?",
)
_SSN_ASKS = (
    "And the last four of your social?",
    "Can you verify the last four digits of your Social Security number?",
    "I'll also need the last four of your SSN.",
    "And just the last four digits of your social, please.",
)
_VERIFIED = (
    "Thank you, you're verified.",
    "Perfect, thank you.",
    "Okay, thanks, I have the account up.",
    "Great, thank you for verifying.",
    "Alright, that all matches. Thank you.",
    "Thanks, I've got you verified.",
    "Okay, you're all set, thank you for that.",
)


def verify(call: Call, who: str = "rep", answer: str = "caller") -> None:
    """Authentication: the name, then one or two of date of birth, ZIP, SSN last four and the
    collateral (only when the product may be named)."""
    d, s = call.d, call.d.s

    def ask(text: str) -> None:
        call.speak(who, text)

    def say(text: str) -> None:
        call.speak(answer, text)

    ask(d.pick(*_NAME_ASKS))
    say(
        d.pick(
            f"Yes, it's {s.borrower}.",
            f"{s.borrower}.",
            f"Sure, {s.borrower_first} {s.borrower_last}.",
            f"This is {s.borrower}.",
            f"It's {s.borrower}.",
        )
    )
    checks = ["dob", "zip", "ssn"]
    if call.typed and s.liability_type in ("auto_loan", "mortgage", "student_loan"):
        checks.append("collateral")
    for check in d.rng.sample(checks, d.pick(1, 2, 2)):
        if check == "dob":
            ask(d.pick(*_DOB_ASKS))
            say(call.keep(call.styled(birth_date(call))) + ".")
        elif check == "zip":
            ask(d.pick(*_ZIP_ASKS))
            say(d.pick(s.zip_code, spoken_digits(s.zip_code), f"It's {s.zip_code}."))
        elif check == "ssn":
            ask(d.pick(*_SSN_ASKS))
            say(
                d.pick(
                    s.ssn_last4,
                    spoken_digits(s.ssn_last4),
                    f"{s.ssn_last4}.",
                    f"Um, {s.ssn_last4}.",
                )
            )
        else:
            what = {
                "auto_loan": d.pick(
                    "the year, make and model of the vehicle", "what vehicle the loan is for"
                ),
                "mortgage": d.pick("the property address", "the address of the property"),
                "student_loan": d.pick("the school you attended", "which school the loan was for"),
            }
            ask(f"And can you confirm {what[s.liability_type]}?")
            say(f"{s.collateral}.")
    ask(d.pick(*_VERIFIED))


def small_talk(call: Call) -> list[Beat]:
    """A stretch of small talk or dead air (no values)."""
    options = small_talk_options(call)
    return options[call.d.rng.randrange(len(options))]


def small_talk_options(call: Call) -> list[list[Beat]]:
    """Every stretch of small talk this call could have, for a template to draw from."""
    d, s = call.d, call.d.s
    rep = "rep"  # Call.fill hands these lines to whichever rep is on the line
    month = s.as_of.month
    weather = "snowing" if month in (12, 1, 2) else "so hot" if month in (6, 7, 8) else "raining"
    return [
        [
            Beat(rep, "Bear with me, my system is running really slow today."),
            Beat("caller", "No worries, take your time."),
            Beat("note", "[typing]", 6),
        ],
        [
            Beat("caller", d.pick("How's your day going?", "Busy day over there?")),
            Beat(
                rep,
                d.pick(
                    "Oh, it's been nonstop, but good. Thanks for asking!",
                    "It's a Monday kind of day, if you know what I mean.",
                ),
            ),
            Beat("caller", "Ha, I hear you."),
        ],
        [
            Beat(
                "note",
                d.pick("[dog barking]", "[background noise]", "[child talking in background]"),
            ),
            Beat(
                "caller", "Sorry, one second. Hey, go in the other room please. Sorry about that."
            ),
            Beat(rep, "You're totally fine."),
        ],
        [
            Beat(rep, f"Is it still {weather} out where you are?"),
            Beat(
                "caller",
                d.pick(
                    "Oh yeah, it's been like that all week.",
                    "No, it finally cleared up this morning.",
                ),
            ),
            Beat(rep, "Well, hopefully it stays nice for you."),
        ],
        [
            Beat("caller", "Sorry, you cut out there for a second, can you repeat that?"),
            Beat(rep, "Sure, can you hear me okay now?"),
            Beat("caller", "Yes, that's better."),
        ],
        [
            Beat(
                rep,
                f"Oh, {s.borrower_first}, that's my {d.pick('nephew', 'sister', 'best friend', 'daughter')}'s name.",
            ),
            Beat("caller", "Oh really? Not many of us around."),
            Beat(rep, "Ha, right."),
        ],
        [
            Beat("caller", "[inaudible] ... sorry, I'm driving, I'm putting you on speaker."),
            Beat(rep, "No problem, I can hear you fine."),
        ],
        [
            Beat(rep, "Just a moment while I pull that up."),
            Beat("note", "[silence]", 9),
            Beat(rep, "Thank you for waiting."),
        ],
    ]


def long_fillers(call: Call) -> list[list[Beat]]:
    """Stretches a long call picks up: disclosures, sales pitches, re-checks, dead air."""
    d, s = call.d, call.d.s
    site = call.co.lower().replace(" ", "").replace(".", "") + ".com"
    return [
        [
            Beat(
                "rep",
                "Before we go on, I do need to read a short disclosure. This call may be recorded for quality and training purposes, and any information obtained will be used for servicing your account.",
            ),
            Beat("caller", "Okay."),
        ],
        [
            Beat(
                "rep",
                "I also see you're not enrolled in paperless statements. Would you like me to sign you up? You'd get an email each month instead of the paper copy.",
            ),
            Beat("caller", "Um, not right now. I'll think about it."),
            Beat("rep", "No problem at all."),
        ],
        [
            Beat(
                "rep",
                "Can I confirm the best phone number to reach you, in case we get disconnected?",
            ),
            Beat(
                "caller",
                f"Yeah, it's the cell, {d.rng.randint(200, 989)}-555-0{d.rng.randint(100, 199)}.",
            ),
            Beat("rep", "Got it, thank you."),
        ],
        [
            Beat(
                "caller",
                f"Also, I tried logging into {site} last night and it kept locking me out.",
            ),
            Beat(
                "rep",
                "I'm sorry about that. It sounds like the password was reset; you can use the forgot password link, or I can send you a reset link by text.",
            ),
            Beat("caller", "Text is fine."),
        ],
        [
            Beat("caller", "Sorry, someone's at the door. Can you hang on one sec?"),
            Beat("note", "[muffled voices]", 20),
            Beat("caller", "Okay, sorry, I'm back."),
        ],
        [
            Beat("rep", "And how do you spell your last name, just so I have it right?"),
            Beat("caller", f"{'-'.join(s.borrower_last.upper())}."),
            Beat("rep", "Perfect."),
        ],
        [
            Beat(
                "rep",
                "Would you be interested in setting up automatic payments? A lot of our customers find it easier.",
            ),
            Beat("caller", "Maybe. Does it cost anything?"),
            Beat("rep", "No, there's no fee for autopay, and you can cancel anytime."),
        ],
        [
            Beat(
                "caller",
                "You know, I called last week and the other person told me something completely different.",
            ),
            Beat(
                "rep",
                "I'm sorry about that. I can see a note from that call; it looks like the information was about a different request.",
            ),
            Beat("caller", "Okay, that makes more sense."),
        ],
        [
            Beat("note", "[line noise]"),
            Beat("caller", "Hello? You're breaking up."),
            Beat("rep", "Can you hear me now?"),
            Beat("caller", "Yes, go ahead."),
        ],
        [
            Beat("rep", "My screen just froze, give me one moment to refresh."),
            Beat("note", "[silence]", 25),
            Beat("rep", "Okay, I'm back in, sorry about that."),
        ],
    ]


def transfer(call: Call, dept: str) -> None:
    """The rep transfers the caller to ``dept``; the new rep answers."""
    d, name, first = call.d, call.rep2_name, call.d.s.rep
    call.rep(
        d.pick(
            f"Okay, I'm going to transfer you over to our {dept} team, they can help with that. Please hold.",
            f"That's handled by {dept}, let me get you over to them. Don't hang up.",
            f"I don't have access to that here, but {dept} does. I'll stay on until they pick up.",
            f"Let me warm transfer you to {dept} so you don't have to repeat yourself.",
        )
    )
    call.note(d.pick("[transferring]", "[call transferred]", "[transfer - hold music]"), pause=3)
    hold(call)
    call.rep2(
        d.pick(
            f"{dept.capitalize()}, this is {name}.",
            f"Hi, thanks for holding, my name is {name}, I see you were transferred from {first}.",
            f"This is {name} in {dept}, how can I help?",
            f"Hello, {name} with {dept}. {first} gave me a quick summary.",
        )
    )


def closing(call: Call, who: str = "rep", outbound: bool = False) -> None:
    """The end of the call."""
    d, co = call.d, call.co
    call.speak(
        who,
        d.pick(
            "Is there anything else I can help you with today?",
            "Anything else I can do for you?",
            "Was there anything else?",
            "Did you have any other questions for me?",
            "Is there anything else on the account you wanted to go over?",
            "Can I help with anything else while I have you?",
        ),
    )
    call.caller(
        d.pick(
            "No, that's everything. Thank you.",
            "Nope, that's it, thanks so much.",
            "No, I think that covers it.",
            "That's all, appreciate it.",
            "No, you've been very helpful.",
            "I think I'm good. Thanks for your help.",
            "Nah, that's it. Thanks.",
        )
    )
    call.speak(
        who,
        d.pick(
            f"Thank you for {'your time' if outbound else 'calling ' + co}, have a great day.",
            "You're welcome. Take care.",
            f"Alright, thank you for being a {co} customer. Bye now.",
            "My pleasure. Have a good rest of your day.",
            "Okay, you have a great evening.",
            "Thanks, and enjoy the rest of your week.",
        ),
    )
    if d.chance(0.3):
        call.ivr(
            d.pick(
                "Please stay on the line to take a brief survey about your experience.",
                "Before you go, please rate your call today. Press 1 if you were satisfied.",
                "Thank you. A short survey will follow.",
            )
        )
    if d.chance(0.3):
        call.note(d.pick("[call ended]", "[end of call]", "[disconnected]", "[caller hung up]"))
