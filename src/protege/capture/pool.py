"""The pool of keep-alive connections behind ``protege.capture.http1``: connections per origin
opened on demand (by ``protege.capture.dial``, TLS started on the connected socket), capped per
origin with a bounded queue of waiting requests, reused while idle, and one deadline sweep for
every answer in flight."""

from __future__ import annotations

import asyncio
import ssl
from collections import deque

from protege.capture.dial import dial
from protege.capture.http1 import (
    DEFAULT_MAX_PER_ORIGIN,
    DEFAULT_MAX_WAITING,
    IDLE_FOR_S,
    MAX_IDLE_PER_ORIGIN,
    RETRY_WITHIN_S,
    SWEEP_S,
    Busy,
    Connection,
    Endpoint,
    HTTPError,
    Origin,
    Response,
)


class Pool:
    """Keep-alive connections per origin, opened on demand: at most ``max_per_origin`` open to
    one origin at once (a request beyond them waits for one, in a queue of at most
    ``max_waiting``), and at most ``MAX_IDLE_PER_ORIGIN`` of them idle."""

    def __init__(
        self,
        tls: ssl.SSLContext | None = None,
        *,
        max_per_origin: int = DEFAULT_MAX_PER_ORIGIN,
        max_waiting: int = DEFAULT_MAX_WAITING,
    ) -> None:
        self.loop = asyncio.get_running_loop()
        self._tls = tls
        self.max_per_origin = max_per_origin
        self.max_waiting = max_waiting
        self._idle: dict[Origin, deque[Connection]] = {}
        self._open: dict[Origin, int] = {}  # connections open or opening, per origin
        # Requests waiting for a connection: each future gets a released connection, or None
        # when a slot came free (the waiter then opens a connection itself).
        self._waiters: dict[Origin, deque[asyncio.Future[Connection | None]]] = {}
        self._closed = False
        self._watched: set[Response] = set()  # answers not yet complete, with their deadlines
        self._sweeper: asyncio.TimerHandle | None = None

    async def request(
        self,
        where: Endpoint,
        body: bytes,
        headers: bytes = b"",
        timeout_s: float = 30.0,
        stream: bool = False,
    ) -> Response:
        """Send ``POST`` with ``body`` and the encoded ``headers`` (``encode_headers``); return
        the response once its head is in. ``timeout_s`` bounds the whole answer, or for a
        ``stream`` its head and then each chunk (``TimeoutError``); ``HTTPError`` or ``OSError``
        when no answer could be had; ``Busy`` when no connection came free in time."""
        data = b"%s%d\r\n%s\r\n%s" % (where.head, len(body), headers, body)
        deadline = self.loop.time() + timeout_s
        for attempt in (1, 2):
            conn, reused = await self._acquire(where, deadline, reuse=attempt == 1)
            sent = self.loop.time()
            response = conn.send(data, deadline, timeout_s, stream)
            try:
                while not response._head_done:  # until the status and headers are in
                    if response._error is not None:
                        raise response._error
                    await response._waiting()
            except HTTPError:
                response.close()
                quick = self.loop.time() - sent < RETRY_WITHIN_S
                if attempt == 1 and reused and quick and not response.got_bytes:
                    continue  # the server had closed it while idle: once more, on a new one
                raise
            except BaseException:  # timed out or cancelled: the connection is out of step
                response.close()
                raise
            return response
        raise AssertionError("unreachable")  # the loop returns or raises

    async def _acquire(
        self, where: Endpoint, deadline: float, reuse: bool
    ) -> tuple[Connection, bool]:
        """A connection for one request: (connection, whether it was used before)."""
        origin = where.origin
        while True:
            if reuse:
                conn = self._reuse(origin)
                if conn is not None:
                    return conn, True
            reuse = True  # after a wait, an idle connection is as good as a new one
            if self._open.get(origin, 0) < self.max_per_origin:
                return await self._connect(where, deadline), False
            waiters = self._waiters.setdefault(origin, deque())
            if len(waiters) >= self.max_waiting:
                raise Busy(
                    f"{self.max_per_origin} connections to {where.host}:{where.port} are in use "
                    f"and {len(waiters)} requests already wait for one"
                )
            waiter: asyncio.Future[Connection | None] = self.loop.create_future()
            waiters.append(waiter)
            try:
                async with asyncio.timeout_at(deadline):
                    handed = await waiter
            except TimeoutError as exc:
                if waiter.done() and not waiter.cancelled():  # handed over as time ran out
                    late = waiter.result()
                    if late is not None:
                        self.release(late)
                    else:
                        self._wake_one(origin)
                raise Busy(
                    f"all {self.max_per_origin} connections to {where.host}:{where.port} stayed "
                    "in use for the request's whole timeout"
                ) from exc
            finally:
                if not waiter.done():
                    waiter.cancel()
            if handed is not None:
                return handed, True

    def _reuse(self, origin: Origin) -> Connection | None:
        idle = self._idle.get(origin)
        now = self.loop.time()
        while idle:
            conn = idle.pop()  # the most recent: the likeliest to be alive
            if not conn.closed and now - conn.idle_since < IDLE_FOR_S:
                return conn
            conn.close()
        return None

    def _context(self, where: Endpoint) -> ssl.SSLContext:
        if where.ssl_context is not None:
            return where.ssl_context
        if self._tls is None:
            self._tls = ssl.create_default_context()
        return self._tls

    async def _connect(self, where: Endpoint, deadline: float) -> Connection:
        if self._closed:
            raise HTTPError("the client is closed")
        origin = where.origin
        self._open[origin] = self._open.get(origin, 0) + 1  # the slot is held while connecting
        conn = None
        try:
            tls = self._context(where) if where.tls else None
            async with asyncio.timeout_at(deadline):
                sock = await dial(where.host, where.port, where.proxy, tunnel=where.tls)
                try:
                    _, conn = await self.loop.create_connection(
                        lambda: Connection(self, origin),
                        sock=sock,
                        ssl=tls,
                        server_hostname=where.host if tls else None,
                    )
                except BaseException:
                    sock.close()
                    raise
        except TimeoutError as exc:
            self._slot_freed(origin)
            raise TimeoutError(f"could not connect to {where.host}:{where.port} in time") from exc
        except BaseException:
            self._slot_freed(origin)
            raise
        conn.counted = True
        if conn.closed:  # lost as it was made: its slot goes back, and no request goes out
            self.forget(conn)
            raise HTTPError(f"the connection to {where.host}:{where.port} closed as it opened")
        return conn

    def _slot_freed(self, origin: Origin) -> None:
        left = self._open.get(origin, 1) - 1
        if left > 0:
            self._open[origin] = left
        else:
            self._open.pop(origin, None)
        self._wake_one(origin)

    def _wake_one(self, origin: Origin) -> None:
        """Tell the next waiter for ``origin`` that a slot is free: it opens a connection."""
        waiters = self._waiters.get(origin)
        while waiters:
            waiter = waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return

    def forget(self, conn: Connection) -> None:
        """A connection closed: its slot goes to the next waiter (once per connection)."""
        if conn.counted:
            conn.counted = False
            self._slot_freed(conn.origin)

    def watch(self, response: Response) -> None:
        """Check ``response``'s deadline until it is unwatched."""
        self._watched.add(response)
        if self._sweeper is None:
            self._sweeper = self.loop.call_later(SWEEP_S, self._sweep)

    def unwatch(self, response: Response) -> None:
        """Stop checking ``response``'s deadline (it ended, failed or was closed)."""
        self._watched.discard(response)

    def _sweep(self) -> None:
        now = self.loop.time()
        try:
            for response in [r for r in self._watched if r._deadline <= now]:
                response.expire(now)
        finally:  # one failure must not stop every deadline after it
            self._sweeper = self.loop.call_later(SWEEP_S, self._sweep) if self._watched else None

    def release(self, conn: Connection) -> None:
        """Hand a connection whose answer is complete to the next waiter, or keep it idle for
        the next request to its origin (or close it)."""
        waiters = self._waiters.get(conn.origin)
        while waiters and not self._closed and not conn.closed:
            waiter = waiters.popleft()
            if not waiter.done():
                waiter.set_result(conn)
                return
        idle = self._idle.setdefault(conn.origin, deque())
        if self._closed or conn.closed or len(idle) >= MAX_IDLE_PER_ORIGIN:
            conn.close()
            return
        conn.idle_since = self.loop.time()
        idle.append(conn)

    def close(self) -> None:
        """Close the idle connections; those in use close when their answer is released."""
        self._closed = True
        for idle in self._idle.values():
            while idle:
                idle.pop().close()
