"""The output vocabulary comes from the record grammar's alphabet, not from any corpus: every
token of every valid record is in it, and text that no record contains is not."""

from __future__ import annotations

import json

import pytest

from protege.contract.record import RECORD_KEYS
from protege.corpus import generate
from protege.engine.grammar import ALPHABET, RecordGrammar
from protege.engine.vocab import record_token

pytest.importorskip("torch")


@pytest.fixture(scope="module")
def tiny_tokenizer(tmp_path_factory: pytest.TempPathFactory) -> object:
    from transformers import AutoTokenizer

    from protege.models.tiny import build_tiny

    return AutoTokenizer.from_pretrained(build_tiny(tmp_path_factory.mktemp("tiny") / "model"))


def records(n: int, seed: int) -> list[str]:
    texts = [json.dumps(dict.fromkeys(RECORD_KEYS), separators=(",", ":"))]
    for source in generate(n, seed=seed):
        texts.append(json.dumps(source.expected.to_json_dict(), separators=(",", ":")))
    return texts


def test_every_token_of_2000_generated_records_is_in_the_vocabulary(tiny_tokenizer: object) -> None:
    from protege.engine.vocab import output_vocabulary

    tokenizer: object = tiny_tokenizer
    allowed = set(output_vocabulary(tokenizer, stop_ids=[]))  # type: ignore[arg-type]
    grammar = RecordGrammar()
    for text in records(2000, seed=77):
        assert grammar.complete(text), text
        assert set(text) <= ALPHABET, text
        ids = tokenizer(text, add_special_tokens=False)["input_ids"]  # type: ignore[operator]
        missing = [tokenizer.decode([i]) for i in ids if i not in allowed]  # type: ignore[attr-defined]
        assert not missing, (text, missing)
    # Restricted: a small share of the tokenizer, and no token that only prose uses.
    assert len(allowed) < len(tokenizer) / 2  # type: ignore[arg-type]
    prose = tokenizer("Thanks for calling", add_special_tokens=False)["input_ids"]  # type: ignore[operator]
    assert not set(prose) <= allowed


def test_record_token_reads_the_grammar_words() -> None:
    for text in ('{"', '":', "null", ',"', "_due", "2025", "-0", 'loan","', "last4"):
        assert record_token(text), text
    for text in ("", " ", "the", "Null", "due date", "$", "%", "\n", "mortgages!", "zip"):
        assert not record_token(text), text
