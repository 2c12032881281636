"""Benchmark: the latency the protege capture gateway adds, and its maximum throughput, next to
TensorZero's and LiteLLM's gateways, all in one run.

Paths, all answered by the same fixed upstream (``fixed_upstream.py``, a raw uvloop server):
- direct: the load generator talks to the upstream itself (the floor);
- protege: ``protege gateway``, logging on (it always is): SQLite store and spool in a temp dir;
- protege_pg: the same with the PostgreSQL store (a fresh database on the local server, named by
  ``PROTEGE_BENCH_PG``, dropped afterwards);
- tensorzero: TensorZero's Rust HTTP gateway embedded from the ``tensorzero`` wheel, one
  OpenAI-compatible provider model; no ClickHouse, so it logs nothing;
- litellm: the LiteLLM proxy (``litellm[proxy]``), one uvicorn worker, otherwise its defaults.

Pinning (``taskset``, 2 cores): the gateway under test alone on core 0; the upstream and the load
generator on core 1, for every path (direct leaves core 0 idle).

Load generator: ``wrk`` (C, epoll, one thread; Debian's package), the same for every path:
- open loop at 200 and 500 req/s: a LuaJIT ``delay()`` gives each request the next slot of one
  global schedule (1/rate apart), so arrivals stay evenly spaced whatever the latency while fewer
  than OPEN_CONNECTIONS requests are in flight; past that the achieved rate falls and
  ``unanswered`` counts the shortfall. (autocannon's ``--overallRate`` is a per-connection quota
  reset every second: requests leave in back-to-back bursts at each tick, not at a fixed rate.)
- closed loop: CLOSED_CONNECTIONS connections, each sending its next request on the answer to its
  last; the achieved req/s is the path's maximum throughput.
Latency: per request, from its write to the end of its answer, measured by wrk. "added": the
path's percentile minus direct's at the same rate. Each path is warmed up first, and every run
starts only once the gateway answers a probe again (LiteLLM can trail a backlog for seconds).

tensorzero and litellm live in their own virtualenv, bench/.venv-anchors, created here when
missing; a path whose install or start fails is recorded as skipped, with the reason.
Usage: python bench/gateway_overhead.py [--duration 10] [--paths protege,tensorzero] [--out F]
"""

from __future__ import annotations

import argparse
import contextlib
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
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _meta

BENCH = Path(__file__).resolve().parent
ANCHORS = BENCH / ".venv-anchors"
# Pinned so that reruns compare like with like. litellm: the newest whose [proxy] extra resolves
# on the package index this project reaches (1.109+ need litellm-proxy-extras versions not there).
ANCHOR_PACKAGES = {"tensorzero": "tensorzero==2026.6.0", "litellm": "litellm[proxy]==1.108.0"}
PROBES = {"tensorzero": "tensorzero", "litellm": "litellm-proxy-extras"}  # there: installed
PATHS = ("direct", "protege", "protege_pg", "tensorzero", "litellm")
# The PostgreSQL server the protege_pg path logs to: a database is created on it for the run.
PG_SERVER = os.environ.get("PROTEGE_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/test")
PG_DATABASE = f"protege_bench_{os.getpid()}"
GATEWAY_CORE, CLIENT_CORE = "0", "1"
RATES = (200, 500)  # req/s of the open-loop runs
OPEN_CONNECTIONS = 128  # most requests in flight: 256 ms of arrivals at 500 req/s
CLOSED_CONNECTIONS = 64
WARMUP_S = 2  # closed loop, 8 connections, not recorded: connection pools, lazy imports
WRK_TIMEOUT = "5s"  # an answer slower than this counts as a timeout
UPSTREAM_MIN_RPS = 15_000  # the upstream must be far faster than any gateway
GOAL_P50_MS, GOAL_P99_MS = 0.5, 2.0  # most latency protege may add at 500 req/s
BODY = '{"model":"%s","messages":[{"role":"user","content":"hi"}]}'

LUA = """local ffi = require("ffi")
ffi.cdef[[ typedef struct { long s; long ns; } bench_ts; int clock_gettime(int, bench_ts *); ]]
local ts = ffi.new("bench_ts")
wrk.method = "POST"
wrk.body = [==[%(body)s]==]
wrk.headers["Content-Type"] = "application/json"
%(headers)s
local rate = %(rate)d
if rate > 0 then
  local interval, next_slot = 1000 / rate, 0
  function delay()  -- ms until this request's slot of the one global schedule
    ffi.C.clock_gettime(1, ts)  -- CLOCK_MONOTONIC
    local now = tonumber(ts.s) * 1000 + tonumber(ts.ns) / 1e6
    if next_slot < now then next_slot = now end  -- behind schedule: go on from now, no burst
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
class Server:
    """A spawned server, leading its own process group so that stop() ends its children too."""

    name: str
    proc: subprocess.Popen[bytes]
    log: Path

    def alive(self) -> bool:
        return self.proc.poll() is None

    def tail(self, lines: int = 15) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    def stop(self) -> None:
        if not self.alive():
            return
        os.killpg(self.proc.pid, signal.SIGTERM)  # protege flushes its log queue on SIGTERM
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(5)


@dataclass
class Target:
    """Where a path's load goes, and the server answering there (None: the upstream itself)."""

    url: str
    model: str = "bench-model"
    headers: dict[str, str] = field(default_factory=dict)
    server: Server | None = None


def spawn(
    servers: list[Server], tmp: Path, name: str, cmd: list[str], core: str, **env: str
) -> Server:
    """Start ``cmd`` pinned to ``core``, output to tmp/NAME.log; tracked in ``servers``."""
    log = tmp / f"{name}.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            ["taskset", "-c", core, *cmd],
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, **env},
            cwd=tmp,
            start_new_session=True,
        )
    servers.append(server := Server(name, proc, log))
    return server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_ready(target: Target, timeout_s: float) -> None:
    """Until a chat completion through ``target`` answers 200 (also: until a backlog drained)."""
    deadline = time.monotonic() + timeout_s
    data = (BODY % target.model).encode()
    headers = {"Content-Type": "application/json", **target.headers}
    while time.monotonic() < deadline:
        if target.server is not None and not target.server.alive():
            raise RuntimeError(f"{target.server.name} exited:\n{target.server.tail()}")
        try:
            request = urllib.request.Request(target.url, data=data, headers=headers)
            with urllib.request.urlopen(request, timeout=5) as answer:
                if answer.status == 200:
                    return
        except OSError:  # refused, timed out, or an HTTP error status
            pass
        time.sleep(0.25)
    where = target.server.tail() if target.server is not None else target.url
    raise RuntimeError(f"no 200 answer within {timeout_s:.0f} s:\n{where}")


def run_wrk(
    target: Target, tmp: Path, rate: int, duration: int, connections: int
) -> dict[str, Any]:
    """One wrk run pinned to the client core; ``rate`` 0 is the closed loop."""
    wait_ready(target, 120)  # start on an idle gateway, not on the last run's backlog
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
    seconds, answered = raw["duration_us"] / 1e6, raw["requests"]
    result: dict[str, Any] = {"achieved_rps": round(answered / seconds, 1), "requests": answered}
    for q in ("p50", "p90", "p99", "max"):  # no answer at all: no latency either
        result[f"{q}_ms"] = raw[f"{q}_us"] / 1000 if answered else None
    result |= {"non_2xx": raw["non_2xx"], "timeouts": raw["timeout"]}
    result["socket_errors"] = raw["connect"] + raw["read"] + raw["write"]
    if rate:
        result |= {"offered_rps": rate, "unanswered": max(0, round(rate * seconds) - answered)}
    return result


def measure(target: Target, tmp: Path, duration: int) -> dict[str, Any]:
    """Warm-up, the open-loop rates, then the closed loop (last: it leaves the most backlog)."""
    run_wrk(target, tmp, 0, WARMUP_S, 8)
    result: dict[str, Any] = {"status": "ok", "url": target.url, "open_loop": {}}
    for rate in RATES:
        result["open_loop"][str(rate)] = run_wrk(target, tmp, rate, duration, OPEN_CONNECTIONS)
    result["closed_loop"] = run_wrk(target, tmp, 0, duration, CLOSED_CONNECTIONS)
    result["max_rps"] = result["closed_loop"]["achieved_rps"]
    return result


# -- the gateways ----------------------------------------------------------------------------


def start_protege(servers: list[Server], tmp: Path, upstream: str, store: str = "") -> Target:
    store = store or f"sqlite:///{tmp}/logs.db"
    config = tmp / "protege.yaml"
    config.write_text(
        f"store: {store}\nspool_dir: {tmp}/spool-{abs(hash(store))}\n"
        f"routes:\n  - model: bench-model\n    upstream: {upstream}\n"
    )
    port, protege = free_port(), str(BENCH.parent / ".venv/bin/protege")
    cmd = [protege, "gateway", "--config", str(config), "--port", str(port)]
    server = spawn(servers, tmp, "protege", cmd, GATEWAY_CORE)
    return Target(f"http://127.0.0.1:{port}/v1/chat/completions", server=server)


def _pg_admin(statement: str) -> None:
    import psycopg

    with psycopg.connect(PG_SERVER, autocommit=True) as conn:
        conn.execute(statement)


def pg_store_url() -> str:
    """The SQLAlchemy URL of the run's database on ``PG_SERVER``."""
    base = PG_SERVER.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
    return f"{base}/{PG_DATABASE}"


def start_protege_pg(servers: list[Server], tmp: Path, upstream: str) -> Target:
    try:
        _pg_admin(f"DROP DATABASE IF EXISTS {PG_DATABASE}")
        _pg_admin(f"CREATE DATABASE {PG_DATABASE}")
    except Exception as exc:  # no server, no rights: the path is skipped, with the reason
        raise RuntimeError(f"cannot create a database on {PG_SERVER}: {exc}") from exc
    return start_protege(servers, tmp, upstream, pg_store_url())


# What tensorzero.patch_openai_client() does to start its embedded HTTP gateway, without the
# OpenAI client: it binds 127.0.0.1 on a free port and hands back its base URL.
TZ_START = """import signal, sys
from tensorzero.tensorzero import _start_http_gateway
gateway = _start_http_gateway(config_file=sys.argv[1], clickhouse_url=None, postgres_url=None,
                              valkey_url=None, async_setup=False)
print("BASE_URL", gateway.base_url, flush=True)
signal.pause()  # until SIGTERM ends the process, and the gateway in it
"""


def start_tensorzero(servers: list[Server], tmp: Path, upstream: str) -> Target:
    config = tmp / "tensorzero.toml"
    config.write_text(
        '[gateway.observability]\nenabled = false\n\n[models.bench-model]\nrouting = ["fixed"]\n'
        '\n[models.bench-model.providers.fixed]\ntype = "openai"\nmodel_name = "bench-model"\n'
        f'api_base = "{upstream}/"\napi_key_location = "none"\n'
    )
    cmd = [str(ANCHORS / "bin/python"), "-c", TZ_START, str(config)]
    server = spawn(servers, tmp, "tensorzero", cmd, GATEWAY_CORE, RUST_LOG="warn")
    deadline = time.monotonic() + 60
    while not (base := [x for x in server.tail(200).splitlines() if x.startswith("BASE_URL ")]):
        if not server.alive() or time.monotonic() > deadline:
            raise RuntimeError(f"the tensorzero gateway did not start:\n{server.tail()}")
        time.sleep(0.25)
    url = base[0].split()[1].rstrip("/") + "/chat/completions"  # .../openai/v1/chat/completions
    return Target(url, model="tensorzero::model_name::bench-model", server=server)


def start_litellm(servers: list[Server], tmp: Path, upstream: str) -> Target:
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
    # LITELLM_LOCAL_MODEL_COST_MAP: its bundled price map, no download at startup.
    server = spawn(servers, tmp, "litellm", cmd, GATEWAY_CORE, LITELLM_LOCAL_MODEL_COST_MAP="True")
    auth = {"Authorization": f"Bearer {key}"}
    return Target(f"http://127.0.0.1:{port}/v1/chat/completions", headers=auth, server=server)


STARTERS = {
    "protege": start_protege,
    "protege_pg": start_protege_pg,
    "tensorzero": start_tensorzero,
    "litellm": start_litellm,
}
# litellm: ~15 s when idle
STARTUP_S = {"protege": 60, "protege_pg": 60, "tensorzero": 30, "litellm": 180}


# -- setup -----------------------------------------------------------------------------------


def ensure_wrk() -> str:
    """wrk's version line; installs Debian's package when it is missing and we are root."""
    if shutil.which("wrk") is None:
        if os.geteuid() != 0 or shutil.which("apt-get") is None:
            sys.exit("wrk is missing: install it (Debian/Ubuntu: apt-get install wrk)")
        print("wrk is missing: installing Debian's package (apt-get install wrk)...", flush=True)
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        for cmd in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "wrk"]):
            subprocess.run(cmd, check=True, env=env)
    done = subprocess.run(["wrk", "--version"], capture_output=True, text=True, check=False)
    return (done.stdout + done.stderr).splitlines()[0].strip()


def installed(dist: str) -> str | None:
    """The version of ``dist`` in bench/.venv-anchors, read off its .dist-info folder."""
    found = sorted(ANCHORS.glob(f"lib/python*/site-packages/{dist.replace('-', '_')}-*.dist-info"))
    return found[-1].name.removesuffix(".dist-info").split("-")[1] if found else None


def ensure_anchors(wanted: list[str]) -> dict[str, str]:
    """Install tensorzero / litellm into bench/.venv-anchors when missing; path -> why skipped."""
    wanted = [p for p in wanted if p in ANCHOR_PACKAGES]
    if wanted and not (ANCHORS / "bin/python").exists():
        print(f"creating {ANCHORS} for {', '.join(wanted)}, apart from .venv...", flush=True)
        if subprocess.run([sys.executable, "-m", "venv", str(ANCHORS)], check=False).returncode:
            return {p: f"could not create the virtualenv {ANCHORS}" for p in wanted}
    skipped = {}
    for path in (p for p in wanted if installed(PROBES[p]) is None):
        print(f"installing {ANCHOR_PACKAGES[path]} into {ANCHORS} (minutes)...", flush=True)
        pip = [str(ANCHORS / "bin/pip"), "install", "-q", ANCHOR_PACKAGES[path]]
        done = subprocess.run(pip, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            skipped[path] = f"pip install {ANCHOR_PACKAGES[path]} failed: {done.stderr[-600:]}"
    return skipped


def logged_calls(db: Path) -> int:
    """Rows in protege's store: every answered request should be there."""
    with contextlib.closing(sqlite3.connect(db)) as conn:
        return int(conn.execute("SELECT count(*) FROM calls").fetchone()[0])


def logged_calls_pg() -> int:
    """Rows in the run's PostgreSQL database."""
    import psycopg

    url = pg_store_url().replace("postgresql+psycopg://", "postgresql://", 1)
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT count(*) FROM calls").fetchone()
    return int(row[0]) if row else 0


# -- report ----------------------------------------------------------------------------------


def _minus(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else round(a - b, 3)


def _le(a: float | None, b: float | None) -> bool | None:
    return None if a is None or b is None else a <= b


def summarize(paths: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Added latencies over direct (into each path), the top-level numbers and the goals."""
    direct = paths.get("direct", {})
    for name, result in paths.items():
        if name != "direct" and result["status"] == "ok" and direct.get("status") == "ok":
            result["added_ms"] = {
                r: {q: _minus(o[q], direct["open_loop"][r][q]) for q in ("p50_ms", "p99_ms")}
                for r, o in result["open_loop"].items()
            }
    added = paths.get("protege", {}).get("added_ms", {}).get("500", {})
    added_pg = paths.get("protege_pg", {}).get("added_ms", {}).get("500", {})
    out: dict[str, Any] = {
        "added_p50_ms_500rps": (p50 := added.get("p50_ms")),
        "added_p99_ms_500rps": (p99 := added.get("p99_ms")),
        "added_p50_ms_500rps_pg": added_pg.get("p50_ms"),
        "added_p99_ms_500rps_pg": added_pg.get("p99_ms"),
        **{f"max_rps_{name}": paths.get(name, {}).get("max_rps") for name in PATHS},
    }
    pr, tz, floor = (out[f"max_rps_{n}"] for n in ("protege", "tensorzero", "direct"))
    goals = {
        f"added_p50_le_{GOAL_P50_MS}ms_at_500rps": {"value": p50, "pass": _le(p50, GOAL_P50_MS)},
        f"added_p99_le_{GOAL_P99_MS}ms_at_500rps": {"value": p99, "pass": _le(p99, GOAL_P99_MS)},
        "max_rps_protege_ge_tensorzero": {"protege": pr, "tensorzero": tz, "pass": _le(tz, pr)},
        # direct shares core 1 with wrk: its max is a floor of the upstream's capacity
        "upstream_over_15k_rps": {"value": floor, "pass": _le(UPSTREAM_MIN_RPS, floor)},
    }
    return {**out, "goals": goals}


def print_table(paths: dict[str, dict[str, Any]]) -> None:
    def ms(x: float | None) -> str:
        return "-" if x is None else f"{x:.2f}"

    head = f"{'path':<12}{'max req/s':>10}"
    for rate in RATES:
        head += f"{f'@{rate}: p50':>12}{'p99':>8}{'req/s':>7}{'errs':>7}{'+p50':>7}{'+p99':>8}"
    print(f"\n{head}\n{'-' * len(head)}")
    for name, r in paths.items():
        if r["status"] != "ok":
            print(f"{name:<12}skipped: {r['reason'].splitlines()[0][:100]}")
            continue
        row = f"{name:<12}{r['max_rps']:>10,.0f}"
        for rate in RATES:
            o, added = r["open_loop"][str(rate)], r.get("added_ms", {}).get(str(rate), {})
            errs = o["non_2xx"] + o["socket_errors"] + o["timeouts"]
            row += f"{ms(o['p50_ms']):>12}{ms(o['p99_ms']):>8}{o['achieved_rps']:>7.0f}{errs:>7}"
            row += f"{ms(added.get('p50_ms')):>7}{ms(added.get('p99_ms')):>8}"
        print(row)
    print("ms at the client; errs: non-2xx + socket errors + timeouts; +p50/+p99: over direct")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds of each measured run")
    parser.add_argument("--paths", default=",".join(PATHS), help="comma-separated subset")
    parser.add_argument("--out", type=Path, default=_meta.RESULTS / "gateway_overhead.json")
    args = parser.parse_args()
    wanted = {p.strip() for p in args.paths.split(",") if p.strip()} | {"direct"}  # the baseline
    if unknown := sorted(wanted - set(PATHS)):
        parser.error(f"unknown paths {unknown}; choose from {', '.join(PATHS)}")
    if len(os.sched_getaffinity(0)) < 2 or shutil.which("taskset") is None:
        sys.exit("needs cores 0 and 1 and taskset: the gateway on 0, upstream and wrk on 1")
    wrk_version = ensure_wrk()
    paths: dict[str, dict[str, Any]] = {
        name: {"status": "skipped", "reason": why}
        for name, why in ensure_anchors(sorted(wanted)).items()
    }
    servers: list[Server] = []
    with tempfile.TemporaryDirectory(prefix="protege-gw-bench-") as tmp_name:
        tmp = Path(tmp_name)
        try:
            port = free_port()
            cmd = [sys.executable, str(BENCH / "fixed_upstream.py"), "--port", str(port)]
            upstream = f"http://127.0.0.1:{port}/v1"
            server = spawn(servers, tmp, "upstream", cmd, CLIENT_CORE)
            wait_ready(Target(f"{upstream}/chat/completions", server=server), 30)
            for name in [p for p in PATHS if p in wanted and p not in paths]:
                print(f"{name}: starting and measuring...", flush=True)
                target = Target(f"{upstream}/chat/completions")
                try:
                    if name != "direct":
                        target = STARTERS[name](servers, tmp, upstream)
                        wait_ready(target, STARTUP_S[name])
                    paths[name] = measure(target, tmp, args.duration)
                except (RuntimeError, subprocess.SubprocessError) as exc:
                    paths[name] = {"status": "skipped", "reason": f"{type(exc).__name__}: {exc}"}
                finally:
                    if target.server is not None:
                        target.server.stop()
                if name == "protege" and paths[name]["status"] == "ok":
                    paths[name]["logged_calls"] = logged_calls(tmp / "logs.db")
                if name == "protege_pg" and paths[name]["status"] == "ok":
                    paths[name]["logged_calls"] = logged_calls_pg()
        finally:
            for server in servers:
                server.stop()
            if "protege_pg" in wanted:
                with contextlib.suppress(Exception):
                    _pg_admin(f"DROP DATABASE IF EXISTS {PG_DATABASE}")
    ok = [p for p in ANCHOR_PACKAGES if paths.get(p, {}).get("status") == "ok"]
    data = {
        "benchmark": "gateway_overhead",
        **summarize(paths),
        "paths": {name: paths[name] for name in PATHS if name in paths},
        "settings": {
            "duration_s": args.duration,
            "open_loop_connections": OPEN_CONNECTIONS,
            "closed_loop_connections": CLOSED_CONNECTIONS,
            "pinning": {"gateway": GATEWAY_CORE, "upstream_and_load_generator": CLIENT_CORE},
            "load_generator": wrk_version,
            "anchor_versions": {p: installed(p) for p in ok},
        },
    }
    _meta.RESULTS = args.out.parent  # write_result writes RESULTS/<its first argument>.json
    out = _meta.write_result(args.out.stem, data)
    print_table(data["paths"])
    print(json.dumps(data["goals"], indent=1))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
