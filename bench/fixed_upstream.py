"""A fixed OpenAI-compatible upstream for the gateway benchmarks: every request gets the same
chat completion.

It is a raw asyncio protocol on uvloop rather than an ASGI app so that it is never the bottleneck
of what it serves: no framework, no JSON work, the answer is one prebuilt bytes object. It parses
just enough HTTP/1.1 to find where each request ends (Content-Length, or the last chunk of a
chunked body) and answers in order, so keep-alive and pipelining work. Measured by
``gateway_overhead.py``: well over 15,000 req/s on one core.

Usage: python bench/fixed_upstream.py --port 9100
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
from typing import cast

import uvloop

BODY = (
    b'{"id":"chatcmpl-bench","object":"chat.completion","created":1700000000,'
    b'"model":"bench-model","choices":[{"index":0,"message":{"role":"assistant",'
    b'"content":"hello"},"finish_reason":"stop"}],'
    b'"usage":{"prompt_tokens":8,"completion_tokens":1,"total_tokens":9}}'
)
RESPONSE = (
    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
    + str(len(BODY)).encode()
    + b"\r\nConnection: keep-alive\r\n\r\n"
    + BODY
)
LAST_CHUNK = b"0\r\n\r\n"


def _request_end(buf: bytearray) -> int:
    """Index just past the first complete request in ``buf``, or -1 when it is not all here."""
    head_end = buf.find(b"\r\n\r\n")
    if head_end < 0:
        return -1
    body_start = head_end + 4
    head = bytes(buf[:head_end]).lower()
    at = head.find(b"\r\ncontent-length:")
    if at >= 0:
        stop = head.find(b"\r\n", at + 2)
        length = int(head[at + 17 : stop if stop >= 0 else None])
        end = body_start + length
        return end if len(buf) >= end else -1
    if b"\r\ntransfer-encoding: chunked" in head:
        # Good enough for a bench: the body ends at the first terminating zero-size chunk.
        last = buf.find(LAST_CHUNK, body_start)
        return last + len(LAST_CHUNK) if last >= 0 else -1
    return body_start  # no body (GET)


class FixedAnswer(asyncio.Protocol):
    """One connection: answer every complete request with ``RESPONSE``."""

    def __init__(self) -> None:
        self.buf = bytearray()
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's is not a subclass

    def data_received(self, data: bytes) -> None:
        assert self.transport is not None
        self.buf += data
        answers = 0
        while (end := _request_end(self.buf)) >= 0:
            del self.buf[:end]
            answers += 1
        if answers:
            self.transport.write(RESPONSE * answers)


async def serve(host: str, port: int) -> None:
    """Listen until SIGTERM or SIGINT."""
    loop = asyncio.get_running_loop()
    server = await loop.create_server(FixedAnswer, host, port, backlog=4096, reuse_address=True)
    stop = loop.create_future()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set_result, None)
    print(f"fixed upstream on http://{host}:{port}/v1 (pid {os.getpid()})", flush=True)
    async with server:
        await stop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=9100)
    args = parser.parse_args()
    uvloop.run(serve(args.host, args.port))


if __name__ == "__main__":
    main()
