"""Benchmark: many client connections held open on one gateway at once, all answered, and the
gateway's memory while they are.

A real ``protege gateway`` (logging on, SQLite store) in front of ``fixed_upstream.py``. The
load is one asyncio process on loopback:
1. open ``--connections`` TCP connections to the gateway (in waves of ``WAVE``, so the accept
   backlog never overflows), and keep every one open;
2. read the gateway's resident memory with all of them open and idle;
3. send one chat completion on every connection at once, and read every answer;
4. read the gateway's peak resident memory (``VmHWM``) and count the logged calls.

The process raises its own open-file limit to the hard limit first (the gateway inherits it).
Usage: python bench/gateway_connections.py [--connections 10000] [--out F]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _meta

BENCH = Path(__file__).resolve().parent
WAVE = 500  # connections opened at once: well under the listen backlog (uvicorn's 2048)
BODY = b'{"model":"bench-model","messages":[{"role":"user","content":"hi"}]}'
REQUEST = (
    b"POST /v1/chat/completions HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/json\r\n"
    b"Content-Length: %d\r\n\r\n%s" % (len(BODY), BODY)
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def memory_mb(pid: int, field: str) -> float:
    """A ``/proc/PID/status`` memory field (``VmRSS``, ``VmHWM``) in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return round(int(line.split()[1]) / 1024, 1)
    raise KeyError(field)


def wait_up(url: str, proc: subprocess.Popen[bytes], timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{proc.args} exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"{url} did not come up")


async def _answer(reader: asyncio.StreamReader) -> int:
    """Read one HTTP answer; its status."""
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":", 1)[1])
    await reader.readexactly(length)
    return status


async def load(port: int, count: int, gateway_pid: int) -> dict[str, Any]:
    """Open ``count`` connections, then one request on each; what happened."""
    started = time.perf_counter()
    streams: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []
    for first in range(0, count, WAVE):
        wave = min(WAVE, count - first)
        streams += await asyncio.gather(
            *(asyncio.open_connection("127.0.0.1", port) for _ in range(wave))
        )
    opened_s = time.perf_counter() - started
    await asyncio.sleep(1.0)  # the gateway has accepted them all and sits idle
    idle_mb = memory_mb(gateway_pid, "VmRSS")

    async def one(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> int:
        writer.write(REQUEST)
        return await asyncio.wait_for(_answer(reader), 120)

    sent = time.perf_counter()
    statuses = await asyncio.gather(*(one(r, w) for r, w in streams), return_exceptions=True)
    answered_s = time.perf_counter() - sent
    for _, writer in streams:
        writer.close()
    ok = sum(status == 200 for status in statuses)
    failures = sorted({repr(s)[:120] for s in statuses if s != 200})[:5]
    return {
        "connections": count,
        "answered_200": ok,
        "failures": failures,
        "open_s": round(opened_s, 2),
        "answer_all_s": round(answered_s, 2),
        "gateway_rss_idle_mb": idle_mb,
    }


def run(count: int) -> dict[str, Any]:
    """The whole measurement in a temporary directory."""
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < count + 1000:
        raise SystemExit(f"the open-file hard limit ({hard}) is below {count + 1000}")
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    with tempfile.TemporaryDirectory(prefix="protege-conns-") as tmp_name:
        tmp = Path(tmp_name)
        up_port, gw_port = free_port(), free_port()
        upstream = subprocess.Popen(
            [sys.executable, str(BENCH / "fixed_upstream.py"), "--port", str(up_port)]
        )
        config = tmp / "gateway.yaml"
        config.write_text(
            json.dumps(
                {
                    "store": f"sqlite:///{tmp / 'logs.db'}",
                    "spool_dir": str(tmp / "spool"),
                    "routes": [
                        {"model": "bench-model", "upstream": f"http://127.0.0.1:{up_port}/v1"}
                    ],
                }
            )
        )
        protege = str(Path(sys.executable).parent / "protege")
        gateway = subprocess.Popen(
            [protege, "gateway", "--config", str(config), "--port", str(gw_port)]
        )
        try:
            wait_up(f"http://127.0.0.1:{gw_port}/healthz", gateway)
            before_mb = memory_mb(gateway.pid, "VmRSS")
            result = asyncio.run(load(gw_port, count, gateway.pid))
            result["gateway_rss_before_mb"] = before_mb
            result["gateway_rss_peak_mb"] = memory_mb(gateway.pid, "VmHWM")
        finally:
            gateway.terminate()
            gateway.wait(30)
            upstream.terminate()
            upstream.wait(30)
        with sqlite3.connect(tmp / "logs.db") as db:
            result["logged_calls"] = int(db.execute("SELECT count(*) FROM calls").fetchone()[0])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connections", type=int, default=10_000)
    parser.add_argument("--out", type=Path, default=_meta.RESULTS / "gateway_connections.json")
    args = parser.parse_args()
    result = run(args.connections)
    print(json.dumps(result, indent=1))
    print(f"wrote {_meta.write_result('gateway_connections', result, args.out)}")


if __name__ == "__main__":
    main()
