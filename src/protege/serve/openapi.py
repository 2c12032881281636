"""The OpenAPI description ``protege serve`` publishes at ``/openapi.json``: chat completions
and the model list of ``protege.serve.app``, ``POST /v1/extract``, health and metrics, in the
shapes of the gateway's description (``protege.capture.openapi``)."""

from __future__ import annotations

from typing import Any

from protege.capture.openapi import HEALTH_PATHS, chat_request, document, json_answer
from protege.contract.record import Kind

SOURCE = {
    "type": "object",
    "required": ["kind", "as_of", "text"],
    "properties": {
        "id": {"type": "string"},
        "kind": {"type": "string", "enum": [kind.value for kind in Kind]},
        "as_of": {"type": "string", "format": "date"},
        "text": {"type": "string", "minLength": 1},
    },
}


def serve_openapi(models: list[str], secured: bool) -> dict[str, Any]:
    """The description of a server of ``models``; ``secured``: it has client keys."""
    extract = {
        "post": {
            "summary": "extract a liability record under a deadline, with checks and fallback",
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "required": ["source"],
                            "properties": {
                                "source": SOURCE,
                                "deadline_ms": {
                                    "type": "integer",
                                    "minimum": 1,
                                    "maximum": 600_000,
                                },
                                "model": {"type": "string", "enum": models},
                            },
                        }
                    }
                },
            },
            "responses": json_answer("the record and its outcome", (400, 404, 413)),
        }
    }
    chat = {
        "post": {
            "summary": "a chat completion of the liability-extract prompt",
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": chat_request(models)}},
            },
            "responses": json_answer("the completion (or its event stream)", (400, 404, 413)),
        }
    }
    paths = {
        "/v1/chat/completions": chat,
        "/v1/extract": extract,
        "/v1/models": {"get": {"summary": "the served models", "responses": json_answer("list")}},
        **HEALTH_PATHS,
    }
    return document("protege serve", paths, secured, ("/healthz", "/metrics"))
