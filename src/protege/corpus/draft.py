"""The ``Draft``: what a template writes with, and how ``expected`` stays honest.

A template never sets ``expected`` directly. It asks the draft to *write* a value
(``d.money("payoff_amount")``) and gets back the text to put in the source; the draft records
the key, the value and the exact surface string (the evidence). ``expected`` is then exactly the
set of values the text states, and tests check each evidence string is in the text and decodes
back to its value. Keys a template never writes stay ``None``.

The generator may *withhold* keys (``Scenario`` facts the template must not state, to produce the
``absent_fields`` hard case): ``d.says(key)`` is False for them and templates skip their lines.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeVar

from protege.contract.record import DATE_KEYS, MONEY_KEYS, RECORD_KEYS, LiabilityRecord
from protege.corpus.dates import (
    DATE_STYLES,
    PLAIN_DATE_STYLES,
    YEARLESS_STYLES,
    fmt_date,
    relative_phrases,
)
from protege.corpus.money import (
    MONEY_STYLES,
    UNUSUAL_MONEY_STYLES,
    fmt_money,
    fmt_rate,
    fraction_rate,
    short_spoken_money,
    spoken_digits,
    spoken_money,
    spoken_rate,
)
from protege.corpus.names import NEUTRAL_SERVICERS
from protege.corpus.noise import ocr_amount
from protege.corpus.scenario import Scenario

T = TypeVar("T")

# The hard cases of the corpus; each row lists those it exercises in ``tags``.
HARD_CASES: tuple[str, ...] = (
    "distractor_amounts",  # original amount, last payment, YTD interest, escrow disbursement, ...
    "other_account",  # another account of the same borrower, with its own number and balance
    "payoff_vs_balance",  # both a payoff amount and a principal balance are stated
    "relative_date",  # "good through the 14th", "valid ten days from today"
    "date_formats",  # dates beyond the plain "March 4, 2025" / "03/04/2025"
    "amount_formats",  # amounts without "$" or thousands commas, "USD" suffix, ...
    "spoken_numbers",  # "eighteen thousand two hundred forty-one dollars", "four four two one"
    "rep_correction",  # a rep misstates a figure and corrects it
    "caller_correction",  # a caller states a wrong figure that the rep corrects
    "absent_fields",  # a fact the account has is not in the source: its key is null
    "past_due_zero",  # the source says explicitly that nothing is past due
    "past_due_unmentioned",  # past due is never mentioned: null, not 0
    "ocr_noise",  # OCR confusions in scanned text: S1,234.5O
    "long_noisy",  # ~5,000 characters of holds, IVR and small talk around the facts
    "short_source",  # a very short source (a text message, a one-line chat)
)

LONG_SOURCE_CHARS = 4000  # "very long noisy transcripts (~5,000 characters)"
SHORT_SOURCE_CHARS = 300  # a text message or a one-line chat

# Per type, the contract keys a source about that account could state.
APPLICABLE: dict[str, frozenset[str]] = {
    "credit_card": frozenset(RECORD_KEYS)
    - {"payoff_amount", "payoff_good_through", "per_diem", "escrow_balance"},
    "mortgage": frozenset(RECORD_KEYS) - {"credit_limit"},
}
_LOAN_KEYS = frozenset(RECORD_KEYS) - {"credit_limit", "escrow_balance"}
for _t in ("auto_loan", "student_loan", "personal_loan"):
    APPLICABLE[_t] = _LOAN_KEYS

# Words that name each liability type, for ``Draft.product``.
PRODUCT_WORDS: dict[str, tuple[str, ...]] = {
    "auto_loan": (
        "auto loan",
        "car loan",
        "vehicle loan",
        "auto financing",
        "retail installment contract",
    ),
    "mortgage": ("mortgage", "home loan", "mortgage loan", "first mortgage"),
    "credit_card": ("credit card", "card account", "Visa card", "Mastercard account"),
    "student_loan": ("student loan", "education loan", "private student loan"),
    "personal_loan": (
        "personal loan",
        "personal installment loan",
        "signature loan",
        "unsecured personal loan",
    ),
}


@dataclass(frozen=True)
class Evidence:
    """Where the text states a value: the exact surface and how it is written."""

    key: str
    surface: str
    form: str  # written | spoken | ocr | relative | zero_phrase | product | last4


# How servicers print a full (or masked) account number: as one run of digits, or as groups
# split by dashes or spaces that end with the last four, sometimes behind a short letter code
# for the product or branch.
_PREFIXES = ("", "", "", "LN-", "AC", "ML ", "A-")


def grouped(number: str, rng: random.Random, codes: bool = True) -> str:
    """``number`` as a servicer may print it: whole, or its last four digits as the last group
    and the digits before them cut into one to three near-equal groups, joined by a dash or a
    space, perhaps behind a letter code."""
    groups = rng.choice((0, 0, 1, 2, 2, 3))
    if not groups:
        return number
    head = number[:-4]
    size = -(-len(head) // groups)  # ceiling: the groups before the last four
    parts = [head[at : at + size] for at in range(0, len(head), size)]
    prefix = rng.choice(_PREFIXES) if codes else ""
    return prefix + rng.choice(("-", "-", " ")).join([*parts, number[-4:]])


@dataclass
class Draft:
    """A source being written: the scenario, a seeded RNG, and what has been stated so far."""

    s: Scenario
    rng: random.Random
    withheld: frozenset[str] = frozenset()
    fullness: float = 0.0  # how far optional facts move toward always stated (``offers``)
    fields: dict[str, Any] = field(default_factory=dict)
    evidence: list[Evidence] = field(default_factory=list)
    tags: set[str] = field(default_factory=set)
    skipped: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        # the generator keeps names that could reveal a withheld type out of the scenario
        if "liability_type" in self.withheld and (
            self.s.servicer not in NEUTRAL_SERVICERS
            or self.s.other_account_product == "credit card"
        ):
            raise ValueError("liability_type is withheld but the scenario names the product")

    # --- choosing -------------------------------------------------------------------------
    def pick(self, *options: T) -> T:
        """One of ``options``, chosen with the row's RNG."""
        return self.rng.choice(options)

    def chance(self, p: float) -> bool:
        """True with probability ``p``."""
        return self.rng.random() < p

    def offers(self, key: str, p: float) -> bool:
        """Whether the source states the optional fact ``key`` here: it may (``says``) and a
        draw with ``p`` raised toward 1 by the row's ``fullness`` succeeds. A row of fullness 0
        states it with probability ``p``; one of fullness 1 always does."""
        return self.says(key) and self.chance(p + (1.0 - p) * self.fullness)

    def tag(self, *names: str) -> None:
        """Mark the row as exercising hard cases (each must be in ``HARD_CASES``)."""
        for name in names:
            if name not in HARD_CASES:
                raise ValueError(f"unknown hard-case tag {name!r}")
            self.tags.add(name)

    @property
    def lender(self) -> str:
        """The servicer's name as the source prints it. Safe when ``liability_type`` is withheld:
        the generator then gives the scenario a neutral servicer (``names.NEUTRAL_SERVICERS``),
        so the name never reveals the product (checked in ``__post_init__``)."""
        return self.s.servicer

    def says(self, key: str) -> bool:
        """Whether the source may state ``key``: the scenario has it and it is not withheld."""
        if getattr(self.s, key, None) is None:
            return False
        if key in self.withheld:
            self.skipped.add(key)
            return False
        return True

    # --- recording ------------------------------------------------------------------------
    def _record(self, key: str, value: Any, surface: str, form: str) -> str:
        if key not in RECORD_KEYS:
            raise KeyError(key)
        if key in self.withheld:
            raise ValueError(f"{key} is withheld from this source: check d.says({key!r}) first")
        if key in self.fields and self.fields[key] != value:
            raise ValueError(f"{key} stated as both {self.fields[key]!r} and {value!r}")
        self.fields[key] = value
        self.evidence.append(Evidence(key, surface, form))
        return surface

    def state(self, key: str, surface: str, form: str = "written") -> str:
        """Record that ``surface`` states the scenario's value of ``key``; return ``surface``."""
        return self._record(key, getattr(self.s, key), surface, form)

    # --- writing values -------------------------------------------------------------------
    def fmt(self, value: Decimal, style: str | None = None) -> str:
        """Write an amount that is *not* a record value (a distractor, a subtotal); tags the
        row ``distractor_amounts``."""
        self.tag("distractor_amounts")
        return fmt_money(value, style or self.pick(*MONEY_STYLES))

    def money(self, key: str, style: str | None = None, ocr: bool = False) -> str:
        """Write the scenario's ``key`` amount (random style unless given) and record it."""
        assert key in MONEY_KEYS, key
        style = style or self.pick(*MONEY_STYLES)
        if style in UNUSUAL_MONEY_STYLES:
            self.tag("amount_formats")
        surface = fmt_money(getattr(self.s, key), style)
        if ocr:
            noisy = ocr_amount(surface, self.rng)
            if noisy != surface:
                self.tag("ocr_noise")
                return self._record(key, getattr(self.s, key), noisy, "ocr")
        return self.state(key, surface)

    def spoken_money(self, key: str) -> str:
        """Say the scenario's ``key`` amount in words and record it: in full ("... dollars and
        sixteen cents"), or, two times in five where it reads unambiguously, as figures are read
        aloud ("four eighty-six fifty")."""
        self.tag("spoken_numbers")
        value = getattr(self.s, key)
        short = short_spoken_money(value)
        said = short if short is not None and self.chance(0.4) else spoken_money(value)
        return self.state(key, said, "spoken")

    def rate(self, style: str | None = None, spoken: bool = False) -> str:
        """Write the interest rate (the note rate, or the purchase APR for cards)."""
        if spoken:
            self.tag("spoken_numbers")
            fraction = fraction_rate(self.s.interest_rate)
            said = fraction if fraction and self.chance(0.5) else spoken_rate(self.s.interest_rate)
            return self.state("interest_rate", said, "spoken")
        style = style or self.pick("pct", "pct", "pct3", "percent", "pct_space")
        return self.state("interest_rate", fmt_rate(self.s.interest_rate, style))

    def date(self, key: str, style: str | None = None) -> str:
        """Write the scenario's ``key`` date (random style unless given) and record it."""
        assert key in DATE_KEYS, key
        day: dt.date = getattr(self.s, key)
        style = style or self.pick(*DATE_STYLES)
        # a date without a year means its next occurrence on or after as_of (the contract)
        if style in YEARLESS_STYLES and not 0 <= (day - self.s.as_of).days < 365:
            style = "long"
        if style not in PLAIN_DATE_STYLES:
            self.tag("date_formats")
        return self.state(key, fmt_date(day, style))

    def relative_date(self, key: str) -> str | None:
        """A phrase resolving ``key``'s date against ``as_of`` ("for ten days", "through the
        14th"), recorded; None when the date is too far out to say so (write it instead)."""
        phrases = relative_phrases(getattr(self.s, key), self.s.as_of)
        if not phrases:
            return None
        self.tag("relative_date")
        return self.state(key, self.pick(*phrases), "relative")

    def last4(self, style: str | None = None) -> str:
        """Refer to the account number (masked, full, "ending in", or spoken) and record its
        last four digits."""
        number, last4 = self.s.account_number, self.s.last4
        style = style or self.pick("ending", "masked", "stars", "full", "x", "dots")
        surfaces = {
            "ending": self.pick(f"ending in {last4}", f"ending {last4}", f"ending with {last4}"),
            "masked": grouped("X" * (len(number) - 4) + last4, self.rng, codes=False),
            "stars": f"****{last4}",
            "full": grouped(number, self.rng),
            "x": f"x{last4}",
            "dots": f"...{last4}",
            "spoken": f"ending in {spoken_digits(last4)}",
        }
        if style == "spoken":
            self.tag("spoken_numbers")
        return self._record("account_last4", last4, surfaces[style], "last4")

    def product(self, word: str | None = None) -> str:
        """Name the product (which states ``liability_type``); a random word unless given.

        When ``liability_type`` is withheld, returns a neutral word ("account", "loan") that
        does not reveal the type, and records nothing.
        """
        if not self.says("liability_type"):
            return (
                "account"
                if self.s.liability_type == "credit_card"
                else self.pick("loan", "account")
            )
        word = word or self.pick(*PRODUCT_WORDS[self.s.liability_type])
        return self._record("liability_type", self.s.liability_type, word, "product")

    def past_due(self, zero_phrase: str | None = None) -> str:
        """State the past-due amount: an amount, or for zero an explicit phrase (tagged)."""
        if self.s.past_due_amount == 0:
            self.tag("past_due_zero")
            phrase = zero_phrase or self.pick(
                "$0.00", "nothing past due", "no past due amount", "$0.00 past due", "0.00"
            )
            return self.state("past_due_amount", phrase, "zero_phrase")
        return self.money("past_due_amount")

    # --- the result -----------------------------------------------------------------------
    def record(self) -> LiabilityRecord:
        """The verified record: exactly the values written, ``None`` for the rest."""
        return LiabilityRecord(**self.fields)

    def finish_tags(self) -> list[str]:
        """Tags derived from what was (not) written, added to the template's own."""
        if self.skipped - self.fields.keys():
            self.tags.add("absent_fields")
        if "past_due_amount" not in self.fields:
            self.tags.add("past_due_unmentioned")
        if "payoff_amount" in self.fields and "current_balance" in self.fields:
            self.tags.add("payoff_vs_balance")
        return sorted(self.tags)

    def finish_length_tags(self, text: str) -> None:
        """Tag very long and very short sources."""
        if len(text) >= LONG_SOURCE_CHARS:
            self.tags.add("long_noisy")
        if len(text) < SHORT_SOURCE_CHARS:
            self.tags.add("short_source")
