"""Forward proxies from the environment, as curl, requests and the ``openai`` client read them:
``HTTPS_PROXY`` for https:// upstreams, ``HTTP_PROXY`` for http:// ones (either spelling of
case), and ``NO_PROXY`` for the hosts reached directly.

An https:// upstream is reached through a ``CONNECT`` tunnel (``protege.capture.dial``), with TLS
to the upstream inside it; an http:// upstream gets its request in absolute form, sent to the
proxy. Credentials in the proxy URL (``http://user:pass@proxy:3128``) go as
``Proxy-Authorization: Basic``. The proxy itself is spoken to in plain HTTP: an ``https://``
proxy URL is refused at start-up.
"""

from __future__ import annotations

import base64
import urllib.request
from typing import NamedTuple
from urllib.parse import unquote, urlsplit


class ProxyError(ValueError):
    """A proxy setting that cannot be used; the message says which variable and why."""


class Proxy(NamedTuple):
    """A forward proxy: where it listens and its ``Proxy-Authorization`` value, if any."""

    host: str
    port: int
    authorization: str | None


def parse_proxy(url: str, variable: str) -> Proxy:
    """A proxy URL as ``variable`` holds it; ``ProxyError`` says what is wrong with it."""
    if "://" not in url:
        raise ProxyError(
            f"{variable}={url!r} has no scheme: write it as http://{url} (the proxy is spoken "
            "to in plain HTTP; https:// upstreams are tunnelled through it with CONNECT)"
        )
    parts = urlsplit(url)
    if parts.scheme != "http":
        raise ProxyError(
            f"{variable}={url!r}: only http:// proxies are supported (got {parts.scheme}://)"
        )
    if not parts.hostname:
        raise ProxyError(f"{variable}={url!r} names no host")
    try:
        port = parts.port or 80
    except ValueError as exc:
        raise ProxyError(f"{variable}={url!r}: {exc}") from exc
    authorization = None
    if parts.username is not None:
        pair = f"{unquote(parts.username)}:{unquote(parts.password or '')}"
        authorization = "Basic " + base64.b64encode(pair.encode()).decode("ascii")
    return Proxy(parts.hostname, port, authorization)


def proxy_for(url: str) -> Proxy | None:
    """The proxy the environment says ``url`` goes through; None when it goes directly."""
    proxies = urllib.request.getproxies_environment()
    parts = urlsplit(url)
    chosen = proxies.get(parts.scheme)
    if not chosen:
        return None
    host = parts.hostname or ""
    # proxy_bypass_environment: NO_PROXY's rules as urllib applies them (missing from typeshed)
    if urllib.request.proxy_bypass_environment(host, proxies):  # type: ignore[attr-defined]
        return None
    return parse_proxy(chosen, f"{parts.scheme.upper()}_PROXY")


def proxy_problems(urls: list[str]) -> list[str]:
    """What is wrong with the proxy settings for these upstream URLs (start-up checks)."""
    problems = []
    for url in urls:
        try:
            proxy_for(url)
        except ProxyError as exc:
            if str(exc) not in problems:
                problems.append(str(exc))
    return problems
