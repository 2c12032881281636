"""The CPU recipe's record: what one real run of `make recipe` cost and what it reached.

    python bench/train_recipe.py --run out/recipe/scorer \
        --eval-generated out/recipe/eval-generated --eval-dev out/recipe/eval-dev

Reads the trained student's meta.json (its wall time, peak memory, data) and the two `protege
eval` reports (the student's record error on unseen generated sources and on the hand-written
dev set), counts the tokens the recipe read by tokenizing its training sources exactly as the
featurizer does (header, text, the same cut), and writes bench/results/train_recipe.json. Every
figure comes from the run; nothing is projected.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _meta import write_result

from protege.engine.features import header
from protege.models.loading import load_tokenizer
from protege.train.scorer import training_sources


def student_figures(eval_dir: Path, label: str) -> dict[str, Any]:
    """The model row ``label`` of an eval report, and the data it ran on."""
    report = json.loads((eval_dir / "report.json").read_text())
    (row,) = [m for m in report["models"] if m["label"] == label]
    metrics = row["metrics"]
    return {
        "data": report["data"],
        "record_error": metrics["record_error_rate"],
        "record_error_ci95": [metrics["record_error_ci95_low"], metrics["record_error_ci95_high"]],
        "field_accuracy": metrics["field_accuracy"],
        "invalid_rate": metrics["invalid_rate"],
        "p50_ms": metrics["p50_ms"],
    }


def tune_summary(history: dict[str, Any] | None) -> dict[str, Any] | None:
    """Stage 2's figures from the run's meta.json (its losses left out); None when not run."""
    if history is None:
        return None
    return {k: v for k, v in history.items() if k != "losses"}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--run", type=Path, required=True)
    parser.add_argument("--eval-generated", type=Path, required=True)
    parser.add_argument("--eval-dev", type=Path, required=True)
    parser.add_argument("--label", default="student", help="the student's label in the evals")
    args = parser.parse_args()
    meta = json.loads((args.run / "meta.json").read_text())
    sources = training_sources(Path(meta["data"]["train_path"]))
    tokenizer = load_tokenizer(meta["base_model"])
    cut = meta["features"]["max_tokens"]
    tokens = sum(
        min(cut, len(tokenizer(header(s) + s.text)["input_ids"]))
        for s in sources[: meta["data"]["train_sources"] + meta["data"]["val_sources"]]
    )
    metrics = meta["metrics"]
    generated = student_figures(args.eval_generated, args.label)
    dev = student_figures(args.eval_dev, args.label)
    wall = metrics["train_seconds"]
    result = {
        "what": "one real CPU run of the recipe: read every source once with the frozen model, "
        "fit the scorer's heads, tune LoRA with the heads (stage 2, when configured), "
        "calibrate; then evaluate (eval time not in wall_s)",
        "student": meta["kind"],
        "device": meta["device"],
        # train.threads unset: torch's default, one thread per core
        "threads": meta["config"]["train"]["threads"] or meta["machine"]["cores"],
        "examples": meta["data"]["train_sources"] + meta["data"]["val_sources"],
        "train_sources": meta["data"]["train_sources"],
        "val_sources": meta["data"]["val_sources"],
        "epochs": meta["config"]["scorer"]["epochs"],
        "best_epoch": metrics["best_epoch"],
        "tokens": tokens,
        "wall_s": wall,
        "read_s": metrics["read_seconds"],
        # the heads' fits and stage 2 (its own seconds in tune_s where the run recorded them)
        "fit_s": round(wall - metrics["read_seconds"], 2),
        "tune": tune_summary(metrics.get("tune")),
        "tokens_per_s": round(tokens / metrics["read_seconds"], 1),
        "peak_rss_mb": metrics["peak_rss_mb"],
        "record_error_generated": generated["record_error"],
        "record_error_dev": dev["record_error"],
        "generated": generated,
        "dev": dev,
        "run_commit": meta["git_commit"],
    }
    print(write_result("train_recipe", result))


if __name__ == "__main__":
    main()
