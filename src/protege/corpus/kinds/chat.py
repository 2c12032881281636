"""Chat sources with a servicer: live chat with an agent, a menu chatbot with quick-reply buttons,
a bot that hands over to an agent, and chats where the agent or the customer gets a figure wrong.

Chats outside the servicer's own widget (SMS, colleagues on Slack/Teams, a budgeting app's
assistant, a voice assistant, one-line chats) live in ``_chat_apps`` and are registered from here.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from protege.corpus.dates import fmt_date, ordinal
from protege.corpus.draft import Draft
from protege.corpus.kinds import _chat_apps  # noqa: F401  (registers the app and SMS chats)
from protege.corpus.kinds._messaging import (
    clock,
    due_text,
    good_through_text,
    misread_digits,
    misstate,
    other_account,
    other_account_balance,
)
from protege.corpus.registry import template


class Transcript:
    """A chat being written: speaker labels, a clock, and the lines so far."""

    def __init__(self, d: Draft, agent: str, customer: str, stamp: str | None = None) -> None:
        self.d = d
        self.agent = agent
        self.customer = customer
        self.tick: Callable[[int], str] = clock(d.rng)
        self.stamp = stamp or d.pick(
            "[{t}] {who}: {msg}", "{who} ({t}): {msg}", "{t}  {who}: {msg}", "{who} [{t}]\n{msg}"
        )
        self.system_style = d.pick("--- {m} ---", "[{t}] {m}", "*** {m} ***", "{t} {m}")
        self.lines: list[str] = []

    def say(self, who: str, msg: str, gap: int = 30) -> None:
        """Add one message ``gap`` seconds (or a little more) after the previous one."""
        self.lines.append(self.stamp.format(t=self.tick(gap), who=who, msg=msg))

    def agent_says(self, msg: str, gap: int = 40) -> None:
        self.say(self.agent, msg, gap)

    def customer_says(self, msg: str, gap: int = 25) -> None:
        self.say(self.customer, msg, gap)

    def system(self, msg: str, gap: int = 5) -> None:
        """A system line ('Agent Tanya has joined the chat')."""
        self.lines.append(self.system_style.format(t=self.tick(gap), m=msg))


def _customer_label(d: Draft) -> str:
    return d.pick(d.s.borrower_first, "You", "Customer", d.s.borrower, "Me")


def _agent_label(d: Draft) -> str:
    rep = d.s.rep
    return d.pick(rep, f"Agent {rep}", f"{rep} (Agent)", f"{rep} - {d.lender}", rep.upper())


def _balance_label(d: Draft) -> str:
    if d.s.liability_type == "credit_card":
        return d.pick("current balance", "balance")
    return d.pick("principal balance", "current principal balance", "unpaid principal", "balance")


@template("chat", "live_agent_chat")
def live_agent_chat(d: Draft) -> str:
    """A website live chat: queue message, 'Agent Tanya has joined the chat', identity check
    with the SSN's last four, then the figures asked for (a payoff is sometimes refused: only in
    writing); sometimes another account comes up."""
    s = d.s
    name = d.lender
    card = s.liability_type == "credit_card"
    c = Transcript(d, _agent_label(d), _customer_label(d))
    header = [
        d.pick(
            f"Chat transcript - {name}", f"{name} Live Chat", f"Conversation with {name} Support"
        ),
        f"{d.pick('Started', 'Date', 'Chat started')}: {fmt_date(s.as_of, d.pick('long', 'us_slash', 'weekday'))}",
        "",
    ]
    want_payoff = not card and d.offers("payoff_amount", 0.55)
    opener = (
        d.pick(
            "hi i need a payoff quote",
            "Hello, how much would it take to pay off my loan?",
            "payoff amount please",
        )
        if want_payoff
        else d.pick(
            "hi can you tell me my balance and when my next payment is due",
            "Hello, I have a question about my account",
            "need my balance",
        )
    )
    c.system(
        d.pick(
            "Thanks for contacting us. An agent will be with you shortly.",
            f"You are number {d.rng.randint(1, 6)} in line.",
        ),
        0,
    )
    c.customer_says(opener, 10)
    c.system(f"Agent {s.rep} has joined the chat", d.rng.randint(40, 300))
    c.agent_says(
        f"Hi{' ' + s.borrower_first if d.chance(0.6) else ''}, my name is {s.rep}. {d.pick('I can help with that.', 'Happy to help!', 'Thanks for waiting.')} Can you verify the last 4 of your SSN and your ZIP code?"
    )
    c.customer_says(f"{s.ssn_last4} {d.pick('and', ',', '/')} {s.zip_code}")
    product = d.product()
    if d.says("account_last4"):
        c.agent_says(
            f"Thank you. I have your {product} {d.last4(d.pick('ending', 'x', 'stars'))} pulled up."
        )
    else:
        c.agent_says(f"Thank you, I've located your {product}.")
    if s.vin and d.offers("liability_type", 0.4):
        c.agent_says(
            f"Just to confirm, this is for the {s.collateral}, VIN ending in {s.vin[-4:]}?"
        )
        c.customer_says(d.pick("yes", "yep thats the one", "Yes, that's right"))
    for _ in range(d.pick(0, 0, 1, 2)):
        c.agent_says(
            d.pick(
                "One moment while I pull up those figures.",
                "Thank you for your patience, the system is a little slow today.",
                "I'm still looking, this will take just a minute.",
                "Please stay connected, I'm reviewing the account.",
            ),
            d.rng.randint(40, 150),
        )
        if d.chance(0.4):
            c.customer_says(d.pick("ok", "np", "sure", "still here"))
    if want_payoff and d.chance(0.2):  # no payoffs in chat: the payoff keys stay null
        d.tag("absent_fields")
        c.agent_says(
            d.pick(
                "I'm sorry, I'm not able to provide payoff figures over chat. You can request an official payoff letter under Account Services > Payoff Quote, it's usually ready within one business day.",
                "For security reasons payoff amounts are only provided in writing. I've submitted a payoff letter request for you; it will be emailed to the address on file.",
            ),
            60,
        )
        if d.offers("current_balance", 0.6):
            c.customer_says(
                d.pick("can you at least tell me the balance?", "ok what's the balance then")
            )
            c.agent_says(
                f"Your {_balance_label(d)} is {d.money('current_balance')}, but the payoff will be higher because interest is added through the payoff date."
            )
    elif want_payoff:
        msg = f"Your payoff amount is {d.money('payoff_amount')}"
        if d.says("payoff_good_through"):
            msg += f", {good_through_text(d, 0.45)}"
        c.agent_says(msg + ".", 60)
        if d.offers("per_diem", 0.6):
            c.agent_says(f"After that, add {d.money('per_diem')} per day.", 10)
        if d.offers("current_balance", 0.5):
            c.customer_says(
                d.pick(
                    "why is that more than my balance?",
                    "hm, the app shows a lower number",
                    "is that different from the principal?",
                )
            )
            c.agent_says(
                f"The {_balance_label(d)} is {d.money('current_balance')}; the payoff also includes interest through the payoff date{' and a payoff fee' if s.payoff_fee else ''}."
            )
    else:
        if d.says("current_balance"):
            c.agent_says(f"Your {_balance_label(d)} is {d.money('current_balance')}.", 60)
        if d.says("next_payment_amount"):
            msg = f"Your next {'minimum payment' if card else 'payment'} is {d.money('next_payment_amount')}"
            if d.says("next_payment_due_date"):
                msg += f", due {due_text(d, 0.4)}"
            c.agent_says(msg + ".", 15)
        if d.offers("past_due_amount", 0.5):
            if s.past_due_amount == 0:
                c.agent_says(
                    f"There is {d.past_due(d.pick('nothing past due', 'no past due amount'))} on the account."
                )
            else:
                since = (
                    f" from the {ordinal(s.next_payment_due_date.day)} of last month"
                    if d.says("next_payment_due_date")
                    else ""
                )
                c.agent_says(f"I also see {d.past_due()} past due{since}.")
        if card and d.offers("credit_limit", 0.6):
            c.customer_says("and my limit?")
            c.agent_says(f"Your credit limit is {d.money('credit_limit')}.")
        if s.escrow_balance is not None and d.offers("escrow_balance", 0.5):
            c.customer_says("how much is in escrow right now?")
            c.agent_says(
                f"Your escrow balance is {d.money('escrow_balance')}. The monthly escrow portion of your payment is {d.fmt(s.escrow_monthly or Decimal(0))}."
            )
    if d.chance(0.3):
        other = other_account(d)
        if other:
            c.agent_says(
                f"I also see you have a {other[0]} {other[1]} with us. Did you need anything on that one?"
            )
            c.customer_says(
                f"no. thats the one with like {other_account_balance(d)} right? not worried about it"
                if d.chance(0.4)
                else d.pick("no just this one", "nope, thanks")
            )
    if d.offers("interest_rate", 0.35):
        c.customer_says("whats my interest rate again?")
        c.agent_says(f"Your {'purchase APR' if card else 'interest rate'} is {d.rate()}.")
    c.agent_says("Is there anything else I can help you with today?")
    c.customer_says(d.pick("no thats it thanks", "No, thank you!", "thats all", "ok thx"))
    c.system(
        d.pick(f"{s.rep} has left the chat", "Chat ended", "The agent has ended the chat session"),
        20,
    )
    return "\n".join(header + c.lines)


def _buttons(d: Draft, *labels: str) -> str:
    style = d.s.extras.setdefault("button_style", d.pick("[ {} ]", "({})", "<{}>", "[{}]"))
    if style == "[{}]" and d.chance(0.3):
        return "Quick replies: " + " | ".join(labels)
    return "  ".join(style.format(label) for label in labels)


@template("chat", "chatbot_quick_replies")
def chatbot_quick_replies(d: Draft) -> str:
    """A menu chatbot: greeting with quick-reply buttons, the customer tapping them, each answer a
    short card of figures followed by more buttons."""
    s = d.s
    card = s.liability_type == "credit_card"
    bot = d.pick("Ava", "Max", "Penny", "Skye", "Virtual Assistant", "Eno")
    me = d.pick("You", "Me", s.borrower_first)
    name = d.lender
    menu = (
        ["Balance & credit", "Minimum payment", "Rewards", "Talk to a person"]
        if card
        else ["Account balance", "Payment info", "Payoff quote", "Talk to a person"]
    )
    product = d.product()
    acct = f" {d.last4(d.pick('ending', 'x', 'stars'))}" if d.says("account_last4") else ""
    lines = [
        f"{bot}: Hi {s.borrower_first}! I'm {bot}, {name}'s virtual assistant.",
        f"{bot}: {d.pick('You are signed in to', 'I see you are asking about', 'Account selected:')} "
        f"{d.pick('your ', '')}{product}{acct}. What can I help you with?",
        _buttons(d, *menu),
    ]
    order = [0, 1, 2] if d.chance(0.5) else [1, 0, 2]
    for step in order:
        if step == 0 and d.says("current_balance"):
            lines.append(f"{me}: {menu[0]}")
            facts = [f"{_balance_label(d).capitalize()}: {d.money('current_balance')}"]
            if card and d.says("credit_limit"):
                facts.append(f"Credit limit: {d.money('credit_limit')}")
                if s.available_credit is not None:
                    facts.append(f"Available credit: {d.fmt(s.available_credit)}")
            elif d.says("interest_rate") and d.chance(0.5):
                facts.append(f"Interest rate: {d.rate()}")
            lines.append(
                f"{bot}: {d.pick('Here you go:', 'Here is your balance summary:', 'Account summary')}"
            )
            lines += [f"  • {f}" for f in facts]
            lines.append(_buttons(d, menu[1], "Main menu"))
        elif step == 1 and d.says("next_payment_amount"):
            lines.append(f"{me}: {menu[1]}")
            msg = f"{bot}: Your next {'minimum payment' if card else 'payment'} of {d.money('next_payment_amount')}"
            msg += (
                f" is due {d.date('next_payment_due_date')}."
                if d.says("next_payment_due_date")
                else " is coming up."
            )
            if d.offers("past_due_amount", 0.6):
                msg += " " + (
                    f"You have {d.past_due('no past due amount')}."
                    if s.past_due_amount == 0
                    else f"Amount past due: {d.past_due()}."
                )
            lines.append(msg)
            lines.append(_buttons(d, "Make a payment", "Set up AutoPay", "Main menu"))
        elif step == 2 and not card and d.says("payoff_amount") and d.chance(0.6):
            lines.append(f"{me}: {menu[2]}")
            msg = f"{bot}: To pay off your {product} in full, send {d.money('payoff_amount')}"
            if d.says("payoff_good_through"):
                msg += f". This quote is {good_through_text(d, 0.4)}"
            lines.append(msg + ".")
            if d.offers("per_diem", 0.5):
                lines.append(
                    f"{bot}: After that date, interest adds {d.money('per_diem')} per day."
                )
            lines.append(_buttons(d, "Email me the payoff letter", "Main menu"))
    lines.append(f"{me}: {d.pick('No thanks', 'thats all', 'Main menu', 'bye')}")
    lines.append(
        f"{bot}: {d.pick('Thanks for chatting with us!', 'Glad I could help. Have a great day!', 'Anything else? Just type it below.')}"
    )
    return "\n".join(lines)


@template("chat", "bot_to_agent_transfer")
def bot_to_agent_transfer(d: Draft) -> str:
    """A bot answers first (a total with interest, or available credit), the customer asks for a
    person, the chat is transferred, and the agent gives the figures that matter."""
    s = d.s
    card = s.liability_type == "credit_card"
    name = d.lender
    c = Transcript(
        d, _agent_label(d), _customer_label(d), d.pick("[{t}] {who}: {msg}", "{t} | {who} | {msg}")
    )
    bot = d.pick("Virtual Assistant", "Bot", "Automated Assistant")
    c.say(bot, f"Welcome to {name}. Ask me a question in a few words.", 0)
    if card:
        c.customer_says(d.pick("how much can i still spend", "available credit"))
        if s.available_credit is not None and d.says("credit_limit"):
            c.say(bot, f"Your available credit is {d.fmt(s.available_credit)}.")
        else:
            c.say(
                bot, "I can help with payments, statements and rewards. What would you like to do?"
            )
    else:
        c.customer_says(d.pick("what do i owe", "total owed", "how much to pay it off"))
        if d.says("current_balance"):  # the total with interest only beside the principal
            total = d.fmt(s.current_balance + s.accrued_interest)
            c.say(
                bot,
                f"Your balance including accrued interest is {total}. For an official payoff quote, please speak with an agent.",
            )
        else:
            c.say(bot, "Payoff quotes are handled by our agents.")
    c.customer_says(
        d.pick("agent", "talk to a person", "representative please", "that's not what I asked")
    )
    c.say(bot, f"Connecting you to an agent. Estimated wait: {d.rng.randint(1, 9)} minutes.")
    c.system(
        d.pick(
            "Transferred to live agent",
            f"You're now chatting with {s.rep}",
            f"Agent {s.rep} has joined the chat",
        ),
        d.rng.randint(60, 420),
    )
    product = d.product()
    acct = f" {d.last4()}" if d.says("account_last4") else ""
    c.agent_says(
        f"Hi, this is {s.rep}. I see you were asking about your {product}{acct}. Let me look at that for you."
    )
    if card:
        if d.says("current_balance"):
            c.agent_says(f"Your current balance is {d.money('current_balance')}", 50)
        if d.says("credit_limit"):
            c.agent_says(
                f"and the credit limit is {d.money('credit_limit')}, so the available credit is what's left of that.",
                10,
            )
    else:
        if d.says("current_balance"):
            c.agent_says(
                f"The figure the assistant gave includes interest. Your {d.pick('principal balance', 'principal', 'unpaid principal balance')} is {d.money('current_balance')}.",
                50,
            )
        if d.says("payoff_amount"):
            msg = f"To pay it off completely you'd need {d.money('payoff_amount')}"
            if d.says("payoff_good_through"):
                msg += f", {good_through_text(d, 0.4)}"
            c.agent_says(msg + ".", 20)
            if d.offers("per_diem", 0.5):
                c.agent_says(f"Per diem is {d.money('per_diem')} if it arrives after that.", 10)
    if d.offers("next_payment_amount", 0.6):
        c.customer_says(
            d.pick("ok and my next payment?", "do I still need to make this month's payment?")
        )
        msg = f"{'Your minimum payment is' if card else 'Yes, your regular payment of'} {d.money('next_payment_amount')}"
        msg += (
            f"{'' if card else ' is'} due {due_text(d, 0.35)}."
            if d.says("next_payment_due_date")
            else "."
        )
        c.agent_says(msg)
    c.customer_says(d.pick("ok thank you", "great thanks", "got it"))
    c.system("Chat closed", 30)
    return "\n".join(c.lines)


def _correctable(d: Draft) -> list[str]:
    keys = [
        "current_balance",
        "next_payment_amount",
        "payoff_amount",
        "escrow_balance",
        "credit_limit",
    ]
    return [k for k in keys if d.says(k)]


_LABELS = {
    "current_balance": "balance",
    "next_payment_amount": "payment",
    "payoff_amount": "payoff",
    "escrow_balance": "escrow balance",
    "credit_limit": "credit limit",
}


@template("chat", "agent_typo_correction")
def agent_typo_correction(d: Draft) -> str:
    """An agent types a figure wrong (digits swapped, off by a round amount) and corrects it in
    the next message; only the corrected figure counts."""
    s = d.s
    card = s.liability_type == "credit_card"
    c = Transcript(d, _agent_label(d), _customer_label(d))
    keys = _correctable(d)
    wrong_key = d.pick(*keys) if keys else None
    product = d.product()
    c.customer_says(
        d.pick(
            f"Hi, can I get the numbers on my {product}?",
            f"hello - {product} question. balance + next payment?",
        ),
        0,
    )
    if d.says("account_last4"):
        c.agent_says(f"Sure! For the account {d.last4(d.pick('ending', 'x'))}:")
    else:
        c.agent_says("Sure, one moment while I pull that up.")
    for key in (
        "current_balance",
        "next_payment_amount",
        "payoff_amount",
        "escrow_balance",
        "credit_limit",
    ):
        if key not in keys or (key == "payoff_amount" and wrong_key != key and d.chance(0.5)):
            continue
        label = (
            _balance_label(d)
            if key == "current_balance"
            else ("minimum payment" if key == "next_payment_amount" and card else _LABELS[key])
        )
        if key == wrong_key:
            d.tag("rep_correction")
            wrong = misstate(getattr(s, key), d.rng)
            c.agent_says(f"{label.capitalize()}: {d.fmt(wrong)}")
            right = d.money(key)
            c.agent_says(
                d.pick(
                    f"Sorry, typo! {label.capitalize()} is {right}",
                    f"*{right} - apologies, I mistyped that",
                    f"Correction: the {label} is {right}, not what I typed above",
                    f"oops, that should read {right}",
                ),
                8,
            )
        else:
            c.agent_says(f"{label.capitalize()}: {d.money(key)}", 12)
        if key == "next_payment_amount" and d.says("next_payment_due_date"):
            c.agent_says(f"Due {due_text(d, 0.35)}", 6)
        if key == "payoff_amount" and d.says("payoff_good_through"):
            c.agent_says(f"That payoff is {good_through_text(d, 0.4)}.", 6)
    c.customer_says(
        d.pick("ok got it, thanks for fixing that", "thanks", "ok which one is right? the second?")
    )
    if d.chance(0.5):
        c.agent_says("Yes, the corrected figure is the right one. Sorry for the confusion!")
    return "\n".join(c.lines)


@template("chat", "customer_misstatement")
def customer_misstatement(d: Draft) -> str:
    """The customer states a figure (or the account's last digits, or the due day) wrong and the
    agent corrects it; the customer may mention another account of theirs."""
    s = d.s
    card = s.liability_type == "credit_card"
    c = Transcript(d, _agent_label(d), _customer_label(d))
    product = d.product()
    keys = _correctable(d)
    key = d.pick(*keys) if keys else None
    if d.offers("account_last4", 0.4):
        d.tag("caller_correction")
        c.customer_says(
            f"hi, question on my {product}, acct ending {misread_digits(s.last4, d.rng)}", 0
        )
        c.agent_says(
            f"I'm not finding that one - I do see a {product} {d.last4('ending')} under your name. Is that it?"
        )
        c.customer_says("yes sorry, thats it")
    else:
        c.customer_says(f"hi, question on my {product}", 0)
        c.agent_says("Sure, what can I help with?")
    if key is not None:
        d.tag("caller_correction")
        label = (
            _balance_label(d)
            if key == "current_balance"
            else ("minimum payment" if key == "next_payment_amount" and card else _LABELS[key])
        )
        wrong = misstate(getattr(s, key), d.rng)
        said, right = d.fmt(wrong), d.money(key)
        c.customer_says(
            d.pick(
                f"my {label} is {said} right?",
                f"I have {said} written down as the {label}, is that still right?",
                f"the {label} was {said} last time I checked",
            )
        )
        c.agent_says(
            d.pick(
                f"Actually, your {label} is {right}.",
                f"I show {right} for the {label}, not that figure.",
                f"Not quite - it's {right}.",
            )
        )
    if (
        d.says("next_payment_due_date")
        and d.says("next_payment_amount")
        and key != "next_payment_amount"
    ):
        due = s.next_payment_due_date
        wrong_day = (due.day + d.pick(5, 10, -3, -5) - 1) % 28 + 1
        if wrong_day != due.day and d.chance(0.6):
            d.tag("caller_correction")
            c.customer_says(f"and the payment is due on the {ordinal(wrong_day)}?")
            c.agent_says(
                f"Your payment of {d.money('next_payment_amount')} is due {d.date('next_payment_due_date')}."
            )
    if not card and d.says("payoff_amount") and key != "payoff_amount" and d.chance(0.4):
        c.customer_says("what would the payoff be")
        msg = f"Payoff is {d.money('payoff_amount')}"
        if d.says("payoff_good_through"):
            msg += f" {good_through_text(d, 0.5)}"
        c.agent_says(msg + ".")
    if d.chance(0.35):
        other = other_account(d)
        if other:
            c.customer_says(
                f"and my {other[0]} {other[1]} is at {other_account_balance(d)}, thats separate right?"
            )
            c.agent_says(
                f"Correct, that's a separate account. Today we're only looking at your {product}."
            )
    if d.offers("interest_rate", 0.3):
        c.agent_says(f"For reference, your {'purchase APR' if card else 'rate'} is {d.rate()}.")
    c.customer_says(d.pick("ok thanks for clearing that up", "got it", "thank you!"))
    return "\n".join(c.lines)
