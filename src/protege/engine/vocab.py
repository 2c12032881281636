"""Output-vocabulary restriction: the engine's cheapest form of JSON-constrained decoding.

A compact liability record is made of the record grammar's words (its twelve keys, five enum
values and ``null``), digits and JSON punctuation (``protege.engine.grammar``). A token can appear
in a record only if its text uses nothing else: every character is in the grammar's alphabet,
and every run of letters in it is part of one of the words (letters occur nowhere else in a
record). That keeps a few hundred of Gemma's 262,144 tokens. Decoding with the output layer cut
to those rows gives the same greedy answer whenever the unrestricted model would have emitted a
record token, and it removes most of the per-token cost: on Gemma 3 270M the full output layer
is ~63 % of the bytes read per decoded token.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

from protege.engine.grammar import ALPHABET, WORDS

if TYPE_CHECKING:
    from transformers import PreTrainedTokenizerBase

_LETTERS = re.compile(r"[a-z_]+")


def record_token(text: str) -> bool:
    """Whether a token's text can occur inside a compact record."""
    if not text or not set(text) <= ALPHABET:
        return False
    return all(any(run in word for word in WORDS) for run in _LETTERS.findall(text))


@lru_cache(maxsize=4)
def _vocab_for(tokenizer_key: str, tokenizer: PreTrainedTokenizerBase) -> tuple[int, ...]:
    texts = tokenizer.batch_decode([[i] for i in range(len(tokenizer))])
    return tuple(i for i, text in enumerate(texts) if record_token(str(text)))


def output_vocabulary(tokenizer: PreTrainedTokenizerBase, stop_ids: list[int]) -> list[int]:
    """Token ids a record answer can use, plus the stop tokens."""
    key = f"{tokenizer.name_or_path}:{len(tokenizer)}"
    return sorted(set(_vocab_for(key, tokenizer)) | set(stop_ids))
