"""Interleaved A/B runs of gateway variants, the harness behind docs/results/capture-2026-11.

A single run of ``gateway_overhead.py`` on a shared machine varies by ±20 % between runs, more than
most changes gain; a change is judged against the code before it in the same rounds instead. Each
variant is a source tree (a ``src`` folder put first on ``PYTHONPATH``: e.g. ``git worktree add``
or ``git archive HEAD src | tar -x -C /tmp/before``), started once with the bench's pinning, then
every round measures each variant in turn with the bench's ``wrk`` settings: the open loop at
``--rate`` and, with ``--closed``, the closed loop (and the writer's backlog after it, from
``/healthz``: a variant that starves its writer shows a queue near 10,000 there).

Usage:
    python bench/gateway_ab.py --rounds 4 --closed before=/tmp/before/src after=src tz direct

A variant is ``NAME=SRC[@key:value,...]`` (gateway config lines added to the variant's YAML,
``@shm`` puts its store and spool on /dev/shm), ``tz`` (TensorZero's gateway, from
bench/.venv-anchors) or ``direct``. It prints one line per measurement and a JSON summary.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import urllib.request
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import gateway_overhead as bench


def start_variant(
    spec: str, servers: list[bench.Server], tmp: Path, upstream: str, scratch: list[Path]
) -> bench.Target:
    """Start one variant (see the module docstring) and wait until it answers; folders made
    outside ``tmp`` are added to ``scratch``."""
    if spec == "direct":
        return bench.Target(f"{upstream}/chat/completions")
    if spec == "tz":
        target = bench.start_tensorzero(servers, tmp, upstream)
        bench.wait_ready(target, bench.STARTUP_S["tensorzero"])
        return target
    name, _, src = spec.partition("=")
    src, _, extra = src.partition("@")
    home = tmp / name
    home.mkdir()
    data = home
    if "shm" in extra.split(","):
        data = Path(tempfile.mkdtemp(prefix="protege-gw-ab-", dir="/dev/shm"))
        scratch.append(data)
    lines = [item.replace(":", ": ", 1) for item in extra.split(",") if ":" in item]
    config = home / "gateway.yaml"
    config.write_text(
        f"store: sqlite:///{data}/logs.db\nspool_dir: {data}/spool\n"
        + "".join(f"{line}\n" for line in lines)
        + f"routes:\n  - model: bench-model\n    upstream: {upstream}\n"
    )
    port, protege = bench.free_port(), str(bench.BENCH.parent / ".venv/bin/protege")
    cmd = [protege, "gateway", "--config", str(config), "--port", str(port)]
    server = bench.spawn(
        servers, home, "protege", cmd, bench.GATEWAY_CORE, PYTHONPATH=str(Path(src).resolve())
    )
    target = bench.Target(f"http://127.0.0.1:{port}/v1/chat/completions", server=server)
    bench.wait_ready(target, bench.STARTUP_S["protege"])
    return target


def ms(value: float | None) -> str:
    """A latency for the report; '-' when nothing was answered."""
    return "-" if value is None else f"{value:.3f}"


def backlog(target: bench.Target) -> str:
    """The gateway's log queue and spool size now (protege only)."""
    if target.server is None or target.server.name != "protege":
        return ""
    url = target.url.replace("/v1/chat/completions", "/healthz")
    with urllib.request.urlopen(url, timeout=5) as answer:
        health = json.load(answer)
    return f" queued {health['queued']} spool {health['spool_bytes']:,} B"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("variants", nargs="+", help="NAME=SRC[@key:value,...], tz or direct")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--rate", type=int, default=500, help="open-loop req/s")
    parser.add_argument("--duration", type=int, default=10, help="seconds of each measurement")
    parser.add_argument("--closed", action="store_true", help="also the closed loop")
    args = parser.parse_args()
    for spec in args.variants:
        src = spec.partition("=")[2].partition("@")[0]
        if spec not in ("tz", "direct") and not (Path(src) / "protege").is_dir():
            parser.error(
                f"{spec!r}: give NAME=SRC with SRC a source tree holding protege/, tz or direct"
            )
    if min(args.rounds, args.rate, args.duration) < 1:
        parser.error("--rounds, --rate and --duration must be at least 1")
    bench.ensure_wrk()
    servers: list[bench.Server] = []
    scratch: list[Path] = []
    results: dict[str, dict[str, list[float]]] = {}
    with tempfile.TemporaryDirectory(prefix="protege-gw-ab-") as tmp_name:
        tmp = Path(tmp_name)
        try:
            port = bench.free_port()
            fixed = [sys.executable, str(bench.BENCH / "fixed_upstream.py"), "--port", str(port)]
            upstream = f"http://127.0.0.1:{port}/v1"
            server = bench.spawn(servers, tmp, "upstream", fixed, bench.CLIENT_CORE)
            bench.wait_ready(bench.Target(f"{upstream}/chat/completions", server=server), 30)
            targets = {}
            for spec in args.variants:
                targets[spec.partition("=")[0]] = start_variant(
                    spec, servers, tmp, upstream, scratch
                )
            for target in targets.values():
                bench.run_wrk(target, tmp, 0, bench.WARMUP_S, 8)
            for round_ in range(args.rounds):
                for name, target in targets.items():
                    measured = results.setdefault(name, {})
                    run: dict[str, Any] = bench.run_wrk(
                        target, tmp, args.rate, args.duration, bench.OPEN_CONNECTIONS
                    )
                    line = f"round {round_} {name:<12} @{args.rate}: p50 {ms(run['p50_ms'])}"
                    line += f" p90 {ms(run['p90_ms'])} p99 {ms(run['p99_ms'])} ms"
                    measured.setdefault("p50_ms", []).append(run["p50_ms"])
                    measured.setdefault("p99_ms", []).append(run["p99_ms"])
                    if args.closed:
                        run = bench.run_wrk(target, tmp, 0, args.duration, bench.CLOSED_CONNECTIONS)
                        line += f"; closed loop {run['achieved_rps']:,.0f} req/s"
                        line += backlog(target)
                        measured.setdefault("max_rps", []).append(run["achieved_rps"])
                    print(line, flush=True)
        finally:
            for server in servers:
                server.stop()
            for folder in scratch:
                shutil.rmtree(folder, ignore_errors=True)
    print(json.dumps(results))


if __name__ == "__main__":
    main()
