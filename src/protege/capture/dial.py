"""Opening a TCP connection to an upstream, before any TLS: the host's addresses raced by Happy
Eyeballs (RFC 8305, with ``aiohappyeyeballs``, as aiohttp does), or a ``CONNECT`` tunnel
through a forward proxy (``protege.capture.proxy``).

The caller (``protege.capture.http1``) then starts TLS on the connected socket, so that each
address's race is for its TCP connect alone, and a slow TLS handshake is not mistaken for an
unreachable address.
"""

from __future__ import annotations

import asyncio
import socket

import aiohappyeyeballs

from protege.capture.proxy import Proxy

# RFC 8305's "Connection Attempt Delay": the next address is tried when the one before has not
# connected in this long, while the earlier attempts go on (the first to connect wins).
ATTEMPT_DELAY_S = 0.25
MAX_PROXY_HEAD = 16 * 1024  # bytes of a proxy's answer to CONNECT before we give up on it


class DialError(OSError):
    """No connection: the host did not resolve, no address connected, or the proxy refused."""


async def _race(host: str, port: int) -> socket.socket:
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise DialError(f"cannot resolve {host}: {exc}") from exc
    if not infos:
        raise DialError(f"{host} has no address")
    return await aiohappyeyeballs.start_connection(
        infos, happy_eyeballs_delay=ATTEMPT_DELAY_S, interleave=1
    )


def _authority(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


async def _tunnel(sock: socket.socket, proxy: Proxy, host: str, port: int) -> None:
    """Ask the proxy on ``sock`` for a tunnel to ``host:port``; ``DialError`` if it refuses."""
    loop = asyncio.get_running_loop()
    target = _authority(host, port)
    head = f"CONNECT {target} HTTP/1.1\r\nHost: {target}\r\n"
    if proxy.authorization is not None:
        head += f"Proxy-Authorization: {proxy.authorization}\r\n"
    await loop.sock_sendall(sock, (head + "\r\n").encode("latin-1"))
    answer = b""
    while b"\r\n\r\n" not in answer:
        chunk = await loop.sock_recv(sock, 4096)
        if not chunk:
            raise DialError(f"proxy {proxy.host}:{proxy.port} closed the connection on CONNECT")
        answer += chunk
        if len(answer) > MAX_PROXY_HEAD:
            raise DialError(f"proxy {proxy.host}:{proxy.port} sent no end to its CONNECT answer")
    status_line = answer.split(b"\r\n", 1)[0].decode("latin-1")
    parts = status_line.split(" ", 2)
    if len(parts) < 2 or not parts[0].startswith("HTTP/") or not parts[1].startswith("2"):
        hint = ""
        if len(parts) > 1 and parts[1] == "407":
            hint = " (put the proxy's credentials in the URL: http://user:pass@host:port)"
        raise DialError(
            f"proxy {proxy.host}:{proxy.port} refused CONNECT {target}: {status_line!r}{hint}"
        )


async def dial(host: str, port: int, proxy: Proxy | None, tunnel: bool) -> socket.socket:
    """A connected, non-blocking socket to ``host:port``, or to ``proxy`` when one is given
    (through a ``CONNECT`` tunnel to ``host:port`` when ``tunnel``). ``OSError`` on failure;
    the caller bounds the time."""
    if proxy is None:
        return await _race(host, port)
    sock = await _race(proxy.host, proxy.port)
    if tunnel:
        try:
            await _tunnel(sock, proxy, host, port)
        except BaseException:
            sock.close()
            raise
    return sock
