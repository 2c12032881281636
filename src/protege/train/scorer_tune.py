"""Stage 2 of the scorer student: LoRA on the base model, trained with the heads' loss.

Stage 1 fits the heads on features of the frozen model, so what those features do not separate
the heads cannot learn. Stage 2 puts LoRA layers (the config's ``lora`` section) on the layers
the featurizer runs (1 to the deepest one read) and trains them with the heads. Each optimizer
step reads ``tune_step_sources`` training sources with gradients on (``Featurizer.read(grad=
True)``: up to ``batch_sources`` sources of similar length a read, within ``READ_TOKENS``
padded tokens), scores their candidates and back-propagates the heads' loss
(``heads_fit.batch_loss``). There are no answer tokens, no decoding and no output layer. The
LoRA weights learn at ``tune_lr`` and the heads, already fitted, at a quarter of it; both decay
linearly to 0 over the pass, and gradients are clipped at norm 1.

Then the validation sources are read again with the tuned model. Stage 2 is kept only when
their record error is below stage 1's; otherwise the LoRA layers are removed and the stage-1
heads restored. A kept adapter is saved as a peft adapter directory (``ADAPTER_DIR``), which
``ScorerPredictor`` merges into the base model when it loads.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Generator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from protege.contract.record import VerifiedSource
from protege.engine.features import Featurizer
from protege.engine.scorer_predictor import ADAPTER_DIR
from protege.train.config import LoraSettings, ScorerSettings
from protege.train.heads_fit import Example, batch_loss, evaluate_heads, targets_of
from protege.train.loop import TrainEvent

if TYPE_CHECKING:
    from transformers import PreTrainedModel

HEADS_LR_SHARE = 0.25  # the fitted heads move slower than the fresh LoRA weights
# padded tokens a read with gradients holds: 4 sources of 1,024 tokens or one of 2,048+.
# Activations and attention scores are kept for the backward pass; 4 x 2,048 tokens took the
# process to 14 GB, one long source a read keeps it to a few.
READ_TOKENS = 4096


def read_examples(
    featurizer: Featurizer, sources: Sequence[VerifiedSource], batch: int
) -> list[Example]:
    """Every source's features, read without gradients, with its targets."""
    examples = []
    for at in range(0, len(sources), batch):
        chunk = sources[at : at + batch]
        examples += [targets_of(s, f) for s, f in zip(chunk, featurizer.read(chunk), strict=True)]
    return examples


def _reads(lengths: Sequence[int], most: int, seed: int) -> list[list[int]]:
    """Sources (by index) in reads of similar length, at most ``most`` and ``READ_TOKENS``
    padded tokens a read (a long source alone), in a seeded random order."""
    order = sorted(range(len(lengths)), key=lambda i: lengths[i])
    reads: list[list[int]] = []
    for index in order:
        last = reads[-1] if reads else []
        if last and len(last) < most and (len(last) + 1) * lengths[index] <= READ_TOKENS:
            last.append(index)
        else:
            reads.append([index])
    random.Random(seed).shuffle(reads)
    return reads


def _steps(reads: list[list[int]], sources: int) -> list[list[list[int]]]:
    """Consecutive reads grouped into optimizer steps of at least ``sources`` sources."""
    steps: list[list[list[int]]] = [[]]
    for read in reads:
        if sum(map(len, steps[-1])) >= sources:
            steps.append([])
        steps[-1].append(read)
    return steps


def tune(
    model: PreTrainedModel,
    featurizer: Featurizer,
    heads: Any,
    lora: LoraSettings,
    settings: ScorerSettings,
    train_rows: Sequence[VerifiedSource],
    val_set: Sequence[Example],
    seed: int,
    started: float,
) -> Generator[TrainEvent, None, tuple[Any, dict[str, Any], list[Example]]]:
    """Train LoRA on ``model`` (the featurizer's) and ``heads`` together; yields ``tune`` events,
    one an optimizer step, and an ``eval`` event. Returns the peft model when stage 2 is kept
    (else None), its history for meta.json, and the validation examples of the model kept.
    ``val_set`` holds stage 1's validation features."""
    import torch
    from peft import LoraConfig, get_peft_model

    before = evaluate_heads(heads, val_set)[0] if val_set else None
    saved = {k: v.clone() for k, v in heads.state_dict().items()}
    torch.manual_seed(seed)
    peft_model = get_peft_model(
        model,
        LoraConfig(
            r=lora.r,
            lora_alpha=lora.alpha,
            lora_dropout=lora.dropout,
            target_modules=lora.target_modules,
            layers_to_transform=list(range(max(settings.layers))),
        ),
    )
    adapter = [p for p in peft_model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(
        [
            {"params": adapter, "lr": settings.tune_lr},
            {"params": list(heads.parameters()), "lr": settings.tune_lr * HEADS_LR_SHARE},
        ],
        weight_decay=0.0,
    )
    tune_started = time.perf_counter()
    lengths = [featurizer.tokens(source) for source in train_rows]
    reads: list[list[int]] = []
    for epoch in range(math.ceil(settings.tune_epochs)):  # a fraction of a pass: its first reads
        passing = _reads(lengths, settings.batch_sources, seed + epoch)
        reads += passing[: max(1, round(len(passing) * min(1.0, settings.tune_epochs - epoch)))]
    steps = _steps(reads, settings.tune_step_sources)
    total = len(steps)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: 1 - s / total)
    every = adapter + list(heads.parameters())
    peft_model.train()
    heads.train()
    losses: list[list[float]] = []
    for step, group in enumerate(steps, start=1):
        size = sum(map(len, group))
        step_loss = 0.0
        for chunk in group:
            sources = [train_rows[i] for i in chunk]
            read = featurizer.read(sources, grad=True)
            examples = [targets_of(s, f) for s, f in zip(sources, read, strict=True)]
            loss = batch_loss(heads, examples) * len(chunk) / size  # the step's mean
            loss.backward()  # type: ignore[no-untyped-call]
            step_loss += loss.item()
        torch.nn.utils.clip_grad_norm_(every, 1.0)
        optimizer.step()
        scheduler.step()
        optimizer.zero_grad(set_to_none=True)
        losses.append([step, round(step_loss, 5)])
        elapsed = time.perf_counter() - started
        lr = float(scheduler.get_last_lr()[0])
        yield TrainEvent("tune", step, total, loss=step_loss, lr=lr, elapsed_s=elapsed)
    peft_model.eval()
    after, reread = None, list(val_set)
    if val_set:
        reread = read_examples(featurizer, [ex.source for ex in val_set], settings.batch_sources)
        after = evaluate_heads(heads, reread)[0]
        elapsed = time.perf_counter() - started
        yield TrainEvent(
            "eval", total, total, val_loss=after, elapsed_s=elapsed, message="stage 2 val error"
        )
    kept = before is None or (after is not None and after < before)
    if not kept:
        peft_model.unload()  # the LoRA layers out, the base weights untouched
        heads.load_state_dict(saved)
    heads.eval()
    history = {
        "steps": total,
        "sources_per_step": settings.tune_step_sources,
        "sources": sum(map(len, reads)),
        "losses": losses,
        "val_record_error_before": before,
        "val_record_error_after": after,
        "kept": kept,
        "seconds": round(time.perf_counter() - tune_started, 2),  # validation's re-read included
    }
    return (peft_model if kept else None), history, (reread if kept else list(val_set))


def save_adapter(peft_model: Any, run: Path) -> None:
    """Write a kept stage-2 adapter into the scorer directory ``run`` (``ADAPTER_DIR``)."""
    peft_model.save_pretrained(str(run / ADAPTER_DIR))
