"""What the SDK wrappers (``protege.capture.sdk``) log a call with: the shared writer and price
table, the logger of one call, and the streams that log the whole answer when they end."""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import functools
import json
import threading
import time
from collections.abc import AsyncIterator, Iterator
from contextvars import ContextVar
from typing import Any

import openai

from protege.capture.calls import StreamCollector, call_cost, parse_tags, usage_of
from protege.pricing import PriceTable, load_prices
from protege.store import LoggedCall, LogWriter

_writers: dict[str | None, LogWriter] = {}
_writers_lock = threading.Lock()
# The store a client made by ``copy`` / ``with_options`` inherits (the official copy constructs
# the new client with the official keywords only).
inherited_store: ContextVar[str | None] = ContextVar("protegeinherited_store", default=None)


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


class Logger:
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


class LoggedStream:
    """A ``Stream`` of chunks that logs the whole answer when it ends or is closed."""

    def __init__(self, inner: Any, logger: Logger) -> None:
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

    def __enter__(self) -> LoggedStream:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._inner.close()
        self._logger.finish()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


class AsyncLoggedStream(LoggedStream):
    """The async counterpart of ``_LoggedStream``."""

    async def __aiter__(self) -> AsyncIterator[Any]:
        try:
            async for chunk in self._inner:
                self._logger.first_chunk()
                self._logger.collector._take(chunk.model_dump(mode="json"))  # type: ignore[union-attr]
                yield chunk
        except (GeneratorExit, asyncio.CancelledError):  # abandoned early: as the sync stream
            self._logger.finish()
            raise
        except BaseException as exc:
            self._logger.finish(error=exc)
            raise
        self._logger.finish()

    async def __aenter__(self) -> AsyncLoggedStream:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._inner.close()
        self._logger.finish()
