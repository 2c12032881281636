"""Units of the capture path: the cache, the stream collector, tags, the gateway config, and
the prompt registry with its CLI."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import threading
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from starlette.requests import ClientDisconnect
from typer.testing import CliRunner

from protege.capture.app import build_app
from protege.capture.cache import ResponseCache, cache_key, wants_cache
from protege.capture.calls import RequestProblem, StreamCollector, parse_tags
from protege.capture.config import parse_gateway_config
from protege.capture.gateway import Gateway, read_headers
from protege.capture.relay import RelayResponse
from protege.capture.sched import is_batch
from protege.cli import app
from protege.errors import ConfigError
from protege.pricing import load_prices

from clitools import assert_clean_error

runner = CliRunner()
REQUEST = {"model": "m", "messages": [{"role": "user", "content": "x"}], "temperature": 0}


def test_cache_key_ignores_transport_and_tags_but_not_parameters() -> None:
    base = cache_key(REQUEST)
    assert cache_key({**REQUEST, "stream": False, "metadata": {"a": "b"}, "user": "u"}) == base
    assert cache_key(dict(reversed(list(REQUEST.items())))) == base  # key order does not matter
    assert cache_key({**REQUEST, "max_tokens": 5}) != base
    assert cache_key({**REQUEST, "messages": [{"role": "user", "content": "y"}]}) != base


def test_cache_applies_at_temperature_zero_or_when_asked() -> None:
    assert wants_cache(REQUEST, None)
    assert not wants_cache({**REQUEST, "temperature": 0.7}, None)
    assert not wants_cache({k: v for k, v in REQUEST.items() if k != "temperature"}, None)
    assert wants_cache({**REQUEST, "temperature": 0.7}, "on")
    assert not wants_cache(REQUEST, "off")
    assert not wants_cache({**REQUEST, "stream": True}, "on")  # streams are not cached


def test_cache_entries_expire_and_the_least_recent_goes_first() -> None:
    now = [0.0]
    cache = ResponseCache(ttl_s=10, max_entries=2, clock=lambda: now[0])
    cache.put("a", b"A")
    cache.put("b", b"B")
    assert cache.get("a") == b"A"  # a is now the most recently used
    cache.put("c", b"C")  # evicts b
    assert cache.get("b") is None and cache.get("a") == b"A" and cache.get("c") == b"C"
    now[0] = 10.0
    assert cache.get("a") is None and len(cache) == 1


def test_stream_collector_rebuilds_the_answer_across_any_split() -> None:
    events = (
        b"".join(
            b"data: " + json.dumps(chunk).encode() + b"\n\n"
            for chunk in [
                {
                    "id": "c1",
                    "model": "m",
                    "choices": [{"index": 0, "delta": {"role": "assistant"}}],
                },
                {"id": "c1", "choices": [{"index": 0, "delta": {"content": "Hel"}}]},
                {
                    "id": "c1",
                    "choices": [{"index": 0, "delta": {"content": "lo"}, "finish_reason": "stop"}],
                },
                {"id": "c1", "choices": [], "usage": {"prompt_tokens": 3, "completion_tokens": 2}},
            ]
        )
        + b"data: [DONE]\n\n"
    )
    for size in (1, 7, len(events)):
        collector = StreamCollector()
        for start in range(0, len(events), size):
            collector.feed(events[start : start + size])
        response = collector.response()
        assert response["choices"][0]["message"] == {"role": "assistant", "content": "Hello"}
        assert response["choices"][0]["finish_reason"] == "stop"
        assert response["usage"]["completion_tokens"] == 2 and response["id"] == "c1"


def test_tags_come_from_metadata_and_the_header_which_wins() -> None:
    assert parse_tags("a=1, b = 2", {"a": "0", "c": "3"}) == {"a": "1", "b": "2", "c": "3"}
    with pytest.raises(RequestProblem, match="not key=value"):
        parse_tags("novalue", None)
    with pytest.raises(RequestProblem, match="must be strings"):
        parse_tags(None, {"n": 1})


def test_gateway_config_reports_every_cross_problem_at_once() -> None:
    with pytest.raises(ConfigError) as info:
        parse_gateway_config(
            {
                "routes": [
                    {"model": "a", "upstream": "http://x", "fallbacks": ["a", "zz"]},
                    {"model": "a", "upstream": "http://y"},
                ]
            },
            "gw.yaml",
        )
    problems = "\n".join(info.value.problems)
    assert "routed more than once" in problems
    assert "falls back to itself" in problems and "'zz' is not a routed model" in problems
    config = parse_gateway_config(
        {
            "routes": [
                {"model": "a", "upstream": "http://x/v1/", "fallbacks": ["b"]},
                {"model": "b", "upstream": "http://y"},
            ]
        },
        "gw.yaml",
    )
    assert [r.model for r in config.chain("a")] == ["a", "b"]
    assert config.routes[0].upstream == "http://x/v1"  # trailing slash dropped
    assert config.max_body_bytes == 4 * 1024 * 1024 and config.write_ahead


def test_gateway_config_problems_name_the_key_to_fix() -> None:
    with pytest.raises(ConfigError) as info:
        parse_gateway_config(
            {"routes": [{"model": "a", "upstream": "ftp://x"}], "cache": {"ttl": 5}}, "gw.yaml"
        )
    assert info.value.problems == [
        "routes.0.upstream: must be an http:// or https:// base URL, got 'ftp://x'",
        "cache.ttl: Extra inputs are not permitted",
    ]


def test_prompts_add_list_show(tmp_path: Path) -> None:
    template = tmp_path / "p.txt"
    template.write_text("Extract the record from {text}\n")
    first = runner.invoke(app, ["prompts", "add", "liability", str(template), "--json"])
    assert first.exit_code == 0, first.output
    entry = json.loads(first.output)
    assert entry["new"] and len(entry["version"]) == 12
    again = runner.invoke(app, ["prompts", "add", "liability", str(template), "--json"])
    assert json.loads(again.output)["new"] is False  # same content, same version
    template.write_text("Extract it.\n")
    runner.invoke(app, ["prompts", "add", "liability", str(template)])
    listed = json.loads(runner.invoke(app, ["prompts", "list", "--json"]).output)
    assert [e["id"] for e in listed] == [
        "liability-extract",
        "liability-extract-hints",
        "liability",
        "liability",
    ]
    shown = json.loads(runner.invoke(app, ["prompts", "show", "liability", "--json"]).output)
    assert shown["text"] == "Extract it.\n"  # latest by default
    old = runner.invoke(app, ["prompts", "show", f"liability@{entry['version']}"])
    assert "Extract the record from {text}" in old.output


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["prompts", "show", "nope"], "no prompt 'nope' is registered"),
        (["prompts", "add", "bad id!", "x.txt"], "must be 1-64 letters"),
        (["prompts", "add", "ok", "/no/such/file.txt"], "no such prompt file"),
        (["gateway", "--config", "/no/such/gateway.yaml"], "no such gateway config"),
    ],
)
def test_prompt_and_gateway_commands_fail_cleanly(args: list[str], needle: str) -> None:
    assert_clean_error(runner.invoke(app, args), needle)


def test_request_headers_are_read_in_one_pass_and_only_those_used() -> None:
    raw = [
        (b"host", b"x"),
        (b"authorization", b"Bearer sk-1"),
        (b"x-protege-tags", b"team=loans"),
        (b"content-length", b"12"),
    ]
    assert read_headers(raw) == {
        b"authorization": "Bearer sk-1",
        b"x-protege-tags": "team=loans",
        b"content-length": "12",
    }


@pytest.mark.skipif(not hasattr(os, "SCHED_BATCH"), reason="SCHED_BATCH is a Linux policy")
def test_gateway_helper_threads_cannot_preempt_the_event_loop(tmp_path: Path) -> None:
    config = parse_gateway_config(
        {
            "store": f"sqlite:///{tmp_path}/logs.db",
            "spool_dir": str(tmp_path / "spool"),
            "routes": [{"model": "a", "upstream": "http://127.0.0.1:9/v1"}],
        },
        "gw.yaml",
    )
    gateway = Gateway(config)

    async def started() -> None:
        await gateway.start()
        try:
            assert gateway.writer is not None and gateway.writer.thread_id is not None
            assert gateway.batch_threads == [gateway.writer.thread_id]
            assert is_batch(gateway.writer.thread_id)
            assert not is_batch(threading.get_native_id())  # the loop itself stays as it was
        finally:
            await gateway.stop()

    asyncio.run(started())


def test_an_api_key_with_a_line_break_inside_is_refused_and_a_trailing_one_dropped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = parse_gateway_config(
        {
            "store": f"sqlite:///{tmp_path}/logs.db",
            "routes": [
                {"model": "a", "upstream": "http://127.0.0.1:9/v1", "api_key_env": "KEY_A"},
                {"model": "b", "upstream": "http://127.0.0.1:9/v1", "api_key_env": "KEY_B"},
            ],
        },
        "gw.yaml",
    )
    monkeypatch.setenv("KEY_A", "sk-abc\n")  # as read from a key file
    monkeypatch.setenv("KEY_B", "sk-abc\r\nX-Injected: 1")
    with pytest.raises(ConfigError) as caught:
        build_app(config)
    assert caught.value.problems == [
        "routes: b: environment variable KEY_B holds a line break, NUL or non-Latin-1 character "
        "inside the key (an API key is one line)"
    ]
    monkeypatch.setenv("KEY_B", "sk-def")
    gateway = build_app(config).gateway
    assert gateway._targets["a"].auth == b"Authorization: Bearer sk-abc\r\n"


def test_a_broken_prices_file_stops_the_gateway_naming_the_file(tmp_path: Path) -> None:
    routes = [{"model": "a", "upstream": "http://127.0.0.1:9/v1"}]
    store = f"sqlite:///{tmp_path}/logs.db"
    broken = tmp_path / "my-prices.yaml"
    broken.write_text("models:\n  gpt-4o: {input: -1, output: 10}\n")
    config = parse_gateway_config({"store": store, "routes": routes, "prices": str(broken)}, "gw")
    with pytest.raises(ConfigError) as caught:
        build_app(config)
    assert caught.value.source == str(broken)
    assert caught.value.problems == [
        "models.gpt-4o.input: Input should be greater than or equal to 0",
        "self_hosted: Field required",
    ]
    shipped = build_app(parse_gateway_config({"store": store, "routes": routes}, "gw")).gateway
    assert shipped.prices == load_prices()  # no prices: the table shipped in the package


def test_a_relayed_stream_ends_even_when_it_was_never_iterated() -> None:
    iterated: list[bool] = []
    ended: list[bool] = []

    async def chunks() -> AsyncIterator[bytes]:
        iterated.append(True)
        yield b"data: {}\n\n"

    async def send(message: Any) -> None:
        raise OSError("the client is gone")  # before the head could go out

    async def receive() -> Any:
        return {"type": "http.disconnect"}

    async def main() -> None:
        response = RelayResponse(chunks(), lambda: ended.append(True), [])
        with contextlib.suppress(ClientDisconnect):  # what Starlette turns the OSError into
            await response({"type": "http", "asgi": {"spec_version": "2.4"}}, receive, send)

    asyncio.run(main())
    assert ended == [True] and iterated == []


def test_a_client_keys_rate_bucket_holds_a_second_of_its_rate_and_at_least_one() -> None:
    from protege.capture.auth import _Bucket

    slow = _Bucket(0.5, 1.0, at=100.0)  # one request every 2 s
    assert slow.take(100.0) == 0.0
    assert slow.take(100.0) == pytest.approx(2.0)
    assert slow.take(102.0) == 0.0
    fast = _Bucket(2.0, 2.0, at=100.0)  # a burst of two, then one every 0.5 s
    assert [fast.take(100.0), fast.take(100.0)] == [0.0, 0.0]
    assert fast.take(100.0) == pytest.approx(0.5)
    assert fast.take(100.5) == 0.0
