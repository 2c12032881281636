"""Datasets from production logs, end to end through the public commands only.

corpus generate -> the official openai client sends each source through `protege gateway` (a
real process) to a real upstream whose "production" model is sometimes wrong -> `protege dataset
build --from-logs` with relabelling by a stronger model (a gateway route), verified overrides,
dedupe and a split -> rebuilds and their content hashes -> export -> `protege train` on the
dataset directory -> `protege predict`.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openai
import pytest

from protege.contract import load_verified
from protege.prompts import LIABILITY_PROMPT, render_messages

from servers import PROTEGE, get, start_gateway, start_upstream, stop

pytest.importorskip("torch")

ROOT = Path(__file__).resolve().parents[1]
N_SOURCES = 24


def protege(*args: Any, home: Path, ok: bool = True) -> subprocess.CompletedProcess[str]:
    """Run a protege command as a user would; with ``ok``, fail the test on a non-zero exit."""
    env = {**os.environ, "PROTEGE_HOME": str(home), "COLUMNS": "200"}
    env.pop("OPENAI_BASE_URL", None)
    done = subprocess.run(
        [str(PROTEGE), *map(str, args)], capture_output=True, text=True, env=env, timeout=600
    )
    if ok:
        assert done.returncode == 0, done.stderr[-3000:]
    return done


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """A corpus, an upstream that knows its records, a gateway, and logged production traffic."""
    root = tmp_path_factory.mktemp("e2e")
    home = root / "home"
    corpus = root / "corpus.jsonl"
    protege("corpus", "generate", "--n", N_SOURCES, "--seed", 3, "--out", corpus, home=home)
    upstream_proc, upstream = start_upstream(corpus)
    store = f"sqlite:///{root / 'logs.db'}"
    config = root / "gateway.yaml"
    routes = [
        {"model": "student", "upstream": upstream, "upstream_model": "sloppy"},
        {"model": "teacher", "upstream": upstream, "upstream_model": "oracle"},
        {"model": "teacher-flaky", "upstream": upstream, "upstream_model": "flaky-oracle"},
        {"model": "teacher-strict", "upstream": upstream, "upstream_model": "strict-oracle"},
    ]
    config.write_text(
        json.dumps({"store": store, "routes": routes, "spool_dir": str(root / "spool")})
    )
    gateway_proc, gateway = start_gateway(config)
    client = openai.OpenAI(base_url=gateway, api_key="sk-test", max_retries=0)
    sources = load_verified(corpus)
    prompt_header = f"{LIABILITY_PROMPT.id}@{LIABILITY_PROMPT.version}"

    def send(source: Any, source_id: str) -> None:
        client.chat.completions.create(
            model="student",
            messages=render_messages(source),  # type: ignore[arg-type]
            extra_headers={
                "X-Protege-Tags": f"source_id={source_id},app=liability",
                "X-Protege-Prompt": prompt_header,
            },
        )

    for source in sources:
        send(source, source.id)
    for source in sources[:2]:  # the same documents sent again: exact duplicates
        send(source, source.id)
    # One near-duplicate: the first document again with a word changed, under a new id.
    near = sources[0].model_copy(update={"text": sources[0].text.replace(" ", "  ", 1) + " ok"})
    send(near, "near-copy")
    try:
        yield {
            "home": home,
            "root": root,
            "corpus": corpus,
            "sources": sources,
            "store": store,
            "gateway": gateway,
            "upstream": upstream,
        }
    finally:
        stop(gateway_proc)
        stop(upstream_proc)


def upstream_count(upstream: str) -> int:
    status, body = get(upstream.removesuffix("/v1") + "/count")
    assert status == 200
    return int(json.loads(body)["n"])


def write_verified(path: Path, sources: list[Any], rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    return path


def build(world: dict[str, Any], name: str, *extra: Any, ok: bool = True) -> Any:
    return protege(
        "dataset", "build", name, "--from-logs", "--store", world["store"], "--model", "student",
        "--tag", "app=liability", *extra, "--json", home=world["home"], ok=ok,
    )  # fmt: skip


def test_logs_to_dataset_to_adapter(world: dict[str, Any]) -> None:
    sources, root, home = world["sources"], world["root"], world["home"]
    logged = json.loads(
        protege(
            "logs", "list", "--store", world["store"], "--limit", 100, "--json", home=home
        ).stdout
    )
    assert len(logged) == N_SOURCES + 3
    by_source = {call["tags"]["source_id"]: call["id"] for call in logged}
    # Verified: two by source id, one by log id; the second one corrects the payoff.
    verified_rows = [
        {"id": sources[1].id, "expected": sources[1].expected.to_json_dict()},
        {"id": sources[2].id, "expected": sources[2].expected.to_json_dict()},
        {"id": by_source[sources[3].id], "expected": sources[3].expected.to_json_dict()},
    ]
    verified = write_verified(root / "verified.jsonl", sources, verified_rows)
    relabel = ("--relabel", "teacher", "--relabel-base-url", world["gateway"])
    common = (*relabel, "--verified", verified, "--dedupe", "--split", "test=0.25,seed=1")

    meta = json.loads(build(world, "prod", *common).stdout)
    counts = meta["counts"]
    assert counts["selected"] == N_SOURCES + 3
    assert (counts["exact_duplicates"], counts["near_duplicates"]) == (2, 1)
    # sources[1] was sent twice: both of its rows get the record, dedupe keeps one of them
    assert counts["rows"] == N_SOURCES and counts["verified"] == 4
    assert counts["train"] + counts["test"] == N_SOURCES and 0 < counts["test"] < N_SOURCES
    assert meta["labels"] == {"verified": 3, "relabel": N_SOURCES - 3, "production": 0}
    assert meta["relabel"]["model"] == "teacher" and meta["relabel"]["sent"] == N_SOURCES
    assert meta["prompt_versions"] == [LIABILITY_PROMPT.version]
    assert meta["source"]["query"]["tags"] == {"app": "liability"}

    # The agreement table shows where production was wrong: it drops every payoff amount.
    pairs = meta["agreement"]["pairs"]
    with_payoff = sum(s.expected.payoff_amount is not None for s in sources[1:4])
    payoff = pairs["production~verified"]["payoff_amount"]
    assert payoff["rows"] == 3 and payoff["agree"] == 3 - with_payoff
    assert pairs["production~verified"]["current_balance"]["rate"] == 1.0
    assert all(entry["rate"] == 1.0 for entry in pairs["relabel~verified"].values())

    # Relabels are additive: the production answer stays beside the relabel.
    rows = [json.loads(line) for line in (home / "datasets/prod/rows.jsonl").open()]
    row = next(r for r in rows if r["metadata"]["label"] == "relabel")
    outputs = row["metadata"]["outputs"]
    assert (
        outputs["production"] is not None and outputs["relabel"] == row["messages"][-1]["content"]
    )

    # Rebuilding from the same inputs gives the same hash, without asking the teacher again.
    sent_before = upstream_count(world["upstream"])
    again = json.loads(build(world, "prod", *common, "--force").stdout)
    assert again["content_hash"] == meta["content_hash"]
    assert again["relabel"]["sent"] == 0 and upstream_count(world["upstream"]) == sent_before
    # The split is stable: every row keeps its side.
    splits = {r["metadata"]["id"]: r["metadata"]["split"] for r in rows}
    rebuilt = [json.loads(line) for line in (home / "datasets/prod/rows.jsonl").open()]
    assert {r["metadata"]["id"]: r["metadata"]["split"] for r in rebuilt} == splits

    # Changing one verified record changes the hash.
    changed = [dict(r) for r in verified_rows]
    changed[0] = {**changed[0], "expected": {**changed[0]["expected"], "account_last4": "0000"}}
    write_verified(root / "verified.jsonl", sources, changed)
    third = json.loads(build(world, "prod", *common, "--force").stdout)
    assert third["content_hash"] != meta["content_hash"]

    # Export for OpenAI fine-tuning: messages only.
    out = root / "train-openai.jsonl"
    protege(
        "dataset",
        "export",
        "prod",
        "--format",
        "openai",
        "--split",
        "train",
        "--out",
        out,
        home=home,
    )
    exported = [json.loads(line) for line in out.open()]
    assert len(exported) == third["counts"]["train"]
    assert all(set(line) == {"messages"} for line in exported)
    assert exported[0]["messages"][-1]["role"] == "assistant"

    listed = json.loads(protege("dataset", "list", "--json", home=home).stdout)
    assert [d["name"] for d in listed] == ["prod"] and listed[0]["rows"] == N_SOURCES

    # Train the tiny model on the dataset directory, then predict with the adapter.
    protege("models", "pull", "tiny-random", home=home)
    adapter = root / "adapter"
    protege(
        "train", "--config", ROOT / "configs/liability/tiny-random_lora.yaml",
        f"data.train={home / 'datasets/prod'}", f"output_dir={adapter}",
        "train.max_steps=2", "train.batch_size=2", "train.autocast_bf16=false",
        home=home,
    )  # fmt: skip
    adapter_meta = json.loads((adapter / "meta.json").read_text())
    assert adapter_meta["data"]["dataset_content_hash"] == third["content_hash"]
    trained_on = adapter_meta["data"]["train"]["examples"] + adapter_meta["data"]["val"]["examples"]
    assert trained_on == third["counts"]["train"]  # the test split stays out of training
    predictions = root / "pred.jsonl"
    protege(
        "predict", "--model", adapter, "--input", world["corpus"], "--output", predictions,
        "--batch-size", 8, home=home,
    )  # fmt: skip
    lines = [json.loads(line) for line in predictions.open()]
    assert [line["id"] for line in lines] == [s.id for s in sources]


def test_relabel_resumes_after_failures(world: dict[str, Any]) -> None:
    """The flaky teacher fails once for every other source: the first build stops with a clear
    error and keeps what arrived; the re-run sends only the failed rows."""
    relabel = (
        "--relabel", "teacher-flaky", "--relabel-base-url", world["gateway"],
        "--relabel-retries", 0,
    )  # fmt: skip
    before = upstream_count(world["upstream"])
    first = build(world, "flaky", *relabel, "--dedupe", ok=False)
    assert first.returncode == 1
    assert "relabel request(s)" in first.stderr and "re-running" in first.stderr
    assert not (world["home"] / "datasets/flaky").exists()
    sent_first = upstream_count(world["upstream"]) - before
    assert sent_first == N_SOURCES
    second = json.loads(build(world, "flaky", *relabel, "--dedupe").stdout)
    assert second["relabel"]["from_cache"] == N_SOURCES // 2
    assert second["relabel"]["sent"] == N_SOURCES // 2
    assert upstream_count(world["upstream"]) - before == N_SOURCES + N_SOURCES // 2
    assert second["labels"]["relabel"] == N_SOURCES


def test_relabel_omits_temperature_for_a_model_that_refuses_it(world: dict[str, Any]) -> None:
    relabel = (
        "--relabel", "teacher-strict", "--relabel-base-url", world["gateway"],
        "--relabel-retries", 0,
    )  # fmt: skip
    refused = build(world, "strict", *relabel, "--dedupe", ok=False)
    assert refused.returncode == 1 and "temperature" in refused.stderr
    meta = json.loads(
        build(world, "strict", *relabel, "--dedupe", "--relabel-no-temperature").stdout
    )
    assert meta["relabel"]["temperature"] is None
    assert meta["labels"]["relabel"] == N_SOURCES


def test_bad_verified_file_is_reported_line_by_line(world: dict[str, Any]) -> None:
    sources, root = world["sources"], world["root"]
    good = sources[0].expected.to_json_dict()
    bad = root / "bad-verified.jsonl"
    bad.write_text(
        json.dumps({"id": sources[0].id, "expected": good})
        + "\n{not json\n"
        + json.dumps({"id": "no-such-source", "expected": good})
        + "\n"
        + json.dumps({"id": sources[1].id, "expected": {**good, "account_last4": "12"}})
        + "\n"
    )
    done = build(world, "bad", "--verified", bad, ok=False)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    message = " ".join(done.stderr.split())
    assert "3 bad line(s)" in message and "nothing was written" in message
    assert "line 2: not valid JSON" in message
    assert "line 3: unknown id 'no-such-source'" in message
    assert "line 4:" in message and "account_last4" in message
    datasets = world["home"] / "datasets"
    assert not (datasets / "bad").exists()
    assert not [p for p in datasets.iterdir() if p.name.startswith(".build")]
