"""Relaying an upstream's event stream to the client: chunk by chunk as they come, the answer
rebuilt for the log, and however the stream ends (its last chunk, a broken or stalled upstream,
a client gone, or a stream never started) the upstream answer closed and the call logged once.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

from starlette.responses import StreamingResponse

from protege.capture.calls import StreamCollector, error_body
from protege.capture.http1 import HTTPError, Response
from protege.store.record import LoggedCall

Headers = list[tuple[bytes, bytes]]  # ASGI header pairs, names lowercased


class RelayResponse(StreamingResponse):
    """A relayed stream whose ``ended`` callback runs when it is over, however it ended: after
    its last chunk, on a broken upstream, when the client went away, or when the server never
    iterated it (the upstream answer is closed and the call logged in every case)."""

    def __init__(
        self, chunks: AsyncIterator[bytes], ended: Callable[[], None], headers: Headers
    ) -> None:
        super().__init__(chunks, media_type="text/event-stream")
        self.raw_headers.extend(headers)
        self._ended = ended

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            self._ended()


def relay(
    call: LoggedCall,
    response: Response,
    started: float,
    ended: Callable[[], None],
    broke: Callable[[], None],
) -> RelayResponse:
    """The client's stream of ``response``: ``call`` gets its time to first token, the rebuilt
    answer and how it ended; ``ended`` (log the call) runs once at the end, ``broke`` when the
    upstream failed mid-stream."""
    collector = StreamCollector()
    state = {"iterated": False, "ended": False}

    def end() -> None:  # once, however the stream ended
        if state["ended"]:
            return
        state["ended"] = True
        if not state["iterated"]:
            call.status, call.error = "cancelled", "the answer's stream never started"
        response.close()
        call.response = collector.response()
        ended()

    async def chunks() -> AsyncIterator[bytes]:
        state["iterated"] = True
        try:
            # Each chunk is due within the route's timeout (http1.Response's deadline).
            while (data := await response.next_chunk()) is not None:
                if call.ttft_ms is None:
                    call.ttft_ms = round((time.perf_counter() - started) * 1000, 3)
                collector.feed(data)
                yield data
        except (TimeoutError, HTTPError) as exc:
            call.status, call.error = "error", f"upstream stream broke: {exc}"
            broke()
            # The 200 went out already: an error event is how the stream says it failed (the
            # openai client raises APIError on a chunk with an "error" key).
            yield b"data: %s\n\n" % error_body(call.error, "upstream_error")
        except (asyncio.CancelledError, GeneratorExit):
            call.status, call.error = "cancelled", "the client went away mid-stream"
            raise
        finally:
            end()

    return RelayResponse(chunks(), end, response.headers)
