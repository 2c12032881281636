"""Benchmark: ``protege serve``'s CPU engine against llama.cpp, side by side on the same generated
sources, per-document latency at concurrency 1 and 8, and throughput.

    python bench/serve_latency.py [--n 100] [--seed 90210]

- protege: ``protege serve`` with its defaults (the released liability-gemma-3-270m student, a
  candidate scorer over Gemma 3 270M in fp32: one forward pass per document), answering
  ``POST /v1/extract``.
- llama.cpp: llama-cpp-python's OpenAI-compatible server (built into ``bench/.venv-llamacpp``
  here, never a dependency of protege) with the same base model as GGUF (the Q4_K_M file the
  weights package ships, which protege dequantizes), 2 threads, answering the same
  liability-extract prompt under the record's JSON schema as a grammar (``response_format``),
  greedy, as a generator student would be served there.

The released student is a scorer, not a generator: no merged generator exists to convert, so
llama.cpp runs the base model with the grammar. Its latency is what a generative student of this
size costs in llama.cpp (the decode steps are the same whatever the weights say); its accuracy is
the base model's, reported for completeness, not as a comparison of students.

Each server runs alone; each gets one warm-up request; each concurrency sends every source once.
Writes bench/results/serve_latency.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from _meta import write_result

from protege.contract import Source, VerifiedSource, score
from protege.contract.schema import record_json_schema
from protege.corpus import generate
from protege.models.registry import BASE_MODELS
from protege.prompts.liability import render_messages

from servers import free_port, start_serve, stop, wait_for

BENCH = Path(__file__).resolve().parent
LLAMA_VENV = BENCH / ".venv-llamacpp"
LLAMA_PACKAGE = "llama-cpp-python[server]==0.3.36"  # pinned: reruns compare like with like
THREADS = 2


def post_json(url: str, body: dict[str, Any]) -> dict[str, Any]:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=600) as answer:
        return json.loads(answer.read())  # type: ignore[no-any-return]


async def run(
    url: str, bodies: list[dict[str, Any]], concurrency: int, output_of: Any
) -> tuple[dict[str, Any], list[str]]:
    """Send every body once with ``concurrency`` in flight: the timings, and each answer's
    output text (by ``output_of``) in the order of ``bodies``."""
    queue = list(enumerate(bodies))
    latencies: list[float] = []
    records: list[str] = [""] * len(bodies)

    async def worker() -> None:
        while queue:
            index, body = queue.pop()
            started = time.perf_counter()
            answer = await asyncio.to_thread(post_json, url, body)
            latencies.append((time.perf_counter() - started) * 1000)
            records[index] = output_of(answer)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    wall = time.perf_counter() - started
    latencies.sort()
    return {
        "concurrency": concurrency,
        "documents": len(bodies),
        "wall_s": round(wall, 2),
        "docs_per_s": round(len(bodies) / wall, 3),
        "p50_ms": round(statistics.median(latencies), 1),
        "p95_ms": round(latencies[int(0.95 * (len(latencies) - 1))], 1),
    }, records


def record_error(outputs: list[str], sources: list[VerifiedSource]) -> float:
    """The share of records with any key wrong, an invalid output counted wrong (the
    contract's scoring)."""
    report = score(sources, {s.id: out for s, out in zip(sources, outputs, strict=True)})
    return round(report.overall.record_error_rate, 3)


def ensure_llamacpp() -> Path:
    """The bench's own virtualenv with llama-cpp-python (compiled here: minutes, once)."""
    python = LLAMA_VENV / "bin" / "python"
    probe = [str(python), "-c", "import llama_cpp.server"]
    if python.exists() and subprocess.run(probe, capture_output=True).returncode == 0:
        return python
    print(f"building {LLAMA_PACKAGE} into {LLAMA_VENV} (minutes, once)...", flush=True)
    subprocess.run([sys.executable, "-m", "venv", str(LLAMA_VENV)], check=True)
    env = {**os.environ, "CMAKE_ARGS": "-DGGML_NATIVE=ON", "CMAKE_BUILD_PARALLEL_LEVEL": "2"}
    subprocess.run([str(python), "-m", "pip", "install", "-q", LLAMA_PACKAGE], check=True, env=env)
    return python


def measure(
    url: str, bodies: list[dict[str, Any]], sources: list[VerifiedSource], output_of: Any
) -> dict[str, Any]:
    """Warm-up, then concurrency 1 and 8."""
    post_json(url, bodies[0])
    out: dict[str, Any] = {"runs": []}
    for concurrency in (1, 8):
        row, records = asyncio.run(run(url, bodies, concurrency, output_of))
        row["record_error"] = record_error(records, sources)
        out["runs"].append(row)
        print(json.dumps(row), flush=True)
    return out


def protege_side(sources: list[VerifiedSource]) -> dict[str, Any]:
    bodies = [
        {"source": {k: s.model_dump(mode="json")[k] for k in ("id", "kind", "as_of", "text")},
         "deadline_ms": 600_000}
        for s in sources
    ]  # fmt: skip
    proc, base_v1 = start_serve(timeout_s=300)
    try:
        return measure(
            base_v1 + "/extract",
            bodies,
            sources,
            lambda answer: json.dumps(answer["record"]),
        )
    finally:
        stop(proc)


def llamacpp_side(sources: list[VerifiedSource]) -> dict[str, Any]:
    python = ensure_llamacpp()
    gguf = BASE_MODELS["gemma-3-270m"].gguf_path()
    port = free_port()
    # Its log goes to a file: llama.cpp writes tens of KB while loading, which would fill a pipe
    # nobody reads and stall the server.
    log = tempfile.NamedTemporaryFile(prefix="llamacpp-", suffix=".log", delete=False)  # noqa: SIM115
    proc = subprocess.Popen(
        [
            str(python), "-m", "llama_cpp.server", "--model", str(gguf), "--host", "127.0.0.1",
            "--port", str(port), "--n_threads", str(THREADS), "--n_ctx", "4096",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    schema = record_json_schema()
    bodies = [
        {
            "model": "gemma-3-270m",
            "messages": render_messages(Source.model_validate(s.model_dump())),
            "response_format": {"type": "json_object", "schema": schema},
            "temperature": 0,
            "max_tokens": 256,
        }
        for s in sources
    ]

    def output_of(answer: dict[str, Any]) -> str:
        return str(answer["choices"][0]["message"]["content"] or "")

    try:
        wait_for(f"http://127.0.0.1:{port}/v1/models", proc, timeout_s=120)
        return measure(f"http://127.0.0.1:{port}/v1/chat/completions", bodies, sources, output_of)
    finally:
        stop(proc)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100)
    parser.add_argument("--seed", type=int, default=90210)
    args = parser.parse_args()
    sources = [VerifiedSource.model_validate(g.to_row()) for g in generate(args.n, seed=args.seed)]
    sides = {"protege": protege_side(sources), "llamacpp": llamacpp_side(sources)}
    result: dict[str, Any] = {
        "what": "protege serve (the released scorer student, fp32) against llama.cpp "
        "(llama-cpp-python server, the same Gemma 3 270M as Q4_K_M GGUF, the record's JSON "
        f"schema as grammar, {THREADS} threads), the liability-extract prompt",
        "data": f"{args.n} generated sources of seed {args.seed}",
        "baseline": "llama.cpp at the same concurrency",
        "sides": sides,
    }
    for name, side in sides.items():
        for row in side["runs"]:
            result[f"p50_ms_{name}_c{row['concurrency']}"] = row["p50_ms"]
            result[f"p95_ms_{name}_c{row['concurrency']}"] = row["p95_ms"]
            result[f"docs_per_s_{name}_c{row['concurrency']}"] = row["docs_per_s"]
    result["goals"] = {
        "p50_protege_le_llamacpp_c1": result["p50_ms_protege_c1"] <= result["p50_ms_llamacpp_c1"],
        "protege_c8_ge_2x_c1": result["docs_per_s_protege_c8"]
        >= 2 * result["docs_per_s_protege_c1"],
    }
    print(write_result("serve_latency", result))


if __name__ == "__main__":
    main()
