"""How amounts, rates and account numbers are written and spoken in sources.

Every function here is pure: the caller passes the style (chosen with the row's seeded RNG), so
the same seed always yields the same text. ``UNUSUAL_MONEY_STYLES`` are the formats the
``amount_formats`` hard case covers (no dollar sign, no thousands separators, trailing USD).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

MONEY_STYLES: tuple[str, ...] = (
    "usd",  # $18,241.16
    "usd",  # (twice: the common case)
    "usd_space",  # $ 18,241.16
    "usd_nocomma",  # $18241.16
    "commas",  # 18,241.16
    "plain",  # 18241.16
    "usd_suffix",  # 18,241.16 USD
    "dollars",  # 18,241.16 dollars
)
UNUSUAL_MONEY_STYLES = frozenset({"usd_nocomma", "commas", "plain", "usd_suffix", "dollars"})

_ONES = [
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
_TENS = ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def cents(value: Decimal) -> Decimal:
    """Round to cents, half-up."""
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def fmt_money(value: Decimal, style: str = "usd") -> str:
    """Write an amount in one of ``MONEY_STYLES``."""
    value = cents(value)
    with_commas = f"{value:,.2f}"
    plain = f"{value:.2f}"
    formats = {
        "usd": f"${with_commas}",
        "usd_space": f"$ {with_commas}",
        "usd_nocomma": f"${plain}",
        "commas": with_commas,
        "plain": plain,
        "usd_suffix": f"{with_commas} USD",
        "dollars": f"{with_commas} dollars",
    }
    if style not in formats:
        raise ValueError(f"unknown money style {style!r}")
    return formats[style]


def number_words(n: int) -> str:
    """English words for a non-negative integer below one billion: 18241 -> 'eighteen thousand
    two hundred forty-one'."""
    if n < 0 or n >= 1_000_000_000:
        raise ValueError(f"number out of range: {n}")
    if n < 20:
        return _ONES[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return _TENS[tens] + (f"-{_ONES[ones]}" if ones else "")
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        return f"{_ONES[hundreds]} hundred" + (f" {number_words(rest)}" if rest else "")
    for size, name in ((1_000_000, "million"), (1000, "thousand")):
        if n >= size:
            high, rest = divmod(n, size)
            return f"{number_words(high)} {name}" + (f" {number_words(rest)}" if rest else "")
    raise AssertionError("unreachable")


def spoken_money(value: Decimal) -> str:
    """An amount as a rep would say it: 'eighteen thousand two hundred forty-one dollars and
    sixteen cents'."""
    value = cents(value)
    dollars = int(value)
    cent = int((value - dollars) * 100)
    words = f"{number_words(dollars)} dollar{'s' if dollars != 1 else ''}"
    if cent:
        words += f" and {number_words(cent)} cent{'s' if cent != 1 else ''}"
    return words


def short_spoken_money(value: Decimal) -> str | None:
    """An amount as reps read figures aloud, cents as a last pair of words and no "dollars":
    '14382.60' -> 'fourteen thousand three hundred eighty-two sixty', '486.50' -> 'four
    eighty-six fifty', '1949.22' -> 'nineteen forty-nine twenty-two'. None where that reading
    would be ambiguous (cents under ten, whole hundreds, amounts under $100)."""
    value = cents(value)
    dollars = int(value)
    cent = int((value - dollars) * 100)
    if cent < 10 or dollars < 100 or dollars % 100 == 0:
        return None
    if dollars >= 10_000:
        said = number_words(dollars)
    elif dollars >= 1000:
        high, low = divmod(dollars, 100)
        if high < 10 or low < 10:
            return None
        said = f"{number_words(high)} {number_words(low)}"  # "nineteen forty-nine"
    else:
        hundreds, rest = divmod(dollars, 100)
        if rest < 10:
            return None
        said = f"{_ONES[hundreds]} {number_words(rest)}"  # "four eighty-six"
    return f"{said} {number_words(cent)}"


# Rates quoted in eighths, as mortgage and student-loan rates often are.
_EIGHTHS = {
    1: "an eighth",
    2: "a quarter",
    3: "three eighths",
    4: "a half",
    5: "five eighths",
    6: "three quarters",
    7: "seven eighths",
}


def fraction_rate(rate: Decimal) -> str | None:
    """A rate in eighths said as a fraction: 6.125 -> 'six and an eighth percent'; None when
    the rate is not a whole number of eighths (or is a whole number)."""
    whole = int(rate)
    eighths = (rate - whole) * 8
    if whole < 1 or eighths != int(eighths) or not 0 < eighths < 8:
        return None
    return f"{number_words(whole)} and {_EIGHTHS[int(eighths)]} percent"


def spoken_digits(digits: str) -> str:
    """Digits read one by one: '4421' -> 'four four two one'."""
    return " ".join(_ONES[int(ch)] for ch in digits if ch.isdigit())


def fmt_rate(rate: Decimal, style: str = "pct") -> str:
    """A percentage rate: 'pct' 6.49%, 'pct3' 6.490%, 'percent' 6.49 percent, 'pct_space'
    6.49 %."""
    text = f"{rate.normalize():f}"
    if "." not in text:
        text += ".00"
    elif len(text.split(".")[1]) == 1:
        text += "0"
    formats = {
        "pct": f"{text}%",
        "pct3": f"{rate:.3f}%",
        "percent": f"{text} percent",
        "pct_space": f"{text} %",
    }
    if style not in formats:
        raise ValueError(f"unknown rate style {style!r}")
    return formats[style]


def spoken_rate(rate: Decimal) -> str:
    """A rate as spoken: 6.49 -> 'six point four nine percent'."""
    text = f"{rate.normalize():f}"
    whole, _, frac = text.partition(".")
    words = number_words(int(whole))
    if frac:
        words += " point " + spoken_digits(frac)
    return words + " percent"
