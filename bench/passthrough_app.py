"""The floor a Python gateway starts from: a bare pass-through to the fixed upstream, no
validation, no logging, one pooled aiohttp session, as a raw ASGI app and as an RSGI app.

It answers "how much of the gateway's cost is ours, and how much the server and client
libraries'": docs/results/capture-2026-11 compares its throughput under uvicorn and granian
with the protege gateway's and TensorZero's, on the same core. granian is not a protege dependency;
install it into a scratch environment to run the RSGI variant. With the upstream on core 1
(``taskset -c 1 python bench/fixed_upstream.py --port 18999``), on core 0::

    UPSTREAM=http://127.0.0.1:18999/v1 taskset -c 0 uvicorn passthrough_app:asgi \
        --app-dir bench --port 18101 --loop uvloop --http httptools --no-access-log
    UPSTREAM=http://127.0.0.1:18999/v1 taskset -c 0 granian --interface rsgi --workers 1 \
        --loop uvloop --port 18101 --working-dir bench passthrough_app:rsgi

then load it from core 1 with wrk (closed loop, 64 connections), as gateway_overhead.py does.
"""

from __future__ import annotations

import os
from typing import Any

import aiohttp

URL = os.environ.get("UPSTREAM", "http://127.0.0.1:18999/v1") + "/chat/completions"
HEADERS = {"Content-Type": "application/json"}
_session: aiohttp.ClientSession | None = None


async def _post(body: bytes) -> tuple[int, bytes]:
    global _session
    if _session is None:
        _session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=0),
            auto_decompress=False,
            skip_auto_headers=("User-Agent",),
        )
    async with _session.post(URL, data=body, headers=HEADERS) as answer:
        return answer.status, await answer.read()


async def asgi(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """The pass-through as a raw ASGI app (uvicorn, granian --interface asgi)."""
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    if scope["type"] != "http":
        return
    body, more = b"", True
    while more:
        message = await receive()
        body += message.get("body", b"")
        more = message.get("more_body", False)
    status, data = await _post(body)
    headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(data))]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": data})


async def rsgi(_scope: Any, protocol: Any) -> None:
    """The pass-through as an RSGI app (granian --interface rsgi)."""
    status, data = await _post(await protocol())
    protocol.response_bytes(status, [("content-type", "application/json")], data)
