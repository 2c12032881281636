"""The contract in code: normalization, output parsing and scoring edge cases."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

from protege.contract import (
    RECORD_KEYS,
    LiabilityRecord,
    VerifiedSource,
    normalize_money,
    normalize_rate,
    parse_output,
    record_json_schema,
    score,
    wilson_interval,
)
from protege.contract.scoring import normalize_record

BASE: dict[str, Any] = {
    "liability_type": "auto_loan",
    "account_last4": "4421",
    "current_balance": 18241.16,
    "interest_rate": 6.49,
    "next_payment_amount": 412.5,
    "next_payment_due_date": "2025-03-04",
    "past_due_amount": 0,
    "payoff_amount": 18390.02,
    "payoff_good_through": "2025-03-14",
    "per_diem": 3.24,
    "escrow_balance": None,
    "credit_limit": None,
}


def source(i: int = 0, **expected: Any) -> VerifiedSource:
    return VerifiedSource.model_validate(
        {
            "id": f"r{i}",
            "kind": "email",
            "as_of": "2025-03-01",
            "text": "...",
            "expected": {**BASE, **expected},
        }
    )


def out(**changes: Any) -> str:
    return json.dumps({**BASE, **changes})


def test_money_rounds_half_up_to_cents() -> None:
    assert normalize_money(Decimal("18241.155")) == "18241.16"
    assert normalize_money(18241.155) == "18241.16"  # floats go through their shortest repr
    assert normalize_money("0.005") == "0.01"
    assert normalize_money(5) == "5.00"


def test_parsed_output_rounds_half_up_exactly() -> None:
    raw = out().replace("18241.16", "18241.155")  # as a model would write it
    assert "18241.155" in raw
    parsed = parse_output(raw)
    assert parsed.valid, parsed.error
    assert parsed.record is not None
    assert parsed.record["current_balance"] == "18241.16"


def test_rate_with_trailing_zero_equals() -> None:
    assert normalize_rate("6.490") == normalize_rate(6.49) == "6.490"
    parsed = parse_output(out().replace("6.49", "6.490"))
    assert parsed.valid
    report = score([source()], {"r0": out().replace("6.49", "6.490")})
    assert report.overall.record_errors == 0


def test_dates_must_be_zero_padded_iso() -> None:
    assert not parse_output(out(next_payment_due_date="2025-3-4")).valid
    assert parse_output(out(next_payment_due_date="2025-03-04")).valid
    assert not parse_output(out(next_payment_due_date="2025-02-30")).valid
    assert not parse_output(out(next_payment_due_date="03/04/2025")).valid


def test_null_is_not_zero() -> None:
    report = score([source(past_due_amount=None)], {"r0": out(past_due_amount=0)})
    assert report.overall.record_errors == 1
    assert report.rows[0].wrong_keys == ("past_due_amount",)
    report = score([source(past_due_amount=0)], {"r0": out(past_due_amount=None)})
    assert report.overall.record_errors == 1


def test_one_json_fence_is_accepted_and_nothing_else() -> None:
    body = out()
    assert parse_output(f"  \n{body}\n ").valid
    assert parse_output(f"```json\n{body}\n```").valid
    assert parse_output(f"\n```json\n{body}\n```\n").valid
    assert not parse_output(f"Here is the record: {body}").valid
    assert not parse_output(f"```json\n{body}\n```\n```json\n{body}\n```").valid
    assert not parse_output(f"```\n{body}\n```").valid
    assert not parse_output(f"{body} thanks").valid


@pytest.mark.parametrize(
    "bad",
    [
        json.dumps({k: v for k, v in BASE.items() if k != "per_diem"}),  # missing key
        out(extra=1),  # extra key
        out(current_balance="18241.16"),  # number as string
        out(current_balance=True),  # bool is not a number
        out(liability_type="boat_loan"),  # not in the enum
        out(account_last4=4421),  # last4 must be a string
        "[1, 2]",
        "NaN",
        '{"current_balance": NaN}',
        "",
    ],
)
def test_invalid_outputs(bad: str) -> None:
    parsed = parse_output(bad)
    assert not parsed.valid
    assert parsed.error


def test_last4_compares_by_digits() -> None:
    report = score([source()], {"r0": out(account_last4="x4421")})
    assert report.overall.record_errors == 0


def test_objects_are_accepted_as_outputs() -> None:
    report = score([source()], {"r0": dict(BASE)})
    assert report.overall.record_errors == 0
    assert report.overall.invalid == 0


def test_expected_against_itself_scores_perfectly() -> None:
    rows = [source(i, current_balance=1000 + i) for i in range(20)]
    preds = {r.id: r.expected.to_json_dict() for r in rows}
    report = score(rows, preds)
    assert report.overall.record_error_rate == 0
    assert report.overall.field_accuracy == 1


def test_perturbations_count_rows_not_fields() -> None:
    rows = [source(i) for i in range(10)]
    preds: dict[str, Any] = {r.id: r.expected.to_json_dict() for r in rows}
    preds["r1"] = {**preds["r1"], "current_balance": 1.0, "per_diem": 2.0}  # two keys, one row
    preds["r2"] = {**preds["r2"], "payoff_good_through": "2025-03-15"}
    preds["r3"] = "not json"
    report = score(rows, preds)
    assert report.overall.record_errors == 3
    assert report.overall.invalid == 1
    assert report.overall.fields_correct == 10 * 12 - 2 - 1 - 12


def test_missing_prediction_counts_as_invalid() -> None:
    report = score([source(0), source(1)], {"r0": out()})
    assert report.missing == 1
    assert report.overall.invalid == 1


def test_unknown_prediction_id_is_an_error() -> None:
    from protege.errors import ScoringError

    with pytest.raises(ScoringError, match="not in the truth"):
        score([source(0)], {"zzz": out()})


def test_wilson_interval() -> None:
    low, high = wilson_interval(5, 100)
    assert 0.02 < low < 0.05 < high < 0.12
    assert wilson_interval(0, 50)[0] == 0.0
    assert wilson_interval(0, 0) == (0.0, 0.0)


def test_schema_matches_the_record() -> None:
    schema = record_json_schema()
    assert schema["required"] == list(RECORD_KEYS)
    assert schema["additionalProperties"] is False
    assert set(schema["properties"]) == set(LiabilityRecord.model_fields)


def test_record_serializes_numbers_as_json_numbers() -> None:
    record = LiabilityRecord(current_balance=Decimal("18241.16"), interest_rate=Decimal("6.49"))
    data = record.to_json_dict()
    assert list(data) == list(RECORD_KEYS)
    assert data["current_balance"] == 18241.16
    assert normalize_record(record)["interest_rate"] == "6.490"
