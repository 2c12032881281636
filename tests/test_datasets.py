"""Dataset building blocks in-process: dedupe, split, sampling, file builds and their hashes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from protege.contract import Source, write_jsonl
from protege.corpus import generate
from protege.datasets import BuildSpec, SplitSpec, build_dataset, export_openai, load_meta
from protege.datasets.dedupe import dedupe, normalize_text
from protege.datasets.rows import DatasetRow
from protege.datasets.split import assign_splits
from protege.errors import DatasetInputError, UsageError


def row(source_id: str, text: str) -> DatasetRow:
    return DatasetRow(
        source_id=source_id,
        messages=[{"role": "system", "content": "x"}, {"role": "user", "content": text}],
        production="{}",
    )


def corpus_texts(n: int, seed: int) -> list[str]:
    return [g.to_row()["text"] for g in generate(n, seed=seed)]


def test_dedupe_drops_exact_and_near_duplicates_and_keeps_distinct_documents() -> None:
    texts = corpus_texts(40, seed=7)
    rows = [row(f"s{i}", text) for i, text in enumerate(texts)]
    rows.append(row("exact", "  " + texts[3].upper() + "\n"))  # same after normalization
    words = texts[5].split(" ")
    words[len(words) // 2] = "CHANGED"
    rows.append(row("near", " ".join(words)))  # one word of hundreds changed
    result = dedupe(rows, threshold=0.8)
    assert (result.exact, result.near) == (1, 1)
    assert [r.source_id for r in result.kept] == [f"s{i}" for i in range(40)]
    # Generated documents of the same kind share a template, yet none is a near-duplicate.
    assert dedupe(rows[:40], threshold=0.8).near == 0


def test_near_duplicate_threshold_is_respected() -> None:
    base = corpus_texts(1, seed=3)[0]
    words = base.split(" ")
    # Change every fourth word: word 3-gram Jaccard falls far below 0.9.
    edited = " ".join(w if i % 4 else "zz" for i, w in enumerate(words))
    pair = [row("a", base), row("b", edited)]
    assert dedupe(pair, threshold=0.9).near == 0
    assert dedupe(pair, threshold=0.05).near == 1
    with pytest.raises(UsageError, match="threshold"):
        dedupe(pair, threshold=0)


def test_normalize_text() -> None:
    assert normalize_text("  Payoff\n\n  AMOUNT\t$5 ") == "payoff amount $5"


def test_split_is_stable_when_rows_are_added() -> None:
    rows = [row(f"s{i}", f"text {i}") for i in range(200)]
    assign_splits(rows, SplitSpec(test=0.2, seed=1))
    before = {r.source_id: r.split for r in rows}
    test_share = sum(r.split == "test" for r in rows) / len(rows)
    assert 0.1 < test_share < 0.3
    more = [row(f"s{i}", f"text {i}") for i in range(400)][::-1]
    assign_splits(more, SplitSpec(test=0.2, seed=1))
    assert {r.source_id: r.split for r in more if r.source_id in before} == before
    assign_splits(more, SplitSpec(test=0.2, seed=2))
    assert {r.source_id: r.split for r in more if r.source_id in before} != before


@pytest.mark.parametrize(
    "text, problem",
    [("test=2", "[0, 1)"), ("tset=0.2", "expected"), ("test=x", "number"), ("seed", "expected")],
)
def test_split_spec_errors(text: str, problem: str) -> None:
    with pytest.raises(UsageError, match=problem.replace("[", r"\[").replace(")", r"\)")):
        SplitSpec.parse(text)


def test_split_spec_parse() -> None:
    assert SplitSpec.parse("test=0.25,seed=7") == SplitSpec(test=0.25, seed=7)
    assert SplitSpec.parse("seed=3") == SplitSpec(test=0.2, seed=3)


def test_file_build_is_deterministic_and_atomic(tmp_path: Path) -> None:
    source = tmp_path / "sources.jsonl"
    write_jsonl(source, (g.to_row() for g in generate(30, seed=4)))
    spec = BuildSpec(name="f", file=source, dedupe=True, split=SplitSpec(test=0.3, seed=1))
    first = build_dataset(spec)
    assert first.meta["labels"]["verified"] == 30  # a contract file's expected is verified
    with pytest.raises(UsageError, match="--force"):
        build_dataset(spec)
    spec.force = True
    second = build_dataset(spec)
    assert second.meta["content_hash"] == first.meta["content_hash"]
    assert load_meta("f")["content_hash"] == first.meta["content_hash"]
    out = tmp_path / "openai.jsonl"
    with out.open("w") as handle:
        assert export_openai("f", handle, "test") == first.meta["counts"]["test"]
    assert all(set(json.loads(line)) == {"messages"} for line in out.open())

    # A bad file: every bad line is named, and the existing dataset is left as it was.
    lines = source.read_text().splitlines()
    lines[2] = "{broken"
    lines[5] = json.dumps({**json.loads(lines[5]), "kind": "fax"})
    source.write_text("\n".join(lines) + "\n")
    with pytest.raises(DatasetInputError) as info:
        build_dataset(spec)
    assert [line for line, _ in info.value.problems] == [3, 6]
    assert "kind" in info.value.problems[1][1]
    assert load_meta("f")["content_hash"] == first.meta["content_hash"]


def test_sample_fraction_is_stable(tmp_path: Path) -> None:
    source = tmp_path / "sources.jsonl"
    write_jsonl(source, (g.to_row() for g in generate(100, seed=4)))
    half = build_dataset(BuildSpec(name="half", file=source, sample=0.5))
    assert 30 < half.meta["counts"]["sampled"] < 70
    again = build_dataset(BuildSpec(name="half2", file=source, sample=0.5))
    assert again.meta["content_hash"] == half.meta["content_hash"]
    with pytest.raises(UsageError, match="sample"):
        build_dataset(BuildSpec(name="none", file=source, sample=0.0))


def test_nothing_selected_is_a_clear_error(tmp_path: Path) -> None:
    from protege.store import CallFilter, LogStore

    store = f"sqlite:///{tmp_path / 'logs.db'}"
    LogStore(store).close()
    spec = BuildSpec(name="empty", logs=CallFilter(model="nope"), store_url=store)
    with pytest.raises(UsageError, match="no rows"):
        build_dataset(spec)
    assert not (tmp_path / "protege-home" / "datasets" / "empty").exists()


def test_calls_without_answers_need_a_relabel(tmp_path: Path) -> None:
    from protege.store import CallFilter, LoggedCall, LogStore

    store = f"sqlite:///{tmp_path / 'logs.db'}"
    failed = LoggedCall(
        model_requested="gpt-4o",
        upstream="http://x/v1",
        request={"messages": [{"role": "user", "content": "hi"}]},
        status="timeout",
    )
    with LogStore(store) as log_store:
        log_store.insert_many([failed])
    with pytest.raises(UsageError, match="--relabel"):
        build_dataset(BuildSpec(name="x", logs=CallFilter(), store_url=store))


def test_exported_calls_with_number_tags_build(tmp_path: Path) -> None:
    """Calls from `protege logs export` may carry numbers as tags: they become text."""
    from protege.store import LoggedCall

    call = LoggedCall(
        model_requested="gpt-4o",
        upstream="http://x/v1",
        request={"messages": [{"role": "user", "content": "payoff 5.00"}], "temperature": 0.5},
        response={"choices": [{"message": {"role": "assistant", "content": "{}"}}]},
        tags={"source_id": 7, "score": 0.5},  # type: ignore[dict-item]
    )
    path = tmp_path / "calls.jsonl"
    path.write_text(json.dumps(call.to_dict()) + "\n")
    result = build_dataset(BuildSpec(name="calls", file=path))
    row = json.loads((result.path / "rows.jsonl").read_text())
    assert row["metadata"]["id"] == "7" and row["metadata"]["tags"]["score"] == "0.5"


def test_bad_threshold_is_a_usage_error(tmp_path: Path) -> None:
    source = tmp_path / "sources.jsonl"
    write_jsonl(source, (g.to_row() for g in generate(3, seed=4)))
    with pytest.raises(UsageError, match="near-threshold"):
        build_dataset(BuildSpec(name="t", file=source, dedupe=True, near_threshold=0))


def test_a_failed_replace_keeps_the_old_dataset(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "sources.jsonl"
    write_jsonl(source, (g.to_row() for g in generate(10, seed=4)))
    first = build_dataset(BuildSpec(name="keep", file=source))
    real_rename = Path.rename

    def failing_rename(self: Path, target: Path) -> Path:
        if self.name.startswith(".build-"):
            raise OSError(28, "No space left on device")
        return real_rename(self, target)

    with monkeypatch.context() as patch, pytest.raises(OSError):
        patch.setattr(Path, "rename", failing_rename)
        build_dataset(BuildSpec(name="keep", file=source, force=True, sample=0.5))
    assert load_meta("keep")["content_hash"] == first.meta["content_hash"]
    leftovers = [p.name for p in first.path.parent.iterdir() if p.name.startswith(".")]
    assert leftovers == []


def test_build_from_logs_on_both_stores(store_url: str, make_call: Any) -> None:
    """The same filtered build from a SQLite file and from PostgreSQL: tags and status select,
    and every row of one document lands on one side of the split."""
    from protege.store import CallFilter, LogStore

    calls = [
        make_call(i, tags={"source_id": f"doc-{i % 6}", "app": "loans" if i % 4 else "cards"})
        for i in range(12)
    ]
    calls.append(make_call(99, status="error", response=None, tags={"app": "loans"}))
    with LogStore(store_url) as store:
        store.insert_many(calls)
    where = CallFilter(tags={"app": "loans"}, status="ok")
    result = build_dataset(
        BuildSpec(name="both", logs=where, store_url=store_url, dedupe=True, force=True)
    )
    counts = result.meta["counts"]
    assert counts["selected"] == 9  # 12 calls, 3 of them cards; the failed call not ok
    assert counts["rows"] == counts["after_dedupe"] == 9  # every prompt text differs
    assert result.meta["source"]["query"]["tags"] == {"app": "loans"}
    rows = [json.loads(line) for line in (result.path / "rows.jsonl").open()]
    assert {row["metadata"]["id"] for row in rows} <= {f"doc-{i}" for i in range(6)}
    # Rows of one document share a split, whatever the store.
    sides: dict[str, set[str]] = {}
    for row in rows:
        sides.setdefault(row["metadata"]["id"], set()).add(row["metadata"]["split"])
    assert all(len(side) == 1 for side in sides.values())


def test_build_prints_counts_and_the_agreement_table(tmp_path: Path) -> None:
    """Without --json the build prints its counts and the per-key agreement table."""
    from typer.testing import CliRunner

    from protege.cli import app
    from protege.prompts import render_messages, target_text
    from protege.store import LoggedCall

    sources = list(generate(4, seed=9))
    calls, verified = [], []
    for item in sources:
        row = item.to_row()
        wrong = {**item.expected.to_json_dict(), "account_last4": "0000"}
        calls.append(
            LoggedCall(
                model_requested="gpt-4o",
                upstream="http://x/v1",
                request={"messages": render_messages(Source.model_validate(row))},
                response={"choices": [{"message": {"content": json.dumps(wrong)}}]},
                tags={"source_id": item.id},
            ).to_dict()
        )
        verified.append({"id": item.id, "expected": json.loads(target_text(item.expected))})
    calls_file, verified_file = tmp_path / "calls.jsonl", tmp_path / "verified.jsonl"
    calls_file.write_text("".join(json.dumps(c) + "\n" for c in calls))
    verified_file.write_text("".join(json.dumps(v) + "\n" for v in verified))
    result = CliRunner().invoke(
        app,
        ["dataset", "build", "shown", "--from-file", str(calls_file), "--verified",
         str(verified_file)],
        env={"COLUMNS": "200"},
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Agreement per key" in result.stdout and "production = verified (n=4)" in result.stdout
    line = next(x for x in result.stdout.splitlines() if "account_last4" in x)
    assert "0.0 %" in line and "100.0 %" not in line  # production got every account wrong
    balance = next(x for x in result.stdout.splitlines() if "current_balance" in x)
    assert "100.0 %" in balance  # and every balance right
    stats = CliRunner().invoke(app, ["dataset", "stats", "shown"], env={"COLUMNS": "200"})
    assert stats.exit_code == 0 and "label verified" in stats.stdout
