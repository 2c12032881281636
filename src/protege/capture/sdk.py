"""Drop-in wrappers of the official OpenAI clients that log every chat completion.

``protege.OpenAI`` and ``protege.AsyncOpenAI`` are subclasses of ``openai.OpenAI`` and
``openai.AsyncOpenAI``: everything works as before, and ``chat.completions.create`` takes one more
optional keyword, ``protege_tags={"key": "value"}``. Each call is logged through the same path as
the gateway's (``LogWriter``: memory queue -> durable spool -> batched inserts, on a background
thread), so the application talks to its provider directly, with no extra network hop::

    from protege import OpenAI
    client = OpenAI()                      # store: $PROTEGE_STORE, else the protege home
    client.chat.completions.create(model="gpt-4o", messages=[...], protege_tags={"team": "loans"})

Streams are logged when they end (or are closed), with the answer rebuilt from the chunks.
Costs are priced by the table shipped in the package (``protege.pricing.DEFAULT_PRICES``), loaded
once per process when the first client is constructed: a broken table raises ``ConfigError``
there, never in the middle of a call.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import json
import os
import threading
import time
from collections.abc import AsyncIterator, Iterator
from functools import cached_property
from typing import Any

import openai

from protege.capture.calls import StreamCollector, call_cost, parse_tags, usage_of
from protege.pricing import PriceTable, load_prices
from protege.store import LoggedCall, LogWriter

_writers: dict[str | None, LogWriter] = {}
_writers_lock = threading.Lock()


def shared_writer(store: str | None) -> LogWriter:
    """One writer per store per process, started on first use and flushed at exit."""
    with _writers_lock:
        if store not in _writers:
            writer = LogWriter.open(store, write_ahead=True)  # ~35 µs per call: kill-safe
            atexit.register(writer.close)
            _writers[store] = writer
        return _writers[store]


@functools.cache
def shared_prices() -> PriceTable:
    """The shipped price table, loaded once per process; ``ConfigError`` naming the file and
    listing its problems when it is broken (an error is not cached: the next client retries)."""
    return load_prices()


def _jsonable(value: Any) -> Any:
    """The request kwargs as plain JSON (pydantic objects and NOT_GIVEN sentinels flattened)."""
    return json.loads(
        json.dumps(value, default=lambda o: o.model_dump() if hasattr(o, "model_dump") else str(o))
    )


class _Logger:
    """Builds and submits the logged call of one ``create``."""

    def __init__(self, client: Any, kwargs: dict[str, Any], tags: dict[str, str] | None) -> None:
        self.started = time.perf_counter()
        self.writer: LogWriter = client._protege_writer
        self.prices: PriceTable = client._protege_prices
        request = {
            k: v
            for k, v in kwargs.items()
            if not k.startswith("extra_")
            and k != "timeout"
            and not isinstance(v, openai.NotGiven | openai.Omit)  # the client's "unset" markers
        }
        merged = parse_tags(None, kwargs.get("metadata"))
        merged.update(tags or {})
        self.call = LoggedCall(
            model_requested=str(kwargs.get("model")),
            upstream=str(client.base_url).rstrip("/"),
            request=_jsonable(request),
            tags=merged,
        )
        self.collector: StreamCollector | None = None
        self._done = False

    def first_chunk(self) -> None:
        if self.call.ttft_ms is None:
            self.call.ttft_ms = round((time.perf_counter() - self.started) * 1000, 3)

    def finish(self, response: Any = None, error: BaseException | None = None) -> None:
        """Complete the logged call and hand it to the writer, once; never raises."""
        if self._done:
            return
        self._done = True
        with contextlib.suppress(Exception):  # logging must never break the application
            self.writer.submit(self._completed(response, error))

    def _completed(self, response: Any, error: BaseException | None) -> LoggedCall:
        call = self.call
        if self.collector is not None:
            call.response = self.collector.response()
        elif response is not None:
            call.response = response.model_dump(mode="json")
        if error is not None:
            call.status = "error"
            call.error = f"{type(error).__name__}: {error}"[:1000]
        prompt, completion, cached = usage_of(call.response)
        call.prompt_tokens, call.completion_tokens = prompt, completion
        call.cost_usd = call_cost(self.prices, call.model_requested, prompt, completion, cached)
        call.latency_ms = round((time.perf_counter() - self.started) * 1000, 3)
        return call


class _LoggedStream:
    """A ``Stream`` of chunks that logs the whole answer when it ends or is closed."""

    def __init__(self, inner: Any, logger: _Logger) -> None:
        self._inner = inner
        self._logger = logger
        logger.collector = StreamCollector()

    def __iter__(self) -> Iterator[Any]:
        try:
            for chunk in self._inner:
                self._logger.first_chunk()
                self._logger.collector._take(chunk.model_dump(mode="json"))  # type: ignore[union-attr]
                yield chunk
        except GeneratorExit:  # the caller stopped reading early: log what it received
            self._logger.finish()
            raise
        except BaseException as exc:
            self._logger.finish(error=exc)
            raise
        self._logger.finish()

    def __enter__(self) -> _LoggedStream:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._inner.close()
        self._logger.finish()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


class _AsyncLoggedStream(_LoggedStream):
    """The async counterpart of ``_LoggedStream``."""

    async def __aiter__(self) -> AsyncIterator[Any]:
        try:
            async for chunk in self._inner:
                self._logger.first_chunk()
                self._logger.collector._take(chunk.model_dump(mode="json"))  # type: ignore[union-attr]
                yield chunk
        except BaseException as exc:
            self._logger.finish(error=exc)
            raise
        self._logger.finish()

    async def __aenter__(self) -> _AsyncLoggedStream:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._inner.close()
        self._logger.finish()


class _Completions:
    def __init__(self, inner: Any, client: Any) -> None:
        self._inner = inner
        self._client = client

    def create(self, *, protege_tags: dict[str, str] | None = None, **kwargs: Any) -> Any:
        """``openai`` ``chat.completions.create``, logged; ``protege_tags`` tag the logged call."""
        logger = _Logger(self._client, kwargs, protege_tags)
        try:
            result = self._inner.create(**kwargs)
        except openai.OpenAIError as exc:
            logger.finish(error=exc)
            raise
        if kwargs.get("stream"):
            return _LoggedStream(result, logger)
        logger.finish(result)
        return result

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


class _AsyncCompletions(_Completions):
    async def create(self, *, protege_tags: dict[str, str] | None = None, **kwargs: Any) -> Any:
        """``openai`` async ``chat.completions.create``, logged."""
        logger = _Logger(self._client, kwargs, protege_tags)
        try:
            result = await self._inner.create(**kwargs)
        except openai.OpenAIError as exc:
            logger.finish(error=exc)
            raise
        if kwargs.get("stream"):
            return _AsyncLoggedStream(result, logger)
        logger.finish(result)
        return result


class _Chat:
    def __init__(self, inner: Any, completions: _Completions) -> None:
        self._inner = inner
        self.completions = completions

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


class _LoggedClient:
    """What both clients add: a writer for ``protege_store``, the price table, and a ``chat``
    whose ``completions.create`` is logged (by ``_completions``, sync or async)."""

    _completions: type[_Completions] = _Completions

    def __init__(self, *args: Any, protege_store: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._protege_prices = shared_prices()  # a broken table fails here, not in a call
        self._protege_writer = shared_writer(protege_store or os.environ.get("PROTEGE_STORE"))

    @cached_property
    def chat(self) -> Any:
        """The official ``chat`` resource, with ``completions.create`` logged."""
        inner = super().chat  # type: ignore[misc]
        return _Chat(inner, self._completions(inner.completions, self))


class OpenAI(_LoggedClient, openai.OpenAI):
    """``openai.OpenAI`` that logs chat completions; ``protege_store`` picks the store URL
    (default ``$PROTEGE_STORE``, else the protege home's SQLite file)."""


class AsyncOpenAI(_LoggedClient, openai.AsyncOpenAI):
    """``openai.AsyncOpenAI`` that logs chat completions (see ``OpenAI``)."""

    _completions = _AsyncCompletions
