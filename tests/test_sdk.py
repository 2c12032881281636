"""protege.OpenAI / protege.AsyncOpenAI: the official clients, calling a real upstream process
directly, with every chat completion logged through the spool into the store."""

from __future__ import annotations

import asyncio
from pathlib import Path

import openai
import pytest

import protege
from protege import pricing
from protege.capture.sdk import shared_prices, shared_writer
from protege.errors import ConfigError
from protege.store import LoggedCall, LogStore


def calls(store: str) -> list[LoggedCall]:
    assert shared_writer(store).flush(timeout_s=20)
    with LogStore(store) as s:
        return list(s.iter_calls())


def test_drop_in_client_logs_calls_with_tags(upstream: str, tmp_path: Path) -> None:
    store = f"sqlite:///{tmp_path / 'sdk.db'}"
    client = protege.OpenAI(base_url=upstream, api_key="sk-test", protege_store=store)
    assert isinstance(client, openai.OpenAI)
    reply = client.chat.completions.create(
        model="gpt-4o",
        messages=[{"role": "user", "content": "hello"}],
        protege_tags={"team": "loans"},
        metadata={"env": "test"},
        temperature=openai.NOT_GIVEN,  # the client's own "unset" marker is not logged
    )
    assert reply.choices[0].message.content == "echo: hello"
    [call] = calls(store)
    assert call.tags == {"team": "loans", "env": "test"}
    assert call.request["messages"] == [{"role": "user", "content": "hello"}]
    assert "protege_tags" not in call.request and "temperature" not in call.request
    assert (call.prompt_tokens, call.completion_tokens) == (12, 5) and call.cost_usd
    assert call.upstream == upstream


def test_streams_errors_and_async_are_logged(upstream: str, tmp_path: Path) -> None:
    store = f"sqlite:///{tmp_path / 'sdk.db'}"
    client = protege.OpenAI(
        base_url=upstream, api_key="sk-test", protege_store=store, max_retries=0
    )
    stream = client.chat.completions.create(
        model="gpt-4o",
        messages=[{"role": "user", "content": "s"}],
        stream=True,
        protege_tags={"case": "stream"},
    )
    assert "".join(c.choices[0].delta.content or "" for c in stream if c.choices) == "echo: s"
    early = client.chat.completions.create(
        model="gpt-4o",
        messages=[{"role": "user", "content": "long"}],
        stream=True,
        protege_tags={"case": "early"},
    )
    with early:
        for _ in early:
            break  # the caller stops reading after the first chunk
    with pytest.raises(openai.APIStatusError):
        client.chat.completions.create(
            model="teapot",
            messages=[{"role": "user", "content": "x"}],
            protege_tags={"case": "error"},
        )

    async def run() -> str | None:
        aclient = protege.AsyncOpenAI(base_url=upstream, api_key="sk-test", protege_store=store)
        reply = await aclient.chat.completions.create(
            model="gpt-4o",
            messages=[{"role": "user", "content": "a"}],
            protege_tags={"case": "async"},
        )
        return reply.choices[0].message.content

    assert asyncio.run(run()) == "echo: a"
    by_case = {c.tags["case"]: c for c in calls(store)}
    assert by_case["stream"].response is not None
    assert by_case["stream"].response["choices"][0]["message"]["content"] == "echo: s"
    assert by_case["stream"].ttft_ms is not None
    assert by_case["error"].status == "error" and "teapot" in (by_case["error"].error or "")
    assert by_case["async"].status == "ok"
    assert by_case["early"].status == "ok"  # stopping early is not an error


def test_parse_raw_and_streaming_responses_and_copies_keep_logging(
    upstream: str, tmp_path: Path
) -> None:
    store = f"sqlite:///{tmp_path / 'sdk.db'}"
    client = protege.OpenAI(
        base_url=upstream, api_key="sk-test", protege_store=store, max_retries=0
    )
    messages = [{"role": "user", "content": "p"}]
    parsed = client.chat.completions.parse(
        model="gpt-4o", messages=messages, protege_tags={"case": "parse"}
    )
    assert parsed.choices[0].message.content == "echo: p"
    raw = client.chat.completions.with_raw_response.create(
        model="gpt-4o", messages=messages, protege_tags={"case": "raw"}
    )
    assert raw.headers["x-request-id"] == "req-upstream-1" and raw.parse().choices
    with client.chat.completions.with_streaming_response.create(
        model="gpt-4o", messages=messages, protege_tags={"case": "streaming-response"}
    ) as response:
        assert response.parse().choices[0].message.content == "echo: p"
    with client.chat.completions.with_streaming_response.create(
        model="gpt-4o", messages=messages, stream=True, protege_tags={"case": "streamed-response"}
    ) as response:
        text = "".join(c.choices[0].delta.content or "" for c in response.parse() if c.choices)
    assert text == "echo: p"
    copied = client.with_options(timeout=5).chat.completions.create(
        model="gpt-4o", messages=messages, protege_tags={"case": "with-options"}
    )
    assert copied.choices[0].message.content == "echo: p"

    async def run() -> None:
        aclient = protege.AsyncOpenAI(
            base_url=upstream, api_key="sk-test", protege_store=store, max_retries=0
        )
        await aclient.chat.completions.parse(
            model="gpt-4o", messages=messages, protege_tags={"case": "async-parse"}
        )
        stream = await aclient.chat.completions.create(
            model="gpt-4o",
            messages=[{"role": "user", "content": "a long answer"}],
            stream=True,
            protege_tags={"case": "async-early"},
        )
        async with stream:
            async for _ in stream:
                break  # abandoned after the first chunk, as the sync test does

    asyncio.run(run())
    by_case = {c.tags["case"]: c for c in calls(store)}
    for case in (
        "parse",
        "raw",
        "streaming-response",
        "streamed-response",
        "with-options",
        "async-parse",
    ):
        call = by_case[case]
        assert call.status == "ok" and call.response is not None, case
        assert call.response["choices"][0]["message"]["content"] == "echo: p", case
    assert by_case["async-early"].status == "ok"  # stopping early is not an error


def test_unknown_keywords_still_fail_like_the_official_client(
    upstream: str, tmp_path: Path
) -> None:
    client = protege.OpenAI(
        base_url=upstream, api_key="sk-test", protege_store=f"sqlite:///{tmp_path / 'x.db'}"
    )
    with pytest.raises(TypeError):
        client.chat.completions.create(model="gpt-4o", messages=[], no_such_argument=1)


def test_a_broken_price_table_fails_at_construction_naming_the_file(
    upstream: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = tmp_path / "prices.yaml"
    broken.write_text("models: {gpt-4o: {input: 2.5}}\n")
    store = f"sqlite:///{tmp_path / 'sdk.db'}"
    shared_prices.cache_clear()
    with monkeypatch.context() as patch:
        patch.setattr(pricing, "DEFAULT_PRICES", broken)
        for make_client in (protege.OpenAI, protege.AsyncOpenAI):
            with pytest.raises(ConfigError) as caught:
                make_client(base_url=upstream, api_key="sk-test", protege_store=store)
            assert caught.value.source == str(broken)
            assert caught.value.problems == [
                "models.gpt-4o.output: Field required",
                "self_hosted: Field required",
            ]
    # The shipped table again: a failed load is not cached, and calls are priced by it.
    client = protege.OpenAI(base_url=upstream, api_key="sk-test", protege_store=store)
    client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hi"}])
    [call] = calls(store)
    # gpt-4o list prices: 8 uncached input at $2.50, 4 cached at $1.25, 5 output at $10 per 1M
    assert call.cost_usd == pytest.approx((8 * 2.5 + 4 * 1.25 + 5 * 10.0) / 1e6)
