"""Fitting the scorer's heads on cached features: the targets of each source, the loss, one
epoch, one member's fit with its best validation epoch kept, validation and calibration.

Targets come from the verified records: for each key, every candidate whose value equals the
expected one (null when the record has none). A key whose expected value no candidate states
cannot be chosen, so it teaches nothing and is left out of the loss. The loss is each key's
negative log of the probability pooled over its right options, plus the type head's
cross-entropy. The threshold calibrated on validation is the lowest at which the records whose
every key clears it are at least the target accuracy right.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from protege.contract.normalize import normalize_value
from protege.contract.record import VerifiedSource
from protege.contract.scoring import score
from protege.engine.features import SourceFeatures
from protege.engine.scorer import CHOICE_KEYS, TYPE_CLASSES, TYPE_KEY, choose, type_mask
from protege.evidence import KEY_TYPES
from protege.train.config import ScorerSettings
from protege.train.loop import TrainEvent

if TYPE_CHECKING:
    import torch

EVAL_BATCH = 64  # sources through the heads at once when validating


@dataclass
class Example:
    """One source's features with its training targets."""

    source: VerifiedSource
    features: SourceFeatures
    allowed: torch.Tensor  # [1 + candidates, keys] bool: the options each key may choose
    targets: torch.Tensor  # [1 + candidates, keys] bool: the right options of each key
    keys: torch.Tensor  # [keys] bool: keys some option can get right
    type_index: int


def targets_of(source: VerifiedSource, features: SourceFeatures) -> Example:
    """Which options of each key are right for ``source``."""
    import torch

    targets = torch.zeros(1 + len(features.candidates), len(CHOICE_KEYS), dtype=torch.bool)
    for column, key in enumerate(CHOICE_KEYS):
        want = normalize_value(key, getattr(source.expected, key))
        if want is None:
            targets[0, column] = True
            continue
        for row, candidate in enumerate(features.candidates, start=1):
            if candidate.type == KEY_TYPES[key] and normalize_value(key, candidate.value) == want:
                targets[row, column] = True
    type_index = TYPE_CLASSES.index(getattr(source.expected, TYPE_KEY))
    return Example(source, features, type_mask(features), targets, targets.any(dim=0), type_index)


def forward(heads: Any, batch: Sequence[Example]) -> tuple[torch.Tensor, torch.Tensor]:
    """The heads over ``batch`` at once: logits [sources, 1 + most candidates, keys] and type
    logits [sources, types] (``Heads.batch``)."""
    import torch

    return heads.batch(  # type: ignore[no-any-return]
        [ex.features.spans for ex in batch], torch.stack([ex.features.doc for ex in batch])
    )


def batch_loss(heads: Any, batch: Sequence[Example]) -> torch.Tensor:
    """The mean over ``batch`` of each source's loss: the negative log of each key's pooled
    probability of its right options, summed over the keys some option gets right, plus the
    type head's cross-entropy. Every candidate of the batch goes through the heads at once."""
    import torch
    import torch.nn.functional as F

    logits, type_logits = forward(heads, batch)
    options, keys = logits.shape[1], logits.shape[2]
    allowed = torch.zeros(len(batch), options, keys, dtype=torch.bool)
    right = torch.zeros_like(allowed)
    for row, ex in enumerate(batch):
        n = 1 + len(ex.features.candidates)
        allowed[row, :n] = ex.allowed
        # a key no option gets right scores every option right: it adds 0 and no gradient
        right[row, :n] = ex.targets | ~ex.keys
    masked = logits.masked_fill(~allowed, float("-inf"))
    total = torch.logsumexp(masked, dim=1)
    chosen = torch.logsumexp(masked.masked_fill(~right, float("-inf")), dim=1)
    types = torch.tensor([ex.type_index for ex in batch])
    return (total - chosen).sum() / len(batch) + F.cross_entropy(type_logits, types)


def train_epoch(
    heads: Any,
    optimizer: Any,
    train_set: Sequence[Example],
    batch_size: int,
    rng: random.Random,
    loss_of: Callable[[Any, Sequence[Example]], torch.Tensor] = batch_loss,
) -> float:
    """One pass over ``train_set`` in a shuffled order, ``loss_of`` each batch; the mean loss
    per source."""
    order = list(range(len(train_set)))
    rng.shuffle(order)
    total = 0.0
    for at in range(0, len(order), batch_size):
        chunk = order[at : at + batch_size]
        loss = loss_of(heads, [train_set[i] for i in chunk])
        optimizer.zero_grad(set_to_none=True)
        loss.backward()  # type: ignore[no-untyped-call]
        optimizer.step()
        total += loss.item() * len(chunk)
    return total / max(1, len(train_set))


def calibrate(rows: Sequence[tuple[bool, float]], accuracy: float) -> tuple[float, float, float]:
    """(threshold, accuracy, coverage) for (record right, lowest key confidence) rows: the
    lowest threshold at which the records clearing it are at least ``accuracy`` right (1.0,
    covering nothing, when none is)."""
    ranked = sorted(rows, key=lambda r: -r[1])
    best = (1.0, 1.0, 0.0)
    right = 0
    for count, (is_right, confidence) in enumerate(ranked, start=1):
        right += is_right
        ties_follow = count < len(ranked) and ranked[count][1] == confidence
        if not ties_follow and right / count >= accuracy:
            best = (confidence, right / count, count / len(ranked))
    return best


def evaluate_heads(
    heads: Any, examples: Sequence[Example]
) -> tuple[float, list[tuple[bool, float]]]:
    """(record error, [(record right, lowest key confidence)]) on ``examples``."""
    import torch

    heads.eval()
    outputs, lowest = {}, {}
    with torch.inference_mode():
        for at in range(0, len(examples), EVAL_BATCH):
            chunk = examples[at : at + EVAL_BATCH]
            logits, type_logits = forward(heads, chunk)
            for row, ex in enumerate(chunk):
                n = 1 + len(ex.features.candidates)
                choice = choose(logits[row, :n], type_logits[row], ex.features)
                outputs[ex.source.id] = choice.output
                lowest[ex.source.id] = min(choice.confidence.values())
    report = score([ex.source for ex in examples], outputs)
    heads.train()
    rows = [(not r.wrong_keys and r.valid, lowest[r.id]) for r in report.rows]
    return report.overall.record_error_rate, rows


def fit_member(
    heads: Any,
    settings: ScorerSettings,
    train_set: Sequence[Example],
    val_set: Sequence[Example],
    seed: int,
    index: int,
    started: float,
) -> Generator[TrainEvent, None, dict[str, Any]]:
    """Fit one member of the heads from ``seed``, keeping its best validation epoch; yields
    step and eval events (numbered on across members) and returns its history."""
    import torch

    torch.manual_seed(seed)
    optimizer = torch.optim.AdamW(
        heads.parameters(), lr=settings.lr, weight_decay=settings.weight_decay
    )
    rng = random.Random(seed)
    best: tuple[float, int, dict[str, Any]] = (2.0, 0, {})
    losses: list[list[float]] = []
    errors: list[list[float]] = []
    total = settings.epochs * settings.members
    for epoch in range(1, settings.epochs + 1):
        step = index * settings.epochs + epoch
        mean_loss = train_epoch(heads, optimizer, train_set, settings.batch_size, rng)
        losses.append([epoch, round(mean_loss, 5)])
        elapsed = time.perf_counter() - started
        yield TrainEvent("step", step, total, loss=mean_loss, lr=settings.lr, elapsed_s=elapsed)
        if val_set:
            error, _ = evaluate_heads(heads, val_set)
            errors.append([epoch, round(error, 5)])
            yield TrainEvent(
                "eval", step, total, val_loss=error, elapsed_s=elapsed, message="val record error"
            )
            if error < best[0]:
                best = (error, epoch, {k: v.clone() for k, v in heads.state_dict().items()})
    if best[2]:
        heads.load_state_dict(best[2])
    return {
        "seed": seed,
        "best_epoch": best[1],
        "best_val_record_error": best[0] if best[2] else None,
        "losses": losses,
        "val_record_errors": errors,
    }
