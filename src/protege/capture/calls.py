"""What the gateway and the SDK record about a call: request checks, tags, usage, cost, and the
response of a streamed call rebuilt from its server-sent events."""

from __future__ import annotations

from typing import Any

import orjson

from protege.pricing import PriceTable, api_call_cost

MAX_TAGS = 32  # tags per call: enough for routing keys, small enough to index cheaply
MAX_TAG_CHARS = 256


def error_body(message: str, kind: str, param: str | None = None, code: str | None = None) -> bytes:
    """The OpenAI error envelope."""
    return orjson.dumps({"error": {"message": message, "type": kind, "param": param, "code": code}})


class RequestProblem(Exception):
    """A request the gateway refuses: ``status``, OpenAI error ``code`` and ``param``."""

    def __init__(
        self, message: str, *, status: int = 400, code: str | None = None, param: str | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code
        self.param = param


def _type_name(value: Any) -> str:
    return {dict: "object", list: "array", str: "string", bool: "boolean"}.get(
        type(value), "null" if value is None else "number"
    )


# The parameters whose JSON type is checked, with the types accepted and how to say so. Only
# keys present are looked up: a request carries a handful of the dozens OpenAI defines.
_TYPED: dict[str, tuple[tuple[type, ...], str]] = {
    "model": ((str,), "a string"),
    "stream": ((bool,), "a boolean"),
    **dict.fromkeys(
        ("temperature", "top_p", "presence_penalty", "frequency_penalty"),
        ((int, float), "a number"),
    ),
    **dict.fromkeys(("max_tokens", "max_completion_tokens", "n", "seed"), ((int,), "an integer")),
    "metadata": ((dict,), "an object of string values"),
}


def _check_types(body: dict[str, Any]) -> None:
    for key, value in body.items():
        rule = _TYPED.get(key)
        if rule is None or value is None:
            continue
        expected, what = rule
        if not isinstance(value, expected) or (value.__class__ is bool and bool not in expected):
            raise RequestProblem(
                f"'{key}' must be {what}, got {_type_name(value)}", code="invalid_type", param=key
            )


def check_chat_request(body: Any) -> dict[str, Any]:
    """The request as a dict, or ``RequestProblem`` saying what to fix."""
    if not isinstance(body, dict):
        raise RequestProblem(f"the request body must be a JSON object, got {_type_name(body)}")
    if "model" not in body:
        raise RequestProblem(
            "missing required parameter 'model': name the model to call, e.g. \"gpt-4o\"",
            code="missing_required_parameter",
            param="model",
        )
    if "messages" not in body:
        raise RequestProblem(
            "missing required parameter 'messages': send a list of {role, content} objects",
            code="missing_required_parameter",
            param="messages",
        )
    messages = body["messages"]
    if not isinstance(messages, list) or not messages:
        raise RequestProblem(
            "'messages' must be a non-empty array of {role, content} objects",
            code="invalid_type",
            param="messages",
        )
    for index, message in enumerate(messages):
        if not isinstance(message, dict) or not isinstance(message.get("role"), str):
            raise RequestProblem(
                f"messages[{index}] must be an object with a string 'role'",
                code="invalid_type",
                param=f"messages[{index}]",
            )
    _check_types(body)
    return body


def parse_tags(header: str | None, metadata: Any) -> dict[str, str]:
    """Tags from the request's ``metadata`` and the ``X-Protege-Tags: k=v,...`` header (wins)."""
    tags: dict[str, str] = {}
    if not header and not metadata:  # most calls: no tags, and no parsing
        return tags
    if isinstance(metadata, dict):
        for key, value in metadata.items():
            if not isinstance(value, str):
                raise RequestProblem(
                    f"metadata values must be strings; metadata.{key} is {_type_name(value)}",
                    code="invalid_type",
                    param=f"metadata.{key}",
                )
            tags[str(key)] = value
    for part in (header or "").split(","):
        if not part.strip():
            continue
        key, sep, value = part.partition("=")
        if not sep or not key.strip():
            raise RequestProblem(
                f"X-Protege-Tags: {part.strip()!r} is not key=value; send e.g. "
                "'X-Protege-Tags: team=loans,env=prod'",
                param="X-Protege-Tags",
            )
        tags[key.strip()] = value.strip()
    if len(tags) > MAX_TAGS or any(len(k) + len(v) > MAX_TAG_CHARS for k, v in tags.items()):
        raise RequestProblem(
            f"at most {MAX_TAGS} tags of at most {MAX_TAG_CHARS} characters each",
            param="X-Protege-Tags",
        )
    return tags


def usage_of(response: dict[str, Any] | None) -> tuple[int | None, int | None, int]:
    """(prompt tokens, completion tokens, cached prompt tokens) as the upstream reported them."""
    usage = (response or {}).get("usage")
    if not isinstance(usage, dict):
        return None, None, 0
    details = usage.get("prompt_tokens_details")
    cached = details.get("cached_tokens") if isinstance(details, dict) else None
    prompt, completion = usage.get("prompt_tokens"), usage.get("completion_tokens")
    return (
        prompt if isinstance(prompt, int) else None,
        completion if isinstance(completion, int) else None,
        cached if isinstance(cached, int) else 0,
    )


def call_cost(
    prices: PriceTable | None, model: str, prompt: int | None, completion: int | None, cached: int
) -> float | None:
    """USD for a call priced by the table, or None when the model or its usage is unknown."""
    if prices is None or prompt is None or completion is None or model not in prices.models:
        return None
    return api_call_cost(prices.models[model], prompt, completion, min(cached, prompt))


class StreamCollector:
    """Rebuilds a chat.completion object from the ``data:`` lines of a streamed answer."""

    def __init__(self) -> None:
        self._buffer = b""
        self._texts: dict[int, list[str]] = {}
        self._roles: dict[int, str] = {}
        self._finish: dict[int, Any] = {}
        self._head: dict[str, Any] = {}
        self.usage: dict[str, Any] | None = None
        self.chunks = 0

    def feed(self, data: bytes) -> None:
        """Take the next bytes of the event stream (any split across lines is fine)."""
        self._buffer += data
        *lines, self._buffer = self._buffer.split(b"\n")
        for line in lines:
            line = line.strip()
            if not line.startswith(b"data:"):
                continue
            payload = line[5:].strip()
            if payload == b"[DONE]":
                continue
            try:
                chunk = orjson.loads(payload)
            except orjson.JSONDecodeError:
                continue
            if isinstance(chunk, dict):
                self._take(chunk)

    def _take(self, chunk: dict[str, Any]) -> None:
        self.chunks += 1
        for key in ("id", "model", "created", "system_fingerprint"):
            if key in chunk and key not in self._head:
                self._head[key] = chunk[key]
        if isinstance(chunk.get("usage"), dict):
            self.usage = chunk["usage"]
        for choice in chunk.get("choices") or []:
            index = int(choice.get("index", 0))
            delta = choice.get("delta") or {}
            if delta.get("role"):
                self._roles[index] = delta["role"]
            if delta.get("content"):
                self._texts.setdefault(index, []).append(delta["content"])
            if choice.get("finish_reason"):
                self._finish[index] = choice["finish_reason"]

    def response(self) -> dict[str, Any]:
        """The streamed answer as one chat.completion object."""
        indices = sorted(set(self._texts) | set(self._roles) | set(self._finish))
        choices = [
            {
                "index": i,
                "message": {
                    "role": self._roles.get(i, "assistant"),
                    "content": "".join(self._texts.get(i, [])),
                },
                "finish_reason": self._finish.get(i),
            }
            for i in indices
        ]
        out: dict[str, Any] = {**self._head, "object": "chat.completion", "choices": choices}
        if self.usage is not None:
            out["usage"] = self.usage
        return out
