"""How fast the scorer's heads fit: one source at a time (the baseline: a forward and a loss per
source, summed over a batch) against the batched fit the trainer uses (every candidate of a
batch through the heads in one matrix), on the same cached features of a real run.

    python bench/scorer_fit.py --run out/recipe/scorer --epochs 3

Both fit the same fresh heads (same seed, same shuffled order, the config's batch size and lr)
for ``--epochs`` epochs; the result is seconds per epoch for each, their ratio, and the losses of
both (equal up to float rounding, since the batched loss is the same sum). Writes
bench/results/scorer_fit.json.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _meta import write_result

from protege.engine.scorer import build_heads
from protege.train.config import TrainConfig
from protege.train.heads_fit import Example, batch_loss, targets_of, train_epoch
from protege.train.scorer import split_sources


def one_at_a_time(heads: Any, batch: Sequence[Example]) -> torch.Tensor:
    """The baseline: each source through the heads alone, its loss, then the batch's mean."""
    return torch.stack([batch_loss(heads, [ex]) for ex in batch]).mean()


def fit(
    examples: list[Example], loss_of: Callable[[Any, Sequence[Example]], torch.Tensor], args: Any
) -> tuple[list[float], list[float]]:
    """(seconds per epoch, mean loss per epoch) for fresh heads fitted with ``loss_of``."""
    torch.manual_seed(1)
    first = examples[0].features
    heads = build_heads(first.spans.shape[1], first.doc.shape[0], args.hidden, args.dropout)
    optimizer = torch.optim.AdamW(heads.parameters(), lr=args.lr, weight_decay=args.weight_decay)
    rng = random.Random(1)
    seconds, losses = [], []
    for _ in range(args.epochs):
        started = time.perf_counter()
        losses.append(train_epoch(heads, optimizer, examples, args.batch_size, rng, loss_of))
        seconds.append(time.perf_counter() - started)
    return seconds, losses


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--run", type=Path, required=True)
    parser.add_argument("--epochs", type=int, default=3)
    args = parser.parse_args()
    meta = json.loads((args.run / "meta.json").read_text())
    settings = meta["config"]["scorer"]
    args.hidden, args.dropout = settings["hidden"], settings["dropout"]
    args.batch_size, args.lr = settings["batch_size"], settings["lr"]
    args.weight_decay = settings["weight_decay"]
    read = torch.load(meta["data"]["feature_cache"], weights_only=False)
    train, val = split_sources(TrainConfig.model_validate(meta["config"]))  # the cache's order
    examples = [targets_of(s, f) for s, f in zip([*train, *val], read, strict=True)]
    rows = {}
    for name, loss_of in (("one_at_a_time", one_at_a_time), ("batched", batch_loss)):
        seconds, losses = fit(examples, loss_of, args)
        rows[name] = {
            "s_per_epoch": [round(s, 2) for s in seconds],
            "mean_s_per_epoch": round(sum(seconds) / len(seconds), 2),
            "losses": [round(x, 5) for x in losses],
        }
    result = {
        "what": "seconds per epoch fitting the scorer's heads on a real run's cached features",
        "run": str(args.run),
        "sources": len(examples),
        "batch_size": args.batch_size,
        "threads": torch.get_num_threads(),
        "baseline": "one_at_a_time",
        "rows": rows,
        "batched_speedup": round(
            rows["one_at_a_time"]["mean_s_per_epoch"] / rows["batched"]["mean_s_per_epoch"], 2
        ),
    }
    print(write_result("scorer_fit", result))


if __name__ == "__main__":
    main()
