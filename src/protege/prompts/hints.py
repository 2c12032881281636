"""Candidate hints: the source's text with each recognized value's normalized reading inlined.

A hinted prompt shows the model, right after the words a value was read from, what the
recognizers (``protege.evidence``) read there: ``four eighty-six fifty [=486.50]``,
``this Friday [=2025-03-21]``. The model then copies a value that is already normalized
instead of resolving a spoken amount or a relative date itself, which is where a small student
goes wrong. A span whose text already is its value (``4417``, ``6.125``) gets no hint, so the
prompt grows only where a reading is not plain.
"""

from __future__ import annotations

import datetime as dt
import re

from protege.evidence import find_candidates
from protege.evidence.types import Candidate, json_value

# The characters that make "$1,234.56" and "1234.56" the same reading: a hint there would only
# repeat the text.
_PLAIN_NOISE = re.compile(r"[$,\s%]")


def hint_text(candidate: Candidate) -> str:
    """The value as the record writes it: ``486.50``, ``2025-03-21``, ``6.125``, ``4417``."""
    value = json_value(candidate.value)
    if candidate.type == "money":
        return f"{value:.2f}"
    return str(value)


def _is_plain(surface: str, hint: str) -> bool:
    plain = _PLAIN_NOISE.sub("", surface)
    if plain == hint:
        return True
    try:  # "6.1250" or "486.5" read as the hint: a hint would only repeat the number
        return float(plain) == float(hint)
    except ValueError:
        return False


def mark_candidates(text: str, as_of: dt.date) -> str:
    """``text`` with `` [=value]`` after every candidate span whose text is not already its
    value; each span is hinted once, with its values in order when it reads several ways."""
    hints: dict[int, list[str]] = {}
    for candidate in find_candidates(text, as_of):
        hint = hint_text(candidate)
        if _is_plain(text[candidate.start : candidate.end], hint):
            continue
        at_end = hints.setdefault(candidate.end, [])
        if hint not in at_end:
            at_end.append(hint)
    pieces: list[str] = []
    last = 0
    for end in sorted(hints):
        pieces.append(text[last:end])
        pieces.append(" [=" + " | ".join(hints[end]) + "]")
        last = end
    pieces.append(text[last:])
    return "".join(pieces)
