"""The capture gateway: an OpenAI-compatible ASGI app that forwards chat completions to their
upstream and logs every call without blocking it.

Hot path, chosen by measurement (docs/results/capture-2026-11): uvicorn
(uvloop, httptools) serving a raw ASGI fast path for this endpoint, and a pool of keep-alive
connections to the upstreams driven by the event loop itself (``protege.capture.http1``). The
request body is forwarded as the bytes the client sent unless the route renames the model; logging
is one ``LogWriter.submit`` (one spool write with ``write_ahead``, and an in-memory queue), never a
database round trip. The log writer runs as ``SCHED_BATCH`` (``protege.capture.sched``).

Errors: every error answer is the OpenAI envelope ``{"error": {message, type, param, code}}``.
Upstream errors keep their status code; a timeout, a failed connection, a retryable status or a
200 that is not JSON tries the route's fallbacks in order, then answers 504, 502 or the status.

Tenants: with client keys (``protege.capture.auth``) a request needs one of them, and its calls
carry the key's tags; with redaction (``protege.capture.redact``) the logged record's text is
rewritten before it reaches the writer, while the upstream gets the original.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import gc
import os
import time
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from typing import Any, NamedTuple

import orjson
from starlette.requests import ClientDisconnect

from protege.capture.auth import Denied, KeyRing
from protege.capture.cache import ResponseCache, cache_key, wants_cache
from protege.capture.calls import (
    RequestProblem,
    call_cost,
    check_chat_request,
    error_body,
    parse_tags,
    usage_of,
)
from protege.capture.config import GatewayConfig, Route
from protege.capture.http1 import encode_headers
from protege.capture.metrics import GatewayMetrics
from protege.capture.pool import Pool
from protege.capture.redact import RULES_TAG, Redactor
from protege.capture.relay import Headers, RelayResponse, relay
from protege.capture.sched import make_batch
from protege.capture.upstream import RETRYABLE, Failure, send, target_for
from protege.pricing import PriceTable
from protege.prompts.registry import parse_prompt_ref
from protege.store import LogWriter
from protege.store.record import LoggedCall

ATTEMPTS_TAG = "gateway.attempts"  # "route=status,..." on a call that went past its first route
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]  # an ASGI receive callable

# The request headers the gateway reads, picked from the ASGI scope in one pass (ASGI servers
# hand header names over lowercased). Starlette's Headers object decodes every header again on
# each lookup.
HEADERS_READ = frozenset(
    {
        b"content-length",
        b"authorization",
        b"x-protege-tags",
        b"x-protege-prompt",
        b"x-protege-cache",
    }
)


def read_headers(raw: Iterable[tuple[bytes, bytes]]) -> dict[bytes, str]:
    """The headers of ``HEADERS_READ`` found in an ASGI scope's ``headers`` list."""
    return {name: value.decode("latin-1") for name, value in raw if name in HEADERS_READ}


class Answer(NamedTuple):
    """A complete JSON answer: its status, body and extra headers (the app sends it as two
    ASGI messages)."""

    status: int
    body: bytes
    headers: Headers | None = None


def error_answer(
    status: int, message: str, kind: str, param: str | None = None, code: str | None = None
) -> Answer:
    """An error answer in the OpenAI envelope."""
    return Answer(status, error_body(message, kind, param, code))


def _as_envelope(status: int, data: bytes) -> bytes:
    """An upstream error body as the OpenAI envelope (kept as is when it already is one)."""
    with contextlib.suppress(orjson.JSONDecodeError):
        parsed = orjson.loads(data)
        if isinstance(parsed, dict) and isinstance(parsed.get("error"), dict):
            return data
    text = data.decode("utf-8", "replace").strip()[:300]
    return error_body(f"upstream answered HTTP {status}: {text}", "upstream_error", code=None)


class Gateway:
    """The gateway's state: routes, the HTTP session, the log writer, cache and metrics."""

    def __init__(
        self,
        config: GatewayConfig,
        *,
        prices: PriceTable | None = None,
        prompts: dict[str, str] | None = None,
    ) -> None:
        self.config = config
        self.prices = prices
        self.prompts = prompts or {}
        self.metrics = GatewayMetrics()
        self.cache = (
            ResponseCache(config.cache.ttl_s, config.cache.max_entries)
            if config.cache.enabled
            else None
        )
        self.keys = KeyRing(config.auth) if config.auth is not None else None
        self.redactor = Redactor(config.redact) if config.redact is not None else None
        self.writer: LogWriter | None = None
        self.client: Pool | None = None
        self.batch_threads: list[int] = []  # helper threads kept from preempting the loop
        keys = {r.model: os.environ[r.api_key_env] for r in config.routes if r.api_key_env}
        self._targets = {r.model: target_for(r, keys.get(r.model)) for r in config.routes}
        self._chains = {r.model: config.chain(r.model) for r in config.routes}  # ~3 % of CPU
        # What a call's record says answered it, and the name its price is looked up by.
        self._labels = {
            r.model: f"{r.upstream} ({r.upstream_model or r.model})" for r in config.routes
        }

    async def start(self) -> None:
        """Open the upstream client and the log writer (replaying what a crash left)."""
        self.writer = LogWriter.open(
            self.config.store,
            spool_dir=self.config.spool_dir,
            max_spool_bytes=self.config.max_spool_bytes,
            write_ahead=self.config.write_ahead,
        )
        # Runs on this event loop: see protege.capture.http1.
        self.client = Pool(
            max_per_origin=self.config.max_connections_per_upstream,
            max_waiting=self.config.max_waiting_per_upstream,
        )
        # What is alive now (modules, config, the store's engine) lives as long as the process:
        # out of the collector's sight, so its full collections only walk what requests leave
        # behind. (The collector stays ~4 % of the loop's CPU under load either way: most of it
        # is young collections. The freeze is cheap; docs/results/capture-2026-11.)
        gc.freeze()
        # The log writer must not preempt the event loop when they share a core
        # (protege.capture.sched).
        if self.writer.thread_id is not None:
            self.batch_threads = make_batch([self.writer.thread_id])

    async def stop(self) -> None:
        """Close the upstream client and flush the writer into the store (or the spool)."""
        if self.client is not None:
            self.client.close()
        if self.writer is not None:
            await asyncio.to_thread(self.writer.close)

    # -- helpers ---------------------------------------------------------------------------

    def _upstream_headers(self, route: Route, headers: dict[bytes, str]) -> bytes:
        # Content-Type and the rest are the endpoint's own (protege.capture.upstream).
        auth = self._targets[route.model].auth
        if auth is not None:
            return auth
        if self.keys is not None:  # the client's key is the gateway's: never sent upstream
            return b""
        client_auth = headers.get(b"authorization")  # no key configured: pass the client's on
        return encode_headers({"Authorization": client_auth}) if client_auth is not None else b""

    def _payload(self, route: Route, body: dict[str, Any], raw: bytes) -> bytes:
        # The name the upstream knows the model by: a fallback route sends its own, not the
        # name the client asked for.
        model = route.upstream_model or route.model
        if model != body["model"]:
            return orjson.dumps({**body, "model": model})
        return raw

    def _prompt(self, header: str | None) -> tuple[str | None, str | None]:
        if not header:
            return None, None
        prompt_id, version = parse_prompt_ref(header)
        return prompt_id, version or self.prompts.get(prompt_id)

    def _log(self, call: LoggedCall) -> None:
        """Hand the record to the writer now, before its answer goes out: with ``write_ahead``
        it is in the spool file when this returns, so a 200 never goes out for a call that a
        ``kill -9`` could lose. One spool write per call: measured cheaper than grouping the
        calls of an event-loop turn behind a shared future (which costs 13 % of the maximum
        throughput and ~1 ms of p99 at 500 req/s)."""
        try:
            if self.redactor is not None:
                fired: set[str] = set()
                call.request = self.redactor.request(call.request, fired)
                call.response = self.redactor.response(call.response, fired)
                if call.error:
                    call.error = self.redactor.text(call.error, fired)
                if fired:
                    call.tags = {**call.tags, RULES_TAG: ",".join(sorted(fired))}
            if self.writer is not None:
                self.writer.submit(call)
        except Exception:  # a closed writer at shutdown: the answer still goes out
            self.metrics.error("log_submit")

    async def _read_body(self, receive: Receive, headers: dict[bytes, str]) -> bytes:
        limit = self.config.max_body_bytes
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            raise RequestProblem(
                f"request body of {int(declared):,} bytes exceeds the limit of {limit:,} bytes "
                "(max_body_bytes in the gateway config)",
                status=413,
                code="request_too_large",
            )
        chunks, size = [], 0
        more = True
        while more:  # the ASGI messages themselves: Starlette's request.stream() costs more
            message = await receive()
            if message["type"] == "http.disconnect":
                raise ClientDisconnect()
            chunk = message.get("body", b"")
            more = message.get("more_body", False)
            size += len(chunk)
            if size > limit:
                raise RequestProblem(
                    f"request body exceeds the limit of {limit:,} bytes "
                    "(max_body_bytes in the gateway config)",
                    status=413,
                    code="request_too_large",
                )
            chunks.append(chunk)
        return chunks[0] if len(chunks) == 1 else b"".join(chunks)

    # -- the endpoint ----------------------------------------------------------------------

    async def chat_completions(
        self, raw_headers: Iterable[tuple[bytes, bytes]], receive: Receive
    ) -> Answer | RelayResponse:
        """POST /v1/chat/completions, from the ASGI scope's headers and receive callable: a
        complete answer, or a stream to relay (an ASGI app of its own)."""
        started = time.perf_counter()
        headers = read_headers(raw_headers)
        client_tags = None
        if self.keys is not None:
            try:
                client_tags = self.keys.check(headers.get(b"authorization")).tags
            except Denied as denied:
                return self.denied(denied, started)
        try:
            raw = await self._read_body(receive, headers)
            try:
                parsed = orjson.loads(raw)
            except orjson.JSONDecodeError as exc:
                raise RequestProblem(f"the request body is not valid JSON: {exc}") from exc
            body = check_chat_request(parsed)
            chain = self._chains.get(body["model"], [])
            if not chain:
                known = ", ".join(r.model for r in self.config.routes)
                raise RequestProblem(
                    f"unknown model {body['model']!r}; this gateway routes: {known} "
                    "(add a route to the gateway config)",
                    status=404,
                    code="model_not_found",
                    param="model",
                )
            tags = parse_tags(headers.get(b"x-protege-tags"), body.get("metadata"))
            if client_tags is not None:  # the key's tags win: they say who called
                tags = {**tags, **client_tags}
        except RequestProblem as problem:
            self.metrics.error("invalid_request")
            self.metrics.observe("", problem.status, time.perf_counter() - started)
            return error_answer(
                problem.status,
                problem.message,
                "invalid_request_error",
                problem.param,
                problem.code,
            )
        prompt_id, prompt_version = self._prompt(headers.get(b"x-protege-prompt"))
        call = LoggedCall(
            model_requested=body["model"],
            upstream=chain[0].upstream,
            request=body,
            tags=tags,
            prompt_id=prompt_id,
            prompt_version=prompt_version,
        )
        key = None
        if self.cache is not None and wants_cache(body, headers.get(b"x-protege-cache")):
            key = cache_key(body)
            cached = self.cache.get(key)
            if cached is not None:
                return self._answer_cached(call, cached, started)
        # a stream is logged when it ends, after its 200 went out
        return await self._forward(call, chain, body, raw, headers, started, key)

    def denied(self, denied: Denied, started: float) -> Answer:
        """The 401 or 429 of a request the key ring refused."""
        self.metrics.error(denied.code)
        self.metrics.observe("", denied.status, time.perf_counter() - started)
        extra = [(k.encode(), v.encode()) for k, v in denied.headers.items()]
        body = error_body(denied.message, denied.kind, code=denied.code)
        return Answer(denied.status, body, extra)

    def _answer_cached(self, call: LoggedCall, data: bytes, started: float) -> Answer:
        response = orjson.loads(data)
        call.response = response
        call.prompt_tokens, call.completion_tokens, _ = usage_of(response)
        call.cache_hit, call.cost_usd = True, 0.0
        call.latency_ms = (time.perf_counter() - started) * 1000
        self.metrics.cache_hits += 1
        self.metrics.observe(call.model_requested, 200, time.perf_counter() - started)
        self._log(call)
        return Answer(200, data)

    def _finish(self, call: LoggedCall, route: Route, status: int, started: float) -> None:
        call.upstream = self._labels[route.model]
        prompt, completion, cached = usage_of(call.response)
        call.prompt_tokens, call.completion_tokens = prompt, completion
        call.cost_usd = call_cost(
            self.prices, route.upstream_model or route.model, prompt, completion, cached
        )
        elapsed = time.perf_counter() - started
        call.latency_ms = round(elapsed * 1000, 3)
        self.metrics.observe(call.model_requested, status, elapsed)
        self._log(call)

    async def _forward(
        self,
        call: LoggedCall,
        chain: list[Route],
        body: dict[str, Any],
        raw: bytes,
        headers: dict[bytes, str],
        started: float,
        key: str | None,
    ) -> Answer | RelayResponse:
        """Try the route and its fallbacks in order; answer, relay or report the failure."""
        assert self.client is not None
        stream = bool(body.get("stream"))
        failure = Failure(502, "no upstream answered", "upstream_error")
        attempts: list[str] = []  # "route=status" of each route tried, for the log
        for route in chain:
            outcome = await send(
                self.client,
                route,
                self._targets[route.model],
                self._payload(route, body, raw),
                self._upstream_headers(route, headers),
                stream,
            )
            if isinstance(outcome, Failure):
                failure = outcome
                attempts.append(f"{route.model}={outcome.status}")
                continue
            status, data = outcome.status, outcome.data
            if status == 200 and data is not None:
                try:
                    call.response = orjson.loads(data)
                except orjson.JSONDecodeError:
                    failure = Failure(
                        502,
                        f"upstream {route.upstream} answered 200 with a body that is not JSON",
                        "upstream_error",
                    )
                    attempts.append(f"{route.model}=invalid_json")
                    continue
            elif status in RETRYABLE and route is not chain[-1]:
                failure = Failure(
                    status, f"upstream {route.upstream} answered HTTP {status}", "upstream_error"
                )
                attempts.append(f"{route.model}={status}")
                continue
            if attempts:  # a fallback answered: the log says what was tried first
                attempts.append(f"{route.model}={status}")
                call.tags = {**call.tags, ATTEMPTS_TAG: ",".join(attempts)}
            if outcome.stream is not None:
                return relay(
                    call,
                    outcome.stream,
                    started,
                    ended=functools.partial(self._finish, call, route, 200, started),
                    broke=lambda: self.metrics.error("upstream"),
                )
            if status == 200 and data is not None:
                if key is not None and self.cache is not None:
                    self.cache.put(key, data)
                self._finish(call, route, 200, started)
                return Answer(200, data, outcome.headers)
            envelope = _as_envelope(status, data or b"")
            call.status, call.error = "error", envelope.decode("utf-8", "replace")[:1000]
            self.metrics.error("upstream")
            self._finish(call, route, status, started)
            return Answer(status, envelope, outcome.headers)
        if len(attempts) > 1:
            call.tags = {**call.tags, ATTEMPTS_TAG: ",".join(attempts)}
        call.status = "timeout" if failure.kind == "timeout" else "error"
        call.error = failure.message
        self.metrics.error(failure.kind)
        self._finish(call, chain[-1], failure.status, started)
        return error_answer(failure.status, failure.message, failure.kind)
