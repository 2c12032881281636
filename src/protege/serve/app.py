"""The serving endpoints: ``/v1/chat/completions``, ``/v1/models``, ``/healthz`` and
``/metrics``, over a ``ModelPool``. ``protege.extract.app`` adds ``/v1/extract`` and builds the
app ``protege serve`` runs."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route

from protege.capture.auth import Denied, KeyRing
from protege.capture.metrics import GatewayMetrics
from protege.errors import ModelNotFoundError, ProtegeError
from protege.serve.api import ApiError, json_response, read_json_object
from protege.serve.chat import completion, parse_chat_request, stream_chunks
from protege.serve.config import ServeConfig
from protege.serve.openapi import serve_openapi
from protege.serve.pool import ModelPool

Endpoint = Callable[[Request], Awaitable[Response]]


@dataclass
class ServeState:
    """What the endpoints share: the configuration, the models and the metrics."""

    config: ServeConfig
    pool: ModelPool
    metrics: GatewayMetrics = field(default_factory=GatewayMetrics)
    outcomes: Counter[str] = field(default_factory=Counter)  # /v1/extract answers by outcome
    started: float = field(default_factory=time.time)
    keys: KeyRing | None = None  # client keys (the config's auth block): /v1/* needs one

    def __post_init__(self) -> None:
        if self.keys is None and self.config.auth is not None:
            self.keys = KeyRing(self.config.auth)


def guarded(name: str, state: ServeState, endpoint: Endpoint) -> Endpoint:
    """``endpoint`` with every failure answered in the OpenAI error envelope and counted: a
    bad request is a 4xx that says what to fix; only a failure of the server itself is a 500."""

    async def run(request: Request) -> Response:
        try:
            if state.keys is not None and request.url.path.startswith("/v1/"):
                try:
                    client = state.keys.check(request.headers.get("authorization"))
                except Denied as denied:
                    raise ApiError(
                        denied.status,
                        denied.message,
                        denied.kind,
                        code=denied.code,
                        headers=denied.headers,
                    ) from None
                request.scope["protege.client_tags"] = client.tags
            return await endpoint(request)
        except ApiError as exc:
            state.metrics.error(exc.code or exc.kind)
            return exc.response()
        except ModelNotFoundError as exc:
            state.metrics.error("model_not_found")
            return ApiError(404, str(exc), param="model", code="model_not_found").response()
        except ProtegeError as exc:
            state.metrics.error("invalid_request")
            return ApiError(400, str(exc)).response()
        except Exception as exc:  # the server's own fault: say so, keep serving
            state.metrics.error(f"internal_{name}")
            message = f"internal error in {name}: {type(exc).__name__}: {exc}"
            return ApiError(500, message, kind="server_error").response()

    return run


def serve_routes(state: ServeState) -> list[Route]:
    """The serving routes over ``state``."""
    config, pool = state.config, state.pool

    async def chat_completions(request: Request) -> Response:
        started = time.perf_counter()
        body = await read_json_object(request, config.max_body_bytes)
        chat = parse_chat_request(body, config.max_text_chars)
        prediction = await pool.predict(chat.model, chat.source)
        state.metrics.observe(chat.model, 200, time.perf_counter() - started)
        if chat.stream:
            return StreamingResponse(
                stream_chunks(chat, prediction), media_type="text/event-stream"
            )
        return json_response(completion(chat, prediction))

    async def models(_request: Request) -> Response:
        data = [
            {
                "id": name,
                "object": "model",
                "created": int(state.started),
                "owned_by": "protege",
                "root": pool.specs[name],
            }
            for name in pool.names
        ]
        return json_response({"object": "list", "data": data})

    async def openapi(_request: Request) -> Response:
        return json_response(serve_openapi(pool.names, config.auth is not None))

    async def healthz(_request: Request) -> Response:
        return json_response({"status": "ok", "models": pool.names, "loaded": pool.loaded})

    async def metrics(_request: Request) -> Response:
        batches = pool.batches
        gauges = {
            "protege_models_loaded": ("Models loaded now.", float(len(pool.loaded))),
            "protege_batch_size_mean": (
                "Mean size of the recent batches the models ran.",
                sum(batches) / len(batches) if batches else 0.0,
            ),
        }
        lines = [
            "# HELP protege_extract_total /v1/extract answers, by outcome.",
            "# TYPE protege_extract_total counter",
            *(
                f'protege_extract_total{{outcome="{outcome}"}} {count}'
                for outcome, count in sorted(state.outcomes.items())
            ),
        ]
        text = state.metrics.render(gauges) + "\n".join(lines) + "\n"
        return PlainTextResponse(text, media_type="text/plain; version=0.0.4")

    return [
        Route("/v1/chat/completions", guarded("chat", state, chat_completions), methods=["POST"]),
        Route("/v1/models", guarded("models", state, models), methods=["GET"]),
        Route("/healthz", guarded("healthz", state, healthz), methods=["GET"]),
        Route("/metrics", guarded("metrics", state, metrics), methods=["GET"]),
        Route("/openapi.json", guarded("openapi", state, openapi), methods=["GET"]),
    ]


async def http_error(_request: Request, exc: Exception) -> Response:
    """Starlette's own 404 (no such path) and 405 (wrong method), in the envelope."""
    assert isinstance(exc, HTTPException)  # the only exception this handler is registered for
    return ApiError(
        exc.status_code, f"{exc.detail}: see GET /v1/models and docs/serve.md"
    ).response()


def error_handlers() -> dict[Any, Callable[[Request, Exception], Awaitable[Response]]]:
    """The app's exception handlers (every answer an envelope)."""
    return {HTTPException: http_error}
