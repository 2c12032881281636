"""Key-level constrained decoding: every answer is a compact record in contract order.

The contract's JSON Schema (``protege.contract.schema``) is closed and flat: twelve keys in a
fixed order, each an enum, a 4-digit string, a number, an ISO date, or null. Its compact JSON
serialisations form a regular language, so one regular expression describes every valid answer,
and the ``regex`` module's partial matching says whether a text is a prefix of one.

Decoding picks, for each row, the highest-scoring token whose text keeps the answer a valid
prefix. Usually that is the model's own argmax (one check per step); when the model would write a
wrong key, a stray space or a malformed number, the next-best valid token wins instead. The answer
is complete when the whole pattern matches. The model keeps its own tokenization (``":"`` and
``","`` merge a quote with the punctuation in these tokenizers, so forcing fixed key tokens would
not reproduce what it was trained on).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache

import regex

from protege.contract.record import DATE_KEYS, LIABILITY_TYPES, NUMBER_KEYS, RECORD_KEYS

_NUMBER = r"-?(?:0|[1-9][0-9]{0,8})(?:\.[0-9]{1,4})?"  # JSON number, < 1e9, <= 4 decimals: bounds the answer
# A real calendar date in 1900-2099: days per month, and 29 February only in leap years
# (2000-2096 every fourth; 1900 was not one and falls outside the 20xx rule).
_MONTH_DAY = (
    r"(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])"
    r"|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)"
    r"|02-(?:0[1-9]|1[0-9]|2[0-8]))"
)
_DATE = r'"(?:(?:19|20)[0-9]{2}-' + _MONTH_DAY + r"|20(?:[02468][048]|[13579][26])-02-29)" + '"'


def _value(key: str) -> str:
    if key == "liability_type":
        return "(?:" + "|".join(json.dumps(t) for t in LIABILITY_TYPES) + ")"
    if key == "account_last4":
        return r'"[0-9]{4}"'
    if key in NUMBER_KEYS:
        return _NUMBER
    if key in DATE_KEYS:
        return _DATE
    raise KeyError(key)


# The words of the record language: its keys, its enum values and null. Outside these, a record
# holds only digits and the JSON punctuation below.
WORDS: tuple[str, ...] = (*RECORD_KEYS, *LIABILITY_TYPES, "null")
VALUE_CHARS = '0123456789-."'  # numbers, ISO dates and quoted last-four strings
PUNCTUATION = '{}":,'
# Every character a valid record can contain.
ALPHABET: frozenset[str] = frozenset("".join(WORDS) + VALUE_CHARS + PUNCTUATION)


def _pattern(values: Mapping[str, Sequence[str]] | None) -> regex.Pattern[str]:
    parts = []
    for key in RECORD_KEYS:
        if values is None or key not in values:
            value = f"(?:null|{_value(key)})"
        else:  # grounded: only these value strings, or null
            value = "(?:" + "|".join(["null", *(regex.escape(v) for v in values[key])]) + ")"
        parts.append(regex.escape(json.dumps(key) + ":") + value)
    return regex.compile(r"\{" + ",".join(parts) + r"\}")


@lru_cache(maxsize=1)
def record_pattern() -> regex.Pattern[str]:
    """The regular language of compact records, keys in contract order, values nullable."""
    return _pattern(None)


class RecordGrammar:
    """Prefix and completeness checks of an answer against the record language.

    With ``values`` (key -> the JSON value strings allowed for it), the grammar is grounded: each
    listed key takes only one of its strings or null, so a key with no string can only be null.
    Keys not listed keep their shape-only pattern.
    """

    def __init__(self, values: Mapping[str, Sequence[str]] | None = None) -> None:
        self.pattern = record_pattern() if values is None else _pattern(values)

    def allows(self, text: str) -> bool:
        """Whether ``text`` can still be extended into a valid record."""
        return self.pattern.fullmatch(text, partial=True) is not None

    def complete(self, text: str) -> bool:
        """Whether ``text`` is a whole valid record."""
        return self.pattern.fullmatch(text) is not None


def choose(
    grammar: RecordGrammar,
    text: str,
    ranked: Sequence[int],
    token_text: Callable[[int], str],
    stop_ids: frozenset[int],
) -> int | None:
    """The first of ``ranked`` (token ids, best first) that keeps ``text`` valid; a stop token
    only once the record is complete. None when no candidate fits."""
    done = grammar.complete(text)
    for token in ranked:
        if token in stop_ids:
            if done:
                return token
            continue
        if done:
            continue
        piece = token_text(token)
        if piece and grammar.allows(text + piece):
            return token
    return None
