"""The extraction workflow's parts that need no model: the plausibility checks (no verified
record fails one; each catches what it is for), serve.yaml validation, and the streamed
record's pieces."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from protege.contract import load_verified
from protege.corpus import generate
from protege.errors import ConfigError, InputFileError, UsageError
from protege.extract.checks import arithmetic_reasons, confidence_reasons, evidence_reasons
from protege.serve.chat import _pieces
from protege.serve.config import DEFAULT_MODEL, load_serve_config, parse_serve_config

ROOT = Path(__file__).resolve().parents[1]
AS_OF = dt.date(2025, 3, 1)


def test_no_verified_record_fails_an_arithmetic_check() -> None:
    records = [
        (s.expected.to_json_dict(), s.as_of)
        for s in load_verified(ROOT / "tests/data/handwritten.jsonl")
    ]
    records += [(g.expected.to_json_dict(), g.as_of) for g in generate(400, seed=5)]
    failing = [(r, reasons) for r, a in records if (reasons := arithmetic_reasons(r, a))]
    assert failing == []


def test_each_arithmetic_check_catches_what_it_is_for() -> None:
    good = {
        "liability_type": "auto_loan",
        "current_balance": 10000.0,
        "interest_rate": 7.3,
        "per_diem": 2.0,
        "payoff_amount": 10050.0,
        "next_payment_due_date": "2025-03-15",
    }
    assert arithmetic_reasons(good, AS_OF) == []
    assert "per_diem" in arithmetic_reasons({**good, "per_diem": 20.0}, AS_OF)[0]
    assert "payoff_amount" in arithmetic_reasons({**good, "payoff_amount": 9000.0}, AS_OF)[0]
    card = {**good, "liability_type": "credit_card", "payoff_amount": 9000.0}
    assert arithmetic_reasons(card, AS_OF) == []  # a card's payoff may be below its balance
    late = {**good, "next_payment_due_date": "2025-02-01"}
    assert "before the source's as_of" in arithmetic_reasons(late, AS_OF)[0]


def test_evidence_and_confidence_checks() -> None:
    record = {"liability_type": "mortgage", "current_balance": 5.0, "per_diem": None}
    assert evidence_reasons(record, {"current_balance": [0, 4]}) == []
    assert evidence_reasons(record, {}) == ["current_balance: no evidence in the source for 5.0"]
    thresholds = {"current_balance": 0.9, "liability_type": 0.9}
    assert confidence_reasons({"current_balance": 0.95, "liability_type": 0.99}, thresholds) == []
    reasons = confidence_reasons({"current_balance": 0.5, "liability_type": 0.99}, thresholds)
    assert reasons == ["current_balance: confidence 0.500 below its threshold 0.900"]
    assert confidence_reasons(None, thresholds) == []  # a model without confidences


def test_serve_config_defaults_and_every_problem_at_once(tmp_path: Path) -> None:
    assert load_serve_config(None).default == DEFAULT_MODEL
    with pytest.raises(ConfigError) as caught:
        parse_serve_config(
            {
                "max_batch": 0,
                "extract": {
                    "thresholds": {"payoff": 2},
                    "deadline_ms": -5,
                    "fallback": {"base_url": "ftp://x", "model": "m"},
                },
            },
            "serve.yaml",
        )
    text = str(caught.value)
    for part in ("max_batch", "thresholds", "deadline_ms", "base_url"):
        assert part in text, text
    with pytest.raises(ConfigError, match="default_model"):
        parse_serve_config({"models": {"a": "regex"}, "default_model": "b"}, "serve.yaml")
    with pytest.raises(InputFileError):
        load_serve_config(tmp_path / "missing.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("models: [unclosed\n")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_serve_config(bad)
    given = load_serve_config(None, {"fast": "regex"})
    assert given.models == {"fast": "regex"} and given.default == "fast"


def test_serve_model_options_parse() -> None:
    from protege.cli.serve import parse_models

    assert parse_models(["a=regex", "liability-gemma-3-270m"]) == {
        "a": "regex",
        "liability-gemma-3-270m": "liability-gemma-3-270m",
    }
    with pytest.raises(UsageError, match="twice"):
        parse_models(["a=regex", "a=regex"])
    with pytest.raises(UsageError, match="NAME=SPEC"):
        parse_models(["=regex"])


def test_a_streamed_record_comes_key_by_key_and_joins_back() -> None:
    record = {"a": 'x,"y",}', "b": [1, 2], "c": None}
    text = json.dumps(record, separators=(",", ":"))
    pieces = _pieces(text)
    assert "".join(pieces) == text and len(pieces) == 3


def test_calibrated_thresholds_accept_records_right_at_the_target() -> None:
    import random

    from protege.contract.record import RECORD_KEYS
    from protege.extract.calibrate import Scored, acceptance, calibrate_thresholds, curve

    rng = random.Random(3)
    rows = []
    for _ in range(2000):  # most keys sure, a few not; each right as often as its confidence
        confidence = {
            k: rng.uniform(0.995, 1.0) if rng.random() < 0.9 else rng.uniform(0.5, 0.995)
            for k in RECORD_KEYS
        }
        right = {k: rng.random() < c for k, c in confidence.items()}
        rows.append(Scored(confidence, right))
    thresholds = calibrate_thresholds(rows, 0.9)
    at = acceptance(rows, thresholds)
    assert at["accuracy"] >= 0.9 and 0 < at["coverage"] < 1
    assert all(0.5 < t <= 1.0 for t in thresholds.values())
    points = curve(rows)
    assert points[0]["coverage"] == 1.0  # threshold 0 accepts everything
    assert [p["coverage"] for p in points] == sorted((p["coverage"] for p in points), reverse=True)
