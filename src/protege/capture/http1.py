"""An HTTP/1.1 client that runs on the event loop itself, for the gateway's upstream calls.

Each request is one ``transport.write`` on a keep-alive connection (pooled by
``protege.capture.pool``), and its answer is
parsed by httptools (llhttp, the parser uvicorn serves the gateway's own requests with) in the
loop's ``data_received``. No thread is involved: a client with an I/O thread of its own (such
as pyreqwest's Tokio runtime) hands every request over to that thread and every answer back, two
context switches and wake-ups per call on the gateway's core, which measures as most of what the
gateway adds to the median latency (docs/results/capture-2026-11).

What it does, and no more, since the gateway sends one kind of request:
- ``POST`` with a body and a few headers to ``http://`` or ``https://`` endpoints (TLS from the
  standard library's default context: the system's CA store, ``SSL_CERT_FILE`` honoured);
- answers delimited by Content-Length, chunked, or the end of the connection; 1xx skipped;
- whole answers (``Response.read``) and streams (``Response.next_chunk``), with reading paused
  while more than ``PAUSE_ABOVE`` bytes of a stream wait for its consumer;
- a deadline for the whole answer, or for a stream, for its headers and then for each chunk;
- one retry on a new connection when a reused one closes within ``RETRY_WITHIN_S`` and before
  any byte of its answer (the server dropped an idle keep-alive connection as the request went
  out), as the official OpenAI client retries a request whose connection failed;
- at most ``max_per_origin`` connections open to one origin, requests beyond them waiting (at
  most ``max_waiting``) for one to come free: ``Busy`` when none does in time;
- connections opened by ``protege.capture.dial`` (Happy Eyeballs, or a proxy's ``CONNECT``
  tunnel), TLS started on the connected socket, with the endpoint's own ``SSLContext`` if any;
- the headers an OpenAI client reads from an answer (``RELAYED``) kept in ``Response.headers``.
No redirects, no decompression (no Accept-Encoding is sent: bytes pass through).
"""

from __future__ import annotations

import asyncio
import re
import ssl
from collections import deque
from typing import NamedTuple, Protocol
from urllib.parse import urlsplit

import httptools

from protege.capture.proxy import Proxy

MAX_IDLE_PER_ORIGIN = 256  # idle keep-alive connections kept per origin (each is a socket)
IDLE_FOR_S = 60.0  # a connection idle longer is closed instead of reused: servers drop them too
PAUSE_ABOVE = 256 * 1024  # bytes of a stream buffered ahead of its consumer before reading pauses
# Deadlines are checked by one timer per pool, this often, rather than by a timer per request:
# arming and cancelling a uvloop timer costs ~2.3 us, ~3 % of the gateway's CPU per request. A
# timeout therefore fires up to this much late.
SWEEP_S = 0.05
# A reused connection that closes this soon after the request, with no byte of answer, was
# closed by the server while idle: the request is sent again on a new connection. Later, the
# upstream may have worked on it (and billed it), so the failure is reported instead.
RETRY_WITHIN_S = 0.5
# The answer headers kept for the caller: those the official OpenAI clients read (to back off
# on a 429, and to report the request id), and every ``x-ratelimit-*``.
RELAYED = frozenset({b"x-request-id", b"retry-after", b"retry-after-ms", b"x-should-retry"})
RATELIMIT_PREFIX = b"x-ratelimit-"
DEFAULT_MAX_PER_ORIGIN = 100  # connections open to one origin at once (httpx's default too)
DEFAULT_MAX_WAITING = 10_000  # requests queued for a connection to one origin


class HTTPError(Exception):
    """The connection failed, broke, or carried something that is not an HTTP/1.1 answer."""


class Owner(Protocol):
    """What a connection needs of the pool that owns it (``protege.capture.pool.Pool``)."""

    loop: asyncio.AbstractEventLoop

    def watch(self, response: Response) -> None: ...
    def unwatch(self, response: Response) -> None: ...
    def release(self, conn: Connection) -> None: ...
    def forget(self, conn: Connection) -> None: ...


class Busy(Exception):
    """Every connection to the origin stayed in use for the request's whole timeout, or too many
    requests already wait for one."""


Origin = tuple[str, int, bool, "ssl.SSLContext | None", "Proxy | None"]


class Endpoint(NamedTuple):
    """Where requests go, with the constant part of their head encoded once."""

    host: str
    port: int
    tls: bool
    head: bytes  # request line and fixed headers, ending just before Content-Length's value
    ssl_context: ssl.SSLContext | None = None  # None: the system's CAs
    proxy: Proxy | None = None  # the forward proxy its connections go through

    @property
    def origin(self) -> Origin:
        """What its connections are pooled by."""
        return (self.host, self.port, self.tls, self.ssl_context, self.proxy)


def endpoint(
    url: str,
    user_agent: str,
    content_type: str = "application/json",
    *,
    ssl_context: ssl.SSLContext | None = None,
    proxy: Proxy | None = None,
) -> Endpoint:
    """Parse ``url`` once (``ValueError`` if it is not an http(s) URL with a host). Through a
    ``proxy``, an http:// URL is requested in absolute form; an https:// one is tunnelled."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not an http:// or https:// URL with a host: {url!r}")
    tls = parts.scheme == "https"
    port = parts.port or (443 if tls else 80)
    host_header = parts.netloc.rpartition("@")[2]  # credentials never go in the Host header
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    extra = ""
    if proxy is not None and not tls:
        target = f"http://{host_header}{target}"
        if proxy.authorization is not None:
            extra = f"Proxy-Authorization: {proxy.authorization}\r\n"
    head = (
        f"POST {target} HTTP/1.1\r\nHost: {host_header}\r\nUser-Agent: {user_agent}\r\n"
        f"{extra}Accept: */*\r\nContent-Type: {content_type}\r\nContent-Length: "
    ).encode("ascii")
    return Endpoint(parts.hostname, port, tls, head, ssl_context, proxy)


_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")  # a header name (RFC 9110's token)


def header_value_ok(value: str) -> bool:
    """Whether ``value`` can go in a header line as it is: no line break or NUL, Latin-1."""
    if "\r" in value or "\n" in value or "\0" in value:
        return False
    return value.isascii() or all(ord(c) < 256 for c in value)


def encode_headers(headers: dict[str, str]) -> bytes:
    """Header lines for a request; ``ValueError`` for a name or value that would break the head."""
    lines = []
    for name, value in headers.items():
        if not _TOKEN.fullmatch(name) or not header_value_ok(value):
            raise ValueError(f"header {name!r} has a character HTTP does not allow there")
        lines.append(f"{name}: {value}\r\n".encode("latin-1"))
    return b"".join(lines)


class Response:
    """One answer, fed by its connection: the status once the head is in, then the body."""

    def __init__(
        self, conn: Connection, deadline: float, timeout_s: float, per_chunk: bool
    ) -> None:
        self.status = 0
        self.headers: list[tuple[bytes, bytes]] = []  # the RELAYED ones, names lowercased
        self.got_bytes = False  # whether any byte of the answer arrived
        self._conn = conn
        self._loop = conn.loop
        self._timeout_s = timeout_s
        self._per_chunk = per_chunk  # a stream: the deadline restarts at each chunk
        self._pausable = per_chunk  # a stream read chunk by chunk may hold the upstream back
        self._chunks: deque[bytes] = deque()
        self._buffered = 0
        self._head_done = False
        self._complete = False
        self._keep_alive = False
        self._error: BaseException | None = None
        self._released = False
        self._waiter: asyncio.Future[None] | None = None
        self._deadline = deadline  # loop time: for the head, then (a stream) for each chunk
        conn.pool.watch(self)

    # -- fed by the connection ---------------------------------------------------------------

    def _wake(self) -> None:
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    def _head(self, status: int, headers: list[tuple[bytes, bytes]]) -> None:
        self.status, self.headers, self._head_done = status, headers, True
        if self._per_chunk:  # the first chunk is due within the timeout from the head on
            self._deadline = self._loop.time() + self._timeout_s
        self._wake()

    def _body(self, data: bytes) -> None:
        self._chunks.append(data)
        self._buffered += len(data)
        if self._per_chunk:
            self._deadline = self._loop.time() + self._timeout_s
        if self._buffered > PAUSE_ABOVE and self._pausable:
            self._conn.pause()
        self._wake()

    def _end(self, keep_alive: bool) -> None:
        if self._error is not None:  # timed out or closed by us first
            return
        self._complete, self._keep_alive = True, keep_alive
        self._conn.pool.unwatch(self)
        self._wake()

    def _fail(self, error: BaseException) -> None:
        if self._complete or self._error is not None:
            return
        self._error = error
        self._conn.pool.unwatch(self)
        self._wake()

    def expire(self, now: float) -> None:
        """Fail with ``TimeoutError`` if the deadline passed (called by the pool's sweep)."""
        if self._deadline > now:
            return
        if self._conn.paused and self._buffered:  # we hold the upstream back: it is not late
            self._deadline = now + self._timeout_s
            return
        what = "answer"
        if self._head_done:
            what = "chunk of its stream" if self._per_chunk else "complete answer"
        self._fail(TimeoutError(f"the upstream sent no {what} within {self._timeout_s:g} s"))
        self._conn.close()

    # -- read by the caller ------------------------------------------------------------------

    def _waiting(self) -> asyncio.Future[None]:
        # A future to await directly (no coroutine of its own: one frame less to resume).
        self._waiter = waiter = self._loop.create_future()
        return waiter

    async def read(self) -> bytes:
        """The whole body; the connection goes back to the pool (closed if the answer failed)."""
        try:
            self._pausable = False  # nobody reads it chunk by chunk: take it all in
            self._conn.resume()
            while not self._complete:
                if self._error is not None:
                    raise self._error
                await self._waiting()
            return b"".join(self._chunks)
        finally:
            self._chunks.clear()
            self.close()

    async def next_chunk(self) -> bytes | None:
        """The next piece of the body as it came, or None at its end."""
        while not self._chunks:
            if self._complete:
                return None
            if self._error is not None:
                raise self._error
            await self._waiting()
        data = self._chunks.popleft()
        self._buffered -= len(data)
        if self._buffered <= PAUSE_ABOVE // 2:
            self._conn.resume()
        return data

    def close(self) -> None:
        """Release the connection: back to the pool after a complete keep-alive answer, closed
        otherwise (an answer left half read cannot share its connection). Idempotent."""
        if self._released:
            return
        self._released = True
        conn = self._conn
        conn.pool.unwatch(self)
        if self._complete and self._keep_alive and not conn.paused and not conn.out_of_step:
            conn.release()
        else:
            self._fail(HTTPError("the answer was closed before its end"))
            conn.close()


def _declares_length(headers: dict[bytes, bytes]) -> bool:
    """Whether an answer's body ends by its Content-Length or its last chunk (not by the end of
    the connection). Header names are case-insensitive: the usual spellings first."""
    if b"content-length" in headers or b"Content-Length" in headers:
        return True
    for name, value in headers.items():
        lowered = name.lower()
        if lowered == b"content-length":
            return True
        # Only a chunked body ends by itself; any other coding alone runs to the connection's end.
        if (
            lowered == b"transfer-encoding"
            and value.rsplit(b",", 1)[-1].strip().lower() == b"chunked"
        ):
            return True
    return False


class Connection(asyncio.Protocol):
    """One keep-alive connection, carrying one request at a time."""

    def __init__(self, pool: Owner, origin: Origin) -> None:
        self.pool = pool
        self.origin = origin
        self.loop = pool.loop
        self.transport: asyncio.Transport | None = None
        # The answer's headers, collected by a C call per header rather than a Python method
        # (httptools looks on_header up once, here): only their names are read, once.
        self._headers: dict[bytes, bytes] = {}
        self.on_header = self._headers.__setitem__
        self.parser = httptools.HttpResponseParser(self)
        self.response: Response | None = None
        self.closed = False
        self.paused = False
        self.out_of_step = False  # bytes came that belong to no request: never reuse it
        self.counted = False  # holds one of its origin's connection slots (see the pool)
        self.idle_since = 0.0
        self._length_known = False  # the answer has Content-Length or is chunked

    # -- asyncio.Protocol ----------------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        response = self.response
        if response is None or response._complete:  # bytes nobody asked for: out of step
            self.close()
            return
        response.got_bytes = True
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserError as exc:
            response._fail(HTTPError(f"the upstream's answer is not valid HTTP/1.1: {exc}"))
            self.close()
        if self.out_of_step:  # a second answer came after this one, unasked
            self.close()

    def eof_received(self) -> bool | None:
        return None  # close our side too: connection_lost follows

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        self.pool.forget(self)
        response, self.response = self.response, None
        if response is None:
            return
        if response._head_done and not self._length_known and exc is None:
            response._end(keep_alive=False)  # a body delimited by the end of the connection
        else:
            why = f": {exc}" if exc else ""
            response._fail(HTTPError(f"the upstream closed the connection mid-answer{why}"))

    # -- httptools callbacks -------------------------------------------------------------------

    def on_headers_complete(self) -> None:
        status = self.parser.get_status_code()
        headers = self._headers
        response = self.response
        if response is None or response._head_done:  # a second answer to one request
            self.out_of_step = True
        elif status >= 200:  # 1xx: interim, the real one follows
            self._length_known = status in (204, 304) or _declares_length(headers)
            kept = []
            for name, value in headers.items():
                lowered = name.lower()
                if lowered in RELAYED or lowered.startswith(RATELIMIT_PREFIX):
                    kept.append((lowered, value))
            response._head(status, kept)
        headers.clear()

    def on_body(self, body: bytes) -> None:
        if self.response is not None and not self.out_of_step:
            self.response._body(body)

    def on_message_complete(self) -> None:
        response = self.response
        if response is not None and response._head_done and not self.out_of_step:
            response._end(self.parser.should_keep_alive())

    # -- used by the pool and Response -------------------------------------------------------

    def send(self, data: bytes, deadline: float, timeout_s: float, per_chunk: bool) -> Response:
        assert self.transport is not None
        self.response = response = Response(self, deadline, timeout_s, per_chunk)
        self.transport.write(data)
        return response

    def pause(self) -> None:
        if not self.paused and self.transport is not None and not self.closed:
            self.paused = True
            self.transport.pause_reading()

    def resume(self) -> None:
        if self.paused and self.transport is not None and not self.closed:
            self.paused = False
            self.transport.resume_reading()

    def release(self) -> None:
        self.response = None
        self.pool.release(self)

    def close(self) -> None:
        self.closed = True
        self.pool.forget(self)
        if self.transport is not None:
            self.transport.close()
