"""Noise that real sources carry: OCR confusions in scanned statements, speech disfluencies in
call transcripts.

OCR confusions swap look-alike characters (``0``/``O``, ``1``/``l``, ``5``/``S``, ``$``/``S``);
a careful reader (the regex baseline, a model) still recovers the value, as a human would.
"""

from __future__ import annotations

import random

# look-alike substitutions an OCR engine makes in numbers
_OCR_SWAPS: dict[str, tuple[str, ...]] = {
    "0": ("O", "o"),
    "1": ("l", "I"),
    "5": ("S",),
    "8": ("B",),
    "$": ("S",),
}


def ocr_amount(text: str, rng: random.Random) -> str:
    """Corrupt one written amount with one or two OCR confusions (never the decimal point
    of the cents, so the value stays readable for a careful human)."""
    chars = list(text)
    cents_point = text.rfind(".")
    first_digit = next((i for i, ch in enumerate(chars) if ch.isdigit()), -1)
    candidates = [
        i
        for i, ch in enumerate(chars)
        if ch in _OCR_SWAPS
        and i != cents_point
        # "S" before a leading 5 would read as a dollar sign: S02.97 for 502.97
        and not (ch == "5" and i == first_digit)
        and not (ch == "$" and first_digit == i + 1 and chars[first_digit] == "5")
    ]
    if not candidates:
        return text
    for i in rng.sample(candidates, k=min(len(candidates), rng.choice((1, 1, 2)))):
        chars[i] = rng.choice(_OCR_SWAPS[chars[i]])
    return "".join(chars)


def ocr_line(line: str, rng: random.Random, rate: float = 0.03) -> str:
    """Light OCR noise on running text (not on values): swapped look-alikes, doubled spaces."""
    out = []
    for ch in line:
        roll = rng.random()
        if roll < rate and ch in "ilo":
            out.append({"i": "l", "l": "1", "o": "0"}[ch])
        elif roll < rate * 1.5 and ch == " ":
            out.append("  ")
        else:
            out.append(ch)
    return "".join(out)


FILLERS: tuple[str, ...] = ("uh", "um", "uh,", "so", "okay so", "let me see", "hmm")


def disfluent(sentence: str, rng: random.Random, rate: float = 0.15) -> str:
    """Sprinkle spoken fillers between words (never inside a number)."""
    words = sentence.split(" ")
    out: list[str] = []
    for word in words:
        out.append(word)
        if rng.random() < rate and not any(ch.isdigit() for ch in word):
            out.append(rng.choice(FILLERS))
    return " ".join(out)
