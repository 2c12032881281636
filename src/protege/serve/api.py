"""What every endpoint of ``protege serve`` shares: the OpenAI error envelope, reading a JSON
body within a size limit, and JSON answers."""

from __future__ import annotations

from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response

from protege.capture.calls import error_body

JSON = "application/json"


class ApiError(Exception):
    """An answer in the OpenAI error envelope: status, message, type, param, code."""

    def __init__(
        self,
        status: int,
        message: str,
        kind: str = "invalid_request_error",
        param: str | None = None,
        code: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.kind = kind
        self.param = param
        self.code = code
        self.headers = headers

    def response(self) -> Response:
        """The envelope as an HTTP response."""
        body = error_body(self.message, self.kind, self.param, self.code)
        return Response(body, status_code=self.status, headers=self.headers, media_type=JSON)


def json_response(data: Any, status: int = 200) -> Response:
    """``data`` as a JSON response."""
    return Response(orjson.dumps(data), status_code=status, media_type=JSON)


async def read_json_object(request: Request, max_bytes: int) -> dict[str, Any]:
    """The request's body as a JSON object; ``ApiError`` 413 past ``max_bytes``, 400 when it is
    not one JSON object."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > max_bytes:
        raise ApiError(413, f"request body over {max_bytes} bytes", code="body_too_large")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > max_bytes:
            raise ApiError(413, f"request body over {max_bytes} bytes", code="body_too_large")
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise ApiError(400, f"the body is not valid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise ApiError(400, "the body must be a JSON object")
    return data


def field_of(data: dict[str, Any], name: str, kind: type | tuple[type, ...], required: bool) -> Any:
    """``data[name]`` checked against ``kind`` (bool is never an int here); ``ApiError`` 400
    naming the field when it is missing or of another type."""
    if name not in data or data[name] is None:
        if required:
            raise ApiError(400, f"'{name}' is required", param=name)
        return None
    value = data[name]
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if isinstance(value, bool) and bool not in kinds:
        raise ApiError(400, f"'{name}' must be {_names(kinds)}, got a boolean", param=name)
    if not isinstance(value, kinds):
        got = type(value).__name__
        raise ApiError(400, f"'{name}' must be {_names(kinds)}, got {got}", param=name)
    return value


def _names(kinds: tuple[type, ...]) -> str:
    words = {
        str: "a string",
        int: "an integer",
        float: "a number",
        bool: "a boolean",
        dict: "an object",
        list: "an array",
    }
    return " or ".join(words.get(k, k.__name__) for k in kinds)
