"""Which hidden layers the scorer reads, decided by measurement.

Reads the training sources and a held-out generated set once with the frozen base model at
every candidate layer, then fits the heads on each subset of layers (the feature columns of a
subset are a slice of the full read) and reports validation record error, with the read time
per source up to each subset's deepest layer (the model runs only that far).

    python bench/scorer_layers.py --train out/scorer/train.jsonl --val out/scorer/val.jsonl

Writes bench/results/scorer_layers.json.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import torch

from protege.contract.io import load_verified
from protege.engine.features import SCALARS, FeatureSpec, Featurizer, SourceFeatures
from protege.engine.scorer import build_heads
from protege.models.loading import load_model, load_tokenizer
from protege.train.config import ScorerSettings
from protege.train.heads_fit import evaluate_heads, targets_of, train_epoch
from protege.train.scorer import read_features

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _meta import write_result

ALL_LAYERS = (3, 6, 9, 12, 15, 18)
SUBSETS = [(6,), (9,), (12,), (18,), (6, 12), (9, 18), (6, 12, 18), (3, 9, 15)]


def columns(subset: tuple[int, ...], hidden: int) -> torch.Tensor:
    """The feature columns of ``subset`` in a read of ALL_LAYERS: span, left and right means
    of each layer, then the scalars."""
    width = len(ALL_LAYERS) * hidden
    picked = []
    for part in range(3):
        for layer in subset:
            at = part * width + ALL_LAYERS.index(layer) * hidden
            picked.extend(range(at, at + hidden))
    picked.extend(range(3 * width, 3 * width + SCALARS))
    return torch.tensor(picked)


def doc_columns(subset: tuple[int, ...], hidden: int) -> torch.Tensor:
    picked: list[int] = []
    for layer in subset:
        at = ALL_LAYERS.index(layer) * hidden
        picked.extend(range(at, at + hidden))
    return torch.tensor(picked)


def sliced(features: SourceFeatures, cols: torch.Tensor, dcols: torch.Tensor) -> SourceFeatures:
    return SourceFeatures(
        features.candidates, features.spans[:, cols], features.doc[dcols], features.tokens
    )


def fit(train: list[Any], val: list[Any], settings: ScorerSettings, dims: tuple[int, int]) -> Any:
    torch.manual_seed(1)
    heads = build_heads(dims[0], dims[1], settings.hidden, settings.dropout)
    optimizer = torch.optim.AdamW(
        heads.parameters(), lr=settings.lr, weight_decay=settings.weight_decay
    )
    rng = random.Random(1)
    errors = []
    for _ in range(settings.epochs):
        train_epoch(heads, optimizer, train, settings.batch_size, rng)
        errors.append(evaluate_heads(heads, val)[0])
    return min(errors), errors.index(min(errors)) + 1


def read_time(model_name: str, depth: int, sources: list[Any]) -> float:
    """Median seconds to read one source (batch of 1) up to layer ``depth``."""
    featurizer = Featurizer(
        load_model(model_name), load_tokenizer(model_name), FeatureSpec((depth,), 8, 2048)
    )
    times = []
    for source in sources:
        started = time.perf_counter()
        featurizer.read([source])
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--train", type=Path, required=True)
    parser.add_argument("--val", type=Path, required=True)
    parser.add_argument("--model", default="gemma-3-270m")
    parser.add_argument("--cache", type=Path, default=Path("out/scorer/layer-cache"))
    args = parser.parse_args()
    train_rows, val_rows = load_verified(args.train), load_verified(args.val)
    spec = FeatureSpec(ALL_LAYERS, 8, 2048)
    featurizer = Featurizer(load_model(args.model), load_tokenizer(args.model), spec)
    hidden = featurizer.hidden
    started = time.perf_counter()
    read: list[SourceFeatures] = []
    for name, rows in (("train", train_rows), ("val", val_rows)):
        for _, done in read_features(featurizer, rows, 4, args.cache / f"{name}-{len(rows)}.pt"):
            read = done or read
        if name == "train":
            train_read = read
    val_read = read
    read_s = time.perf_counter() - started
    settings = ScorerSettings()
    results = []
    for subset in SUBSETS:
        cols, dcols = columns(subset, hidden), doc_columns(subset, hidden)
        train = [
            targets_of(s, sliced(f, cols, dcols))
            for s, f in zip(train_rows, train_read, strict=True)
        ]
        val = [
            targets_of(s, sliced(f, cols, dcols)) for s, f in zip(val_rows, val_read, strict=True)
        ]
        fit_started = time.perf_counter()
        error, epoch = fit(train, val, settings, (len(cols), len(dcols)))
        results.append(
            {
                "layers": list(subset),
                "val_record_error": round(error, 4),
                "best_epoch": epoch,
                "fit_s": round(time.perf_counter() - fit_started, 1),
            }
        )
        print(json.dumps(results[-1]), flush=True)
    depths = sorted({max(s) for s in SUBSETS})
    timing = {str(d): round(read_time(args.model, d, val_rows[:20]), 3) for d in depths}
    report = {
        "what": "scorer layer choice: val record error per layer subset, read time per depth",
        "model": args.model,
        "train": {"path": str(args.train), "n": len(train_rows)},
        "val": {"path": str(args.val), "n": len(val_rows)},
        "window": spec.window,
        "heads": settings.model_dump(),
        "read_all_layers_s": round(read_s, 1),
        "median_read_s_by_depth": timing,
        "results": results,
    }
    print(write_result("scorer_layers", report), json.dumps(timing))


if __name__ == "__main__":
    main()
