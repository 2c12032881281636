"""The gateway's ASGI app: routes, error handlers, the fast path for chat completions, and the
factory uvicorn's workers call (``protege.capture.app:create_app``)."""

from __future__ import annotations

import contextlib
import os
import ssl
import time
from collections.abc import AsyncIterator
from typing import Any

import orjson
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route as HttpRoute

from protege.capture.auth import Denied, auth_problems
from protege.capture.config import GatewayConfig, load_gateway_config
from protege.capture.gateway import Answer, Gateway, error_answer
from protege.capture.http1 import header_value_ok
from protege.capture.openapi import gateway_openapi
from protege.capture.proxy import proxy_problems
from protege.capture.upstream import JSON, tls_context
from protege.errors import ConfigError
from protege.pricing import PriceTable, load_prices
from protege.prompts.registry import PromptRegistry


class Endpoints:
    """The read-only endpoints: /v1/models, /healthz, /metrics."""

    def __init__(self, gateway: Gateway) -> None:
        self.gateway = gateway

    async def models(self, request: Request) -> Response:
        """GET /v1/models: the routed model names (to a client with a key, under ``auth``)."""
        if self.gateway.keys is not None:
            try:
                self.gateway.keys.check(request.headers.get("authorization"))
            except Denied as denied:
                return _response(self.gateway.denied(denied, time.perf_counter()))
        data = [
            {"id": r.model, "object": "model", "created": 0, "owned_by": "protege"}
            for r in self.gateway.config.routes
        ]
        return Response(orjson.dumps({"object": "list", "data": data}), media_type=JSON)

    async def openapi(self, _request: Request) -> Response:
        """GET /openapi.json: this gateway's OpenAPI description."""
        config = self.gateway.config
        doc = gateway_openapi([r.model for r in config.routes], config.auth is not None)
        return Response(orjson.dumps(doc), media_type=JSON)

    async def healthz(self, _request: Request) -> Response:
        """GET /healthz: up, and whether the store is reachable."""
        stats = self.gateway.writer.stats() if self.gateway.writer is not None else None
        body = {
            "status": "ok",
            "store_up": stats.store_up if stats else None,
            "queued": stats.queued if stats else 0,
            "spool_bytes": stats.spool_bytes if stats else 0,
        }
        return Response(orjson.dumps(body), media_type=JSON)

    async def metrics_text(self, _request: Request) -> Response:
        """GET /metrics in the Prometheus text format."""
        stats = self.gateway.writer.stats() if self.gateway.writer is not None else None
        gauges = {
            "protege_log_queue_depth": (
                "Logged calls waiting in memory.",
                stats.queued if stats else 0,
            ),
            "protege_spool_bytes": (
                "Bytes in the durable spool.",
                stats.spool_bytes if stats else 0,
            ),
            "protege_store_up": (
                "1 when the log store is reachable.",
                int(bool(stats and stats.store_up)),
            ),
            "protege_logs_committed": (
                "Logged calls this process wrote to the store.",
                stats.committed if stats else 0,
            ),
            "protege_logs_dropped": (
                "Logged calls lost (spool full).",
                stats.dropped if stats else 0,
            ),
        }
        return Response(
            self.gateway.metrics.render(gauges),
            media_type="text/plain; version=0.0.4; charset=utf-8",
        )


def _response(answer: Answer) -> Response:
    headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in answer.headers or []}
    return Response(answer.body, answer.status, headers=headers, media_type=JSON)


async def _http_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    message = {
        404: "no such endpoint; this gateway serves /v1/chat/completions, /v1/models, "
        "/healthz, /metrics and /openapi.json",
        405: "method not allowed on this endpoint",
    }.get(exc.status_code, str(exc.detail))
    return _response(error_answer(exc.status_code, message, "invalid_request_error"))


async def _server_error(_request: Request, exc: Exception) -> Response:
    return _response(error_answer(500, f"internal gateway error: {exc!r}", "server_error"))


_JSON = JSON.encode()


class FastPath:
    """The ASGI app the gateway serves: ``POST /v1/chat/completions`` goes straight to its
    handler; everything else (other routes, 404s, lifespan) goes through Starlette.

    Starlette's middleware stack and router cost ~10 % of the gateway's CPU per request
    (py-spy, under wrk load); the hot route needs none of it: its handler answers every error
    itself, and anything unexpected still gets the OpenAI envelope here. A complete answer goes
    out as the two ASGI messages themselves, without a Starlette ``Response``.
    """

    def __init__(self, app: Starlette, gateway: Gateway) -> None:
        self.app = app
        self.gateway = gateway
        self.state = app.state

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if (
            scope["type"] == "http"
            and scope["path"] == "/v1/chat/completions"
            and scope["method"] == "POST"
        ):
            try:
                answer = await self.gateway.chat_completions(scope["headers"], receive)
            except Exception as exc:
                answer = error_answer(500, f"internal gateway error: {exc!r}", "server_error")
            if isinstance(answer, Answer):
                headers = [(b"content-type", _JSON), (b"content-length", b"%d" % len(answer.body))]
                if answer.headers:
                    headers += answer.headers
                await send(
                    {"type": "http.response.start", "status": answer.status, "headers": headers}
                )
                await send({"type": "http.response.body", "body": answer.body})
            else:  # a stream
                await answer(scope, receive, send)
            return
        await self.app(scope, receive, send)


def build_app(config: GatewayConfig, *, prices: PriceTable | None = None) -> FastPath:
    """The gateway's ASGI app. Fails now (``ConfigError``) when a route's API key is missing or
    the price table (``config.prices``, else the shipped one) is broken."""
    missing = [
        f"routes: {r.model}: environment variable {r.api_key_env} is not set"
        for r in config.routes
        if r.api_key_env and r.api_key_env not in os.environ
    ]
    missing += [
        f"routes: {r.model}: environment variable {r.api_key_env} holds a line break, NUL or "
        "non-Latin-1 character inside the key (an API key is one line)"
        for r in config.routes
        if r.api_key_env
        and r.api_key_env in os.environ
        and not header_value_ok(os.environ[r.api_key_env].strip())
    ]
    missing += auth_problems(config.auth)
    missing += proxy_problems([r.upstream for r in config.routes])
    for route in config.routes:
        try:
            tls_context(route)
        except (ssl.SSLError, OSError) as exc:
            missing.append(f"routes: {route.model}: its TLS files do not load: {exc}")
    if missing:
        raise ConfigError("gateway config", missing)
    if prices is None:
        # config.prices None: the table shipped in the package. A broken table raises
        # ConfigError naming the file and its problems: better than calls logged without cost.
        prices = load_prices(config.prices)
    gateway = Gateway(config, prices=prices, prompts=PromptRegistry().latest_versions())

    endpoints = Endpoints(gateway)

    async def chat_completions(request: Request) -> Response:
        # Reached only through Starlette, i.e. never for a POST (FastPath takes those): kept so
        # that the route exists and other methods get a 405.
        answer = await gateway.chat_completions(request.scope["headers"], request.receive)
        return _response(answer) if isinstance(answer, Answer) else answer

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        await gateway.start()
        try:
            yield
        finally:
            await gateway.stop()

    app = Starlette(
        routes=[
            HttpRoute("/v1/chat/completions", chat_completions, methods=["POST"]),
            HttpRoute("/v1/models", endpoints.models, methods=["GET"]),
            HttpRoute("/healthz", endpoints.healthz, methods=["GET"]),
            HttpRoute("/metrics", endpoints.metrics_text, methods=["GET"]),
            HttpRoute("/openapi.json", endpoints.openapi, methods=["GET"]),
        ],
        exception_handlers={HTTPException: _http_error, Exception: _server_error},
        lifespan=lifespan,
    )
    app.state.gateway = gateway
    return FastPath(app, gateway)


CONFIG_ENV = "PROTEGE_GATEWAY_CONFIG"  # how `protege gateway` hands the config to its workers


def create_app() -> FastPath:
    """ASGI factory for uvicorn (``--factory``): the config file named by $PROTEGE_GATEWAY_CONFIG."""
    path = os.environ.get(CONFIG_ENV)
    if not path:
        raise ConfigError(CONFIG_ENV, ["not set: point it at a gateway YAML file"])
    return build_app(load_gateway_config(path))
