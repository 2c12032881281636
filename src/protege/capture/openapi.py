"""The OpenAPI 3.1 description the gateway (and ``protege serve``) publish at ``/openapi.json``:
what each endpoint takes and answers, for clients, API catalogues and fuzzers (the tests run
schemathesis over it).

It describes the requests protege checks itself (``protege.capture.calls``): a chat request is
an object with a ``model`` (one of the routed names) and a non-empty ``messages`` array of
objects with a string ``role``; every other OpenAI parameter passes through to the upstream.
"""

from __future__ import annotations

from typing import Any

from protege.version import __version__

ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["message", "type"],
            "properties": {
                "message": {"type": "string"},
                "type": {"type": "string"},
                "param": {"type": ["string", "null"]},
                "code": {"type": ["string", "null"]},
            },
        }
    },
}

MESSAGE = {
    "type": "object",
    "required": ["role"],
    "properties": {
        "role": {"type": "string"},
        "content": {"type": ["string", "array", "null"]},
    },
}


def chat_request(models: list[str]) -> dict[str, Any]:
    """The schema of a chat completions body naming one of ``models``."""
    return {
        "type": "object",
        "required": ["model", "messages"],
        "properties": {
            "model": {"type": "string", "enum": models},
            "messages": {"type": "array", "minItems": 1, "items": MESSAGE},
            "stream": {"type": "boolean"},
            "temperature": {"type": "number"},
            "top_p": {"type": "number"},
            "max_tokens": {"type": "integer"},
            "max_completion_tokens": {"type": "integer"},
            "n": {"type": "integer"},
            "seed": {"type": "integer"},
            "metadata": {"type": "object", "additionalProperties": {"type": "string"}},
        },
    }


def errors(*statuses: int) -> dict[str, Any]:
    """Error answers in the OpenAI envelope, by status."""
    return {
        str(status): {
            "description": "an error in the OpenAI envelope",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
        }
        for status in statuses
    }


def json_answer(description: str, statuses: tuple[int, ...] = ()) -> dict[str, Any]:
    """A 200 JSON answer, with the error statuses the operation may give."""
    return {
        "200": {"description": description, "content": {"application/json": {"schema": {}}}},
        **errors(*statuses),
    }


def document(
    title: str, paths: dict[str, Any], secured: bool, public: tuple[str, ...]
) -> dict[str, Any]:
    """A whole OpenAPI document over ``paths``; with ``secured``, every path but ``public``
    needs a bearer key."""
    doc: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {"title": title, "version": __version__},
        "paths": paths,
        "components": {"schemas": {"Error": ERROR}},
    }
    if secured:
        doc["components"]["securitySchemes"] = {"clientKey": {"type": "http", "scheme": "bearer"}}
        for path, operations in paths.items():
            if path not in public:
                for operation in operations.values():
                    operation["security"] = [{"clientKey": []}]
                    operation["responses"].update(errors(401, 429))
    return doc


HEALTH_PATHS: dict[str, Any] = {
    "/healthz": {"get": {"summary": "liveness", "responses": json_answer("up")}},
    "/metrics": {
        "get": {
            "summary": "Prometheus metrics",
            "responses": {
                "200": {
                    "description": "the text exposition format",
                    "content": {"text/plain": {"schema": {"type": "string"}}},
                }
            },
        }
    },
}


def gateway_openapi(models: list[str], secured: bool) -> dict[str, Any]:
    """The gateway's description: chat completions to ``models``, the model list, health."""
    chat = {
        "post": {
            "summary": "a chat completion, forwarded to the model's route and logged",
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": chat_request(models)}},
            },
            "responses": {
                **json_answer("the upstream's completion", (400, 404, 413, 429, 502, 503, 504)),
                "200": {
                    "description": "the upstream's completion, or its event stream",
                    "content": {
                        "application/json": {"schema": {}},
                        "text/event-stream": {"schema": {"type": "string"}},
                    },
                },
            },
        }
    }
    paths = {
        "/v1/chat/completions": chat,
        "/v1/models": {"get": {"summary": "the routed models", "responses": json_answer("list")}},
        **HEALTH_PATHS,
    }
    return document("protege gateway", paths, secured, ("/healthz", "/metrics"))
