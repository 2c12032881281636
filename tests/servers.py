"""Real server processes for the gateway tests: the upstream and the gateway itself."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
PROTEGE = Path(sys.executable).parent / "protege"


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _poll(
    ready: Callable[[], bool], proc: subprocess.Popen[bytes], timeout_s: float, what: str
) -> None:
    """Until ``ready()``; fail with the process's stderr if it died, or after ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            err = proc.stderr.read().decode() if proc.stderr else ""
            raise RuntimeError(f"server exited with {proc.returncode}: {err[-2000:]}")
        if ready():
            return
        time.sleep(0.1)
    raise TimeoutError(f"{what} did not come up in {timeout_s} s")


def wait_for(url: str, proc: subprocess.Popen[bytes], timeout_s: float = 30.0) -> None:
    """Wait until ``url`` answers 200; fail with the process's stderr if it died."""

    def ready() -> bool:
        try:
            with urllib.request.urlopen(url, timeout=1) as resp:
                return bool(resp.status == 200)
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            return False

    _poll(ready, proc, timeout_s, url)


def wait_for_port(port: int, proc: subprocess.Popen[bytes], timeout_s: float = 30.0) -> None:
    """Wait until something accepts TCP connections on ``port``; fail if ``proc`` died."""

    def ready() -> bool:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return True
        except OSError:
            return False

    _poll(ready, proc, timeout_s, f"port {port}")


def start_upstream(
    verified: Path | None = None, tls: dict[str, str] | None = None
) -> tuple[subprocess.Popen[bytes], str]:
    """The test upstream (tests/upstream_server.py) on a free port: (process, base URL).
    With a verified contract file its ``oracle`` models answer from it; with ``tls`` (its
    UPSTREAM_* variables) it serves https."""
    port = free_port()
    args = [sys.executable, str(HERE / "upstream_server.py"), str(port)]
    proc = subprocess.Popen(
        [*args, *([str(verified)] if verified else [])],
        stderr=subprocess.PIPE,
        env={**os.environ, **(tls or {})},
    )
    if tls:
        wait_for_port(port, proc)
        return proc, f"https://127.0.0.1:{port}/v1"
    wait_for(f"http://127.0.0.1:{port}/count", proc)
    return proc, f"http://127.0.0.1:{port}/v1"


def start_gateway(
    config: Path, port: int | None = None, env: dict[str, str] | None = None
) -> tuple[subprocess.Popen[bytes], str]:
    """``protege gateway --config CONFIG`` on a free port: (process, base URL ending in /v1).
    ``env``: variables set for it on top of this process's."""
    port = port or free_port()
    proc = subprocess.Popen(
        [str(PROTEGE), "gateway", "--config", str(config), "--port", str(port)],
        stderr=subprocess.PIPE,
        env={**os.environ, **(env or {})},
    )
    wait_for(f"http://127.0.0.1:{port}/healthz", proc)
    return proc, f"http://127.0.0.1:{port}/v1"


def start_proxy(credentials: str) -> tuple[subprocess.Popen[bytes], int]:
    """A real forward proxy (tests/proxy_server.py, pproxy) asking for ``user:pass``:
    (process, port). Its stdout has a line per proxied connection."""
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            str(HERE / "proxy_server.py"),
            "-l",
            f"http://127.0.0.1:{port}/#{credentials}",
            "-v",
            "--auth",
            "0",  # ask every connection for the credentials (by default pproxy trusts an IP)
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    wait_for_port(port, proc)
    return proc, port


def stop(proc: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> None:
    """Stop a server process and wait for it."""
    if proc.poll() is None:
        proc.send_signal(sig)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def post(url: str, body: bytes, headers: dict[str, str] | None = None) -> tuple[int, Any]:
    """POST raw bytes; (status, parsed JSON body)."""
    request = urllib.request.Request(
        url, data=body, headers={"Content-Type": "application/json", **(headers or {})}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def get(url: str) -> tuple[int, bytes]:
    """GET; (status, raw body)."""
    try:
        with urllib.request.urlopen(url, timeout=30) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def eventually(check: Callable[[], bool], timeout_s: float = 20.0) -> bool:
    """Poll ``check`` until it holds or the time is up; its last answer."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return check()


def start_serve(*args: str, timeout_s: float = 120.0) -> tuple[subprocess.Popen[bytes], str]:
    """``protege serve ARGS`` on a free port: (process, base URL ending in /v1). It loads its
    default model before it listens, so it is ready when /healthz answers."""
    port = free_port()
    proc = subprocess.Popen(
        [str(PROTEGE), "serve", *args, "--port", str(port)],
        stderr=subprocess.PIPE,
        env=dict(os.environ),
    )
    wait_for(f"http://127.0.0.1:{port}/healthz", proc, timeout_s)
    return proc, f"http://127.0.0.1:{port}/v1"
