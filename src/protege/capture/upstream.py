"""The gateway's side of an upstream call: the HTTP client, each route's target, and one attempt.

The client is ``pyreqwest`` (Rust's reqwest), chosen by measurement (docs/capture.md): the HTTP
work happens outside the interpreter, where aiohttp's client was over half of the gateway's CPU
per request. One pooled client serves every route; pyreqwest runs its I/O in a thread of its own
(see ``protege.capture.sched`` for how that thread shares a core with the event loop).
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import NamedTuple

from pyreqwest.client import Client, ClientBuilder
from pyreqwest.exceptions import RequestError
from pyreqwest.http import Url
from pyreqwest.request import StreamRequest
from pyreqwest.response import Response as UpstreamResponse

from protege.capture.config import Route

JSON = "application/json"
RETRYABLE = frozenset({408, 429, 500, 502, 503, 504})  # worth trying a fallback for


class Failure(NamedTuple):
    """Why a route gave no usable answer: the status to report, a message, the error type."""

    status: int
    message: str
    kind: str


class Target(NamedTuple):
    """A route's upstream endpoint and timeout, built once instead of per request."""

    url: Url  # parsed once: a string is parsed again on every request (~1 us)
    timeout: timedelta  # for the whole answer (pyreqwest's type)
    timeout_s: float  # the same, for a stream's headers and each of its chunks (asyncio.wait_for)


def target_for(route: Route) -> Target:
    """The chat-completions endpoint of a route, and its timeout in both forms."""
    return Target(
        Url(f"{route.upstream}/chat/completions"),
        timedelta(seconds=route.timeout_s),
        route.timeout_s,
    )


class Upstream(NamedTuple):
    """A route's answer: its status and body, or for a stream the open response to relay."""

    status: int
    data: bytes | None  # None: a stream, read through ``stream``
    stream: tuple[StreamRequest, UpstreamResponse] | None = None


def open_client() -> Client:
    """The pooled client: no cap on connections (the upstream's own limits apply), no redirects,
    no decompression (bytes pass through), no proxy from the environment (as aiohttp's default
    was), and JSON's content type as a default header rather than a per-request dict."""
    return (
        ClientBuilder()
        .default_headers({"Content-Type": JSON})
        .max_connections(None)
        .no_proxy()
        .follow_redirects(False)
        .gzip(False)
        .brotli(False)
        .zstd(False)
        .deflate(False)
        .build()
    )


async def send(
    client: Client,
    route: Route,
    target: Target,
    payload: bytes,
    headers: dict[str, str],
    stream: bool,
) -> Upstream | Failure:
    """Send ``payload`` to one route: its answer (a stream to relay stays open), or why the
    route failed. ``headers`` are sent besides the client's defaults."""
    builder = client.post(target.url).body_bytes(payload)
    if headers:
        builder = builder.headers(headers)
    try:
        if not stream:
            answer = await builder.timeout(target.timeout).build().send()
            return Upstream(answer.status, bytes(await answer.bytes()))
        # A stream may run long: bound the wait for its headers and for each chunk (in the
        # gateway's relay), not the whole answer.
        # pyreqwest reads a streamed body ahead up to its buffer limit before it returns the
        # response (default: waits for 64 KiB or the end); 1 byte: each chunk as it comes, or a
        # stream's first token would wait for the whole answer.
        opened = builder.streamed_read_buffer_limit(1).build_streamed()
        response = await asyncio.wait_for(opened.__aenter__(), target.timeout_s)
        if response.status == 200:
            return Upstream(200, None, (opened, response))
        try:
            data = await asyncio.wait_for(response.body_reader.bytes(), target.timeout_s)
        finally:
            await opened.__aexit__(None, None, None)
        return Upstream(response.status, bytes(data))
    except TimeoutError:  # RequestTimeoutError is one too
        return Failure(
            504, f"upstream {route.upstream} timed out after {route.timeout_s:g} s", "timeout"
        )
    except RequestError as exc:
        return Failure(502, f"upstream {route.upstream} failed: {exc}", "upstream_error")
