"""protege.evidence: money, rates and last fours with their spans; every candidate's span reads
back as its value; value recall on generated and hand-written sources; ``protege evidence``."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from protege.cli import app
from protege.contract import load_verified, write_jsonl
from protege.corpus import generate
from protege.evidence import find_candidates, read_span
from protege.evidence.last4 import find_last4
from protege.evidence.money import find_money
from protege.evidence.rates import find_rates
from protege.evidence.recall import value_recall

from clitools import assert_clean_error

ROOT = Path(__file__).resolve().parents[1]
HANDWRITTEN = ROOT / "tests" / "data" / "handwritten.jsonl"
AS_OF = dt.date(2025, 3, 12)
runner = CliRunner()


@pytest.mark.parametrize(
    ("text", "span", "value"),
    [
        ("Payoff: $14,436.22 today", "$14,436.22", "14436.22"),
        ("balance is 493676.74, rate", "493676.74", "493676.74"),
        ("a total of 1,234.56 USD is due", "1,234.56 USD", "1234.56"),
        ("fee of $25 applies", "$25", "25.00"),
        ("owe 300 dollars", "300 dollars", "300.00"),
        ("Current princlpal S363,430.8S\n", "S363,430.8S", "363430.85"),
        ("PER DIEM: $41.S8", "$41.S8", "41.58"),
        ("Past Due Amt ..... SO.OO", "SO.OO", "0.00"),
        ("Monthly payment$631.80\nDue", "$631.80", "631.80"),
        ("Last payment1,805.20 USDMar 4", "1,805.20 USD", "1805.20"),
        ("Amount past due $0.00Last payment", "$0.00", "0.00"),
        ("Nothing is past due on the loan.", "Nothing is past due", "0.00"),
        ("Past due amount:   None\n", "Past due amount:   None", "0.00"),
        ("yeah she's all caught up on payments", "all caught up on payments", "0.00"),
    ],
)
def test_money_is_read_with_its_span(text: str, span: str, value: str) -> None:
    hits = [h for h in find_money(text) if text[h.start : h.end] == span]
    assert [h.value for h in hits] == [Decimal(value)], list(find_money(text))


@pytest.mark.parametrize(
    "text",
    [
        "call 1-800-555-0101 today",
        "the 2021 Outback",
        "ZIP 90210",
        "Bill Smith",
        "3 payments of",
        "page 1/2",
        "Account 1,234",  # a count, without a sign or cents
    ],
)
def test_counts_years_and_words_are_not_money(text: str) -> None:
    assert list(find_money(text)) == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("at 6.49% fixed", "6.490"),
        ("rate of 6.490 %", "6.490"),
        ("APR 24.99 for purchases", "24.990"),
        ('"noteRate": "14.84",', "14.840"),
        ("Rate8.97%  Regular payment", "8.970"),
        ("lnterest Rate ......... 4.9O%", "4.900"),
        ("a 5.5 percent loan", "5.500"),
    ],
)
def test_rates(text: str, value: str) -> None:
    assert [h.value for h in find_rates(text)] == [Decimal(value)]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("card ending in 4417.", "4417"),
        ("Acct ****0932 ", "0932"),
        ("XXXX-0932", "0932"),
        ("Student Loan (Refinanced)  ...3390", "3390"),
        ("Acct# ******3O7l  Customer", "3071"),
        ("account number 76346414850", "4850"),
        ("card 4111 1111 1111 0287", "0287"),
        ("it's ending in four four one seven", "4417"),
    ],
)
def test_last4_candidates(text: str, value: str) -> None:
    assert value in [h.value for h in find_last4(text)]


def test_every_candidate_reads_back_as_its_value() -> None:
    sources = [*load_verified(HANDWRITTEN), *(g for g in generate(150, seed=404))]
    total = 0
    for source in sources:
        for candidate in find_candidates(source.text, source.as_of):
            total += 1
            back = read_span(
                source.text[candidate.start : candidate.end], candidate.type, source.as_of
            )
            assert [b.value for b in back] == [candidate.value], (source.id, candidate)
    assert total > 150 * 5


def test_value_recall_on_generated_and_hand_written_sources(tmp_path: Path) -> None:
    generated = tmp_path / "gen.jsonl"
    write_jsonl(generated, (g.to_row() for g in generate(300, seed=405)))
    for path, floor in ((generated, 0.99), (HANDWRITTEN, 0.97)):
        report = value_recall(load_verified(path))
        assert report.overall >= floor, (path, report.to_json()["per_key"], report.misses[:5])
        assert sum(report.stated.values()) > 100


def test_evidence_command_writes_values_and_reports_recall(tmp_path: Path) -> None:
    out = tmp_path / "values.jsonl"
    result = runner.invoke(
        app, ["evidence", "--input", str(HANDWRITTEN), "--output", str(out), "--recall", "--json"]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["stated"] > 200 and 0.9 < report["overall"] <= 1
    assert set(report["per_key"]) <= {"account_last4", "current_balance", "interest_rate",
        "next_payment_amount", "next_payment_due_date", "past_due_amount", "payoff_amount",
        "payoff_good_through", "per_diem", "escrow_balance", "credit_limit"}  # fmt: skip
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    texts = {s.id: s.text for s in load_verified(HANDWRITTEN)}
    assert len(rows) == len(texts)
    for row in rows:
        for value in row["values"]:
            assert set(value) == {"type", "value", "start", "end"}
            assert 0 <= value["start"] < value["end"] <= len(texts[row["id"]])
    table = runner.invoke(app, ["evidence", "--input", str(HANDWRITTEN), "--recall"])
    assert table.exit_code == 0 and "Value recall on 40 sources" in table.stdout


def test_evidence_bad_input_is_one_line(tmp_path: Path) -> None:
    bad_date = tmp_path / "bad.jsonl"
    bad_date.write_text(
        json.dumps({"id": "a", "kind": "email", "as_of": "2025-13-01", "text": "x"}) + "\n"
    )
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"id": "a", "kind"\n')
    no_expected = tmp_path / "plain.jsonl"
    no_expected.write_text(
        json.dumps({"id": "a", "kind": "email", "as_of": "2025-01-01", "text": "x"}) + "\n"
    )
    for args, needle in (
        (
            ["--input", str(tmp_path / "missing.jsonl"), "--output", str(tmp_path / "o.jsonl")],
            "no such file",
        ),
        (["--input", str(bad_date), "--output", str(tmp_path / "o.jsonl")], "as_of"),
        (["--input", str(broken), "--output", str(tmp_path / "o.jsonl")], "not valid JSON"),
        (["--input", str(no_expected), "--recall"], "expected"),
        (["--input", str(no_expected)], "give --output"),
    ):
        assert_clean_error(runner.invoke(app, ["evidence", *args]), needle)


@pytest.mark.parametrize(
    "text",
    [
        "Please keep your contact information up to date.",
        "Totals\nNone\n",  # a lone None cell with no past-due label above it
        "I'll make the payment at three thirty tomorrow",
        "the branch closes at five thirty",
    ],
)
def test_ordinary_wording_is_not_an_amount(text: str) -> None:
    assert list(find_money(text)) == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("A.P.R. 24.99 on purchases", "24.990"),
        ("Interest Rate Of 6.125", "6.125"),
        ('"purchaseApr": 19.99,', "19.990"),
    ],
)
def test_more_rate_labels(text: str, value: str) -> None:
    assert [h.value for h in find_rates(text)] == [Decimal(value)]


def test_keys_that_only_contain_rate_are_not_rates() -> None:
    assert list(find_rates('{"separateFee": 12.5, "aprilPayment": 45}')) == []


def test_an_amount_after_a_date_is_not_its_year() -> None:
    dates = [c for c in find_candidates("Apr 15 2024.12 Payment", AS_OF) if c.type == "date"]
    assert [(c.value, c.end - c.start) for c in dates] == [(dt.date(2025, 4, 15), 6)]
