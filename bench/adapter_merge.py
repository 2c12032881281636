"""Merged or unmerged: how a served scorer's stage-2 LoRA adapter runs, measured.

There are two ways to serve an adapter over a base model:

- **merged** (``merge_and_unload``): the adapter's low-rank product is added into the base
  weights once, at load. A read costs what the base model's does, and every adapter held is a
  whole copy of the model;
- **unmerged** (peft's LoRA layers over one shared base): every adapted projection also runs its
  two low-rank matrices, and more adapters share one base, each costing only its own weights.

Both run on the same real sources, one document at a time (what a caller of /v1/extract waits
for), after one warm-up document. The bench reports p50/p95 per document for each, and whether
the answers agree; the same heads over the base model without the adapter are the control. Then
it counts the weights one more adapter holds: a whole merged copy of the model, or the LoRA
matrices over the shared base.

    python bench/adapter_merge.py --run models/liability-gemma-3-270m \
        --data out/recipe/generated.jsonl --n 100

Writes bench/results/adapter_merge.json.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _meta import write_result

from protege.contract.io import load_sources
from protege.engine.scorer_predictor import ADAPTER_DIR, HEADS_FILE, META_FILE, ScorerPredictor


def mb(tensors: Any) -> float:
    """The bytes of ``tensors``, in MiB."""
    return sum(t.numel() * t.element_size() for t in tensors) / 2**20


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
        predictor = ScorerPredictor(str(args.run), merge=merge)
        rows[name], answers[name] = per_document(predictor, sources)
        held.append(predictor)
    with tempfile.TemporaryDirectory() as plain:  # the control: the same heads, no adapter
        for file in (HEADS_FILE, META_FILE):
            shutil.copy2(args.run / file, Path(plain) / file)
        rows["base_model_alone"], _ = per_document(ScorerPredictor(plain), sources)
    # what one more adapter holds: a merged one, a whole copy of the weights the featurizer
    # runs; an unmerged one, its LoRA matrices over the shared base (tensor bytes: the RSS of a
    # process that frees and maps pages moves by more than an adapter's few MB)
    rows["merged"]["weights_per_adapter_mb"] = round(mb(held[0].featurizer.decoder.parameters()))
    lora = [p for n, p in held[1].adapter.named_parameters() if "lora_" in n]
    rows["unmerged"]["weights_per_adapter_mb"] = round(mb(lora), 1)
    same = sum(a == b for a, b in zip(answers["merged"], answers["unmerged"], strict=True))
    result = {
        "what": "per-document latency (batch 1) and memory per extra adapter of a scorer's "
        "stage-2 adapter, merged into the base weights or left as LoRA layers",
        "run": str(args.run),
        "data": f"{args.data} (first {len(sources)})",
        "baseline": "merged",
        "rows": rows,
        "unmerged_p50_ratio": round(rows["unmerged"]["p50_ms"] / rows["merged"]["p50_ms"], 2),
        "base_alone_p50_ratio": round(
            rows["base_model_alone"]["p50_ms"] / rows["merged"]["p50_ms"], 2
        ),
        "answers_equal": f"{same}/{len(sources)}",
    }
    print(write_result("adapter_merge", result).read_text())


if __name__ == "__main__":
    main()
