"""The rule-based extractor: labels near values.

It is the floor every model must beat. The values come from ``protege.evidence``, the project's
one reader of money, rates, dates and last fours (spoken, OCR'd, relative). For each key the
extractor finds label phrases ("payoff amount", "escrow balance", "due date") and takes the first
candidate of the key's type that starts within a short window after the label, skipping labels
whose nearby words mark a distractor ("original", "available", "cash advance", "previous"). In
conversations (transcripts, chats) the *last* mention wins, since corrections come later.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from typing import Any

from protege.contract.record import RECORD_KEYS, Source
from protege.evidence import Candidate, find_candidates
from protege.evidence.money import is_zero_phrase

# label patterns per key; (?:...) groups only
_LABELS: dict[str, tuple[str, ...]] = {
    "payoff_amount": (
        r"total (?:amount )?(?:to|needed to) pay ?off",
        r"total payoff(?: amount)?",
        r"pay ?off amount",
        r"pay ?off (?:quote|figure|total|balance)",
        r"pay ?off is",
        r"pay ?off",
        r"pay (?:it|the loan|the account) off",
    ),
    "per_diem": (r"per diem(?: interest)?", r"daily interest(?: accrual)?", r"interest per day"),
    "escrow_balance": (
        r"escrow (?:account )?balance",
        r"current escrow",
        r"balance in (?:your )?escrow",
        r"held in escrow",
        r"escrow",
    ),
    "credit_limit": (r"credit limit", r"credit line", r"total (?:credit )?line", r"limit"),
    "past_due_amount": (
        r"past[- ]due amount",
        r"amount past[- ]due",
        r"past[- ]due",
        r"overdue(?: amount)?",
        r"delinquent amount",
        r"behind by",
    ),
    "next_payment_amount": (
        r"regular monthly payment",
        r"monthly payment(?: amount)?",
        r"minimum payment(?: due)?",
        r"min(?:imum)? (?:amount )?due",
        r"payment amount",
        r"regular payment",
        r"scheduled payment",
        r"installment(?: amount)?",
        r"current payment",
        r"amount due",
        r"payment of",
        r"payment",
    ),
    "current_balance": (
        r"unpaid principal(?: balance)?",
        r"principal balance",
        r"outstanding principal",
        r"current principal",
        r"new balance",
        r"statement balance",
        r"current balance",
        r"loan balance",
        r"principal",
        r"balance",
    ),
}
_NEGATIVE: dict[str, str] = {
    "current_balance": r"previous|prior|original|available|escrow|including interest|with interest|other|savings|checking|last|pay ?off|average|daily",
    "next_payment_amount": r"last|previous|total amount due|past|overdue|received|escrow portion|late|pay ?off",
    "credit_limit": r"cash|available|old|previous",
    "escrow_balance": r"payment|monthly|disburse|shortage|surplus|paid",
    "past_due_amount": r"late (?:fee|charge)",
    "payoff_amount": r"previous|prior|old|earlier|expired",
    "per_diem": "",
}
_RATE_LABEL = re.compile(r"note rate|interest rate|purchase apr|\bapr\b|\brate\b|interest", re.I)
_RATE_NEGATIVE = re.compile(r"cash|advance|penalty|promo|intro|balance transfer", re.I)
_DUE_LABEL = re.compile(
    r"(?:next )?payment due(?: date)?|due date|due on|due by|is due|due|next payment", re.I
)
_GOOD_LABEL = re.compile(
    r"good (?:through|thru|until|till|for)|valid (?:through|thru|until|for)|expires|good", re.I
)
_TYPES = (
    (r"student|education loan|school", "student_loan"),
    (r"mortgage|escrow|home loan|property|home equity|heloc", "mortgage"),
    (r"line of credit", "personal_loan"),  # the contract: a personal line of credit
    (r"credit card|\bvisa\b|mastercard|card account|\bcard\b|minimum payment", "credit_card"),
    (r"\bauto\b|vehicle|\bcar\b|\bvin\b|truck|retail installment", "auto_loan"),
    (r"personal|signature loan|installment loan", "personal_loan"),
)
# Labels before an account's last four, most specific first; the candidate must start within
# _LAST4_WINDOW characters after the label's end.
_LAST4_LABELS = (
    re.compile(
        r"ending in|ending|ends in|last (?:four|4)(?: digits)?(?: of [\w ]{0,20}?)?(?: is| are)?",
        re.I,
    ),
    re.compile(r"(?:account|acct|loan|card)\s*(?:number|no\.?|#)?", re.I),
)
_LAST4_WINDOW = 25
_MASK = re.compile(r"[X*•x.…]")  # a masked number: "****0932", "x0932", "...3390"
_PER_DAY = re.compile(r"\s*(?:per day|a day|each day|daily)\b", re.I)
_SAID_PER_DAY = re.compile(r"(?:per day|a day|each day|daily)$", re.I)  # inside a spoken span
_FULL_NUMBER = 8  # digits of an account number written out whole after "account"/"loan"/"card"


def _mentions(
    text: str, pattern: re.Pattern[str] | str, negative: str = ""
) -> Iterator[tuple[int, int]]:
    regex = pattern if isinstance(pattern, re.Pattern) else re.compile(pattern, re.I)
    neg = re.compile(negative, re.I) if negative else None
    for match in regex.finditer(text):
        before = text[max(0, match.start() - 30) : match.start()]
        if neg and (neg.search(before) or neg.search(match.group(0))):
            continue
        yield match.start(), match.end()


class _Values:
    """A source's candidates by type, and the label-window rule that picks among them."""

    def __init__(self, source: Source) -> None:
        self.text = source.text
        self.by_type: dict[str, list[Candidate]] = {}
        for candidate in find_candidates(source.text, source.as_of):
            self.by_type.setdefault(candidate.type, []).append(candidate)

    def after(
        self, value_type: str, end: int, window: int, words: bool = False, whole: bool = False
    ) -> Any:
        """The first candidate of ``value_type`` that reaches past ``end`` (a label's end) and
        starts within ``window`` characters of it. A candidate may contain its label ("APR
        24.99", "past due: None"). ``words``: a zero said in words ("nothing past due") counts
        too. ``whole``: only a masked or whole account number (a last four of a long run)."""
        for candidate in self.by_type.get(value_type, []):
            if candidate.end <= end or candidate.start >= end + window:
                continue
            span = self.text[candidate.start : candidate.end]
            if not words and candidate.type == "money" and is_zero_phrase(span):
                continue  # "all caught up" is a zero past due, not a zero balance
            if whole and not (_MASK.match(span) or len(re.sub(r"\D", "", span)) >= _FULL_NUMBER):
                continue  # "loan for the 2021 Honda": a year, not the account
            return candidate.value
        return None

    def find(
        self,
        labels: Sequence[str | re.Pattern[str]],
        negative: str,
        value_type: str,
        window: int,
        last: bool,
        words: bool = False,
        whole: bool = False,
    ) -> Any:
        """The value after the first label (in order of specificity) that has one; among that
        label's mentions the first, or in a conversation the last."""
        hits: list[tuple[int, Any]] = []
        for label in labels:
            text = label.pattern if isinstance(label, re.Pattern) else label
            pattern = re.compile(rf"\b(?:{text})\b", re.I)  # "pending" is not "ending"
            for start, end in _mentions(self.text, pattern, negative):
                value = self.after(value_type, end, window, words, whole)
                if value is not None:
                    hits.append((start, value))
            if hits and not last:
                break  # labels are in order of specificity: stop at the first that reads
        if not hits:
            return None
        hits.sort(key=lambda h: h[0])
        return hits[-1][1] if last else hits[0][1]

    def masked_last4(self) -> str | None:
        """The first last-four candidate written behind a mask ("****0932")."""
        for candidate in self.by_type.get("last4", []):
            if _MASK.match(self.text, candidate.start):
                return str(candidate.value)
        return None

    def per_day(self) -> Any:
        """The first amount followed by "per day" (a per diem without its label), or said with
        it ("three eighty-seven per day")."""
        for candidate in self.by_type.get("money", []):
            span = self.text[candidate.start : candidate.end]
            if _PER_DAY.match(self.text, candidate.end) or _SAID_PER_DAY.search(span):
                return candidate.value
        return None

    def any_zero(self) -> bool:
        """Whether the source says in words that nothing is past due."""
        return any(
            is_zero_phrase(self.text[c.start : c.end]) for c in self.by_type.get("money", [])
        )


def extract(source: Source) -> dict[str, Any]:
    """Extract a record (JSON-ready dict, contract key order) from one source."""
    values = _Values(source)
    text = source.text
    last = source.kind.value in ("transcript", "chat")
    out: dict[str, Any] = dict.fromkeys(RECORD_KEYS)
    lowered = text.lower()
    for type_pattern, name in _TYPES:
        if re.search(type_pattern, lowered):
            out["liability_type"] = name
            break
    last4 = values.find(_LAST4_LABELS[:1], "", "last4", _LAST4_WINDOW, last)
    last4 = last4 or values.masked_last4()
    last4 = last4 or values.find(_LAST4_LABELS[1:], "", "last4", _LAST4_WINDOW, False, whole=True)
    out["account_last4"] = last4
    for key, labels in _LABELS.items():
        zero = key == "past_due_amount"
        value = values.find(labels, _NEGATIVE.get(key, ""), "money", 60, last, words=zero)
        out[key] = None if value is None else float(value)
    if out["per_diem"] is None and (per_day := values.per_day()) is not None:
        out["per_diem"] = float(per_day)
    if out["past_due_amount"] is None and values.any_zero():
        out["past_due_amount"] = 0.0
    rate = values.find((_RATE_LABEL,), _RATE_NEGATIVE.pattern, "rate", 40, last)
    out["interest_rate"] = None if rate is None else float(rate)
    due = values.find((_DUE_LABEL,), r"past|pay ?off", "date", 45, last)
    out["next_payment_due_date"] = due.isoformat() if due else None
    if out["payoff_amount"] is not None:
        good = values.find((_GOOD_LABEL,), "", "date", 45, last)
        out["payoff_good_through"] = good.isoformat() if good else None
    else:
        out["per_diem"] = None
    if out["liability_type"] != "credit_card":
        out["credit_limit"] = None
    if out["liability_type"] != "mortgage":
        out["escrow_balance"] = None
    return out


def extract_output(source: Source) -> str:
    """The extractor's output as a model would give it: compact JSON text."""
    return json.dumps(extract(source), separators=(",", ":"))
