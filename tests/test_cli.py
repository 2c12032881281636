"""The command line: every command documented, the main paths, and bad input handled."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from protege.cli import app

from clitools import assert_clean_error

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()


def invoke(*args: str) -> Any:
    return runner.invoke(app, [str(a) for a in args])


def leaf_commands() -> list[list[str]]:
    """Every runnable command as its argv path, e.g. ['corpus', 'generate']."""
    import typer.main

    root = typer.main.get_command(app)
    found: list[list[str]] = []

    def walk(cmd: Any, path: list[str]) -> None:
        subs = getattr(cmd, "commands", None)
        if subs:
            for name, sub in subs.items():
                walk(sub, [*path, name])
        else:
            found.append(path)

    walk(root, [])
    return found


@pytest.fixture(scope="module")
def corpus_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("corpus") / "corpus.jsonl"
    result = invoke("corpus", "generate", "--n", "120", "--seed", "3", "--out", path)
    assert result.exit_code == 0, result.output
    return path


def test_every_command_has_help_and_docs() -> None:
    docs = (ROOT / "README.md").read_text() + "".join(
        p.read_text() for p in (ROOT / "docs").glob("*.md")
    )
    commands = leaf_commands()
    assert len(commands) >= 4
    for path in commands:
        result = invoke(*path, "--help")
        assert result.exit_code == 0, path
        assert "Example:" in result.output, f"{path} help has no example"
        assert f"protege {' '.join(path)}" in docs, f"'protege {' '.join(path)}' is not documented"


def test_python_dash_m_works() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "protege", "--help"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0
    assert "corpus" in result.stdout


def test_generate_is_deterministic(corpus_file: Path, tmp_path: Path) -> None:
    again = tmp_path / "again.jsonl"
    assert invoke("corpus", "generate", "--n", "120", "--seed", "3", "--out", again).exit_code == 0
    assert again.read_text() == corpus_file.read_text()


def test_stats_json(corpus_file: Path) -> None:
    result = invoke("corpus", "stats", corpus_file, "--json")
    assert result.exit_code == 0, result.output
    stats = json.loads(result.stdout)
    assert stats["rows"] == 120
    assert sum(stats["by_kind"].values()) == 120
    assert 0 < stats["distinct_5gram_ratio"] <= 1
    assert set(stats["null_share"]) >= {"payoff_amount", "credit_limit"}


def test_stats_table(corpus_file: Path) -> None:
    result = invoke("corpus", "stats", corpus_file)
    assert result.exit_code == 0
    assert "distinct 5-gram ratio" in result.stdout


def _score(truth: Path, pred: Path) -> dict[str, Any]:
    result = invoke("score", "--truth", truth, "--pred", pred, "--json")
    assert result.exit_code == 0, result.output
    return dict(json.loads(result.stdout))


def _predictions_from_truth(truth: Path, out: Path, perturb: int = 0) -> None:
    lines = [json.loads(line) for line in truth.read_text().splitlines()]
    with out.open("w") as handle:
        for i, row in enumerate(lines):
            output = dict(row["expected"])
            if i < perturb:
                # change one value per row, in a different key each time
                key = ("current_balance", "liability_type", "account_last4")[i % 3]
                output[key] = {
                    "current_balance": 0.01,
                    "liability_type": "mortgage"
                    if output["liability_type"] != "mortgage"
                    else "auto_loan",
                    "account_last4": "0000" if output["account_last4"] != "0000" else "1111",
                }[key]
            handle.write(
                json.dumps({"id": row["id"], "output": json.dumps(output) if i % 2 else output})
                + "\n"
            )


def test_score_expected_against_itself_is_zero(corpus_file: Path, tmp_path: Path) -> None:
    pred = tmp_path / "pred.jsonl"
    _predictions_from_truth(corpus_file, pred)
    report = _score(corpus_file, pred)
    assert report["record_error_rate"] == 0
    assert report["field_accuracy"] == 1
    assert report["invalid_rate"] == 0


@pytest.mark.parametrize("k", [1, 7, 30])
def test_score_counts_perturbed_rows(corpus_file: Path, tmp_path: Path, k: int) -> None:
    pred = tmp_path / "pred.jsonl"
    _predictions_from_truth(corpus_file, pred, perturb=k)
    report = _score(corpus_file, pred)
    assert report["record_errors"] == k
    assert report["n"] == 120


def test_score_table(corpus_file: Path, tmp_path: Path) -> None:
    pred = tmp_path / "pred.jsonl"
    _predictions_from_truth(corpus_file, pred)
    result = invoke("score", "--truth", corpus_file, "--pred", pred)
    assert result.exit_code == 0
    assert "record error" in result.stdout and "Per liability type" in result.stdout


def test_regex_baseline_runs_and_scores(corpus_file: Path, tmp_path: Path) -> None:
    pred = tmp_path / "regex.jsonl"
    result = invoke("baseline", "regex", "--input", corpus_file, "--output", pred)
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in pred.read_text().splitlines()]
    assert len(rows) == 120
    assert {"id", "output", "latency_ms"} <= set(rows[0])
    report = _score(corpus_file, pred)
    assert report["invalid_rate"] == 0  # the baseline always emits a contract-valid record
    assert report["field_accuracy"] > 0.5  # it reads something: far better than all-null


# --- bad input: one line, exit 1, no traceback ------------------------------------------


def test_missing_files(tmp_path: Path, corpus_file: Path) -> None:
    missing = tmp_path / "nope.jsonl"
    assert_clean_error(invoke("corpus", "stats", missing), "nope.jsonl", "no such file")
    assert_clean_error(invoke("score", "--truth", missing, "--pred", corpus_file), "no such file")
    assert_clean_error(invoke("score", "--truth", corpus_file, "--pred", missing), "no such file")
    assert_clean_error(
        invoke("baseline", "regex", "--input", missing, "--output", tmp_path / "o.jsonl"),
        "no such file",
    )


def test_malformed_line_reports_its_number(tmp_path: Path, corpus_file: Path) -> None:
    lines = corpus_file.read_text().splitlines()
    broken = tmp_path / "broken.jsonl"
    broken.write_text("\n".join([*lines[:4], '{"id": "x", "kind": ', *lines[5:]]) + "\n")
    assert_clean_error(invoke("corpus", "stats", broken), "line 5", "not valid JSON")
    assert_clean_error(invoke("score", "--truth", broken, "--pred", corpus_file), "line 5")
    assert_clean_error(
        invoke("baseline", "regex", "--input", broken, "--output", tmp_path / "o.jsonl"), "line 5"
    )
    pred = tmp_path / "pred.jsonl"
    pred.write_text('{"id": "a", "output": "{}"}\n{"oops": 1}\n')
    assert_clean_error(invoke("score", "--truth", corpus_file, "--pred", pred), "line 2")


def test_unknown_kind(tmp_path: Path, corpus_file: Path) -> None:
    assert_clean_error(
        invoke("corpus", "generate", "--n", "5", "--out", tmp_path / "c.jsonl", "--kind", "memo"),
        "unknown kind 'memo'",
        "transcript",
    )
    rows = corpus_file.read_text().splitlines()
    row = json.loads(rows[2])
    row["kind"] = "memo"
    bad = tmp_path / "bad_kind.jsonl"
    bad.write_text("\n".join([rows[0], rows[1], json.dumps(row)]) + "\n")
    assert_clean_error(invoke("corpus", "stats", bad), "line 3", "kind")
    assert_clean_error(
        invoke("baseline", "regex", "--input", bad, "--output", tmp_path / "o.jsonl"),
        "line 3",
        "kind",
    )


def test_bad_numbers_and_mismatched_files(tmp_path: Path, corpus_file: Path) -> None:
    assert_clean_error(
        invoke("corpus", "generate", "--n", "0", "--out", tmp_path / "c.jsonl"), "--n"
    )
    other = tmp_path / "other.jsonl"
    other.write_text('{"id": "not-in-truth", "output": "{}"}\n')
    assert_clean_error(invoke("score", "--truth", corpus_file, "--pred", other), "not in the truth")


def test_expected_that_violates_the_contract(tmp_path: Path, corpus_file: Path) -> None:
    row = json.loads(corpus_file.read_text().splitlines()[0])
    row["expected"]["account_last4"] = "12345"
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps(row) + "\n")
    assert_clean_error(invoke("score", "--truth", bad, "--pred", bad), "line 1", "account_last4")
