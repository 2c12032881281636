"""Output-vocabulary restriction: the engine's cheapest form of JSON-constrained decoding.

A liability record is JSON made of a fixed set of keys, digits, dates, four-digit strings, five
enum names and ``null``. Tokenizing thousands of such records yields every token a well-formed
answer uses: a few hundred ids out of Gemma's 262,144. Decoding with the output layer cut to
those rows gives the same greedy answer whenever the unrestricted model would have emitted a
record token, and it removes most of the per-token cost: on Gemma 3 270M the full output layer
is ~63 % of the bytes read per decoded token.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from transformers import PreTrainedTokenizerBase

SAMPLE_RECORDS = 3000  # records whose tokens define the vocabulary; enough that it saturates
_EXTRA_TEXT = ("0123456789", " ", "\n", "null", "true", "false", "{}", '""', "-", ".", ",", ":")


def record_strings(n: int = SAMPLE_RECORDS) -> list[str]:
    """Compact-JSON records in contract order, from the seeded corpus (plus an all-null one)."""
    from protege.contract.record import RECORD_KEYS
    from protege.corpus import generate

    texts = [json.dumps(dict.fromkeys(RECORD_KEYS), separators=(",", ":"))]
    for source in generate(n, seed=424242):
        texts.append(json.dumps(source.expected.to_json_dict(), separators=(",", ":")))
    return texts


@lru_cache(maxsize=4)
def _vocab_for(tokenizer_key: str, tokenizer: PreTrainedTokenizerBase) -> tuple[int, ...]:
    ids: set[int] = set()
    for text in (*record_strings(), *_EXTRA_TEXT):
        ids.update(tokenizer(text, add_special_tokens=False)["input_ids"])
    return tuple(sorted(ids))


def output_vocabulary(tokenizer: PreTrainedTokenizerBase, stop_ids: list[int]) -> list[int]:
    """Token ids a record answer can use, plus the stop tokens."""
    key = f"{tokenizer.name_or_path}:{len(tokenizer)}"
    return sorted(set(_vocab_for(key, tokenizer)) | set(stop_ids))
