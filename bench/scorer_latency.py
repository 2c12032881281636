"""Per-document latency of the scorer student against the fine-tuned generator, one document
at a time (what a caller of the extraction service waits for), on the same real sources.

    python bench/scorer_latency.py --scorer out/scorer/run --generator out/hints/plain \
        --data out/scorer/gen500.jsonl

The generator is the named baseline: the scorer's p50 is reported as a ratio of its p50. The
generator decodes a whole record token by token (grounded, as `protege eval` runs it), so it is
timed on fewer documents. Writes bench/results/scorer.json.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import torch

from protege.contract.io import load_sources
from protege.predictors import load_predictor

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _meta import write_result


def per_document(spec: str, sources: list[Any]) -> dict[str, Any]:
    """p50/p95 wall seconds per document at batch 1, after one warm-up document."""
    predictor = load_predictor(spec)
    list(predictor.predict(sources[:1]))  # first-call costs (allocations, caches) excluded
    times = []
    for source in sources:
        started = time.perf_counter()
        list(predictor.predict([source]))
        times.append(time.perf_counter() - started)
    times.sort()
    return {
        "documents": len(times),
        "p50_s": round(statistics.median(times), 4),
        "p95_s": round(times[min(len(times) - 1, int(0.95 * len(times)))], 4),
        "mean_s": round(statistics.fmean(times), 4),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scorer", required=True)
    parser.add_argument("--generator", required=True)
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--n", type=int, default=100)
    parser.add_argument("--generator-n", type=int, default=10)
    args = parser.parse_args()
    sources = load_sources(args.data)
    scorer = per_document(args.scorer, sources[: args.n])
    generator = per_document(args.generator, sources[: args.generator_n])
    regex = per_document("regex", sources[: args.n])
    result = {
        "what": "per-document latency at batch 1 on generated sources (seed in the data file)",
        "data": str(args.data),
        "baseline": "generator (LoRA SFT, grounded decoding)",
        "rows": {"scorer": scorer, "generator": generator, "regex": regex},
        "scorer_p50_vs_generator": round(scorer["p50_s"] / generator["p50_s"], 4),
        "threads": torch.get_num_threads(),
    }
    print(write_result("scorer", result))


if __name__ == "__main__":
    main()
