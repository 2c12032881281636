"""``protege serve`` end to end: the official openai client against a real server process
serving scorers trained on the tiny random model, and ``/v1/extract`` with its deadline,
plausibility checks and fallback (the test upstream's ``oracle`` standing in for the teacher),
its calls read back from the SQLite store and turned into a dataset."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openai
import pytest
import yaml

torch = pytest.importorskip("torch")

from protege.contract import load_verified, parse_output, write_jsonl  # noqa: E402
from protege.contract.record import Source  # noqa: E402
from protege.contract.schema import record_json_schema  # noqa: E402
from protege.corpus import generate  # noqa: E402
from protege.prompts.liability import render_messages  # noqa: E402
from protege.store import LogStore  # noqa: E402
from protege.train import load_config  # noqa: E402
from protege.train.scorer import train_scorer  # noqa: E402

from servers import eventually, get, post, start_serve, start_upstream, stop  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
PROTEGE = Path(sys.executable).parent / "protege"


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Twelve generated sources with their verified records."""
    path = tmp_path_factory.mktemp("data") / "sources.jsonl"
    write_jsonl(path, (g.to_row() for g in generate(12, seed=77)))
    return path


@pytest.fixture(scope="module")
def scorer(tiny_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A scorer trained on the tiny random model (three epochs over 40 sources)."""
    root = tmp_path_factory.mktemp("scorer")
    data = root / "train.jsonl"
    write_jsonl(data, (g.to_row() for g in generate(40, seed=13)))
    config = load_config(
        ROOT / "configs/liability/tiny-random_lora.yaml",
        [
            f"model={tiny_model}",
            f"data.train={data}",
            f"output_dir={root / 'run'}",
            "student=scorer",
            "scorer.layers=[1,2]",
            "scorer.epochs=3",
            "data.val_fraction=0.2",
        ],
    )
    list(train_scorer(config))
    return root / "run"


@pytest.fixture(scope="module")
def server(scorer: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """(base URL, store URL) of a server with two scorers and no fallback, and a threshold no
    tiny scorer's confidence reaches."""
    root = tmp_path_factory.mktemp("serve")
    second = root / "second"
    shutil.copytree(scorer, second)
    store = f"sqlite:///{root / 'logs.db'}"
    config = root / "serve.yaml"
    config.write_text(
        yaml.safe_dump(
            {
                "models": {"student": str(scorer), "second": str(second)},
                "default_model": "student",
                "store": store,
                "spool_dir": str(root / "spool"),
                "extract": {"thresholds": {"current_balance": 1.0}},
            }
        )
    )
    proc, url = start_serve("--config", str(config))
    yield url, store
    stop(proc)


def _messages(path: Path, index: int = 0) -> list[dict[str, str]]:
    source = load_verified(path)[index]
    return render_messages(Source.model_validate(source.model_dump()))


def test_completions_streamed_and_not_carry_the_same_valid_record(
    server: tuple[str, str], sources: Path
) -> None:
    client = openai.OpenAI(base_url=server[0], api_key="unused")
    messages = _messages(sources)
    answer = client.chat.completions.create(model="student", messages=messages)  # type: ignore[arg-type]
    content = answer.choices[0].message.content
    assert parse_output(content).record is not None, content
    assert answer.model == "student" and answer.usage is not None
    assert answer.usage.prompt_tokens > 0
    stream = client.chat.completions.create(
        model="student",
        messages=messages,
        stream=True,  # type: ignore[arg-type]
        stream_options={"include_usage": True},
    )
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == content
    assert len([c for c in chunks if c.choices and c.choices[0].delta.content]) > 1
    assert chunks[-1].usage is not None and chunks[-1].usage.prompt_tokens > 0


def test_json_schema_requests_get_records_valid_under_the_schema(
    server: tuple[str, str], sources: Path
) -> None:
    import jsonschema

    client = openai.OpenAI(base_url=server[0], api_key="unused")
    schema = record_json_schema()
    for index in range(3):
        answer = client.chat.completions.create(
            model="student",
            messages=_messages(sources, index),  # type: ignore[arg-type]
            response_format={
                "type": "json_schema",
                "json_schema": {"name": "liability_record", "schema": schema},
            },
        )
        jsonschema.validate(json.loads(answer.choices[0].message.content or ""), schema)


def test_two_models_are_served_at_once_and_chosen_by_name(
    server: tuple[str, str], sources: Path
) -> None:
    client = openai.OpenAI(base_url=server[0], api_key="unused")
    assert {m.id for m in client.models.list()} == {"student", "second"}
    for name in ("student", "second"):
        answer = client.chat.completions.create(model=name, messages=_messages(sources))  # type: ignore[arg-type]
        assert answer.model == name
    status, body = get(server[0].removesuffix("/v1") + "/healthz")
    assert status == 200 and set(json.loads(body)["loaded"]) == {"student", "second"}


def test_an_unknown_model_is_a_404_envelope(server: tuple[str, str], sources: Path) -> None:
    client = openai.OpenAI(base_url=server[0], api_key="unused")
    with pytest.raises(openai.NotFoundError) as caught:
        client.chat.completions.create(model="gpt-9", messages=_messages(sources))  # type: ignore[arg-type]
    assert caught.value.status_code == 404
    assert "not served" in caught.value.message and "student" in caught.value.message


@pytest.mark.parametrize(
    ("body", "says"),
    [
        (b"{not json", "not valid JSON"),
        (b"[1, 2]", "JSON object"),
        (b'{"model": "student"}', "'messages' is required"),
        (b'{"model": "student", "messages": []}', "must not be empty"),
        (b'{"model": 3, "messages": [{"role": "user", "content": "x"}]}', "'model' must be"),
        (
            b'{"model": "student", "messages": [{"role": "user", "content": "hello"}]}',
            "liability-extract prompt",
        ),
        (
            b'{"model": "student", "n": 2, "messages": [{"role": "user", "content": "x"}]}',
            "'n' must be 1",
        ),
        (
            b'{"model": "student", "messages": [{"role": "user", "content": '
            b'"Source kind: email\\nAs of: 03/01/2025\\n\\nhi"}]}',
            "YYYY-MM-DD",
        ),
    ],
)
def test_malformed_chat_bodies_are_400_envelopes(
    server: tuple[str, str], body: bytes, says: str
) -> None:
    status, answer = post(server[0] + "/chat/completions", body)
    assert status == 400, answer
    assert says in answer["error"]["message"]
    assert answer["error"]["type"] == "invalid_request_error"


@pytest.mark.parametrize(
    ("body", "status", "says"),
    [
        ({}, 400, "'source' is required"),
        ({"source": {"kind": "fax", "as_of": "2025-01-01", "text": "x"}}, 400, "kind"),
        ({"source": {"kind": "email", "as_of": "2025-13-01", "text": "x"}}, 400, "as_of"),
        ({"source": {"kind": "email", "as_of": "Jan 1", "text": "x"}}, 400, "YYYY-MM-DD"),
        (
            {"source": {"kind": "email", "as_of": "2025-01-01", "text": "x"}, "deadline_ms": 0},
            400,
            "deadline_ms",
        ),
        (
            {"source": {"kind": "email", "as_of": "2025-01-01", "text": "x"}, "deadline_ms": "1s"},
            400,
            "deadline_ms",
        ),
        (
            {"source": {"kind": "email", "as_of": "2025-01-01", "text": "x" * 20_001}},
            400,
            "over this server's limit",
        ),
        (
            {"source": {"kind": "email", "as_of": "2025-01-01", "text": "x"}, "model": "nope"},
            404,
            "not served",
        ),
        (
            {"source": {"kind": "email", "as_of": "2025-01-01", "text": "x"}, "sources": []},
            400,
            "unknown field",
        ),
    ],
)
def test_bad_extract_requests_get_clear_4xx_envelopes(
    server: tuple[str, str], body: dict[str, Any], status: int, says: str
) -> None:
    got, answer = post(server[0] + "/extract", json.dumps(body).encode())
    assert got == status, answer
    assert says in answer["error"]["message"]


def test_without_a_fallback_a_failed_check_needs_review(
    server: tuple[str, str], sources: Path
) -> None:
    source = load_verified(sources)[0]
    body = {
        "source": {
            "kind": source.kind.value,
            "as_of": source.as_of.isoformat(),
            "text": source.text,
        }
    }
    status, answer = post(server[0] + "/extract", json.dumps(body).encode())
    assert status == 200, answer
    assert answer["outcome"] == "needs_review"
    assert any("current_balance: confidence" in r for r in answer["reasons"])
    assert any("no fallback" in r for r in answer["reasons"])
    assert answer["record"] is not None and answer["model"] == "student"
    assert set(answer["confidence"]) >= {"current_balance", "liability_type"}


@pytest.fixture(scope="module")
def fallback_server(
    scorer: Path, tiny_model: Path, sources: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, str]]:
    """(base URL, store URL) of a server whose fallback is the test upstream's oracle:
    ``student`` (a scorer under a threshold it cannot reach), ``slow`` (the tiny model, not
    loaded until its first request, then decoding token by token) and ``regex``."""
    upstream, upstream_url = start_upstream(sources)
    root = tmp_path_factory.mktemp("serve-fallback")
    store = f"sqlite:///{root / 'logs.db'}"
    config = root / "serve.yaml"
    config.write_text(
        yaml.safe_dump(
            {
                "models": {"regex": "regex", "student": str(scorer), "slow": str(tiny_model)},
                "default_model": "student",
                "store": store,
                "spool_dir": str(root / "spool"),
                "extract": {
                    "thresholds": {"current_balance": 1.0},
                    "primary_share": 0.1,  # 100 ms of a 1 s deadline
                    "fallback": {"base_url": upstream_url, "model": "oracle"},
                },
            }
        )
    )
    proc, url = start_serve("--config", str(config))
    yield url, store
    stop(proc)
    stop(upstream)


def _body(source: Any, **more: Any) -> bytes:
    return json.dumps(
        {
            "source": {
                "id": source.id,
                "kind": source.kind.value,
                "as_of": source.as_of.isoformat(),
                "text": source.text,
            },
            **more,
        }
    ).encode()


def test_a_primary_slower_than_the_deadline_gets_the_fallback_in_time(
    fallback_server: tuple[str, str], sources: Path
) -> None:
    source = load_verified(sources)[1]
    started = time.perf_counter()
    status, answer = post(
        fallback_server[0] + "/extract", _body(source, model="slow", deadline_ms=1000)
    )
    elapsed_ms = (time.perf_counter() - started) * 1000
    assert status == 200, answer
    assert answer["outcome"] == "fallback" and answer["model"] == "oracle", answer["reasons"]
    assert "deadline: slow did not answer within 100 ms" in answer["reasons"]
    assert answer["record"] == source.expected.to_json_dict()
    assert elapsed_ms <= 1000 + 100, elapsed_ms
    for key, (start, end) in answer["evidence"].items():  # the fallback's values are grounded
        assert 0 <= start < end <= len(source.text), key


def test_a_failed_plausibility_check_gets_the_fallback(
    fallback_server: tuple[str, str], sources: Path
) -> None:
    source = load_verified(sources)[2]
    status, answer = post(fallback_server[0] + "/extract", _body(source, model="student"))
    assert status == 200, answer
    assert answer["outcome"] == "fallback", answer
    assert any("current_balance: confidence" in r for r in answer["reasons"])
    assert answer["record"] == source.expected.to_json_dict()


def test_every_extract_call_is_logged_and_the_fallbacks_become_a_dataset(
    fallback_server: tuple[str, str], sources: Path
) -> None:
    url, store = fallback_server
    outcomes = {}
    for index, source in enumerate(load_verified(sources)[3:]):
        model = ("regex", "student")[index % 2]
        status, answer = post(url + "/extract", _body(source, model=model))
        assert status == 200, answer
        outcomes[source.id] = answer["outcome"]
    assert set(outcomes.values()) >= {"fallback"}
    deadline = time.monotonic() + 20  # the writer reaches the store in batches
    while time.monotonic() < deadline:
        with LogStore(store) as logs:
            calls = {c.tags.get("source_id"): c for c in logs.iter_calls()}
        if set(outcomes) <= set(calls):
            break
        time.sleep(0.2)
    for source_id, outcome in outcomes.items():
        tags = calls[source_id].tags
        assert tags["extract.outcome"] == outcome
        assert "extract.reasons" in tags and tags["extract.model"]
    out = subprocess.run(
        [
            str(PROTEGE),
            "dataset",
            "build",
            "fallbacks",
            "--from-logs",
            "--store",
            store,
            "--tag",
            "extract.outcome=fallback",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    with LogStore(store) as logs:
        fallback_ids = {
            c.id for c in logs.iter_calls() if c.tags.get("extract.outcome") == "fallback"
        }
    rows_file = Path(os.environ["PROTEGE_HOME"]) / "datasets" / "fallbacks" / "rows.jsonl"
    rows = [json.loads(line) for line in rows_file.read_text().splitlines()]
    assert {r["metadata"]["log_id"] for r in rows} == fallback_ids


def test_calibrate_writes_thresholds_serve_accepts(
    scorer: Path, sources: Path, tmp_path: Path
) -> None:
    from protege.serve.config import load_serve_config

    out = tmp_path / "thresholds.yaml"
    done = subprocess.run(
        [
            str(PROTEGE),
            "extract",
            "calibrate",
            "--model",
            str(scorer),
            "--input",
            str(sources),
            "--output",
            str(out),
            "--json",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["n"] == 12 and len(result["curve"]) >= 5
    assert result["at_thresholds"]["accuracy"] >= 0.97 or result["at_thresholds"]["coverage"] == 0
    loaded = load_serve_config(out)
    assert loaded.extract.thresholds == result["thresholds"]


def test_protege_extract_runs_a_file_through_a_server_and_in_process(
    server: tuple[str, str], scorer: Path, sources: Path, tmp_path: Path
) -> None:
    out = tmp_path / "through-server.jsonl"
    done = subprocess.run(
        [
            str(PROTEGE),
            "extract",
            "--input",
            str(sources),
            "--output",
            str(out),
            "--server",
            server[0].removesuffix("/v1"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(rows) == 12 and all(r["outcome"] == "needs_review" for r in rows)
    assert all(r["record"] is not None and r["model"] == "student" for r in rows)
    config = tmp_path / "serve.yaml"
    config.write_text(
        yaml.safe_dump(
            {
                "models": {"student": str(scorer)},
                "store": f"sqlite:///{tmp_path / 'logs.db'}",
                "spool_dir": str(tmp_path / "spool"),
            }
        )
    )
    here = tmp_path / "in-process.jsonl"
    done = subprocess.run(
        [
            str(PROTEGE),
            "extract",
            "--input",
            str(sources),
            "--output",
            str(here),
            "--config",
            str(config),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    local = [json.loads(line) for line in here.read_text().splitlines()]
    assert [r["record"] for r in local] == [r["record"] for r in rows]  # the same model, answers
    missing = subprocess.run(
        [str(PROTEGE), "extract", "--input", str(tmp_path / "none.jsonl"), "--output", str(here)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert missing.returncode == 1 and "none.jsonl" in missing.stderr


def test_eval_puts_the_teacher_and_a_served_student_in_one_table(
    server: tuple[str, str], sources: Path, tmp_path: Path
) -> None:
    upstream, upstream_url = start_upstream(sources)
    prices = tmp_path / "prices.yaml"
    prices.write_text(
        yaml.safe_dump(
            {
                "models": {"oracle": {"input": 2.5, "cached_input": 1.25, "output": 10.0}},
                "self_hosted": {"usd_per_core_hour": 0.0446},
            }
        )
    )
    try:
        done = subprocess.run(
            [
                str(PROTEGE),
                "eval",
                "--data",
                str(sources),
                "--prices",
                str(prices),
                "--model",
                f"teacher=oracle@{upstream_url}",
                "--model",
                f"student=student@{server[0]},self-hosted",
                "--out",
                str(tmp_path / "eval"),
                "--json",
            ],
            capture_output=True,
            text=True,
            check=False,
        )
    finally:
        stop(upstream)
    assert done.returncode == 0, done.stderr
    rows = {m["label"]: m for m in json.loads(done.stdout)["models"]}
    assert rows["teacher"]["kind"] == "api" and rows["student"]["kind"] == "self-hosted"
    assert rows["teacher"]["metrics"]["record_error_rate"] == 0.0  # the oracle is the truth
    assert rows["student"]["metrics"]["n"] == 12
    teacher_rows = (tmp_path / "eval/predictions/teacher.jsonl").read_text().splitlines()
    assert all(json.loads(r)["cost_usd"] > 0 for r in teacher_rows)  # priced by its tokens
    student_rows = [
        json.loads(r)
        for r in (tmp_path / "eval/predictions/student.jsonl").read_text().splitlines()
    ]
    assert all(r["cpu_s"] > 0 and r["confidence"] for r in student_rows)  # the server's compute
    with pytest.raises(subprocess.CalledProcessError):
        subprocess.run(
            [str(PROTEGE), "eval", "--data", str(sources), "--model", "x=oracle@ftp://nowhere"],
            capture_output=True,
            check=True,
        )


def test_serve_takes_the_gateways_client_keys(
    sources: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same auth block as the gateway's: /v1/* needs a key, the key's name and tags go
    with every logged extraction, and health stays open."""
    monkeypatch.setenv("SERVE_TEST_KEY", "sk-serve-abc")
    store = f"sqlite:///{tmp_path / 'logs.db'}"
    config = tmp_path / "serve.yaml"
    auth = {"keys": [{"name": "loans-app", "key_env": "SERVE_TEST_KEY", "tags": {"team": "x"}}]}
    config.write_text(
        yaml.safe_dump(
            {
                "models": {"regex": "regex"},
                "store": store,
                "spool_dir": str(tmp_path / "spool"),
                "auth": auth,
            }
        )
    )
    proc, url = start_serve("--config", str(config))
    try:
        source = load_verified(sources)[0]
        status, answer = post(url + "/extract", _body(source))
        assert status == 401 and answer["error"]["code"] == "invalid_api_key"
        headers = {"Authorization": "Bearer sk-serve-abc"}
        status, answer = post(url + "/extract", _body(source), headers)
        assert status == 200 and answer["model"] == "regex"
        keyed = openai.OpenAI(base_url=url, api_key="sk-serve-abc", max_retries=0)
        assert [m.id for m in keyed.models.list()] == ["regex"]
        with pytest.raises(openai.AuthenticationError):
            openai.OpenAI(base_url=url, api_key="sk-wrong", max_retries=0).models.list()
        assert get(url.removesuffix("/v1") + "/healthz")[0] == 200

        def tagged() -> bool:
            with LogStore(store) as s:
                calls = list(s.iter_calls())
            return any(c.tags.get("auth.key") == "loans-app" for c in calls)

        assert eventually(tagged)
    finally:
        stop(proc)
    refused = subprocess.run(
        [str(PROTEGE), "serve", "--model", "regex", "--host", "0.0.0.0"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert refused.returncode != 0 and "--insecure" in refused.stderr
