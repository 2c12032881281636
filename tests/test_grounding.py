"""Grounded decoding: every non-null value a model writes is a candidate the source states, its
evidence span reads back as that value, and a key whose type has no candidate is null."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from protege.contract import Source, parse_output
from protege.contract.normalize import normalize_value
from protege.corpus import generate
from protege.engine.grammar import RecordGrammar
from protege.engine.grounding import allowed_values, evidence_spans
from protege.evidence import KEY_TYPES, find_candidates, read_span

torch = pytest.importorskip("torch")

NULLS = {
    "liability_type": None, "account_last4": None, "current_balance": None, "interest_rate": None,
    "next_payment_amount": None, "next_payment_due_date": None, "past_due_amount": None,
    "payoff_amount": None, "payoff_good_through": None, "per_diem": None, "escrow_balance": None,
    "credit_limit": None,
}  # fmt: skip


def test_the_grounded_grammar_takes_only_the_sources_values() -> None:
    text = "Payoff $18,245.60 good through 3/24/2025, account ending 4417, rate 6.5%."
    candidates = find_candidates(text, dt.date(2025, 3, 12))
    values = allowed_values(candidates)
    assert "18245.6" in values["payoff_amount"] and values["payoff_amount"] == values["per_diem"]
    assert '"2025-03-24"' in values["payoff_good_through"] and '"4417"' in values["account_last4"]
    grammar = RecordGrammar(values)
    good = {**NULLS, "account_last4": "4417", "payoff_amount": 18245.6, "interest_rate": 6.5,
            "payoff_good_through": "2025-03-24", "liability_type": "auto_loan"}  # fmt: skip
    assert grammar.complete(json.dumps(good, separators=(",", ":")))
    invented = {**good, "payoff_amount": 18245.61}
    assert not grammar.complete(json.dumps(invented, separators=(",", ":")))
    assert not grammar.allows('{"liability_type":null,"account_last4":"4471"')
    nothing = RecordGrammar(allowed_values(find_candidates("hello", dt.date(2025, 1, 1))))
    assert nothing.complete(json.dumps(NULLS, separators=(",", ":")))
    assert not nothing.allows('{"liability_type":null,"account_last4":"')  # no candidate: null


def test_evidence_spans_name_the_span_each_value_came_from() -> None:
    text = "Balance $1,200.00. Payoff $1,234.56, good for ten days."
    as_of = dt.date(2025, 3, 1)
    candidates = find_candidates(text, as_of)
    record = {**NULLS, "payoff_amount": "1234.56", "payoff_good_through": "2025-03-11",
              "current_balance": "999.00"}  # fmt: skip
    spans = evidence_spans(record, candidates)
    assert text[slice(*spans["payoff_amount"])] == "$1,234.56"
    assert "ten days" in text[slice(*spans["payoff_good_through"])]
    assert "current_balance" not in spans  # not a value the text states


def test_a_grounded_random_model_only_writes_what_the_source_states(tiny_model: Path) -> None:
    from protege.engine.hf import HFPredictor

    sources = [Source.model_validate(g.to_row()) for g in generate(4, seed=21)]
    sources.append(Source(id="empty", kind="email", as_of=dt.date(2025, 1, 1), text="Thanks!"))
    predictor = HFPredictor(str(tiny_model), max_new_tokens=400, grounding=True)
    checked = 0
    for source, prediction in zip(sources, predictor.predict(sources, batch_size=5), strict=True):
        record = parse_output(prediction.output).record
        assert record is not None, prediction.output
        candidates = find_candidates(source.text, source.as_of)
        types_present = {c.type for c in candidates}
        assert prediction.evidence is not None
        for key, value_type in KEY_TYPES.items():
            if record[key] is None:
                continue
            assert value_type in types_present, (key, record[key])  # no candidate: null
            start, end = prediction.evidence[key]
            back = read_span(source.text[start:end], value_type, source.as_of)
            assert [normalize_value(key, b.value) for b in back] == [record[key]], key
            checked += 1
        if source.id == "empty":
            assert all(record[key] is None for key in KEY_TYPES)
    assert checked > 0
