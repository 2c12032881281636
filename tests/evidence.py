"""An independent reader of evidence strings, for the corpus tests.

It decodes a surface the generator wrote ("eighteen thousand two hundred forty-one dollars and
sixteen cents", "through the 14th", "S1,234.5O") back to a value *without* using the
generator's own formatting code, so a generator bug cannot hide behind itself.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

_UNITS = {
    w: i
    for i, w in enumerate(
        [
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
        ]
    )
}
_TENS = {
    w: 10 * i
    for i, w in enumerate(
        ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
    )
    if w != "_"
}
_OCR = {"O": "0", "o": "0", "l": "1", "I": "1", "B": "8"}


def words_to_int(text: str) -> int:
    """'eighteen thousand two hundred forty-one' -> 18241."""
    total, current = 0, 0
    for word in text.replace("-", " ").split():
        if word in _UNITS:
            current += _UNITS[word]
        elif word in _TENS:
            current += _TENS[word]
        elif word == "hundred":
            current *= 100
        elif word in ("thousand", "million"):
            total += current * (1000 if word == "thousand" else 1_000_000)
            current = 0
        elif word == "and":
            continue
        else:
            raise ValueError(f"not a number word: {word!r}")
    return total + current


def _pair_value(word: str) -> int:
    """One word of 10-99 ('sixty', 'forty-nine', 'fifteen')."""
    value = words_to_int(word)
    if not 10 <= value <= 99 or " " in word:
        raise ValueError(f"not a two-digit word: {word!r}")
    return value


def spoken_amount(text: str) -> Decimal:
    """'... dollars and sixteen cents', or figures read aloud with the cents last: 'fourteen
    thousand three hundred eighty-two sixty', 'four eighty-six fifty', 'nineteen forty-nine
    twenty-two' -> Decimal."""
    match = re.fullmatch(r"(.+?) dollars?(?: and (.+?) cents?)?", text.strip())
    if match:
        cents = words_to_int(match.group(2)) if match.group(2) else 0
        return Decimal(words_to_int(match.group(1))) + Decimal(cents) / 100
    *head, last = text.split()
    cents = _pair_value(last)
    if not head:
        raise ValueError(f"not a spoken amount: {text!r}")
    if any(w in ("hundred", "thousand") for w in head):
        dollars = words_to_int(" ".join(head))
    elif len(head) == 2 and head[0] in _UNITS:  # "four eighty-six": hundreds, then a pair
        dollars = _UNITS[head[0]] * 100 + _pair_value(head[1])
    elif len(head) == 2:  # "nineteen forty-nine": two pairs
        dollars = _pair_value(head[0]) * 100 + _pair_value(head[1])
    else:
        raise ValueError(f"not a spoken amount: {text!r}")
    return Decimal(dollars) + Decimal(cents) / 100


def written_amount(text: str, ocr: bool = False) -> Decimal:
    """'$18,241.16', '18241.16 USD', 'S1,234.5O' (ocr) -> Decimal."""
    body = text.strip()
    for token in ("USD", "dollars", "$"):
        body = body.replace(token, "")
    if ocr:
        body = body.strip()
        if body.startswith("S"):
            body = body[1:]
        body = "".join(_OCR.get(ch, ch) for ch in body).replace("S", "5")
    body = body.replace(",", "").replace(" ", "")
    return Decimal(body)


_EIGHTHS = {
    "an eighth": 1,
    "a quarter": 2,
    "three eighths": 3,
    "a half": 4,
    "five eighths": 5,
    "three quarters": 6,
    "seven eighths": 7,
}


def rate(text: str) -> Decimal:
    """'6.49%', '6.490 %', '6.49 percent', 'six point four nine percent', 'six and an eighth
    percent' -> Decimal."""
    body = text.replace("percent", "").replace("%", "").strip()
    if re.fullmatch(r"[\d.]+", body):
        return Decimal(body)
    whole, sep, fraction = body.partition(" and ")
    if sep and fraction in _EIGHTHS:
        return Decimal(words_to_int(whole)) + Decimal(_EIGHTHS[fraction]) / 8
    whole, _, frac = body.partition(" point ")
    digits = "".join(str(_UNITS[w]) for w in frac.split())
    return Decimal(f"{words_to_int(whole)}.{digits or 0}")


_DATE_FORMATS = (
    "%B %d, %Y",
    "%m/%d/%Y",
    "%b %d, %Y",
    "%m/%d/%y",
    "%Y-%m-%d",
    "%d %B %Y",
    "%d-%b-%Y",
    "%A, %B %d, %Y",
)


def _next_on_or_after(as_of: dt.date, month: int, day: int) -> dt.date:
    candidate = dt.date(as_of.year, month, day)
    return candidate if candidate >= as_of else dt.date(as_of.year + 1, month, day)


def date(text: str, as_of: dt.date) -> dt.date:
    """Absolute dates in the corpus's formats, year-less ones by the contract's rule."""
    body = re.sub(r"(\d+)(st|nd|rd|th)\b", r"\1", text.strip())
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(body, fmt).date()
        except ValueError:
            pass
    match = re.fullmatch(r"(?:the )?(\d+) of (\w+)|(\w+) (\d+)", body)
    if match:
        day = int(match.group(1) or match.group(4))
        month = dt.datetime.strptime(match.group(2) or match.group(3), "%B").month
        return _next_on_or_after(as_of, month, day)
    raise ValueError(f"not a date: {text!r}")


_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def relative(text: str, as_of: dt.date) -> dt.date:
    """'for ten days', 'through the 14th', 'through tomorrow', 'through this Friday', 'through
    the end of the month', 'through the 5th of next month' -> a date after as_of."""
    if "tomorrow" in text:
        return as_of + dt.timedelta(days=1)
    weekday = re.search(r"this (\w+day)", text.lower())
    if weekday:
        target = _WEEKDAYS.index(weekday.group(1))
        return as_of + dt.timedelta(days=(target - as_of.weekday()) % 7)
    if "end of the month" in text:
        first_of_next = dt.date(as_of.year + as_of.month // 12, as_of.month % 12 + 1, 1)
        return first_of_next - dt.timedelta(days=1)
    next_month = re.search(r"the (\d+)(?:st|nd|rd|th) of next month", text)
    if next_month:
        return dt.date(
            as_of.year + as_of.month // 12, as_of.month % 12 + 1, int(next_month.group(1))
        )
    match = re.search(r"the (\d+)(?:st|nd|rd|th)", text)
    if match:
        day = int(match.group(1))
        probe = as_of
        while probe.day != day:
            probe += dt.timedelta(days=1)
        return probe
    match = re.search(r"(?:for (?:the next )?)?([\w-]+(?: [\w-]+)*?) days", text)
    if not match:
        raise ValueError(f"not a relative date: {text!r}")
    n = match.group(1).split()[-1]
    count = (
        int(n)
        if n.isdigit()
        else words_to_int(match.group(1).replace("for ", "").replace("the next ", ""))
    )
    return as_of + dt.timedelta(days=count)


_PRODUCT_WORDS = (
    ("student", "student_loan"),
    ("education", "student_loan"),
    ("mortgage", "mortgage"),
    ("home", "mortgage"),
    ("heloc", "mortgage"),
    ("card", "credit_card"),
    ("visa", "credit_card"),
    ("mastercard", "credit_card"),
    ("amex", "credit_card"),
    ("auto", "auto_loan"),
    ("car", "auto_loan"),
    ("vehicle", "auto_loan"),
    ("truck", "auto_loan"),
    ("retail installment", "auto_loan"),
    ("personal", "personal_loan"),
    ("signature", "personal_loan"),
    ("line of credit", "personal_loan"),  # after "home": a home equity line is a mortgage
)


def product(text: str) -> str:
    """The liability type a product phrase names."""
    lowered = text.lower()
    for word, kind in _PRODUCT_WORDS:
        if word in lowered:
            return kind
    raise ValueError(f"no product word in {text!r}")


def last4(text: str) -> str:
    """The last four digits referred to, written or spoken."""
    digits = "".join(ch for ch in text if ch.isdigit())
    if len(digits) < 4:
        digits = "".join(
            str(_UNITS[w]) for w in re.findall(r"[a-z]+", text) if w in _UNITS and _UNITS[w] < 10
        )
    return digits[-4:]
