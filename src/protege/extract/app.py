"""The app ``protege serve`` runs: the serving endpoints (``protege.serve.app``) plus
``POST /v1/extract``, with the log writer opened and closed around the app's life.

``/v1/extract`` takes ``{"source": {"kind", "as_of", "text", "id"?}, "deadline_ms"?, "model"?}``
and answers ``{"record", "evidence", "confidence", "model", "outcome", "reasons",
"latency_ms"}`` (``protege.extract.service``).
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from protege.extract.service import Extractor, ExtractRequest
from protege.serve.api import ApiError, field_of, json_response, read_json_object
from protege.serve.app import ServeState, error_handlers, guarded, serve_routes
from protege.serve.chat import checked_source
from protege.serve.config import ServeConfig
from protege.serve.pool import ModelPool
from protege.store import LogWriter


def parse_extract_request(data: dict[str, Any], config: ServeConfig) -> ExtractRequest:
    """Validate an extract body; ``ApiError`` 400 naming the first problem."""
    unknown = sorted(set(data) - {"source", "deadline_ms", "model"})
    if unknown:
        raise ApiError(
            400,
            f"unknown field(s) {', '.join(unknown)}; expected source, deadline_ms and model",
            param=unknown[0],
        )
    if "source" not in data:
        raise ApiError(400, '\'source\' is required: {"kind", "as_of", "text"}', param="source")
    source = checked_source(data["source"], config.max_text_chars, "source")
    deadline = field_of(data, "deadline_ms", int, required=False)
    if deadline is None:
        deadline = config.extract.deadline_ms
    elif not 1 <= deadline <= 600_000:
        raise ApiError(
            400, f"deadline_ms must lie in 1..600000, got {deadline}", param="deadline_ms"
        )
    model = field_of(data, "model", str, required=False) or config.default
    if model not in config.models:
        raise ApiError(
            404,
            f"model {model!r} is not served; served: {', '.join(config.models)}",
            param="model",
            code="model_not_found",
        )
    return ExtractRequest(source, deadline, model)


def extract_route(state: ServeState, extractor: Extractor) -> Route:
    """``POST /v1/extract`` over ``extractor``."""

    async def extract(request: Request) -> Response:
        body = await read_json_object(request, state.config.max_body_bytes)
        parsed = parse_extract_request(body, state.config)
        parsed.tags.update(request.scope.get("protege.client_tags", {}))
        result = await extractor.extract(parsed)
        state.metrics.observe(parsed.model, 200, result.latency_ms / 1000)
        state.outcomes[result.outcome] += 1
        return json_response(result.to_json())

    return Route("/v1/extract", guarded("extract", state, extract), methods=["POST"])


def build_app(config: ServeConfig, pool: ModelPool | None = None, log: bool = True) -> Starlette:
    """The whole app over ``config`` (``pool`` replaces the default one, for tests)."""
    pool = pool or ModelPool(
        config.models, max_loaded=config.max_loaded, max_batch=config.max_batch
    )
    state = ServeState(config, pool)
    extractor = Extractor(config, pool)

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        writer = None
        if log:
            writer = LogWriter.open(config.store, spool_dir=config.spool_dir)
            extractor.log = writer
        try:
            yield
        finally:
            if writer is not None:
                writer.close()
            pool.close()

    routes = [*serve_routes(state), extract_route(state, extractor)]
    return Starlette(routes=routes, exception_handlers=error_handlers(), lifespan=lifespan)
