"""Drop-in wrappers of the official OpenAI clients that log every chat completion.

``protege.OpenAI`` and ``protege.AsyncOpenAI`` are subclasses of ``openai.OpenAI`` and
``openai.AsyncOpenAI``: everything works as before, and ``chat.completions.create`` takes one more
optional keyword, ``protege_tags={"key": "value"}``. Each call is logged through the same path as
the gateway's (``LogWriter``: memory queue -> durable spool -> batched inserts, on a background
thread), so the application talks to its provider directly, with no extra network hop::

    from protege import OpenAI
    client = OpenAI()                      # store: $PROTEGE_STORE, else the protege home
    client.chat.completions.create(model="gpt-4o", messages=[...], protege_tags={"team": "loans"})

Streams are logged when they end (or are closed, or are abandoned), with the answer rebuilt
from the chunks. ``chat.completions.parse`` is logged like ``create``, and so are the calls made
through ``with_raw_response`` and ``with_streaming_response`` (when their answer is parsed, or
else with no answer when the response closes); ``with_options(...)`` and ``copy(...)`` give a
client that logs to the same store.
Costs are priced by the table shipped in the package (``protege.pricing.DEFAULT_PRICES``), loaded
once per process when the first client is constructed: a broken table raises ``ConfigError``
there, never in the middle of a call.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from functools import cached_property
from typing import Any

import openai

from protege.capture.sdk_log import (
    AsyncLoggedStream,
    LoggedStream,
    Logger,
    inherited_store,
    shared_prices,
    shared_writer,
)

__all__ = ["AsyncOpenAI", "OpenAI", "shared_prices", "shared_writer"]


class _Completions:
    def __init__(self, inner: Any, client: Any) -> None:
        self._inner = inner
        self._client = client

    def create(self, *, protege_tags: dict[str, str] | None = None, **kwargs: Any) -> Any:
        """``openai`` ``chat.completions.create``, logged; ``protege_tags`` tag the logged call."""
        return self._logged(self._inner.create, protege_tags, kwargs)

    def parse(self, *, protege_tags: dict[str, str] | None = None, **kwargs: Any) -> Any:
        """``openai`` ``chat.completions.parse`` (structured outputs), logged."""
        return self._logged(self._inner.parse, protege_tags, kwargs)

    def _logged(
        self, method: Callable[..., Any], tags: dict[str, str] | None, kwargs: dict[str, Any]
    ) -> Any:
        logger = Logger(self._client, kwargs, tags)
        try:
            result = method(**kwargs)
        except openai.OpenAIError as exc:
            logger.finish(error=exc)
            raise
        if kwargs.get("stream"):
            return LoggedStream(result, logger)
        logger.finish(result)
        return result

    @property
    def with_raw_response(self) -> _RawCompletions:
        """``with_raw_response``: the raw response, its call logged with the parsed answer."""
        return _RawCompletions(self._inner.with_raw_response, self._client)

    @property
    def with_streaming_response(self) -> _StreamingCompletions:
        """``with_streaming_response``: logged when the answer is parsed or the response closes."""
        return _StreamingCompletions(self._inner.with_streaming_response, self._client)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


class _RawCompletions:
    """``with_raw_response``: the official raw response, whose ``parse`` logs the call."""

    def __init__(self, inner: Any, client: Any) -> None:
        self._inner = inner
        self._client = client

    def create(self, *, protege_tags: dict[str, str] | None = None, **kwargs: Any) -> Any:
        """The raw response of ``create``; the call is logged with its parsed answer."""
        return self._raw(self._inner.create, protege_tags, kwargs)

    def parse(self, *, protege_tags: dict[str, str] | None = None, **kwargs: Any) -> Any:
        """The raw response of ``parse``; the call is logged with its parsed answer."""
        return self._raw(self._inner.parse, protege_tags, kwargs)

    def _raw(
        self, method: Callable[..., Any], tags: dict[str, str] | None, kwargs: dict[str, Any]
    ) -> Any:
        logger = Logger(self._client, kwargs, tags)
        try:
            raw = method(**kwargs)
        except openai.OpenAIError as exc:
            logger.finish(error=exc)
            raise
        if kwargs.get("stream"):  # the stream the caller parses is the logged one
            parse = raw.parse
            raw.parse = lambda **options: LoggedStream(parse(**options), logger)
        else:
            logger.finish(raw.parse())  # parsed once: the official response caches it
        return raw

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


class _StreamingCompletions(_RawCompletions):
    """``with_streaming_response``: a context manager whose response logs the call when its
    answer is parsed, or with no answer when it closes unparsed (its body read as raw bytes)."""

    def _raw(
        self, method: Callable[..., Any], tags: dict[str, str] | None, kwargs: dict[str, Any]
    ) -> Any:
        logger = Logger(self._client, kwargs, tags)
        manager = method(**kwargs)
        return _LoggedResponseManager(manager, logger, bool(kwargs.get("stream")))


class _LoggedResponseManager:
    """Wraps the official (async) response context manager of ``with_streaming_response``."""

    def __init__(self, inner: Any, logger: Logger, stream: bool) -> None:
        self._inner = inner
        self._logger = logger
        self._stream = stream

    def _watch(self, response: Any) -> Any:
        parse = response.parse
        logger, stream = self._logger, self._stream

        def logged_parse(**options: Any) -> Any:
            parsed = parse(**options)
            if stream:
                return LoggedStream(parsed, logger)
            logger.finish(parsed)
            return parsed

        async def logged_aparse(**options: Any) -> Any:
            parsed = await parse(**options)
            if stream:
                return AsyncLoggedStream(parsed, logger)
            logger.finish(parsed)
            return parsed

        response.parse = logged_aparse if asyncio.iscoroutinefunction(parse) else logged_parse
        return response

    def __enter__(self) -> Any:
        try:
            return self._watch(self._inner.__enter__())
        except openai.OpenAIError as exc:
            self._logger.finish(error=exc)
            raise

    def __exit__(self, *exc: Any) -> Any:
        try:
            return self._inner.__exit__(*exc)
        finally:
            self._logger.finish()  # no-op when parse logged it already

    async def __aenter__(self) -> Any:
        try:
            return self._watch(await self._inner.__aenter__())
        except openai.OpenAIError as exc:
            self._logger.finish(error=exc)
            raise

    async def __aexit__(self, *exc: Any) -> Any:
        try:
            return await self._inner.__aexit__(*exc)
        finally:
            self._logger.finish()


class _AsyncRawCompletions(_RawCompletions):
    async def create(self, *, protege_tags: dict[str, str] | None = None, **kwargs: Any) -> Any:
        """The raw response of async ``create``; logged with its parsed answer."""
        return await self._araw(self._inner.create, protege_tags, kwargs)

    async def parse(self, *, protege_tags: dict[str, str] | None = None, **kwargs: Any) -> Any:
        """The raw response of async ``parse``; logged with its parsed answer."""
        return await self._araw(self._inner.parse, protege_tags, kwargs)

    async def _araw(
        self, method: Callable[..., Any], tags: dict[str, str] | None, kwargs: dict[str, Any]
    ) -> Any:
        logger = Logger(self._client, kwargs, tags)
        try:
            raw = await method(**kwargs)
        except openai.OpenAIError as exc:
            logger.finish(error=exc)
            raise
        if kwargs.get("stream"):
            parse = raw.parse
            raw.parse = lambda **options: AsyncLoggedStream(parse(**options), logger)
        else:
            logger.finish(raw.parse())
        return raw


class _AsyncCompletions(_Completions):
    async def create(self, *, protege_tags: dict[str, str] | None = None, **kwargs: Any) -> Any:
        """``openai`` async ``chat.completions.create``, logged."""
        return await self._alogged(self._inner.create, protege_tags, kwargs)

    async def parse(self, *, protege_tags: dict[str, str] | None = None, **kwargs: Any) -> Any:
        """``openai`` async ``chat.completions.parse``, logged."""
        return await self._alogged(self._inner.parse, protege_tags, kwargs)

    async def _alogged(
        self, method: Callable[..., Any], tags: dict[str, str] | None, kwargs: dict[str, Any]
    ) -> Any:
        logger = Logger(self._client, kwargs, tags)
        try:
            result = await method(**kwargs)
        except openai.OpenAIError as exc:
            logger.finish(error=exc)
            raise
        if kwargs.get("stream"):
            return AsyncLoggedStream(result, logger)
        logger.finish(result)
        return result

    @property
    def with_raw_response(self) -> _AsyncRawCompletions:
        """``with_raw_response`` of the async client, logged."""
        return _AsyncRawCompletions(self._inner.with_raw_response, self._client)


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
        self._protege_store = (
            protege_store or inherited_store.get() or os.environ.get("PROTEGE_STORE")
        )
        self._protege_writer = shared_writer(self._protege_store)

    def copy(self, *args: Any, **kwargs: Any) -> Any:
        """The official ``copy``, logging to the same store."""
        token = inherited_store.set(self._protege_store)
        try:
            return super().copy(*args, **kwargs)  # type: ignore[misc]
        finally:
            inherited_store.reset(token)

    with_options = copy  # as in the official client: the two are one method

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
