"""The gateway's side of an upstream call: the route targets and one attempt.

The client is ``protege.capture.http1``, an HTTP/1.1 client on the gateway's own event loop: no
second thread to hand each call to and back (measured against the alternatives in
docs/results/capture-2026-11). One pool of keep-alive connections serves every route.
"""

from __future__ import annotations

import ssl
from typing import NamedTuple

from protege.capture.config import Route
from protege.capture.http1 import Busy, Endpoint, HTTPError, Response, encode_headers, endpoint
from protege.capture.pool import Pool
from protege.capture.proxy import proxy_for
from protege.version import __version__

JSON = "application/json"
RETRYABLE = frozenset({408, 429, 500, 502, 503, 504})  # worth trying a fallback for
USER_AGENT = f"protege-gateway/{__version__}"


class Failure(NamedTuple):
    """Why a route gave no usable answer: the status to report, a message, the error type."""

    status: int
    message: str
    kind: str


class Target(NamedTuple):
    """A route's chat-completions endpoint and its headers, encoded once per route."""

    endpoint: Endpoint
    auth: bytes | None  # the route's Authorization line; None: pass the client's on


def tls_context(route: Route) -> ssl.SSLContext | None:
    """The route's own TLS settings (CA bundle, client certificate); None: the defaults.
    ``ssl.SSLError`` or ``OSError`` for a file that is not what it should be."""
    if route.ca_bundle is None and route.client_cert is None:
        return None
    context = ssl.create_default_context(cafile=str(route.ca_bundle) if route.ca_bundle else None)
    if route.client_cert is not None:
        key = str(route.client_key) if route.client_key else None
        context.load_cert_chain(str(route.client_cert), key)
    return context


def target_for(route: Route, api_key: str | None) -> Target:
    """The chat-completions endpoint of a route (its TLS settings, and the proxy the environment
    names for it), with its API key's header when it has one."""
    auth = None
    if api_key is not None:  # checked by app.build_app; a key file's trailing newline is dropped
        auth = encode_headers({"Authorization": f"Bearer {api_key.strip()}"})
    url = f"{route.upstream}/chat/completions"
    where = endpoint(url, USER_AGENT, JSON, ssl_context=tls_context(route), proxy=proxy_for(url))
    return Target(where, auth)


class Upstream(NamedTuple):
    """A route's answer: its status and body, or for a stream the open response to relay."""

    status: int
    data: bytes | None  # None: a stream, read through ``stream``
    stream: Response | None = None
    headers: list[tuple[bytes, bytes]] | None = None  # relayed to the client (http1.RELAYED)


async def send(
    pool: Pool,
    route: Route,
    target: Target,
    payload: bytes,
    headers: bytes,
    stream: bool,
) -> Upstream | Failure:
    """Send ``payload`` to one route: its answer (a stream to relay stays open, its chunks each
    due within the route's timeout), or why the route failed. ``headers``: encoded lines
    (``http1.encode_headers``) sent besides the endpoint's own."""
    try:
        response = await pool.request(target.endpoint, payload, headers, route.timeout_s, stream)
        if stream and response.status == 200:
            return Upstream(200, None, response, response.headers)
        return Upstream(response.status, await response.read(), None, response.headers)
    except Busy as exc:
        return Failure(503, f"upstream {route.upstream} is busy: {exc}", "upstream_busy")
    except TimeoutError:
        return Failure(
            504, f"upstream {route.upstream} timed out after {route.timeout_s:g} s", "timeout"
        )
    except (HTTPError, OSError) as exc:  # refused, reset, unresolvable, TLS (ssl.SSLError)
        reason = str(exc) or type(exc).__name__
        return Failure(502, f"upstream {route.upstream} failed: {reason}", "upstream_error")
