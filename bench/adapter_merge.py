"""Merged or unmerged: how a served scorer's stage-2 LoRA adapter runs, measured.

There are two ways to serve an adapter over a base model:

- **merged** (``merge_and_unload``): the adapter's low-rank product is added into the base
  weights once, at load. A read costs what the base model's does, and every adapter held is a
  whole copy of the model;
- **unmerged** (peft's LoRA layers over one shared base): every adapted projection also runs its
  two low-rank matrices, and more adapters share one base, each costing only its own weights.

Both run on the same real sources, one document at a time (what a caller of /v1/extract waits
for), after one warm-up document. The bench reports p50/p95 per document for each, and whether
the answers agree. Then it measures the resident memory a second adapter adds: a second merged
copy, against a second adapter loaded into the shared peft model.

    python bench/adapter_merge.py --run models/liability-gemma-3-270m \
        --data out/recipe/generated.jsonl --n 100

Writes bench/results/adapter_merge.json.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _meta import write_result

from protege.contract.io import load_sources
from protege.engine.scorer_predictor import ADAPTER_DIR, ScorerPredictor


def rss_mb() -> float:
    """This process's resident memory now, in MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def per_document(
    predictor: ScorerPredictor, sources: list[Any]
) -> tuple[dict[str, Any], list[str]]:
    """p50/p95 ms per document at batch 1, after a warm-up document; and the answers."""
    list(predictor.predict(sources[:1]))
    times, outputs = [], []
    for source in sources:
        started = time.perf_counter()
        (prediction,) = predictor.predict([source])
        times.append((time.perf_counter() - started) * 1000)
        outputs.append(prediction.output)
    times.sort()
    figures = {
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[int(0.95 * (len(times) - 1))], 1),
        "mean_ms": round(statistics.fmean(times), 1),
    }
    return figures, outputs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--run", type=Path, required=True, help="a scorer with a stage-2 adapter")
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--n", type=int, default=100)
    args = parser.parse_args()
    if not (args.run / ADAPTER_DIR / "adapter_config.json").is_file():
        raise SystemExit(f"{args.run} has no stage-2 adapter ({ADAPTER_DIR}/) to compare")
    sources = load_sources(args.data)[: args.n]
    rows: dict[str, dict[str, Any]] = {}
    answers: dict[str, list[str]] = {}
    held: list[ScorerPredictor] = []
    for name, merge in (("merged", True), ("unmerged", False)):
        before = rss_mb()
        predictor = ScorerPredictor(str(args.run), merge=merge)
        rows[name], answers[name] = per_document(predictor, sources)
        rows[name]["rss_after_load_mb"] = round(rss_mb() - before)
        held.append(predictor)
    # a second adapter: another merged model copy, or another adapter on the shared base
    before = rss_mb()
    held.append(ScorerPredictor(str(args.run), merge=True))
    rows["merged"]["second_adapter_mb"] = round(rss_mb() - before)
    before = rss_mb()
    held[1].adapter.load_adapter(str(args.run / ADAPTER_DIR), adapter_name="second")
    rows["unmerged"]["second_adapter_mb"] = round(rss_mb() - before)
    same = sum(a == b for a, b in zip(answers["merged"], answers["unmerged"], strict=True))
    result = {
        "what": "per-document latency (batch 1) and memory per extra adapter of a scorer's "
        "stage-2 adapter, merged into the base weights or left as LoRA layers",
        "run": str(args.run),
        "data": f"{args.data} (first {len(sources)})",
        "baseline": "merged",
        "rows": rows,
        "unmerged_p50_ratio": round(rows["unmerged"]["p50_ms"] / rows["merged"]["p50_ms"], 2),
        "answers_equal": f"{same}/{len(sources)}",
    }
    print(write_result("adapter_merge", result).read_text())


if __name__ == "__main__":
    main()
