"""A real OpenAI-compatible upstream for the gateway tests, run as its own process.

``python tests/upstream_server.py PORT [VERIFIED.jsonl]`` answers ``POST /v1/chat/completions``
with a fixed completion that echoes the last user message, streamed when asked, and with usage.
Some model names misbehave on purpose: ``broken`` (503 in the OpenAI envelope), ``plain-500``
(500 with a text body), ``teapot`` (418, not retryable), ``slow`` (answers after 3 s).

Given a verified contract file, three more models answer liability prompts from it, by finding
the source whose text is in the last user message: ``oracle`` answers the verified record,
``sloppy`` the record with ``payoff_amount`` dropped (a production model that is sometimes
wrong), and ``flaky-oracle`` fails with 503 on the first request for every other source, then
answers like ``oracle`` (for resumable relabelling). ``GET /count`` says how many completions
were requested, and how many were in progress at most at once (``max_in_flight``).

For the gateway's hardening tests: ``headers`` answers with the request headers it got (as the
message content, JSON), ``ratelimited`` is a 429 with the headers OpenAI sends with one, and
``hold`` answers after 0.3 s, and ``strict-oracle`` answers like ``oracle`` but refuses any
``temperature`` (400), as reasoning models do. Every answer carries ``x-request-id``. With the environment
variables ``UPSTREAM_CERT`` and ``UPSTREAM_KEY`` it serves https, and with ``UPSTREAM_CLIENT_CA``
too it requires a client certificate signed by that CA.
"""

from __future__ import annotations

import asyncio
import json
import os
import ssl
import sys
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route

COUNT = {"n": 0, "in_flight": 0, "max_in_flight": 0}
REQUEST_ID = {"x-request-id": "req-upstream-1"}
RECORDS: dict[str, dict[str, Any]] = {}  # source text -> verified record (from argv[2])
FLAKY_SEEN: set[str] = set()
USAGE = {
    "prompt_tokens": 12,
    "completion_tokens": 5,
    "total_tokens": 17,
    "prompt_tokens_details": {"cached_tokens": 4},
}


def _answer(body: dict[str, Any]) -> str:
    last = body["messages"][-1].get("content", "")
    if body.get("model") in ("oracle", "sloppy", "flaky-oracle", "strict-oracle"):
        record = next((r for text, r in RECORDS.items() if text in last), None)
        if record is None:
            return "I cannot find that document."
        if body["model"] == "sloppy":
            record = {**record, "payoff_amount": None}
        return json.dumps(record, separators=(",", ":"))
    return f"echo: {last}"


def _flaky_fails(body: dict[str, Any]) -> bool:
    """``flaky-oracle``: the first request for every other source fails."""
    last = body["messages"][-1].get("content", "")
    text = next((t for t in RECORDS if t in last), None)
    if text is None or sorted(RECORDS).index(text) % 2 == 0 or text in FLAKY_SEEN:
        return False
    FLAKY_SEEN.add(text)
    return True


async def completions(request: Request) -> Response:
    COUNT["n"] += 1
    COUNT["in_flight"] += 1
    COUNT["max_in_flight"] = max(COUNT["max_in_flight"], COUNT["in_flight"])
    try:
        response = await _completions(request)
    finally:
        COUNT["in_flight"] -= 1
    response.headers.update(REQUEST_ID)
    return response


async def _completions(request: Request) -> Response:
    body = await request.json()
    model = body.get("model")
    if model == "ratelimited":
        return JSONResponse(
            {"error": {"message": "slow down", "type": "requests", "param": None, "code": None}},
            429,
            headers={
                "retry-after": "7",
                "retry-after-ms": "6500",
                "x-should-retry": "true",
                "x-ratelimit-remaining-requests": "0",
                "x-unrelated": "not relayed",
            },
        )
    if model == "strict-oracle" and "temperature" in body:  # as reasoning models refuse it
        return JSONResponse(
            {
                "error": {
                    "message": "Unsupported parameter: 'temperature' is not supported with "
                    "this model.",
                    "type": "invalid_request_error",
                    "param": "temperature",
                    "code": "unsupported_parameter",
                }
            },
            400,
        )
    if model == "hold":
        await asyncio.sleep(0.3)
    if model == "broken" or (model == "flaky-oracle" and _flaky_fails(body)):
        return JSONResponse(
            {
                "error": {
                    "message": "overloaded",
                    "type": "server_error",
                    "param": None,
                    "code": None,
                }
            },
            503,
        )
    if model == "plain-500":
        return PlainTextResponse("upstream exploded", 500)
    if model == "teapot":
        return JSONResponse(
            {
                "error": {
                    "message": "I am a teapot",
                    "type": "invalid_request_error",
                    "param": None,
                    "code": "teapot",
                }
            },
            418,
        )
    if model == "slow":
        await asyncio.sleep(3)
    text = _answer(body)
    if model == "headers":
        text = json.dumps(dict(request.headers))
    if model == "stall-stream":  # the first chunk, then nothing for 3 s
        return StreamingResponse(_stalled(model), media_type="text/event-stream")
    if body.get("stream"):
        return StreamingResponse(_stream(model, text, body), media_type="text/event-stream")
    return JSONResponse(
        {
            "id": "chatcmpl-upstream",
            "object": "chat.completion",
            "created": 1,
            "model": model,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": text},
                    "finish_reason": "stop",
                }
            ],
            "usage": USAGE,
        }
    )


async def _stalled(model: str):  # type: ignore[no-untyped-def]
    first = {
        "id": "chatcmpl-upstream",
        "object": "chat.completion.chunk",
        "created": 1,
        "model": model,
        "choices": [{"index": 0, "delta": {"content": "half"}, "finish_reason": None}],
    }
    yield f"data: {json.dumps(first)}\n\n".encode()
    await asyncio.sleep(3)
    yield b"data: [DONE]\n\n"


async def _stream(model: str, text: str, body: dict[str, Any]):  # type: ignore[no-untyped-def]
    head = {
        "id": "chatcmpl-upstream",
        "object": "chat.completion.chunk",
        "created": 1,
        "model": model,
    }
    pieces = [text[i : i + 4] for i in range(0, len(text), 4)]
    first = {
        **head,
        "choices": [
            {"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": None}
        ],
    }
    yield f"data: {json.dumps(first)}\n\n".encode()
    for piece in pieces:
        chunk = {
            **head,
            "choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}],
        }
        yield f"data: {json.dumps(chunk)}\n\n".encode()
    last = {**head, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}
    yield f"data: {json.dumps(last)}\n\n".encode()
    if (body.get("stream_options") or {}).get("include_usage"):
        yield f"data: {json.dumps({**head, 'choices': [], 'usage': USAGE})}\n\n".encode()
    yield b"data: [DONE]\n\n"


async def count(_request: Request) -> Response:
    return JSONResponse(COUNT)


app = Starlette(
    routes=[
        Route("/v1/chat/completions", completions, methods=["POST"]),
        Route("/count", count),
    ]
)

if __name__ == "__main__":
    if len(sys.argv) > 2:
        with open(sys.argv[2], encoding="utf-8") as handle:
            for line in handle:
                row = json.loads(line)
                RECORDS[row["text"]] = row["expected"]
    tls: dict[str, object] = {}
    if os.environ.get("UPSTREAM_CERT"):
        tls = {
            "ssl_certfile": os.environ["UPSTREAM_CERT"],
            "ssl_keyfile": os.environ["UPSTREAM_KEY"],
        }
        if os.environ.get("UPSTREAM_CLIENT_CA"):
            tls |= {
                "ssl_ca_certs": os.environ["UPSTREAM_CLIENT_CA"],
                "ssl_cert_reqs": ssl.CERT_REQUIRED,
            }
    uvicorn.run(
        app,
        host="127.0.0.1",
        port=int(sys.argv[1]),
        log_level="warning",
        access_log=False,
        **tls,  # type: ignore[arg-type]
    )
