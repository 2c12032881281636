"""Turn spoken numbers into digits so the rule-based extractor can read transcripts.

"eighteen thousand two hundred forty-one dollars and sixteen cents" -> "$18241.16",
"six point four nine percent" -> "6.49%", "ending in four four two one" -> "ending in 4421".
"""

from __future__ import annotations

import re

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
_UNITS["oh"] = 0
_TENS = {
    w: 10 * i
    for i, w in enumerate(
        ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
    )
    if w != "_"
}
_SCALES = {"hundred": 100, "thousand": 1000, "million": 1_000_000}
_NUMBER_WORD = "|".join([*_UNITS, *_TENS, *_SCALES])
_WORD = rf"(?:{_NUMBER_WORD})\b"
_NUMBER = rf"{_WORD}(?:[\s-]+(?:and\s+)?{_WORD})*"
_MONEY = re.compile(
    rf"\b(?P<dollars>{_NUMBER})\s+dollars?(?:\s+and\s+(?P<cents>{_NUMBER})\s+cents?)?\b",
    re.IGNORECASE,
)
_RATE = re.compile(
    rf"\b(?P<whole>{_NUMBER})\s+point\s+(?P<frac>(?:(?:{'|'.join(_UNITS)})\s*)+)\s*percent\b",
    re.IGNORECASE,
)
_DIGIT = "(?:" + "|".join(w for w in _UNITS if _UNITS[w] < 10) + r")\b"
_DIGIT_RUN = re.compile(rf"\b(?:{_DIGIT}[\s,-]+){{3,}}{_DIGIT}", re.IGNORECASE)


def words_to_int(text: str) -> int:
    """'two hundred forty-one' -> 241."""
    total, current = 0, 0
    for word in re.split(r"[\s-]+", text.lower()):
        if not word or word == "and":
            continue
        if word in _UNITS:
            current += _UNITS[word]
        elif word in _TENS:
            current += _TENS[word]
        elif word == "hundred":
            current = max(current, 1) * 100
        elif word in _SCALES:
            total += max(current, 1) * _SCALES[word]
            current = 0
        else:
            raise ValueError(word)
    return total + current


def digitize(text: str) -> str:
    """Replace spoken amounts, rates and digit runs with their digit forms."""

    def money(match: re.Match[str]) -> str:
        dollars = words_to_int(match.group("dollars"))
        cents = words_to_int(match.group("cents")) if match.group("cents") else 0
        return f"${dollars}.{cents:02d}"

    def rate(match: re.Match[str]) -> str:
        frac = "".join(str(_UNITS[w.lower()]) for w in match.group("frac").split())
        return f"{words_to_int(match.group('whole'))}.{frac}%"

    def digits(match: re.Match[str]) -> str:
        return "".join(str(_UNITS[w.lower()]) for w in re.split(r"[\s,-]+", match.group(0)) if w)

    text = _MONEY.sub(money, text)
    text = _RATE.sub(rate, text)
    return _DIGIT_RUN.sub(digits, text)
