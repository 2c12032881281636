"""The gateway's in-loop HTTP/1.1 client against real TCP (and TLS) servers that answer with
scripted bytes: keep-alive reuse, the three ways a body ends, streams, deadlines, the one retry
on a connection the server closed while idle, and what is not an answer. Last, the server side's
transport that writes an answer's head with its body.

Each test runs on uvloop (what the gateway runs) and on asyncio's own loop."""

from __future__ import annotations

import asyncio
import shutil
import ssl
import subprocess
from collections.abc import Awaitable, Callable, Coroutine
from pathlib import Path
from typing import Any

import pytest
import uvloop

from protege.capture import http1
from protege.capture.http1 import HTTPError, encode_headers, endpoint
from protege.capture.pool import Pool
from protege.capture.protocol import CoalescingTransport

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter, int], Awaitable[None]]
OK = b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n{"ok":true}'


@pytest.fixture(params=["uvloop", "asyncio"])
def run(request: pytest.FixtureRequest) -> Callable[[Coroutine[Any, Any, Any]], Any]:
    """Run a coroutine to its end on a fresh loop of the parametrized kind."""
    factory = uvloop.new_event_loop if request.param == "uvloop" else asyncio.new_event_loop

    def runner(coro: Coroutine[Any, Any, Any]) -> Any:
        with asyncio.Runner(loop_factory=factory) as loop_runner:
            return loop_runner.run(coro)

    return runner


class Script:
    """A TCP server whose connections are each handled by ``handler(reader, writer, n)``, n
    counting connections from 0."""

    def __init__(self, handler: Handler, tls: ssl.SSLContext | None = None) -> None:
        self.handler, self.tls = handler, tls
        self.connections = 0
        self.server: asyncio.Server | None = None

    async def __aenter__(self) -> Script:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0, ssl=self.tls)
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self.server is not None
        self.server.close()

    def url(self, scheme: str = "http") -> str:
        assert self.server is not None
        port = self.server.sockets[0].getsockname()[1]
        return f"{scheme}://127.0.0.1:{port}/v1/chat/completions"

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        n, self.connections = self.connections, self.connections + 1
        try:
            await self.handler(reader, writer, n)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()


async def read_request(reader: asyncio.StreamReader) -> bytes:
    """One request (head and Content-Length body) off the connection."""
    head = await reader.readuntil(b"\r\n\r\n")
    length = next(
        int(line.split(b":")[1])
        for line in head.split(b"\r\n")
        if line.lower().startswith(b"content-length:")
    )
    return head + await reader.readexactly(length)


def where(url: str) -> http1.Endpoint:
    return endpoint(url, "protege-test/1")


def test_answers_come_back_and_a_kept_alive_connection_is_reused(run: Any) -> None:
    seen: list[bytes] = []

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, n: int) -> None:
        while True:
            seen.append(await read_request(reader))
            writer.write(OK)

    async def main() -> None:
        async with Script(handler) as server:
            pool = Pool()
            for _ in range(3):
                response = await pool.request(where(server.url()), b'{"a":1}', b"X-Y: z\r\n")
                assert (response.status, await response.read()) == (200, b'{"ok":true}')
            assert server.connections == 1
            pool.close()

    run(main())
    head = seen[0].decode()
    assert head.startswith("POST /v1/chat/completions HTTP/1.1\r\n")
    assert "Host: 127.0.0.1:" in head and "Content-Length: 7\r\n" in head and "X-Y: z\r\n" in head
    assert "Content-Type: application/json\r\n" in head and seen[0].endswith(b'\r\n\r\n{"a":1}')


def test_a_chunked_stream_arrives_chunk_by_chunk(run: Any) -> None:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, n: int) -> None:
        await read_request(reader)
        writer.write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n6\r\ndata 1\r\n")
        await reader.readexactly(1)  # the client had chunk 1 before chunk 2 was sent
        writer.write(b"6\r\ndata 2\r\n0\r\n\r\n")
        await reader.read()

    async def main() -> None:
        async with Script(handler) as server:
            pool = Pool()
            response = await pool.request(where(server.url()), b"{}", stream=True)
            conn = response._conn
            assert await response.next_chunk() == b"data 1"
            assert conn.transport is not None
            conn.transport.write(b"!")  # tell the server (a test's shortcut)
            assert await response.next_chunk() == b"data 2"
            assert await response.next_chunk() is None
            pool.close()

    run(main())


def test_a_body_may_end_with_the_connection_and_an_interim_answer_is_skipped(run: Any) -> None:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, n: int) -> None:
        await read_request(reader)
        writer.write(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nConnection: close\r\n\r\n")
        writer.write(b"all of it, until the end")
        await writer.drain()

    async def main() -> None:
        async with Script(handler) as server:
            pool = Pool()
            for _ in range(2):  # nothing to reuse: each request opens its own connection
                response = await pool.request(where(server.url()), b"{}")
                assert (response.status, await response.read()) == (
                    200,
                    b"all of it, until the end",
                )
            assert server.connections == 2

    run(main())


@pytest.mark.parametrize(
    ("answer", "error"),
    [
        (b"", "closed the connection"),  # a new connection that closes: no retry
        (b"HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\nshort", "closed the connection"),
        (b"HTTP/1.1 200 OK\r\ncONTENT-lENGTH: 50\r\n\r\nshort", "closed the connection"),
        (b"SMTP ready\r\n\r\n", "not valid HTTP/1.1"),
    ],
)
def test_what_is_not_a_whole_answer_is_an_http_error(run: Any, answer: bytes, error: str) -> None:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, n: int) -> None:
        await read_request(reader)
        writer.write(answer)
        await writer.drain()

    async def main() -> None:
        async with Script(handler) as server:
            pool = Pool()
            with pytest.raises(HTTPError, match=error):
                response = await pool.request(where(server.url()), b"{}")
                await response.read()
            assert server.connections == 1

    run(main())


def test_deadlines_bound_the_answer_or_each_chunk_of_a_stream(run: Any) -> None:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, n: int) -> None:
        await read_request(reader)
        if n == 0:  # never answers
            await reader.read()
            return
        writer.write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
        for _ in range(6):  # 0.6 s in all, never 0.3 s without a chunk
            writer.write(b"1\r\nx\r\n")
            await asyncio.sleep(0.1)
        await asyncio.sleep(1)  # then a stall

    async def main() -> None:
        async with Script(handler) as server:
            pool = Pool()
            with pytest.raises(TimeoutError, match=r"no answer within 0\.2 s"):
                await pool.request(where(server.url()), b"{}", timeout_s=0.2)
            response = await pool.request(where(server.url()), b"{}", timeout_s=0.3, stream=True)
            got = b""
            with pytest.raises(TimeoutError, match=r"no chunk of its stream within 0\.3 s"):
                while (chunk := await response.next_chunk()) is not None:
                    got += chunk
            assert got == b"x" * 6
            response.close()

    run(main())


def test_a_stream_ahead_of_its_reader_pauses_the_connection(run: Any) -> None:
    piece = b"y" * 65536
    total = 8 * len(piece)  # twice PAUSE_ABOVE

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, n: int) -> None:
        await read_request(reader)
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % total)
        for _ in range(8):
            writer.write(piece)
            await writer.drain()
        await reader.read()

    async def main() -> None:
        async with Script(handler) as server:
            pool = Pool()
            response = await pool.request(where(server.url()), b"{}", stream=True)
            conn = response._conn
            await asyncio.sleep(0.3)  # the server writes everything it can meanwhile
            assert conn.paused and response._buffered <= http1.PAUSE_ABOVE + 2 * len(piece)
            got = 0
            while (chunk := await response.next_chunk()) is not None:
                got += len(chunk)
            assert got == total and not conn.paused
            pool.close()

    run(main())


def test_an_unreachable_upstream_is_an_os_error(run: Any) -> None:
    async def main() -> None:
        pool = Pool()
        with pytest.raises(OSError):
            await pool.request(where("http://127.0.0.1:9/v1/chat/completions"), b"{}")

    run(main())


def test_urls_and_headers_that_would_break_a_request_are_refused() -> None:
    with pytest.raises(ValueError, match="http:// or https://"):
        endpoint("ftp://example.com/v1", "ua")
    with pytest.raises(ValueError, match="not allow"):
        encode_headers({"Authorization": "Bearer x\r\nX-Injected: 1"})
    assert endpoint("https://user:pw@api.example.com/v1?x=1", "ua").head.startswith(
        b"POST /v1?x=1 HTTP/1.1\r\nHost: api.example.com\r\n"
    )
    assert endpoint("https://api.example.com/v1", "ua")[:3] == ("api.example.com", 443, True)


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command")
def test_https_verifies_the_upstreams_certificate(run: Any, tmp_path: Path) -> None:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    served = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    served.load_cert_chain(cert, key)

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, n: int) -> None:
        while True:
            await read_request(reader)
            writer.write(OK)

    async def main() -> None:
        async with Script(handler, tls=served) as server:
            with pytest.raises(ssl.SSLCertVerificationError):  # the system's CAs: not trusted
                await Pool().request(where(server.url("https")), b"{}")
            trusting = Pool(ssl.create_default_context(cafile=str(cert)))
            for _ in range(2):
                response = await trusting.request(where(server.url("https")), b"{}")
                assert await response.read() == b'{"ok":true}'
            trusting.close()

    run(main())


class Recording(asyncio.Transport):
    """The socket's side of a transport: what was written, in which calls."""

    def __init__(self) -> None:
        super().__init__({"peername": ("127.0.0.1", 1)})
        self.writes: list[bytes] = []
        self.closed = False

    def write(self, data: bytes | bytearray | memoryview) -> None:
        self.writes.append(bytes(data))

    def close(self) -> None:
        self.closed = True


def test_an_answers_head_goes_out_with_its_body_or_on_the_next_turn(run: Any) -> None:
    async def main() -> None:
        loop = asyncio.get_running_loop()
        inner = Recording()
        outer = CoalescingTransport(inner, loop)
        outer.write(b"HTTP/1.1 200 OK\r\n\r\n")
        assert inner.writes == []
        outer.write(b"body")  # same step: one write
        assert inner.writes == [b"HTTP/1.1 200 OK\r\n\r\nbody"]
        outer.write(b"head of a stream")  # nothing follows in this step
        await asyncio.sleep(0)
        assert inner.writes[1:] == [b"head of a stream"]
        outer.write(b"chunk")
        await asyncio.sleep(0)
        outer.write(b"last")
        outer.close()  # sends what it holds first
        assert inner.writes[2:] == [b"chunk", b"last"] and inner.closed
        assert outer.get_extra_info("peername") == ("127.0.0.1", 1)

    run(main())


def test_a_whole_answer_larger_than_the_stream_buffer_is_read_to_its_end(run: Any) -> None:
    body = b"z" * (3 * http1.PAUSE_ABOVE)

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, n: int) -> None:
        while True:
            await read_request(reader)
            status = b"200 OK" if n == 0 else b"500 Internal Server Error"
            writer.write(b"HTTP/1.1 %s\r\nContent-Length: %d\r\n\r\n%s" % (status, len(body), body))

    async def main() -> None:
        async with Script(handler) as server:
            pool = Pool()
            assert await (await pool.request(where(server.url()), b"{}")).read() == body
            pool.close()
            pool = Pool()  # a stream whose answer is an error is read whole too
            response = await pool.request(where(server.url()), b"{}", stream=True)
            await asyncio.sleep(0.2)  # more than PAUSE_ABOVE arrives before it is read
            assert (response.status, await response.read()) == (500, body)

    run(main())


def test_a_reused_connection_closed_by_the_server_is_retried_once_on_a_new_one(run: Any) -> None:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, n: int) -> None:
        await read_request(reader)
        writer.write(OK)
        await writer.drain()
        if n < 2:  # the first two connections: dropped as the next request comes in
            await read_request(reader)
            writer.transport.abort()
            return
        while True:
            await read_request(reader)
            writer.write(OK)

    async def main() -> None:
        async with Script(handler) as server:
            pool = Pool()
            first = await asyncio.gather(
                *(pool.request(where(server.url()), b"{}") for _ in range(2))
            )
            for response in first:  # two idle connections in the pool, both about to fail
                assert await response.read() == b'{"ok":true}'
            response = await pool.request(where(server.url()), b"{}")
            assert await response.read() == b'{"ok":true}'
            assert server.connections == 3
            pool.close()

    run(main())


def test_a_body_in_another_coding_ends_with_the_connection_and_a_stray_answer_is_dropped(
    run: Any,
) -> None:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, n: int) -> None:
        await read_request(reader)
        if n == 0:  # no length, a coding that is not chunked: the body runs to the close
            writer.write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: identity-ish\r\n\r\nuntil close")
            return
        writer.write(OK + OK)  # two answers to one request
        await reader.read()

    async def main() -> None:
        async with Script(handler) as server:
            pool = Pool()
            for expected in (b"until close", b'{"ok":true}'):
                response = await pool.request(where(server.url()), b"{}")
                assert await response.read() == expected
            response = await pool.request(where(server.url()), b"{}")  # not on the stray one
            assert server.connections == 3
            response.close()
            pool.close()

    run(main())


def test_a_hosts_addresses_are_raced_until_one_connects(run: Any) -> None:

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, n: int) -> None:
        await read_request(reader)
        writer.write(OK)
        await writer.drain()

    async def main() -> None:
        async with Script(handler) as server:  # listens on 127.0.0.1 only
            pool = Pool()
            loop = asyncio.get_running_loop()

            real = loop.getaddrinfo

            async def resolve(host: str, port: int, **kwargs: Any) -> list[Any]:
                if host != "upstream.test":  # connecting resolves the numeric addresses again
                    return await real(host, port, **kwargs)
                # the resolver is the edge: two addresses
                return [(2, 1, 6, "", (ip, port)) for ip in ("127.0.0.2", "127.0.0.1")]

            loop.getaddrinfo = resolve  # type: ignore[method-assign]
            # nothing listens on 127.0.0.2 (refused): the next address answers
            url = server.url().replace("127.0.0.1", "upstream.test")
            assert await (await pool.request(where(url), b"{}")).read() == b'{"ok":true}'

    run(main())
