"""Benchmark: latency the protege capture gateway adds, and its maximum throughput, next to
TensorZero's and LiteLLM's gateways, all in one run.

Paths, each answered by the same fixed upstream (``fixed_upstream.py``, a raw uvloop server):

- direct: the load generator talks to the upstream itself (the floor);
- protege: ``protege gateway`` (logging always on: SQLite store and spool in a temp folder);
- tensorzero: TensorZero's Rust HTTP gateway, embedded from the ``tensorzero`` wheel, with an
  OpenAI-compatible provider model; no ClickHouse, so it logs nothing;
- litellm: the LiteLLM proxy (``litellm[proxy]``), one uvicorn worker, defaults otherwise.

Pinning (``taskset``, 2 cores): the gateway under test alone on core 0; the upstream and the load
generator on core 1. Direct uses the same pinning (core 0 then idles).

Load generator: ``wrk`` (C, epoll, one thread; Debian's package), the same for every path.
- open loop: a fixed overall rate (200 and 500 req/s). A LuaJIT ``delay()`` hands each request
  the next slot of one global schedule (1/rate apart), so arrivals are evenly spaced whatever the
  latency, as long as fewer than OPEN_CONNECTIONS requests are in flight (the achieved rate shows
  it otherwise). autocannon's ``--overallRate`` was not used: it is a per-connection quota reset
  every second, so requests leave in back-to-back bursts at each tick, not at a fixed rate.
- closed loop: CLOSED_CONNECTIONS connections, each sending its next request on the answer to
  the last; req/s is the path's maximum throughput.
Latency is per request, from its write to the end of its answer, measured by wrk. "added" = the
path's percentile minus direct's at the same rate. Each path gets a short warm-up first.

tensorzero and litellm live in their own virtualenv (bench/.venv-anchors, created here when
missing); a path whose install or start fails is recorded as skipped, with the reason.
Usage: python bench/gateway_overhead.py [--duration 10] [--paths protege,tensorzero] [--out F]
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _meta

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
ANCHORS = BENCH / ".venv-anchors"
# Pinned so that reruns compare like with like. litellm: the newest whose [proxy] extra resolves
# on the index this project reaches (1.109+ need litellm-proxy(-extras) versions not there).
ANCHOR_PACKAGES = {"tensorzero": "tensorzero==2026.6.0", "litellm": "litellm[proxy]==1.108.0"}
PATHS = ("direct", "protege", "tensorzero", "litellm")
GATEWAY_CORE, CLIENT_CORE = "0", "1"
RATES = (200, 500)  # req/s of the open-loop runs
OPEN_CONNECTIONS = 128  # in flight at most: 256 ms of requests at 500 req/s
CLOSED_CONNECTIONS = 64
WARMUP_S = 2  # closed loop, 8 connections, not recorded: pools, caches, lazy imports
SETTLE_S = 1.0  # pause between runs: lets a gateway drain its log queue
WRK_TIMEOUT = "5s"  # an answer slower than this counts as a timeout
UPSTREAM_MIN_RPS = 15_000  # the upstream must be far faster than any gateway
GOALS = {"added_p50_ms_500rps": 0.5, "added_p99_ms_500rps": 2.0}  # at most, ms
BODY = '{"model":"%s","messages":[{"role":"user","content":"hi"}]}'

LUA = """
local ffi = require("ffi")
ffi.cdef[[ typedef struct { long s; long ns; } bench_ts; int clock_gettime(int, bench_ts *); ]]
local ts = ffi.new("bench_ts")
wrk.method = "POST"
wrk.body = [==[%(body)s]==]
wrk.headers["Content-Type"] = "application/json"
%(headers)s
local rate = %(rate)d
if rate > 0 then
  local interval, next_slot = 1000 / rate, 0
  function delay()  -- ms until this request's slot; slots are one global schedule
    ffi.C.clock_gettime(1, ts)  -- CLOCK_MONOTONIC
    local now = tonumber(ts.s) * 1000 + tonumber(ts.ns) / 1e6
    if next_slot < now then next_slot = now end  -- behind: carry on from now, no burst
    local wait = next_slot - now
    next_slot = next_slot + interval
    return wait
  end
end
function done(s, lat, _)
  local e = s.errors
  io.write(string.format('BENCH_JSON {"requests":%%d,"duration_us":%%d,"connect":%%d,' ..
    '"read":%%d,"write":%%d,"non_2xx":%%d,"timeout":%%d,"p50_us":%%d,"p90_us":%%d,' ..
    '"p99_us":%%d,"max_us":%%d}\\n', s.requests, s.duration, e.connect, e.read, e.write,
    e.status, e.timeout, lat:percentile(50), lat:percentile(90), lat:percentile(99), lat.max))
end
"""


@dataclass
class Target:
    """Where a path's load goes."""

    url: str
    model: str = "bench-model"
    headers: dict[str, str] = field(default_factory=dict)


class Processes:
    """Spawned servers, each in its own process group so that stop() ends its children too."""

    def __init__(self, logs: Path) -> None:
        self.logs = logs
        self.running: dict[str, subprocess.Popen[bytes]] = {}

    def start(
        self, name: str, cmd: list[str], core: str, env: dict[str, str] | None = None
    ) -> Path:
        log = self.logs / f"{name}.log"
        with log.open("wb") as out:
            self.running[name] = subprocess.Popen(
                ["taskset", "-c", core, *cmd],
                stdout=out,
                stderr=subprocess.STDOUT,
                env={**os.environ, **(env or {})},
                cwd=self.logs,
                start_new_session=True,
            )
        return log

    def alive(self, name: str) -> bool:
        return self.running[name].poll() is None

    def stop(self, name: str) -> None:
        proc = self.running.pop(name, None)
        if proc is None or proc.poll() is not None:
            return
        for sig, wait_s in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
            try:
                os.killpg(proc.pid, sig)
                proc.wait(wait_s)
                return
            except ProcessLookupError:
                return
            except subprocess.TimeoutExpired:
                continue

    def stop_all(self) -> None:
        for name in list(self.running):
            self.stop(name)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _tail(log: Path, lines: int = 15) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:]) if log.exists() else ""


def wait_ready(procs: Processes, name: str, target: Target, log: Path, timeout_s: float) -> None:
    """Until a chat completion through ``target`` answers 200; RuntimeError with the log if not."""
    deadline = time.monotonic() + timeout_s
    data = (BODY % target.model).encode()
    headers = {"Content-Type": "application/json", **target.headers}
    while time.monotonic() < deadline:
        if not procs.alive(name):
            raise RuntimeError(f"{name} exited during startup:\n{_tail(log)}")
        try:
            request = urllib.request.Request(target.url, data=data, headers=headers)
            with urllib.request.urlopen(request, timeout=2) as answer:
                if answer.status == 200:
                    return
        except (OSError, urllib.error.URLError):
            pass
        time.sleep(0.25)
    raise RuntimeError(f"{name} not ready after {timeout_s:.0f} s:\n{_tail(log)}")


def run_wrk(
    target: Target, tmp: Path, rate: int, duration: int, connections: int
) -> dict[str, Any]:
    """One wrk run, pinned to the client core; ``rate`` 0 means closed loop."""
    headers = "\n".join(f'wrk.headers["{k}"] = "{v}"' for k, v in target.headers.items())
    script = tmp / f"wrk_{rate}.lua"
    script.write_text(LUA % {"body": BODY % target.model, "headers": headers, "rate": rate})
    cmd = ["taskset", "-c", CLIENT_CORE, "wrk", "-t1", f"-c{connections}", f"-d{duration}s"]
    cmd += ["--timeout", WRK_TIMEOUT, "-s", str(script), target.url]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 60, check=False)
    line = next((x for x in done.stdout.splitlines() if x.startswith("BENCH_JSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no result:\n{done.stdout}\n{done.stderr}")
    raw = json.loads(line.removeprefix("BENCH_JSON "))
    seconds = raw["duration_us"] / 1e6
    return {
        "offered_rps": rate or None,
        "achieved_rps": round(raw["requests"] / seconds, 1),
        "requests": raw["requests"],
        "p50_ms": raw["p50_us"] / 1000,
        "p90_ms": raw["p90_us"] / 1000,
        "p99_ms": raw["p99_us"] / 1000,
        "max_ms": raw["max_us"] / 1000,
        "non_2xx": raw["non_2xx"],
        "socket_errors": raw["connect"] + raw["read"] + raw["write"],
        "timeouts": raw["timeout"],
    }


def measure(target: Target, tmp: Path, duration: int) -> dict[str, Any]:
    """Warm-up, the open-loop rates, then the closed loop (last: it leaves the most backlog)."""
    run_wrk(target, tmp, 0, WARMUP_S, 8)
    result: dict[str, Any] = {"status": "ok", "url": target.url, "open_loop": {}}
    for rate in RATES:
        time.sleep(SETTLE_S)
        result["open_loop"][str(rate)] = run_wrk(target, tmp, rate, duration, OPEN_CONNECTIONS)
    time.sleep(SETTLE_S)
    result["closed_loop"] = run_wrk(target, tmp, 0, duration, CLOSED_CONNECTIONS)
    result["max_rps"] = result["closed_loop"]["achieved_rps"]
    return result


# -- the paths -------------------------------------------------------------------------------


def start_protege(procs: Processes, tmp: Path, upstream: str) -> Target:
    config = tmp / "protege.yaml"
    config.write_text(
        f"store: sqlite:///{tmp}/logs.db\nspool_dir: {tmp}/spool\n"
        f"routes:\n  - model: bench-model\n    upstream: {upstream}\n"
    )
    port = free_port()
    cmd = [str(ROOT / ".venv/bin/protege"), "gateway", "--config", str(config), "--port", str(port)]
    log = procs.start("protege", cmd, GATEWAY_CORE)
    target = Target(f"http://127.0.0.1:{port}/v1/chat/completions")
    wait_ready(procs, "protege", target, log, 60)
    return target


TZ_START = """
import signal, sys, time
from tensorzero.tensorzero import _start_http_gateway  # what patch_openai_client() calls
gateway = _start_http_gateway(config_file=sys.argv[1], clickhouse_url=None, postgres_url=None,
                              valkey_url=None, async_setup=False)
print("BASE_URL", gateway.base_url, flush=True)
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
try:
    while True:
        time.sleep(3600)
finally:
    gateway.close()
"""


def start_tensorzero(procs: Processes, tmp: Path, upstream: str) -> Target:
    config = tmp / "tensorzero.toml"
    config.write_text(
        '[gateway.observability]\nenabled = false\n\n[models.bench-model]\nrouting = ["fixed"]\n\n'
        '[models.bench-model.providers.fixed]\ntype = "openai"\nmodel_name = "bench-model"\n'
        f'api_base = "{upstream}/"\napi_key_location = "none"\n'
    )
    cmd = [str(ANCHORS / "bin/python"), "-c", TZ_START, str(config)]
    log = procs.start("tensorzero", cmd, GATEWAY_CORE, {"RUST_LOG": "warn"})
    deadline = time.monotonic() + 60
    while (base := _base_url(log)) is None:
        if not procs.alive("tensorzero") or time.monotonic() > deadline:
            raise RuntimeError(f"tensorzero gateway did not start:\n{_tail(log)}")
        time.sleep(0.25)
    target = Target(f"{base}/chat/completions", model="tensorzero::model_name::bench-model")
    wait_ready(procs, "tensorzero", target, log, 30)
    return target


def _base_url(log: Path) -> str | None:
    for line in log.read_text(errors="replace").splitlines():
        if line.startswith("BASE_URL "):
            return line.split()[1].rstrip("/")
    return None


def start_litellm(procs: Processes, tmp: Path, upstream: str) -> Target:
    key = f"sk-{secrets.token_hex(32)}"  # LiteLLM refuses to start without a strong master key
    config = tmp / "litellm.yaml"
    config.write_text(
        "model_list:\n  - model_name: bench-model\n    litellm_params:\n"
        f"      model: openai/bench-model\n      api_base: {upstream}\n      api_key: sk-bench\n"
        f"general_settings:\n  master_key: {key}\n"
    )
    port = free_port()
    cmd = [str(ANCHORS / "bin/litellm"), "--config", str(config), "--host", "127.0.0.1"]
    cmd += ["--port", str(port), "--num_workers", "1"]
    # The local model price map: no fetch of it at startup.
    log = procs.start("litellm", cmd, GATEWAY_CORE, {"LITELLM_LOCAL_MODEL_COST_MAP": "True"})
    target = Target(
        f"http://127.0.0.1:{port}/v1/chat/completions",
        headers={"Authorization": f"Bearer {key}"},
    )
    wait_ready(procs, "litellm", target, log, 180)  # ~15 s on an idle machine
    return target


STARTERS = {"protege": start_protege, "tensorzero": start_tensorzero, "litellm": start_litellm}


# -- setup -----------------------------------------------------------------------------------


def ensure_wrk() -> str:
    """wrk's version line; installs Debian's package when missing and we are root."""
    if shutil.which("wrk") is None:
        if os.geteuid() != 0 or shutil.which("apt-get") is None:
            sys.exit("wrk is missing: install it (Debian/Ubuntu: apt-get install wrk)")
        print("wrk is missing: installing Debian's package (apt-get install wrk)...", flush=True)
        for cmd in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "wrk"]):
            subprocess.run(cmd, check=True, env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
    done = subprocess.run(["wrk", "--version"], capture_output=True, text=True, check=False)
    return (done.stdout + done.stderr).splitlines()[0].strip()


def ensure_anchors(wanted: list[str]) -> dict[str, str]:
    """Install tensorzero/litellm into bench/.venv-anchors when missing; path -> why skipped."""
    skipped: dict[str, str] = {}
    wanted = [p for p in wanted if p in ANCHOR_PACKAGES]
    if wanted and not (ANCHORS / "bin/python").exists():
        print(f"creating {ANCHORS} for {', '.join(wanted)} (kept apart from .venv)...", flush=True)
        made = subprocess.run([sys.executable, "-m", "venv", str(ANCHORS)], check=False)
        if made.returncode != 0:
            return {p: f"could not create {ANCHORS}" for p in wanted}
    for path in wanted:
        probe = "import tensorzero" if path == "tensorzero" else "import litellm.proxy.proxy_cli"
        if _runs([str(ANCHORS / "bin/python"), "-c", probe]):
            continue
        print(f"installing {ANCHOR_PACKAGES[path]} into {ANCHORS} (a few minutes)...", flush=True)
        pip = [str(ANCHORS / "bin/pip"), "install", "-q", ANCHOR_PACKAGES[path]]
        done = subprocess.run(pip, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            skipped[path] = f"pip install {ANCHOR_PACKAGES[path]} failed: {done.stderr[-500:]}"
    return skipped


def _runs(cmd: list[str]) -> bool:
    return subprocess.run(cmd, capture_output=True, check=False).returncode == 0


def _version(package: str) -> str | None:
    code = f"from importlib.metadata import version; print(version({package!r}))"
    done = subprocess.run(
        [str(ANCHORS / "bin/python"), "-c", code], capture_output=True, text=True, check=False
    )
    return done.stdout.strip() or None if done.returncode == 0 else None


def _logged_calls(db: Path) -> int | None:
    if not db.exists():
        return None
    with sqlite3.connect(db) as conn:
        return int(conn.execute("SELECT count(*) FROM calls").fetchone()[0])


# -- report ----------------------------------------------------------------------------------


def summarize(paths: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Added latencies over direct, the top-level keys and the goals."""
    direct = paths.get("direct", {})
    for name, result in paths.items():
        if name == "direct" or result["status"] != "ok" or direct.get("status") != "ok":
            continue
        result["added_ms"] = {
            str(rate): {
                q: round(result["open_loop"][str(rate)][q] - direct["open_loop"][str(rate)][q], 3)
                for q in ("p50_ms", "p99_ms")
            }
            for rate in RATES
        }
    protege = paths.get("protege", {}).get("added_ms", {}).get("500", {})
    out: dict[str, Any] = {
        "added_p50_ms_500rps": protege.get("p50_ms"),
        "added_p99_ms_500rps": protege.get("p99_ms"),
    }
    for name in PATHS:
        out[f"max_rps_{name}"] = paths.get(name, {}).get("max_rps")
    goals: dict[str, Any] = {}
    for key, limit in GOALS.items():
        value = out[key]
        goals[key] = {
            "at_most": limit,
            "value": value,
            "pass": None if value is None else value <= limit,
        }
    ours, theirs = out["max_rps_protege"], out["max_rps_tensorzero"]
    goals["max_rps_protege_ge_tensorzero"] = {
        "protege": ours,
        "tensorzero": theirs,
        "pass": None if ours is None or theirs is None else ours >= theirs,
    }
    direct_max = out["max_rps_direct"]
    goals["upstream_over_15k_rps"] = {  # the direct max is a floor of the upstream's capacity
        "value": direct_max,
        "pass": None if direct_max is None else direct_max > UPSTREAM_MIN_RPS,
    }
    return {**out, "goals": goals}


def print_table(paths: dict[str, dict[str, Any]]) -> None:
    def ms(x: float | None) -> str:
        return "-" if x is None else f"{x:.2f}"

    head = f"{'path':<11}{'max req/s':>10}"
    for rate in RATES:
        head += f"{f'@{rate}: p50':>12}{'p99':>7}{'rps':>7}{'errs':>6}{'+p50':>7}{'+p99':>7}"
    print("\n" + head + "\n" + "-" * len(head))
    for name, r in paths.items():
        if r["status"] != "ok":
            print(f"{name:<11} skipped: {r['reason'].splitlines()[0][:90]}")
            continue
        row = f"{name:<11}{r['max_rps']:>10,.0f}"
        for rate in RATES:
            o, added = r["open_loop"][str(rate)], r.get("added_ms", {}).get(str(rate), {})
            errs = o["non_2xx"] + o["socket_errors"] + o["timeouts"]
            row += f"{ms(o['p50_ms']):>12}{ms(o['p99_ms']):>7}{o['achieved_rps']:>7.0f}{errs:>6}"
            row += f"{ms(added.get('p50_ms')):>7}{ms(added.get('p99_ms')):>7}"
        print(row)
    print("latencies in ms at the client; +p50/+p99: added over direct at the same rate")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds of each measured run")
    parser.add_argument("--paths", default=",".join(PATHS), help="comma-separated subset")
    parser.add_argument("--out", type=Path, default=_meta.RESULTS / "gateway_overhead.json")
    args = parser.parse_args()
    wanted = [p.strip() for p in args.paths.split(",") if p.strip()]
    if unknown := sorted(set(wanted) - set(PATHS)):
        parser.error(f"unknown paths {unknown}; choose from {', '.join(PATHS)}")
    if "direct" not in wanted:  # the baseline of every "added" number
        wanted.insert(0, "direct")
    if len(os.sched_getaffinity(0)) < 2 or shutil.which("taskset") is None:
        sys.exit("needs 2 cores and taskset: the gateway on core 0, upstream and client on core 1")
    wrk_version = ensure_wrk()
    paths: dict[str, dict[str, Any]] = {
        name: {"status": "skipped", "reason": why} for name, why in ensure_anchors(wanted).items()
    }
    with tempfile.TemporaryDirectory(prefix="protege-gw-bench-") as tmp_name:
        tmp = Path(tmp_name)
        procs = Processes(tmp)
        try:
            port = free_port()
            up_cmd = [sys.executable, str(BENCH / "fixed_upstream.py"), "--port", str(port)]
            log = procs.start("upstream", up_cmd, CLIENT_CORE)
            upstream = f"http://127.0.0.1:{port}/v1"
            wait_ready(procs, "upstream", Target(f"{upstream}/chat/completions"), log, 30)
            for name in (p for p in PATHS if p in wanted and p not in paths):
                print(f"{name}: starting and measuring...", flush=True)
                try:
                    if name == "direct":
                        target = Target(f"{upstream}/chat/completions")
                    else:
                        target = STARTERS[name](procs, tmp, upstream)
                    paths[name] = measure(target, tmp, args.duration)
                except (RuntimeError, subprocess.SubprocessError) as exc:
                    paths[name] = {"status": "skipped", "reason": str(exc)}
                finally:
                    procs.stop(name)  # SIGTERM: protege flushes its log queue into the store
                if name == "protege" and paths[name]["status"] == "ok":
                    paths[name]["logged_calls"] = _logged_calls(tmp / "logs.db")
        finally:
            procs.stop_all()
    data = {
        "benchmark": "gateway_overhead",
        **summarize(paths),
        "paths": {name: paths[name] for name in PATHS if name in paths},
        "settings": {
            "duration_s": args.duration,
            "rates_rps": list(RATES),
            "open_loop_connections": OPEN_CONNECTIONS,
            "closed_loop_connections": CLOSED_CONNECTIONS,
            "pinning": {"gateway": GATEWAY_CORE, "upstream_and_load_generator": CLIENT_CORE},
            "load_generator": wrk_version,
            "anchors": {
                p: _version(p) for p in ANCHOR_PACKAGES if paths.get(p, {}).get("status") == "ok"
            },
        },
    }
    _meta.RESULTS = args.out.parent  # write_result names the file after its first argument
    out = _meta.write_result(args.out.stem, data)
    print_table(paths)
    print(json.dumps(data["goals"], indent=1))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
