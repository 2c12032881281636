"""The regex baseline: labels near the values protege.evidence reads."""

from __future__ import annotations

import json

from protege.baseline import extract, extract_output
from protege.contract import RECORD_KEYS, Source, parse_output


def _source(text: str, kind: str = "email") -> Source:
    return Source(id="t1", kind=kind, as_of="2025-03-01", text=text)  # type: ignore[arg-type]


def test_extracts_a_simple_payoff_letter() -> None:
    text = (
        "RE: Payoff statement, auto loan account ending in 4421\n"
        "Unpaid principal balance: $18,241.16\n"
        "Interest rate: 6.49%\n"
        "Total amount to pay off: $18,390.02, good through March 14, 2025\n"
        "Per diem: $3.24\n"
    )
    record = extract(_source(text, "payoff_letter"))
    assert record["liability_type"] == "auto_loan"
    assert record["account_last4"] == "4421"
    assert record["current_balance"] == 18241.16
    assert record["interest_rate"] == 6.49
    assert record["payoff_amount"] == 18390.02
    assert record["payoff_good_through"] == "2025-03-14"
    assert record["per_diem"] == 3.24


def test_relative_good_through_and_zero_past_due() -> None:
    text = "Your mortgage payoff amount is $200,000.00, good for ten days. Nothing is past due."
    record = extract(_source(text))
    assert record["payoff_good_through"] == "2025-03-11"
    assert record["past_due_amount"] == 0


def test_output_is_always_a_valid_record() -> None:
    for text in ("", "hello", "balance $12.00 due 13/45/2025", "x" * 5000):
        raw = extract_output(_source(text))
        assert list(json.loads(raw)) == list(RECORD_KEYS)
        assert parse_output(raw).valid


def test_spoken_values_and_corrections_in_a_call() -> None:
    text = (
        "AGENT: the account ends in four four seven one, right?\n"
        "CALLER: sorry, it ends in four four one seven.\n"
        "AGENT: your payoff amount is eighteen thousand two hundred forty-one dollars and "
        "sixteen cents, good through the twentieth; your rate is six point four nine percent."
    )
    record = extract(_source(text, "transcript"))
    assert record["account_last4"] == "4417"  # the correction, said last
    assert record["payoff_amount"] == 18241.16
    assert record["payoff_good_through"] == "2025-03-20"
    assert record["interest_rate"] == 6.49


def test_labels_match_whole_words_and_zeros_need_their_context() -> None:
    call = _source(
        "AGENT: your card ending in 4417 is open. There's a pending charge, reference 88213.",
        "transcript",
    )
    assert extract(call)["account_last4"] == "4417"  # "pending" is not "ending"
    letter = _source(
        "Regarding your auto loan for the 2021 Honda Civic. Payoff $12,000.00. We appreciate "
        "your goodwill on 03/20/2025. Good through 03/31/2025.",
        "payoff_letter",
    )
    record = extract(letter)
    assert record["account_last4"] is None  # a year is not the account
    assert record["payoff_good_through"] == "2025-03-31"  # "goodwill" is not "good"
    statement = _source(
        "Mortgage statement\nEscrow balance ..... SO.OO\nMonthly payment $1,234.56 due 04/01/2025\n"
        "Please keep your contact information up to date.",
        "statement",
    )
    record = extract(statement)
    assert record["escrow_balance"] == 0.0 and record["past_due_amount"] is None
