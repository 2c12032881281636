"""The capture gateway end to end: the official openai client -> `protege gateway` (a real
process) -> a real upstream process; logged calls read back from the SQLite store."""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import openai
import pytest
from openai.types.chat import ChatCompletion

from protege.store import LoggedCall, LogStore

from servers import eventually, free_port, get, post, start_gateway, stop


@pytest.fixture(scope="module")
def gateway(upstream: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """(gateway base URL, store URL)."""
    root = tmp_path_factory.mktemp("gw")
    store = f"sqlite:///{root / 'logs.db'}"
    config = root / "gateway.yaml"
    dead = f"http://127.0.0.1:{free_port()}/v1"
    routes = [
        {"model": "gpt-4o", "upstream": upstream},
        {"model": "teapot", "upstream": upstream},
        {"model": "plain-500", "upstream": upstream},
        {
            "model": "primary",
            "upstream": upstream,
            "upstream_model": "broken",
            "fallbacks": ["gpt-4o"],
        },
        {"model": "slowpoke", "upstream": upstream, "upstream_model": "slow", "timeout_s": 0.5},
        {
            "model": "staller",
            "upstream": upstream,
            "upstream_model": "stall-stream",
            "timeout_s": 0.5,
        },
        {"model": "nowhere", "upstream": dead},  # nothing listens there: connection refused
        {"model": "nowhere-then-ok", "upstream": dead, "fallbacks": ["gpt-4o"]},
    ]
    config.write_text(
        json.dumps(
            {
                "store": store,
                "routes": routes,
                "max_body_bytes": 4096,
                "cache": {"enabled": True, "ttl_s": 60},
                "spool_dir": str(root / "spool"),
            }
        )
    )
    proc, url = start_gateway(config)
    yield url, store
    stop(proc)


def client(url: str) -> openai.OpenAI:
    return openai.OpenAI(base_url=url, api_key="sk-test", max_retries=0)


def ask(url: str, model: str, text: str, case: str) -> ChatCompletion:
    """One non-streamed call through the gateway, tagged ``case=<case>`` to find its record."""
    return client(url).chat.completions.create(
        model=model,
        messages=[{"role": "user", "content": text}],
        extra_headers={"X-Protege-Tags": f"case={case}"},
    )


def logged(store: str, predicate: object = None, count: int = 1) -> list[LoggedCall]:
    """Wait until the store holds ``count`` calls matching ``predicate`` (a tag key=value)."""
    found: list[LoggedCall] = []

    def check() -> bool:
        nonlocal found
        with LogStore(store) as s:
            found = [c for c in s.iter_calls() if predicate is None or predicate(c)]  # type: ignore[operator]
        return len(found) >= count

    assert eventually(check), f"expected {count} logged call(s), found {len(found)}"
    return found


def tagged(value: str) -> object:
    return lambda c: c.tags.get("case") == value


def test_non_streaming_call_is_answered_and_logged(gateway: tuple[str, str]) -> None:
    url, store = gateway
    reply = client(url).chat.completions.create(
        model="gpt-4o",
        messages=[{"role": "user", "content": "hi"}],
        metadata={"env": "test"},
        extra_headers={
            "X-Protege-Tags": "case=plain,team=loans",
            "X-Protege-Prompt": "liability@abc123",
        },
    )
    assert reply.choices[0].message.content == "echo: hi"
    assert reply.usage is not None and reply.usage.prompt_tokens == 12  # usage passes through
    [call] = logged(store, tagged("plain"))
    assert call.status == "ok" and call.model_requested == "gpt-4o"
    assert call.tags == {"case": "plain", "team": "loans", "env": "test"}
    assert (call.prompt_id, call.prompt_version) == ("liability", "abc123")
    assert (call.prompt_tokens, call.completion_tokens) == (12, 5)
    # gpt-4o list prices: 8 uncached input at $2.50, 4 cached at $1.25, 5 output at $10 per 1M
    assert call.cost_usd == pytest.approx((8 * 2.50 + 4 * 1.25 + 5 * 10.00) / 1e6)
    assert (
        call.response is not None
        and call.response["choices"][0]["message"]["content"] == "echo: hi"
    )
    assert call.latency_ms > 0 and call.cache_hit is False


def test_streaming_call_is_relayed_and_logged_whole(gateway: tuple[str, str]) -> None:
    url, store = gateway
    stream = client(url).chat.completions.create(
        model="gpt-4o",
        messages=[{"role": "user", "content": "stream me please"}],
        stream=True,
        stream_options={"include_usage": True},
        extra_headers={"X-Protege-Tags": "case=stream"},
    )
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == "echo: stream me please"
    assert chunks[-1].usage is not None and chunks[-1].usage.completion_tokens == 5
    [call] = logged(store, tagged("stream"))
    assert call.response is not None
    assert call.response["choices"][0]["message"]["content"] == "echo: stream me please"
    assert call.response["choices"][0]["finish_reason"] == "stop"
    assert call.completion_tokens == 5 and call.ttft_ms is not None


def test_a_stream_that_stalls_ends_and_is_logged_as_broken(gateway: tuple[str, str]) -> None:
    url, store = gateway
    stream = client(url).chat.completions.create(
        model="staller",
        messages=[{"role": "user", "content": "stall"}],
        stream=True,
        extra_headers={"X-Protege-Tags": "case=stall"},
    )
    started = time.monotonic()
    chunks = []
    # The relay gives up 0.5 s after the first chunk (the upstream: 3 s), and says so in an
    # error event, which the client raises.
    with pytest.raises(openai.APIError, match="upstream stream broke"):
        for chunk in stream:
            chunks.append(chunk)
    assert time.monotonic() - started < 2.5
    assert [c.choices[0].delta.content for c in chunks] == ["half"]
    [call] = logged(store, tagged("stall"))
    assert call.status == "error" and "upstream stream broke" in (call.error or "")
    assert call.response is not None
    assert call.response["choices"][0]["message"]["content"] == "half"


def test_a_stream_whose_upstream_does_not_answer_in_time_is_a_504(
    gateway: tuple[str, str],
) -> None:
    url, store = gateway
    status, body = post(
        f"{url}/chat/completions",
        json.dumps(
            {"model": "slowpoke", "messages": [{"role": "user", "content": "x"}], "stream": True}
        ).encode(),
        headers={"X-Protege-Tags": "case=slow-stream"},
    )
    assert status == 504 and body["error"]["type"] == "timeout"
    [call] = logged(store, tagged("slow-stream"))
    assert call.status == "timeout"


def test_an_unreachable_upstream_is_a_502_or_its_fallback_answers(
    gateway: tuple[str, str],
) -> None:
    url, store = gateway
    body = {"model": "nowhere", "messages": [{"role": "user", "content": "anyone?"}]}
    status, answer = post(
        f"{url}/chat/completions",
        json.dumps(body).encode(),
        headers={"X-Protege-Tags": "case=refused"},
    )
    assert status == 502 and answer["error"]["type"] == "upstream_error"
    assert "failed" in answer["error"]["message"]
    [call] = logged(store, tagged("refused"))
    assert call.status == "error"
    reply = ask(url, "nowhere-then-ok", "try the next", "refused-fallback")
    assert reply.choices[0].message.content == "echo: try the next"
    [call] = logged(store, tagged("refused-fallback"))
    assert call.status == "ok"


def test_upstream_errors_keep_their_status_in_the_openai_envelope(gateway: tuple[str, str]) -> None:
    url, store = gateway
    with pytest.raises(openai.APIStatusError) as info:
        ask(url, "teapot", "x", "teapot")
    assert info.value.status_code == 418 and "I am a teapot" in info.value.message
    status, body = post(
        f"{url}/chat/completions",
        json.dumps({"model": "plain-500", "messages": [{"role": "user", "content": "x"}]}).encode(),
    )
    assert status == 500
    assert "upstream answered HTTP 500: upstream exploded" in body["error"]["message"]
    [call] = logged(store, tagged("teapot"))
    assert call.status == "error" and "teapot" in (call.error or "")


def test_a_failing_upstream_falls_back_and_a_slow_one_times_out(gateway: tuple[str, str]) -> None:
    url, store = gateway
    reply = ask(url, "primary", "fallback", "fallback")
    assert reply.choices[0].message.content == "echo: fallback"
    [call] = logged(store, tagged("fallback"))
    assert call.model_requested == "primary" and "(gpt-4o)" in call.upstream
    status, body = post(
        f"{url}/chat/completions",
        json.dumps({"model": "slowpoke", "messages": [{"role": "user", "content": "x"}]}).encode(),
        {"X-Protege-Tags": "case=slow"},
    )
    assert status == 504 and body["error"]["type"] == "timeout"
    [call] = logged(store, tagged("slow"))
    assert call.status == "timeout"


GOOD = {"model": "gpt-4o", "messages": [{"role": "user", "content": "x"}]}


@pytest.mark.parametrize(
    ("body", "status", "needle"),
    [
        (b'{"model": "gpt-4o", "messages": [', 400, "not valid JSON"),
        (
            json.dumps({"messages": GOOD["messages"]}).encode(),
            400,
            "missing required parameter 'model'",
        ),
        (json.dumps({**GOOD, "model": "gpt-9"}).encode(), 404, "unknown model 'gpt-9'"),
        (
            json.dumps({**GOOD, "messages": [{"role": "user", "content": "x" * 5000}]}).encode(),
            413,
            "exceeds the limit of 4,096 bytes",
        ),
        (json.dumps({**GOOD, "model": 7}).encode(), 400, "'model' must be a string, got number"),
        (
            json.dumps({**GOOD, "messages": "hi"}).encode(),
            400,
            "'messages' must be a non-empty array",
        ),
        (
            json.dumps({**GOOD, "temperature": "hot"}).encode(),
            400,
            "'temperature' must be a number",
        ),
        (json.dumps({**GOOD, "stream": "yes"}).encode(), 400, "'stream' must be a boolean"),
        (json.dumps([GOOD]).encode(), 400, "must be a JSON object, got array"),
    ],
)
def test_bad_input_gets_a_4xx_envelope_that_says_what_to_fix(
    gateway: tuple[str, str], body: bytes, status: int, needle: str
) -> None:
    url, _ = gateway
    got, answer = post(f"{url}/chat/completions", body)
    assert got == status
    assert set(answer["error"]) == {"message", "type", "param", "code"}
    assert needle in answer["error"]["message"]


def test_bad_tag_header_and_unknown_paths_get_envelopes(gateway: tuple[str, str]) -> None:
    url, _ = gateway
    status, body = post(
        f"{url}/chat/completions", json.dumps(GOOD).encode(), {"X-Protege-Tags": "oops"}
    )
    assert status == 400 and "is not key=value" in body["error"]["message"]
    status, raw = get(url.replace("/v1", "/v2/nothing"))
    assert status == 404 and "no such endpoint" in json.loads(raw)["error"]["message"]


def test_models_health_and_metrics(gateway: tuple[str, str]) -> None:
    url, _ = gateway
    names = [m.id for m in client(url).models.list()]
    assert names == [
        "gpt-4o",
        "teapot",
        "plain-500",
        "primary",
        "slowpoke",
        "staller",
        "nowhere",
        "nowhere-then-ok",
    ]
    status, raw = get(url.replace("/v1", "/healthz"))
    assert status == 200 and json.loads(raw)["status"] == "ok"
    client(url).chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "m"}])
    status, raw = get(url.replace("/v1", "/metrics"))
    text = raw.decode()
    assert status == 200
    assert 'protege_requests_total{model="gpt-4o",code="200"}' in text
    assert 'protege_request_duration_seconds_bucket{le="+Inf"}' in text
    for gauge in ("protege_log_queue_depth", "protege_spool_bytes", "protege_store_up"):
        assert f"\n{gauge} " in text


def test_deterministic_requests_are_cached_and_logged_as_hits(
    gateway: tuple[str, str], upstream: str
) -> None:
    url, store = gateway
    before = json.loads(get(upstream.replace("/v1", "/count"))[1])["n"]
    for _ in range(2):
        reply = client(url).chat.completions.create(
            model="gpt-4o",
            messages=[{"role": "user", "content": "cache me"}],
            temperature=0,
            extra_headers={"X-Protege-Tags": "case=cache"},
        )
        assert reply.choices[0].message.content == "echo: cache me"
    after = json.loads(get(upstream.replace("/v1", "/count"))[1])["n"]
    assert after - before == 1  # the second answer came from the cache
    calls = logged(store, tagged("cache"), count=2)
    assert sorted(c.cache_hit for c in calls) == [False, True]
    hit = next(c for c in calls if c.cache_hit)
    assert hit.cost_usd == 0 and hit.response is not None


def test_gateway_refuses_a_bad_config_with_every_problem(tmp_path: Path) -> None:
    config = tmp_path / "gateway.yaml"
    config.write_text(
        "routes:\n"
        "  - {model: a, upstream: ftp://x, fallbacks: [nope]}\n"
        "  - {model: a, upstream: http://x, timeout_s: -1}\n"
        "  - {model: b, upstream: http://x, api_key_env: PROTEGE_TEST_UNSET_KEY}\n"
    )
    result = subprocess.run(
        [
            str(Path(__import__("sys").executable).parent / "protege"),
            "gateway",
            "--config",
            str(config),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "ftp://x" in result.stderr and "timeout_s" in result.stderr
