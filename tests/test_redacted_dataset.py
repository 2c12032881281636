"""Redacted logs still make a training set: generated liability sources go through a gateway
with every built-in redaction rule to a teacher that knows their records (the upstream gets
the originals); the dataset built from the logs holds no full account number, e-mail or phone,
keeps the last four the teacher answered where the source stated it in digits, and a scorer
trains on it (the tiny random model, in process)."""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openai
import pytest

torch = pytest.importorskip("torch")

from protege.contract import load_verified  # noqa: E402
from protege.evidence.last4 import find_last4  # noqa: E402
from protege.prompts.liability import LIABILITY_PROMPT, render_messages  # noqa: E402
from protege.train import load_config  # noqa: E402
from protege.train.scorer import train_scorer  # noqa: E402

from servers import PROTEGE, start_gateway, start_upstream, stop  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
N_SOURCES = 30
LONG_DIGITS = re.compile(r"(?<![\d.,])\d(?:[ -]?\d){7,18}(?![\d.,])")
EMAIL = re.compile(r"\w@\w")
DATE = re.compile(r"\d{4}-\d{2}-\d{2}|\d{2}-\d{2}-\d{4}")


@pytest.fixture(scope="module")
def redacted(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    root = tmp_path_factory.mktemp("redacted")
    home = root / "home"
    corpus = root / "corpus.jsonl"
    env = {**os.environ, "PROTEGE_HOME": str(home)}
    subprocess.run(
        [str(PROTEGE), "corpus", "generate", "--n", str(N_SOURCES), "--seed", "21",
         "--out", str(corpus)],
        check=True, capture_output=True, env=env,
    )  # fmt: skip
    upstream_proc, upstream = start_upstream(corpus)
    store = f"sqlite:///{root / 'logs.db'}"
    config = root / "gateway.yaml"
    config.write_text(
        json.dumps(
            {
                "store": store,
                "spool_dir": str(root / "spool"),
                "routes": [{"model": "teacher", "upstream": upstream, "upstream_model": "oracle"}],
                "redact": {},  # every built-in rule
            }
        )
    )
    gateway_proc, gateway = start_gateway(config)
    client = openai.OpenAI(base_url=gateway, api_key="sk-test", max_retries=0)
    sources = load_verified(corpus)
    for source in sources:
        client.chat.completions.create(
            model="teacher",
            messages=render_messages(source),  # type: ignore[arg-type]
            extra_headers={
                "X-Protege-Tags": f"source_id={source.id},app=liability",
                "X-Protege-Prompt": f"{LIABILITY_PROMPT.id}@{LIABILITY_PROMPT.version}",
            },
        )
    stop(gateway_proc)  # flushes every logged call into the store
    stop(upstream_proc)
    built = subprocess.run(
        [str(PROTEGE), "dataset", "build", "redacted", "--from-logs", "--store", store,
         "--tag", "app=liability", "--split", "test=0.2,seed=1", "--json"],
        capture_output=True, text=True, env=env,
    )  # fmt: skip
    assert built.returncode == 0, built.stderr[-2000:]
    yield {"root": root, "sources": sources, "dataset": home / "datasets" / "redacted"}


def test_the_dataset_from_redacted_logs_keeps_last_four_and_no_full_numbers(
    redacted: dict[str, Any],
) -> None:
    rows = [json.loads(line) for line in (redacted["dataset"] / "rows.jsonl").open()]
    assert len(rows) == N_SOURCES
    by_id = {s.id: s for s in redacted["sources"]}
    stated = kept = 0
    for row in rows:
        user = next(m["content"] for m in row["messages"] if m["role"] == "user")
        answer = json.loads(row["messages"][-1]["content"])
        assert not EMAIL.search(user), user
        runs = [m.group() for m in LONG_DIGITS.finditer(user) if not DATE.fullmatch(m.group())]
        assert not runs, runs  # no account number of 8+ digits left whole
        original = by_id[row["metadata"]["id"]]
        last4 = original.expected.account_last4
        assert answer["account_last4"] == last4  # the teacher's answer keeps it
        if last4 and last4 in {f.value for f in find_last4(original.text)}:
            stated += 1
            kept += last4 in {f.value for f in find_last4(user)}
    assert stated >= 10 and kept >= stated - 1


def test_a_scorer_trains_on_the_redacted_dataset(
    redacted: dict[str, Any], tiny_model: Path
) -> None:
    config = load_config(
        ROOT / "configs/liability/tiny-random_lora.yaml",
        [
            f"model={tiny_model}",
            f"data.train={redacted['dataset']}",
            f"output_dir={redacted['root'] / 'run'}",
            "student=scorer",
            "scorer.layers=[1,2]",
            "scorer.epochs=1",
            "data.val_fraction=0.2",
        ],
    )
    list(train_scorer(config))
    meta = json.loads((redacted["root"] / "run" / "meta.json").read_text())
    assert meta["kind"] == "scorer"
    assert meta["data"]["train_path"] == str(redacted["dataset"])
    assert meta["data"]["train_sources"] + meta["data"]["val_sources"] >= N_SOURCES // 2
    assert all(loss == loss and loss > 0 for _, loss in meta["metrics"]["losses"])  # not NaN
