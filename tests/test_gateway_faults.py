"""The gateway under upstream faults, with concurrent clients: every fault of
``tests/fault_upstream.py`` (5xx, 429, reset, stalls before the head and mid-stream, malformed
JSON, a body cut short) is answered with the fallback's completion or a clear OpenAI envelope,
and every call is logged with its attempts: as many records as the clients sent requests."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import openai
import pytest

from protege.store import LoggedCall, LogStore

from servers import HERE, eventually, free_port, start_gateway, stop, wait_for_port

FAULTS = (
    "status-500",
    "status-502",
    "status-503",
    "status-429",
    "reset",
    "stall-head",
    "malformed",
    "close-early",
)
TIMEOUT_S = 0.5  # each faulty route's timeout: a stall costs this much, then the fallback


@pytest.fixture(scope="module")
def faulty() -> Iterator[str]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, str(HERE / "fault_upstream.py"), str(port)], stderr=subprocess.PIPE
    )
    wait_for_port(port, proc)
    yield f"http://127.0.0.1:{port}/v1"
    stop(proc)


@pytest.fixture(scope="module")
def gateway(faulty: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """Each fault twice: ``<fault>`` falls back to ``good``; ``bare-<fault>`` has no fallback."""
    root = tmp_path_factory.mktemp("faults")
    store = f"sqlite:///{root / 'logs.db'}"
    routes: list[dict[str, Any]] = [{"model": "good", "upstream": faulty}]
    for fault in (*FAULTS, "stall-mid"):
        common = {"upstream": faulty, "upstream_model": fault, "timeout_s": TIMEOUT_S}
        routes.append({"model": fault, **common, "fallbacks": ["good"]})
        routes.append({"model": f"bare-{fault}", **common})
    config = root / "gateway.yaml"
    config.write_text(
        json.dumps({"store": store, "routes": routes, "spool_dir": str(root / "spool")})
    )
    proc, url = start_gateway(config)
    yield url, store
    stop(proc)


def _calls(store: str, run: str, count: int) -> list[LoggedCall]:
    found: list[LoggedCall] = []

    def check() -> bool:
        nonlocal found
        with LogStore(store) as s:
            found = [c for c in s.iter_calls() if c.tags.get("run") == run]
        return len(found) >= count

    eventually(check)
    return found


def _ask(url: str, model: str, run: str, index: int) -> tuple[str, int, str]:
    client = openai.OpenAI(base_url=url, api_key="sk-test", max_retries=0, timeout=10)
    try:
        reply = client.chat.completions.create(
            model=model,
            messages=[{"role": "user", "content": f"{model} {index}"}],
            extra_headers={"X-Protege-Tags": f"run={run}"},
        )
        return model, 200, reply.choices[0].message.content or ""
    except openai.APIStatusError as exc:
        error = exc.response.json()["error"]
        assert set(error) >= {"message", "type"}  # the OpenAI envelope, whatever the fault
        return model, exc.status_code, error["message"]


def test_every_fault_falls_back_under_concurrent_load(gateway: tuple[str, str]) -> None:
    url, store = gateway
    jobs = [(fault, i) for fault in FAULTS for i in range(4)]
    with ThreadPoolExecutor(16) as pool:
        answers = list(pool.map(lambda job: _ask(url, job[0], "fallback", job[1]), jobs))
    assert all(status == 200 and text == "fine" for _, status, text in answers), answers
    calls = _calls(store, "fallback", len(jobs))
    assert len(calls) == len(jobs)  # no log lost: one record per request the clients sent
    for call in calls:
        fault = call.model_requested
        attempts = call.tags["gateway.attempts"].split(",")
        assert attempts[0].startswith(f"{fault}=") and attempts[-1] == "good=200", attempts
        assert call.status == "ok"


EXPECTED = {
    "status-500": (500, "fault 500"),
    "status-502": (502, "fault 502"),
    "status-503": (503, "fault 503"),
    "status-429": (429, "fault 429"),
    "reset": (502, "failed"),
    "stall-head": (504, "timed out"),
    "malformed": (502, "not JSON"),
    "close-early": (502, "failed"),
}


def test_without_a_fallback_each_fault_is_a_clear_envelope(gateway: tuple[str, str]) -> None:
    url, store = gateway
    jobs = [(f"bare-{fault}", i) for fault in FAULTS for i in range(2)]
    with ThreadPoolExecutor(16) as pool:
        answers = list(pool.map(lambda job: _ask(url, job[0], "bare", job[1]), jobs))
    for model, status, message in answers:
        want_status, says = EXPECTED[model.removeprefix("bare-")]
        assert (status, says in message) == (want_status, True), (model, status, message)
    calls = _calls(store, "bare", len(jobs))
    assert len(calls) == len(jobs)
    assert all(c.status in ("error", "timeout") and c.error for c in calls)


def test_a_stream_that_stalls_mid_way_ends_with_an_error_event(
    gateway: tuple[str, str],
) -> None:
    url, store = gateway
    client = openai.OpenAI(base_url=url, api_key="sk-test", max_retries=0, timeout=10)
    stream = client.chat.completions.create(
        model="bare-stall-mid",
        messages=[{"role": "user", "content": "stream"}],
        stream=True,
        extra_headers={"X-Protege-Tags": "run=stall-mid"},
    )
    got = []
    with pytest.raises(openai.APIError, match="stream broke"):
        for chunk in stream:
            got.append(chunk)
    assert got and got[0].choices[0].delta.content == "half"
    [call] = _calls(store, "stall-mid", 1)
    assert call.status == "error" and "stream broke" in (call.error or "")
