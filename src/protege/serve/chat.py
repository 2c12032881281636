"""``POST /v1/chat/completions`` for the served students.

A student answers the liability workflow's prompt: the request's last user turn is a source
rendered with the ``liability-extract`` prompt (``protege prompts show liability-extract``),
as the gateway logged it and as datasets train on it; the answer's content is the record as
compact JSON, valid under the record's JSON schema whatever ``response_format`` asks (``text``,
``json_object`` or ``json_schema``). Every answer also carries ``protege.evidence`` and, for a
scorer, ``protege.confidence`` (extra fields the ``openai`` client keeps on the object).
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import orjson
from pydantic import ValidationError

from protege.contract.record import Source
from protege.engine.predictor import Prediction
from protege.prompts.liability import LIABILITY_PROMPT, read_back
from protege.serve.api import ApiError, field_of
from protege.validation import problems_of

RESPONSE_FORMATS = ("text", "json_object", "json_schema")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class ChatRequest:
    """A validated chat completion request for a student."""

    model: str
    source: Source
    stream: bool
    include_usage: bool


def source_of_user_turn(user: str, max_text_chars: int) -> Source:
    """The source a user turn renders with the liability prompt; ``ApiError`` 400 when
    it renders none, or its kind or as-of date is not the contract's."""
    fields = read_back(LIABILITY_PROMPT, user)
    if fields is None:
        raise ApiError(
            400,
            "this model answers the liability-extract prompt: the last user turn must be "
            "'Source kind: KIND\\nAs of: YYYY-MM-DD\\n\\nTEXT' (protege prompts show "
            "liability-extract), or POST the source to /v1/extract",
            param="messages",
        )
    return checked_source(
        {"kind": fields["kind"], "as_of": fields["as_of"], "text": fields["text"]},
        max_text_chars,
        "messages",
    )


def checked_source(data: Any, max_text_chars: int, param: str) -> Source:
    """A contract source from ``data`` (kind, as_of, text, optional id); ``ApiError`` 400 that
    says what is wrong with it."""
    if not isinstance(data, dict):
        raise ApiError(400, f"'{param}' must be an object with kind, as_of and text", param=param)
    text = data.get("text")
    if isinstance(text, str) and len(text) > max_text_chars:
        raise ApiError(
            400,
            f"the source text has {len(text)} characters, over this server's limit of "
            f"{max_text_chars} (max_text_chars in serve.yaml)",
            param=f"{param}.text",
            code="text_too_long",
        )
    as_of = data.get("as_of")
    if not isinstance(as_of, str) or not _ISO_DATE.fullmatch(as_of):
        raise ApiError(
            400,
            f"as_of must be a date written YYYY-MM-DD, got {as_of!r}",
            param=f"{param}.as_of",
        )
    if isinstance(text, str) and not text.strip():
        raise ApiError(400, "the source text is empty", param=f"{param}.text")
    try:
        return Source.model_validate({"id": "request", **data})
    except ValidationError as exc:
        raise ApiError(400, f"bad source: {'; '.join(problems_of(exc))}", param=param) from exc


def parse_chat_request(data: dict[str, Any], max_text_chars: int) -> ChatRequest:
    """Validate a chat completion body; ``ApiError`` 400 naming the first problem."""
    model = field_of(data, "model", str, required=True)
    messages = field_of(data, "messages", list, required=True)
    if not messages:
        raise ApiError(400, "'messages' must not be empty", param="messages")
    users = []
    for index, message in enumerate(messages):
        if not isinstance(message, dict) or not isinstance(message.get("role"), str):
            raise ApiError(
                400, f"messages[{index}] must be an object with a role", param=f"messages[{index}]"
            )
        content = message.get("content")
        if isinstance(content, list):  # content parts: the text ones, joined
            parts = [
                p.get("text") for p in content if isinstance(p, dict) and p.get("type") == "text"
            ]
            content = "".join(p for p in parts if isinstance(p, str))
        if message["role"] == "user":
            if not isinstance(content, str):
                raise ApiError(
                    400,
                    f"messages[{index}].content must be text",
                    param=f"messages[{index}].content",
                )
            users.append(content)
    if not users:
        raise ApiError(400, "'messages' has no user turn", param="messages")
    stream = field_of(data, "stream", bool, required=False) or False
    options = field_of(data, "stream_options", dict, required=False) or {}
    n = field_of(data, "n", int, required=False)
    if n not in (None, 1):
        raise ApiError(400, "'n' must be 1: a student gives one answer", param="n")
    if field_of(data, "logprobs", bool, required=False):
        raise ApiError(
            400,
            "logprobs are not available from a student: a scorer decodes no tokens; its "
            "per-key probabilities come back as protege.confidence",
            param="logprobs",
        )
    response_format = field_of(data, "response_format", dict, required=False)
    if response_format is not None and response_format.get("type") not in RESPONSE_FORMATS:
        raise ApiError(
            400,
            f"response_format.type must be one of {', '.join(RESPONSE_FORMATS)}",
            param="response_format",
        )
    source = source_of_user_turn(users[-1], max_text_chars)
    return ChatRequest(model, source, bool(stream), bool(options.get("include_usage")))


def completion_id() -> str:
    """A fresh ``chatcmpl-`` id."""
    return f"chatcmpl-{uuid.uuid4().hex[:24]}"


def usage_of(prediction: Prediction) -> dict[str, int]:
    """The OpenAI ``usage`` object of one prediction."""
    return {
        "prompt_tokens": prediction.prompt_tokens,
        "completion_tokens": prediction.completion_tokens,
        "total_tokens": prediction.prompt_tokens + prediction.completion_tokens,
    }


def extras(prediction: Prediction) -> dict[str, Any]:
    """What a student adds to the answer: evidence spans and per-key confidence."""
    extra: dict[str, Any] = {
        "evidence": prediction.evidence or {},
        "cpu_s": round(prediction.cpu_s, 6),  # what a client prices self-hosted answers by
    }
    if prediction.confidence is not None:
        extra["confidence"] = prediction.confidence
    return extra


def completion(request: ChatRequest, prediction: Prediction) -> dict[str, Any]:
    """The non-streamed answer."""
    return {
        "id": completion_id(),
        "object": "chat.completion",
        "created": int(time.time()),
        "model": request.model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": prediction.output},
                "logprobs": None,
                "finish_reason": "stop",
            }
        ],
        "usage": usage_of(prediction),
        "protege": extras(prediction),
    }


async def stream_chunks(request: ChatRequest, prediction: Prediction) -> AsyncIterator[bytes]:
    """The streamed answer as server-sent events: the role, the content key by key, the
    finish reason, the usage when asked for, then ``[DONE]``."""
    base = {
        "id": completion_id(),
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": request.model,
    }

    def event(delta: dict[str, Any], finish: str | None = None, **more: Any) -> bytes:
        choice = {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}
        return b"data: " + orjson.dumps({**base, "choices": [choice], **more}) + b"\n\n"

    yield event({"role": "assistant", "content": ""})
    for piece in _pieces(prediction.output):
        yield event({"content": piece})
    yield event({}, "stop", protege=extras(prediction))
    if request.include_usage:
        usage = {**base, "choices": [], "usage": usage_of(prediction)}
        yield b"data: " + orjson.dumps(usage) + b"\n\n"
    yield b"data: [DONE]\n\n"


def _pieces(output: str) -> list[str]:
    """The record's JSON cut after each key's value (a stream a client can show as it comes)."""
    pieces, start, depth, quoted, escaped = [], 0, 0, False, False
    for at, char in enumerate(output):
        if quoted:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                quoted = False
            continue
        if char == '"':
            quoted = True
        elif char in "{[":
            depth += 1
        elif char in "}]":
            depth -= 1
        elif char == "," and depth == 1:
            pieces.append(output[start : at + 1])
            start = at + 1
    pieces.append(output[start:])
    return [p for p in pieces if p]
