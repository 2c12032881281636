"""An upstream that fails on purpose, for the gateway's fault tests, run as its own process.

``python tests/fault_upstream.py PORT`` reads each HTTP/1.1 request on raw asyncio streams and
answers by the request's ``model``:

- ``status-500``, ``status-502``, ``status-503``, ``status-429``: that status, an OpenAI
  error envelope (the 429 with ``retry-after: 1``);
- ``reset``: the connection reset (RST) before any byte of an answer;
- ``stall-head``: nothing for 5 s;
- ``stall-mid``: a 200 event stream's first event, then nothing for 5 s;
- ``malformed``: a 200 whose body is not JSON;
- ``close-early``: a 200 announcing 200 bytes of body, 20 of them sent, then the connection
  closed.

Anything else is a good completion. ``GET``-free on purpose: readiness is a TCP connect.
"""

from __future__ import annotations

import asyncio
import json
import socket
import struct
import sys

GOOD = {
    "id": "chatcmpl-fault",
    "object": "chat.completion",
    "created": 1,
    "model": "good",
    "choices": [
        {"index": 0, "message": {"role": "assistant", "content": "fine"}, "finish_reason": "stop"}
    ],
    "usage": {"prompt_tokens": 3, "completion_tokens": 1, "total_tokens": 4},
}


def _answer(status: int, body: bytes, extra: str = "", kind: str = "application/json") -> bytes:
    head = (
        f"HTTP/1.1 {status} X\r\nContent-Type: {kind}\r\nContent-Length: {len(body)}\r\n{extra}\r\n"
    )
    return head.encode() + body


def _envelope(status: int) -> bytes:
    return json.dumps(
        {"error": {"message": f"fault {status}", "type": "server_error", "param": None}}
    ).encode()


async def _read_request(reader: asyncio.StreamReader) -> dict[str, object] | None:
    head = await reader.readuntil(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    body = await reader.readexactly(length)
    try:
        parsed = json.loads(body)
    except json.JSONDecodeError:
        return None
    return parsed if isinstance(parsed, dict) else None


async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while True:
            request = await _read_request(reader)
            model = str((request or {}).get("model", ""))
            if model.startswith("status-"):
                status = int(model.removeprefix("status-"))
                extra = "retry-after: 1\r\n" if status == 429 else ""
                writer.write(_answer(status, _envelope(status), extra))
            elif model == "reset":
                sock = writer.get_extra_info("socket")
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                writer.transport.abort()
                return
            elif model == "stall-head":
                await asyncio.sleep(5)
                writer.write(_answer(200, json.dumps(GOOD).encode()))
            elif model == "stall-mid":
                event = {"id": "c", "object": "chat.completion.chunk", "created": 1, "model": "m"}
                event["choices"] = [{"index": 0, "delta": {"content": "half"}}]  # type: ignore[assignment]
                writer.write(
                    b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                    b"Transfer-Encoding: chunked\r\n\r\n"
                )
                data = f"data: {json.dumps(event)}\n\n".encode()
                writer.write(b"%x\r\n%s\r\n" % (len(data), data))
                await writer.drain()
                await asyncio.sleep(5)
                return
            elif model == "malformed":
                writer.write(_answer(200, b"{this is not json"))
            elif model == "close-early":
                writer.write(_answer(200, b"x" * 200)[:-180])
                await writer.drain()
                writer.close()
                return
            else:
                writer.write(_answer(200, json.dumps(GOOD).encode()))
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    finally:
        writer.close()


async def main(port: int) -> None:
    server = await asyncio.start_server(handle, "127.0.0.1", port)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1])))
