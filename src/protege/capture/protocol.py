"""uvicorn's httptools protocol, sending each answer's head and body in one write.

uvicorn writes an answer's status line and headers as soon as the app sends
``http.response.start``, and its body on ``http.response.body``: two ``send`` calls per answer,
since uvloop writes to an idle socket at once. On loopback each ``send`` also runs the receiving
side's TCP work, so the second one is a whole kernel round of its own. Holding the head until the
body comes (the gateway's fast path sends both in the same step) makes it one. Measured on one core
with a minimal ASGI app answering a fixed body (``wrk``, 64 connections, 10 s, two runs each):
19.6-20.3 us of CPU per request and 48,800-50,800 req/s with two writes, 17.2-17.5 us and
56,700-58,000 req/s with one (docs/results/capture-2026-11).

A head whose body does not follow in the same step (a stream waiting for its first chunk) is
written on the loop's next turn by itself, so nothing waits for more than that turn.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import Any, cast

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol


class CoalescingTransport:
    """A transport that holds one write until the next write or the loop's next turn, then
    sends what it holds with that write. Everything else goes to the transport it wraps."""

    __slots__ = ("_held", "_loop", "_transport")

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self._transport = transport
        self._loop = loop
        self._held: bytes | None = None

    def write(self, data: bytes) -> None:
        """Send ``data`` after what is held (both now), or hold it until the next write."""
        held = self._held
        if held is not None:
            self._held = None
            self._transport.write(held + data)
        elif data:
            self._held = bytes(data)
            self._loop.call_soon(self.flush)

    def flush(self) -> None:
        """Send what is held, if anything."""
        held = self._held
        if held is not None:
            self._held = None
            self._transport.write(held)

    def writelines(self, chunks: Iterable[bytes]) -> None:
        """Like ``write`` of the chunks joined (after what is held, never before it)."""
        self.write(b"".join(chunks))

    def write_eof(self) -> None:
        """Send what is held, then close the writing side."""
        self.flush()
        self._transport.write_eof()

    def get_write_buffer_size(self) -> int:
        """The transport's buffer and what is held (for flow control)."""
        held = len(self._held) if self._held is not None else 0
        return int(self._transport.get_write_buffer_size()) + held

    def close(self) -> None:
        """Send what is held, then close (as a transport's close sends what it buffered)."""
        self.flush()
        self._transport.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


class CoalescingHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's ``httptools`` protocol over a ``CoalescingTransport`` (``uvicorn.run(http=...)``
    takes a protocol class)."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(cast(asyncio.Transport, CoalescingTransport(transport, self.loop)))
