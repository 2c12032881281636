"""``protege serve`` measured as users run it: a real server process with the released student,
``POST /v1/extract`` over the same generated sources at concurrency 1 and 8.

    python bench/serve_extract.py [--n 100] [--seed 90210] [--concurrency 1 8]

Starts ``protege serve`` (its defaults: the released liability-gemma-3-270m, no fallback),
waits until it has loaded the model, sends one warm-up request, then for each concurrency
sends every source once (a client task per slot, each waiting for its answer before sending
the next), and records p50/p95 latency per document as the client sees it, documents per
second, and the server's mean batch size (from /metrics). Writes
bench/results/serve_extract.json. Concurrency 8 against 1 shows what dynamic batching buys
on this machine.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import sys
import time
import urllib.request
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from _meta import write_result
from serve_latency import post_json
from serve_latency import run as timed

from protege.corpus import generate

from servers import start_serve, stop


async def run(url: str, bodies: list[dict[str, Any]], concurrency: int) -> dict[str, Any]:
    """Send every body once with ``concurrency`` in flight; latencies, throughput, outcomes."""
    row, outcomes = await timed(url, bodies, concurrency, lambda answer: answer["outcome"])
    return {**row, "outcomes": dict(Counter(outcomes))}


def mean_batch(base: str) -> float:
    """The server's mean recent batch size (its /metrics gauge)."""
    with urllib.request.urlopen(base + "/metrics", timeout=30) as answer:
        text = answer.read().decode()
    match = re.search(r"^protege_batch_size_mean (\S+)$", text, re.M)
    return float(match.group(1)) if match else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100)
    parser.add_argument("--seed", type=int, default=90210)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 8])
    args = parser.parse_args()
    bodies = [
        {
            "source": {"id": g.id, "kind": g.kind, "as_of": g.as_of.isoformat(), "text": g.text},
            "deadline_ms": 600_000,
        }
        for g in generate(args.n, seed=args.seed)
    ]
    proc, base_v1 = start_serve(timeout_s=300)
    base = base_v1.removesuffix("/v1")
    try:
        post_json(base + "/v1/extract", bodies[0])  # warm-up
        rows = []
        for concurrency in args.concurrency:
            before = time.perf_counter()
            row = asyncio.run(run(base + "/v1/extract", bodies, concurrency))
            row["mean_batch_size"] = round(mean_batch(base), 2)  # of the recent batches
            rows.append(row)
            print(json.dumps(row), f"({time.perf_counter() - before:.0f} s)", flush=True)
    finally:
        stop(proc)
    one = next((r for r in rows if r["concurrency"] == 1), None)
    result: dict[str, Any] = {
        "what": "protege serve, POST /v1/extract, the released liability-gemma-3-270m",
        "data": f"{args.n} generated sources of seed {args.seed}",
        "baseline": "concurrency 1 on the same server",
        "runs": rows,
    }
    if one:
        for row in rows:
            result[f"p50_ms_c{row['concurrency']}"] = row["p50_ms"]
            result[f"docs_per_s_c{row['concurrency']}"] = row["docs_per_s"]
            result[f"throughput_ratio_c{row['concurrency']}"] = round(
                row["docs_per_s"] / one["docs_per_s"], 2
            )
    print(write_result("serve_extract", result))


if __name__ == "__main__":
    main()
