"""The machinery of call transcripts: the ``Call`` builder (speaker labels, timestamps,
disfluencies, ASR styling) and the phrasings that state values aloud.

Private to the transcript kinds. ``Call`` adds speech disfluencies (and, for machine
transcripts, lowercasing without punctuation) to everything *except* the surfaces the draft has
recorded and the strings passed through ``Call.keep``, so a filler never splits a recorded
value. The functions after ``Call`` write values through the ``Draft`` like any template.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from dataclasses import dataclass
from decimal import Decimal

from protege.corpus import names
from protege.corpus.dates import fmt_date, next_occurrence, ordinal
from protege.corpus.draft import Draft
from protege.corpus.money import fmt_rate, spoken_money, spoken_rate
from protege.corpus.noise import disfluent

CARD = "credit_card"
# Date styles a transcriber writes for something said aloud.
SPOKEN_DATE_STYLES = ("long", "ordinal", "ordinal", "month_day", "ordinal_of", "weekday")
_ASR_DROP = re.compile(r"[,.?!;:\"()\[\]]|—| - ")


@dataclass
class Beat:
    """One turn of a call: who speaks (or ``note`` for a bracketed event), what, and the
    silence or hold before it in seconds."""

    who: str
    text: str
    pause: int = 0


class Call:
    """A call being written: speaker labels, timestamps, and turns with disfluencies."""

    def __init__(
        self,
        d: Draft,
        *,
        labels: str | None = None,
        stamps: str | None = None,
        layout: str | None = None,
        flu: float | None = None,
        asr: bool = False,
        roles: dict[str, str] | None = None,
    ) -> None:
        s = d.s
        self.d = d
        self.typed = d.says("liability_type")
        self.co = d.lender
        self.rep2_name = d.pick(*[n for n in names.REP_NAMES if n != s.rep])
        self.asr = asr
        self.stamps = stamps or d.pick("none", "none", "bracket", "bare", "paren", "short")
        self.layout = layout or d.pick("inline", "inline", "inline", "block")
        self.flu = d.pick(0.04, 0.07, 0.1) if flu is None else flu  # fillers per word
        self.start = 0
        self.end = 0
        self.waiting = 0  # hold time not yet shown, added before the next turn
        self.beats: list[Beat] = []
        self.kept: set[str] = set()
        self._head: tuple[int, str, int, int, str] | None = None
        self.dob: dt.date | None = None
        self.labels = self._labels(labels or d.pick("title", "title", "caps", "names"), roles or {})

    def _labels(self, style: str, roles: dict[str, str]) -> dict[str, str]:
        d, s = self.d, self.d.s
        if style == "names":
            out = {
                "rep": s.rep,
                "rep2": self.rep2_name,
                "caller": d.pick(s.borrower, s.borrower_first),
            }
        elif style == "asr":
            n = d.pick(0, 1)
            name = d.pick("spk_{}", "Speaker {}", "S{}", "speaker_{}")
            out = {"rep": name.format(n), "rep2": name.format(n + 2), "caller": name.format(n + 1)}
            out["ivr"] = name.format(n + 3)
        else:
            rep = d.pick("Agent", "Representative", "Rep", "Agent")
            out = {
                "rep": rep,
                "rep2": d.pick(f"{rep} 2", self.rep2_name if rep == "Agent" else f"{rep} 2"),
                "caller": d.pick("Caller", "Customer", "Borrower", "Caller"),
            }
        out.setdefault("ivr", d.pick("IVR", "Automated", "System", "Automated Voice", "IVR"))
        out["other"] = "Other Party"
        out.update(roles)
        if style == "caps":
            out = {k: v.upper() for k, v in out.items()}
        return out

    # --- writing turns ----------------------------------------------------------------
    def keep(self, text: str) -> str:
        """Protect ``text`` (a distractor figure, a name) from fillers and ASR lowercasing."""
        self.kept.add(text)
        return text

    def speak(self, who: str, text: str, pause: int = 0) -> None:
        """Add a turn by ``who`` (rep, rep2, caller, other, ivr)."""
        # not every turn stumbles; reps, reading from a screen, stumble least
        p_turn = {"caller": 0.55, "other": 0.45, "ivr": 0.0}.get(who, 0.25)
        rate = 0.0
        if self.d.chance(p_turn):
            rate = min(self.flu, 0.04) if who in ("rep", "rep2") else self.flu
        self.beats.append(Beat(who, self.voice(text, rate), pause + self.waiting))
        self.waiting = 0

    def rep(self, text: str, pause: int = 0) -> None:
        """A turn by the servicer's representative."""
        self.speak("rep", text, pause)

    def rep2(self, text: str, pause: int = 0) -> None:
        """A turn by the representative the call was transferred to."""
        self.speak("rep2", text, pause)

    def caller(self, text: str, pause: int = 0) -> None:
        """A turn by the caller."""
        self.speak("caller", text, pause)

    def other(self, text: str, pause: int = 0) -> None:
        """A turn by a third party on the line."""
        self.speak("other", text, pause)

    def ivr(self, text: str, pause: int = 0) -> None:
        """A prompt of the automated phone system."""
        self.speak("ivr", text, pause)

    def note(self, text: str, pause: int = 0) -> None:
        """A bracketed event: [hold music], [transferring], [inaudible]."""
        self.beats.append(Beat("note", text.lower() if self.asr else text, pause + self.waiting))
        self.waiting = 0

    def add(self, beats: list[Beat]) -> None:
        """Append turns made by a snippet function."""
        for beat in beats:
            if beat.who == "note":
                self.note(beat.text, beat.pause)
            else:
                self.speak(beat.who, beat.text, beat.pause)

    def slot(self) -> None:
        """Mark a place where a template may later insert filler turns (``fill``)."""
        self.beats.append(Beat("slot", ""))

    def fill(self, beats: list[Beat]) -> None:
        """Insert ``beats`` at a random slot (voiced like any turn)."""
        slots = [i for i, beat in enumerate(self.beats) if beat.who == "slot"]
        at = self.d.pick(*slots)
        reps = [b.who for b in self.beats[:at] if b.who in ("rep", "rep2")]
        active = reps[-1] if reps else "rep"
        tail = self.beats[at:]
        self.beats = self.beats[:at]
        self.add([Beat(active if b.who == "rep" else b.who, b.text, b.pause) for b in beats])
        self.beats += tail

    def voice(self, text: str, rate: float) -> str:
        """Fillers (and ASR styling) on the parts of ``text`` that are not recorded values."""
        protected = {e.surface for e in self.d.evidence} | self.kept
        spans: list[tuple[int, int]] = []
        for surface in protected:
            start = text.find(surface)
            while surface and start >= 0:
                spans.append((start, start + len(surface)))
                start = text.find(surface, start + 1)
        out, pos = [], 0
        for start, end in sorted(spans):
            if start < pos:  # overlapping protected strings: extend the open span
                if end > pos:
                    out.append(text[pos:end])
                    pos = end
                continue
            out.append(self._loose(text[pos:start], rate))
            out.append(text[start:end])
            pos = end
        out.append(self._loose(text[pos:], rate, last=True))
        return "".join(out)

    def styled(self, text: str) -> str:
        """``text`` as this call's transcriber writes it (lowercase, unpunctuated for ASR)."""
        return " ".join(_ASR_DROP.sub(" ", text).lower().split()) if self.asr else text

    def _loose(self, chunk: str, rate: float, last: bool = False) -> str:
        if self.asr:
            # dropped punctuation leaves a space, so a value never runs into the next word
            # ("$7,092.31, but" -> "$7,092.31 but", not "$7,092.31but")
            chunk = _ASR_DROP.sub(" ", chunk)
        core = chunk.strip()
        if not core:
            return chunk if not self.asr else (" " if chunk and not last else "")
        lead = chunk[: len(chunk) - len(chunk.lstrip())]
        trail = chunk[len(chunk.rstrip()) :]
        if self.asr:
            lead, trail = lead[:1] and " ", "" if last else trail[:1] and " "
        if rate and core.count(" ") >= 4:
            # no filler after the final word of a turn
            head, _, tail = core.rpartition(" ") if last else (core, "", "")
            core = (
                disfluent(head, self.d.rng, rate) + (f" {tail}" if tail else "") if head else core
            )
        core = self.styled(core)
        return lead + core + trail

    # --- rendering --------------------------------------------------------------------
    def _stamp(self, t: int) -> str:
        h, rest = divmod(t, 3600)
        m, sec = divmod(rest, 60)
        if self.stamps == "bracket":
            return f"[{h:02d}:{m:02d}:{sec:02d}]"
        if self.stamps == "bare":
            return f"{h:02d}:{m:02d}:{sec:02d}"
        if self.stamps == "paren":
            return f"({h * 60 + m:02d}:{sec:02d})"
        if self.stamps == "short":
            return f"{h * 60 + m}:{sec:02d}"
        return ""

    def render(self) -> str:
        """The transcript body. Consecutive turns of one speaker with no pause between them
        are one segment, as diarized transcripts show them."""
        lines: list[str] = []
        t = self.start
        merged: list[Beat] = []
        for beat in self.beats:
            if beat.who == "slot":
                continue
            last = merged[-1] if merged else None
            if last and beat.who == last.who and beat.who not in ("note", "ivr") and not beat.pause:
                merged[-1] = Beat(last.who, f"{last.text} {beat.text}", last.pause)
            else:
                merged.append(beat)
        for beat in merged:
            t += beat.pause
            stamp = self._stamp(t)
            if beat.who == "note":
                lines.append(f"{stamp} {beat.text}".strip())
            elif self.layout == "block":
                lines.append(f"{self.labels[beat.who]}  {stamp}".rstrip() + "\n" + beat.text)
            elif self.stamps == "paren":
                lines.append(f"{self.labels[beat.who]} {stamp}: {beat.text}")
            else:
                lines.append(f"{stamp} {self.labels[beat.who]}: {beat.text}".strip())
            t += 2 + len(beat.text) // 15  # about 15 characters a second, plus a turn gap
        self.end = t
        return ("\n\n" if self.layout == "block" else "\n").join(lines)

    def text(self, queue: str | None = None) -> str:
        """The transcript, with a recording header when ``queue`` is given."""
        body = self.render()
        if queue is None:
            return body
        d, s = self.d, self.d.s
        if self._head is None:  # drawn once, so that re-rendering a call keeps its header
            self._head = (
                d.rng.randint(0, 2),
                f"{d.rng.randint(8, 18):02d}:{d.rng.randint(0, 59):02d}",
                d.rng.randint(10**7, 10**8 - 1),
                d.rng.randint(10000, 99999),
                d.pick("-" * 48, "=" * 30, "", "- - -"),
            )
        variant, clock, call_id, agent_id, rule = self._head
        mins, secs = divmod(self.end, 60)
        length = f"{mins // 60:02d}:{mins % 60:02d}:{secs:02d}"
        head = (
            [
                "CALL TRANSCRIPT",
                f"Date: {s.as_of:%m/%d/%Y} {clock} | Duration: {length} | Queue: {queue}",
                f"Agent: {s.rep} (ID {agent_id}) | Call ID: {call_id}",
                rule,
            ],
            [
                f"Recording {call_id} - {self.co} - {queue}",
                f"Call date: {s.as_of.isoformat()} {clock}   Direction: Inbound   Length: {length}",
                "",
            ],
            [
                f"=== {self.co} | Customer Care | recorded line ===",
                f"{fmt_date(s.as_of, 'short_month')} · {clock} · {length} · {queue}",
                "",
            ],
        )[variant]
        return "\n".join([*head, body])


def phone(d: Draft) -> str:
    """A fictional toll-free number (555-01xx is reserved for fiction)."""
    n = d.rng.randint(100, 199)
    return d.pick(f"1-800-555-0{n}", f"(888) 555-0{n}", f"877-555-0{n}")


def birth_date(call: Call) -> str:
    """The caller's date of birth (one per call), as they say it."""
    d = call.d
    if call.dob is None:
        call.dob = dt.date(d.rng.randint(1954, 2001), d.rng.randint(1, 12), d.rng.randint(1, 28))
    return fmt_date(call.dob, d.pick("us_slash", "long", "ordinal"))


def misread(value: Decimal, d: Draft) -> Decimal:
    """A figure someone might misread for ``value``: two digits swapped or one digit off."""
    text = f"{value:.2f}"
    digits = [i for i, ch in enumerate(text) if ch.isdigit()]
    pairs = [(a, b) for a, b in itertools.pairwise(digits) if b == a + 1]
    pairs = [(a, b) for a, b in pairs if text[a] != text[b] and not (a == 0 and text[b] == "0")]
    chars = list(text)
    if pairs and d.chance(0.6):
        a, b = d.pick(*pairs)
        chars[a], chars[b] = chars[b], chars[a]
    else:
        i = d.pick(*digits[1:]) if len(digits) > 3 else digits[-1]
        chars[i] = str((int(chars[i]) + d.pick(1, 2, 8, 9)) % 10)
    wrong = Decimal("".join(chars))
    return wrong if wrong != value and wrong > 0 else value + Decimal(100)


def misread_digits(digits: str, d: Draft) -> str:
    """Four digits with two swapped (or one changed): a caller misreading an account number."""
    for i in d.rng.sample(range(3), 3):
        if digits[i] != digits[i + 1]:
            return digits[:i] + digits[i + 1] + digits[i] + digits[i + 2 :]
    return digits[:3] + str((int(digits[3]) + 3) % 10)


def amount(d: Draft, value: Decimal, spoken: bool = False) -> str:
    """A distractor amount, written or said aloud (records nothing)."""
    if spoken:
        d.tag("distractor_amounts")
        return spoken_money(value)
    return d.fmt(value, d.pick("usd", "usd", "usd", "usd_nocomma", "dollars"))


def due_day(d: Draft) -> str | None:
    """'the 15th' for the next due date when that is unambiguous from ``as_of``, recorded
    (form relative); None otherwise."""
    day = d.s.next_payment_due_date
    if next_occurrence(d.s.as_of, day.day) != day or (day - d.s.as_of).days > 27:
        return None
    d.tag("relative_date")
    return d.state("next_payment_due_date", f"the {ordinal(day.day)}", "relative")


def due(d: Draft, spoken_ok: bool = True) -> str:
    """The next due date as a rep says it ("the 15th", "March 15th, 2025"), recorded."""
    phrase = due_day(d) if spoken_ok and d.chance(0.35) else None
    return phrase or d.date("next_payment_due_date", d.pick(*SPOKEN_DATE_STYLES))


def good_through(d: Draft) -> str:
    """'good through the 14th' / 'good for ten days' / 'good through March 14, 2025', recorded."""
    phrase = d.relative_date("payoff_good_through") if d.chance(0.55) else None
    if phrase:
        return f"{d.pick('good', 'good', 'valid')} {phrase}"
    return f"{d.pick('good through', 'good until', 'valid through')} " + d.date(
        "payoff_good_through", d.pick(*SPOKEN_DATE_STYLES, "us_slash")
    )


def pay_word(d: Draft) -> str:
    """What the regular payment is called for this product."""
    if d.s.liability_type == "credit_card":
        return "minimum payment"
    return d.pick("monthly payment", "regular payment", "payment", "monthly installment")


def said(d: Draft, key: str, p_spoken: float = 0.3) -> str:
    """A recorded amount as a transcriber writes it: usually figures, sometimes words."""
    if d.chance(p_spoken) and getattr(d.s, key) >= 1:
        return d.spoken_money(key)
    return d.money(key, d.pick("usd", "usd", "usd", "usd_nocomma", "dollars", "commas"))


def balance_name(d: Draft) -> str:
    """What the balance is called: the principal for loans, the current balance for cards."""
    if d.s.liability_type == CARD:
        return d.pick("current balance", "balance", "current balance")
    return d.pick("principal balance", "principal balance", "balance", "unpaid principal")


def rate_line(c: Call, spoken: bool = False) -> str:
    """The rate as a rep states it, with the APR or cash-advance APR beside it as distractors."""
    d, s = c.d, c.d.s
    rate = d.rate(spoken=spoken or d.chance(0.2))

    def say_rate(value: Decimal) -> str:
        return spoken_rate(value) if spoken else fmt_rate(value)

    if s.liability_type == CARD:
        line = f"Your purchase APR is {rate}"
        if s.cash_advance_apr is not None and d.chance(0.7):
            line += f", and cash advances are at {c.keep(say_rate(s.cash_advance_apr))}"
        return line + "."
    line = d.pick(f"Your interest rate is {rate}, fixed.", f"The note rate on that is {rate}.")
    if s.apr is not None and d.chance(0.6):
        line += (
            f" The APR on your disclosure was {c.keep(say_rate(s.apr))}, that includes the fees."
        )
    return line


def past_due_line(c: Call) -> str:
    """The past-due situation, stated (zero as a phrase)."""
    d = c.d
    if d.s.past_due_amount == 0:
        variant = d.pick(0, 1, 2)
        if variant == 0:
            return f"The account is current, there's {d.past_due('nothing past due')}."
        if variant == 1:
            return f"And you're {d.past_due(d.pick('not past due', 'all caught up'))}, by the way."
        return f"I show {d.past_due('no past due amount')}, so you're in good standing."
    return f"I do show {d.past_due()} past due on the account right now."


def payoff_quote(c: Call, who: str = "rep", correct: float = 0.2) -> None:
    """The payoff amount (maybe misread then corrected), its good-through date and per diem."""
    d, s = c.d, c.d.s
    if not d.says("payoff_amount"):
        return
    lead = d.pick(
        "Okay, your payoff amount is",
        "Alright, so the total payoff comes to",
        "To pay it off in full you'd need",
        "I'm showing a payoff of",
    )
    thru = f", {good_through(d)}" if d.says("payoff_good_through") else ""
    if d.chance(correct):
        d.tag("rep_correction")
        wrong = c.keep(amount(d, misread(s.payoff_amount or Decimal(0), d)))
        c.speak(who, f"{lead} {wrong}.")
        c.caller(
            d.pick(
                "Sorry, how much?", "Can you repeat that?", "Okay, hang on, let me write that down."
            )
        )
        c.speak(
            who,
            d.pick("Oh, wait, I misread that, I'm sorry.", "Actually, let me correct that,")
            + f" The payoff is {said(d, 'payoff_amount', 0.2)}{thru}.",
        )
    else:
        c.speak(who, f"{lead} {said(d, 'payoff_amount')}{thru}.")
    if d.offers("per_diem", 0.75):
        c.caller(d.pick("And if it gets there late?", "What if it takes longer than that?"))
        c.speak(who, f"Then add {said(d, 'per_diem', 0.25)} per day, that's the per diem interest.")
