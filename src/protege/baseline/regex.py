"""The rule-based extractor: labels near amounts, plus date parsing.

It is the floor every model must beat. For each key it finds label phrases ("payoff amount",
"escrow balance", "due date") and takes the first value of the right shape within a short window
after the label, skipping labels whose nearby words mark a distractor ("original", "available",
"cash advance", "previous"). Spoken numbers and OCR confusions are normalized first. In
conversations (transcripts, chats) the *last* mention wins, since corrections come later.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterator
from decimal import Decimal, InvalidOperation
from typing import Any

from protege.baseline.spoken import digitize, words_to_int
from protege.contract.record import RECORD_KEYS, Source

_MONTHS = {
    m: i + 1
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
    )
}
_MONTH = r"(?P<mon>jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_DATE_PATTERNS = (
    re.compile(rf"\b{_MONTH}\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<y>\d{{4}}))?", re.I),
    re.compile(
        rf"\b(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}(?:,?\s+(?P<y>\d{{4}}))?", re.I
    ),
    re.compile(rf"\b(?P<d>\d{{1,2}})-{_MONTH}-(?P<y>\d{{4}})", re.I),
    re.compile(r"\b(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})\b"),
    re.compile(r"\b(?P<m>\d{1,2})/(?P<d>\d{1,2})/(?P<y>\d{4}|\d{2})\b"),
)
_MONEY = re.compile(
    r"(?<![\w.,/-])(?P<usd>\$\s?)?(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d{2})?|\d+\.\d{2}|\d+)"
    r"(?![\d%/-])(?P<unit>\s?(?:USD|dollars))?"
)
_RATE = re.compile(r"(?P<num>\d{1,2}(?:\.\d{1,3})?)\s?(?:%|percent)", re.I)
_OCR = str.maketrans({"O": "0", "o": "0", "l": "1", "I": "1", "B": "8"})
_OCR_TOKEN = re.compile(r"(?<![A-Za-z])[S$]?[\dOolIB][\dOolIB,]*\.[\dOolIB]{2}(?![A-Za-z])")

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
_ZERO_PAST_DUE = re.compile(
    r"nothing (?:is )?past[- ]due|no past[- ]due|not past[- ]due|past[- ]due(?: amount)?:?\s*(?:\$\s?)?0(?:\.00)?\b|\bcurrent on (?:your|the) payments|no amount past",
    re.I,
)
_TYPES = (
    (r"student|education loan|school", "student_loan"),
    (r"mortgage|escrow|home loan|property", "mortgage"),
    (r"credit card|\bvisa\b|mastercard|card account|\bcard\b|minimum payment", "credit_card"),
    (r"\bauto\b|vehicle|\bcar\b|\bvin\b|truck|retail installment", "auto_loan"),
    (r"personal|signature loan|installment loan", "personal_loan"),
)
_LAST4 = (
    re.compile(
        r"(?:ending in|ending|ends in|last (?:four|4)(?: digits)?(?: of [\w ]{0,20}?)?(?: is| are)?:?)\s*#?\s*(\d{4})\b",
        re.I,
    ),
    re.compile(r"[X*•x]{2,}[\s-]?(\d{4})\b"),
    re.compile(r"\bx(\d{4})\b"),
    re.compile(r"(?:account|acct|loan|card)\s*(?:number|no\.?|#)?\s*:?\s*#?\s*(\d{8,17})\b", re.I),
)


def _prepare(text: str) -> str:
    text = digitize(text)
    return _OCR_TOKEN.sub(lambda m: m.group(0).translate(_OCR).replace("S", "$"), text)


def _money(segment: str) -> Decimal | None:
    for match in _MONEY.finditer(segment):
        num = match.group("num")
        if not (match.group("usd") or match.group("unit") or "." in num or "," in num):
            continue  # a bare integer is a count, a year or an id, not an amount
        try:
            return Decimal(num.replace(",", ""))
        except InvalidOperation:
            continue
    return None


def _date(segment: str, as_of: dt.date) -> dt.date | None:
    found: list[tuple[int, dt.date]] = []
    for pattern in _DATE_PATTERNS:
        for match in pattern.finditer(segment):
            parts = match.groupdict()
            try:
                month = _MONTHS[parts["mon"][:3].lower()] if parts.get("mon") else int(parts["m"])
                day = int(parts["d"])
                if parts.get("y"):
                    year = int(parts["y"])
                    year += 2000 if year < 100 else 0
                    found.append((match.start(), dt.date(year, month, day)))
                else:
                    candidate = dt.date(as_of.year, month, day)
                    if candidate < as_of:
                        candidate = dt.date(as_of.year + 1, month, day)
                    found.append((match.start(), candidate))
            except (ValueError, KeyError):
                continue
    return min(found)[1] if found else None


def _relative(segment: str, as_of: dt.date) -> dt.date | None:
    match = re.search(r"\b(\d{1,2}|[a-z-]+) days\b", segment, re.I)
    if match:
        word = match.group(1).lower()
        try:
            n = int(word) if word.isdigit() else words_to_int(word)
        except ValueError:  # "several days", "business days"
            n = 0
        if n:
            return as_of + dt.timedelta(days=n)
    match = re.search(r"the (\d{1,2})(?:st|nd|rd|th)\b", segment)
    if match:
        day = int(match.group(1))
        probe = as_of
        for _ in range(62):
            if probe.day == day:
                return probe
            probe += dt.timedelta(days=1)
    if re.search(r"\btomorrow\b", segment, re.I):
        return as_of + dt.timedelta(days=1)
    return None


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


def _find(
    text: str,
    labels: tuple[str, ...],
    negative: str,
    read: Callable[[str], Any],
    window: int,
    last: bool,
) -> Any:
    hits: list[tuple[int, Any]] = []
    for label in labels:
        for start, end in _mentions(text, rf"\b{label}\b", negative):
            value = read(text[end : end + window])
            if value is not None:
                hits.append((start, value))
        if hits and not last:
            break  # labels are in order of specificity: stop at the first that reads
    if not hits:
        return None
    hits.sort(key=lambda h: h[0])
    return hits[-1][1] if last else hits[0][1]


def extract(source: Source) -> dict[str, Any]:
    """Extract a record (JSON-ready dict, contract key order) from one source."""
    text = _prepare(source.text)
    last = source.kind.value in ("transcript", "chat")
    out: dict[str, Any] = dict.fromkeys(RECORD_KEYS)
    lowered = text.lower()
    for type_pattern, name in _TYPES:
        if re.search(type_pattern, lowered):
            out["liability_type"] = name
            break
    for last4_pattern in _LAST4:
        found = last4_pattern.search(text)
        if found:
            out["account_last4"] = found.group(1)[-4:]
            break
    for key, labels in _LABELS.items():
        value = _find(text, labels, _NEGATIVE.get(key, ""), _money, 60, last)
        out[key] = None if value is None else float(value)
    if out["per_diem"] is None:
        match = re.search(r"(\$\s?\d+\.\d{2})\s*(?:per day|a day|each day|daily)", text, re.I)
        if match:
            out["per_diem"] = float(match.group(1).replace("$", "").strip())
    if out["past_due_amount"] is None and _ZERO_PAST_DUE.search(text):
        out["past_due_amount"] = 0.0
    rates = list(_mentions(text, _RATE_LABEL, _RATE_NEGATIVE.pattern))
    for _start, end in reversed(rates) if last else rates:
        match = _RATE.search(text[end : end + 40])
        if match:
            out["interest_rate"] = float(match.group("num"))
            break
    due = _find(
        text, (_DUE_LABEL.pattern,), r"past|pay ?off", lambda s: _date(s, source.as_of), 45, last
    )
    out["next_payment_due_date"] = due.isoformat() if due else None
    if out["payoff_amount"] is not None:
        good = _find(
            text,
            (_GOOD_LABEL.pattern,),
            "",
            lambda s: _date(s, source.as_of) or _relative(s, source.as_of),
            45,
            last,
        )
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
