"""The training loop: LoRA SFT, readable top to bottom.

forward (bf16 autocast over fp32 weights) -> loss on the answer tokens only, with logits computed
only at those positions -> backward -> clip -> AdamW step -> cosine schedule -> log -> validate ->
checkpoint. ``train`` yields ``TrainEvent``s; the CLI draws the progress bar from them.

Why logits only at answer positions: the output layer of Gemma (262k vocabulary) costs more than
the rest of the model per token, and the loss needs ~60-120 answer positions out of ~400-1000.
Why fp32 weights under bf16 autocast: bf16 weights round tiny LoRA updates away; autocast keeps
the matmuls in bf16 (fast on AMX) and the master weights in fp32.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from protege.datasets.split import unit_hash
from protege.models.device import autocast, native_bf16, resolve_device
from protege.prompts import BUILTIN_PROMPTS
from protege.provenance import git_commit, library_versions, machine, peak_rss_mb
from protege.train.checkpoint import load_checkpoint, save_checkpoint
from protege.train.config import TrainConfig
from protege.train.data import (
    IGNORE,
    TokenizedExample,
    collate,
    data_hash,
    iterate_batches,
    load_examples,
    summarize,
    tokenize,
)

if TYPE_CHECKING:
    import torch
    from peft import PeftModel

META_FILE = "meta.json"


@dataclass
class TrainEvent:
    """Progress of a run. ``kind`` is start, step, eval, checkpoint or done."""

    kind: str
    step: int
    total_steps: int
    loss: float | None = None
    val_loss: float | None = None
    lr: float | None = None
    tokens_per_s: float | None = None
    elapsed_s: float = 0.0
    message: str = ""
    meta: dict[str, Any] = field(default_factory=dict)


def completion_loss(model: PeftModel, batch: dict[str, torch.Tensor], bf16: bool) -> torch.Tensor:
    """Mean cross-entropy over answer tokens, computing logits only where labels exist."""
    import torch
    import torch.nn.functional as F

    base: Any = model.get_base_model()  # the CausalLM, with LoRA layers injected in place
    device = base.lm_head.weight.device
    batch = {key: value.to(device) for key, value in batch.items()}
    with autocast(device, bf16):
        hidden = base.model(
            input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]
        ).last_hidden_state
        labels = batch["labels"][:, 1:]  # position t predicts token t + 1
        keep = labels != IGNORE
        logits = base.lm_head(hidden[:, :-1][keep])
    logits = logits.float()
    softcap = getattr(base.config, "final_logit_softcapping", None)
    if softcap:
        logits = torch.tanh(logits / softcap) * softcap
    return F.cross_entropy(logits, labels[keep])


def use_bf16_autocast(setting: bool | str, device: torch.device | None = None) -> bool:
    """The ``autocast_bf16`` setting resolved: "auto" means on where the device (the CPU by
    default) multiplies bf16 in hardware."""
    import torch

    return native_bf16(device or torch.device("cpu")) if setting == "auto" else bool(setting)


def _dataset_hash(path: Path) -> str | None:
    """The ``content_hash`` of a dataset directory (None for a JSONL file)."""
    from protege.datasets import load_meta

    if not (path / "meta.json").is_file():  # a JSONL file, or bare rows.jsonl without meta
        return None
    value = load_meta(path).get("content_hash")
    return str(value) if value is not None else None


def lr_at(step: int, total: int, warmup: int, min_ratio: float) -> float:
    """Multiplier of the base learning rate: linear warm-up, then cosine down to min_ratio."""
    if step < warmup:
        return (step + 1) / (warmup + 1)
    progress = (step - warmup) / max(1, total - warmup)
    return min_ratio + (1 - min_ratio) * 0.5 * (1 + math.cos(math.pi * min(1.0, progress)))


def fit_to_budget(step: int, planned: int, elapsed_s: float, budget_s: float) -> int:
    """The planned steps that still fit ``budget_s`` at the mean step time so far: never more
    than ``planned``, never fewer than ``step`` (the step just taken is the last one when the
    budget is spent)."""
    per_step = elapsed_s / step
    fits = int(budget_s / per_step) if per_step > 0 else planned
    return max(step, min(planned, fits))


def split_validation(
    config: TrainConfig, examples: list[Any], load_val: Callable[[Path], list[Any]] | None = None
) -> tuple[list[Any], list[Any]]:
    """(train, validation): ``data.val`` read with ``load_val`` (default: chat examples) when
    given, else the ``data.val_fraction`` of ``examples`` held out by a hash of each id."""
    if config.data.val is not None:
        return examples, (load_val or load_examples)(config.data.val)
    if config.data.val_fraction == 0:
        return examples, []
    # By the stable hash of each id (as dataset splits are): an example is held out or not
    # whatever the file's order or length, so a re-run, a resume or a longer file holds out the
    # same rows.
    fraction, seed = config.data.val_fraction, config.train.seed
    held = {ex.id for ex in examples if unit_hash("val", seed, ex.id) < fraction}
    return [ex for ex in examples if ex.id not in held], [ex for ex in examples if ex.id in held]


def validation_loss(
    model: PeftModel, val: list[TokenizedExample], config: TrainConfig, pad_id: int
) -> float:
    """Mean answer-token loss over the validation examples."""
    import torch

    base: Any = model.get_base_model()
    device = base.lm_head.weight.device
    bf16 = use_bf16_autocast(config.train.autocast_bf16, device)
    model.eval()
    total, count = 0.0, 0
    with torch.no_grad():
        for start in range(0, len(val), config.train.batch_size):
            chunk = val[start : start + config.train.batch_size]
            loss = completion_loss(model, collate(chunk, pad_id), bf16)
            total += loss.item() * len(chunk)
            count += len(chunk)
    model.train()
    return total / max(count, 1)


def lora_model(config: TrainConfig) -> PeftModel:
    """The base model with fresh LoRA layers as ``config.lora`` says, gradient checkpointing on
    where ``config.train`` asks for it."""
    from peft import LoraConfig, get_peft_model

    from protege.models.loading import load_model

    model = get_peft_model(
        load_model(config.model),
        LoraConfig(
            r=config.lora.r,
            lora_alpha=config.lora.alpha,
            lora_dropout=config.lora.dropout,
            target_modules=config.lora.target_modules,
            task_type="CAUSAL_LM",
        ),
    )
    if config.train.gradient_checkpointing:
        # non-reentrant checkpointing works with frozen inputs (the embeddings need no grad)
        base: Any = model.get_base_model()
        kwargs = {"use_reentrant": False}
        if hasattr(base, "activation_checkpointing_enable"):  # transformers >= 5.x's new name
            base.activation_checkpointing_enable(activation_checkpointing_kwargs=kwargs)
        else:
            base.gradient_checkpointing_enable(gradient_checkpointing_kwargs=kwargs)
    return model


def train(config: TrainConfig, resume: bool = False) -> Iterator[TrainEvent]:
    """Run (or resume) a LoRA fine-tune; yield progress; write the adapter and meta.json."""
    import torch

    from protege.models.loading import load_tokenizer

    started = time.perf_counter()
    torch.manual_seed(config.train.seed)
    if config.train.threads:
        torch.set_num_threads(config.train.threads)
    tokenizer = load_tokenizer(config.model)
    pad_id = int(tokenizer.pad_token_id)
    examples = load_examples(config.data.train, BUILTIN_PROMPTS[config.prompt])[: config.data.limit]
    train_rows, val_rows = split_validation(config, examples)
    train_set = [tokenize(ex, tokenizer, config.data.max_seq_len) for ex in train_rows]
    val_set = [tokenize(ex, tokenizer, config.data.max_seq_len) for ex in val_rows]
    device = resolve_device(config.train.device)
    model = lora_model(config)
    model.to(device)
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(
        params, lr=config.optim.lr, weight_decay=config.optim.weight_decay
    )
    loop = config.train
    bf16 = use_bf16_autocast(loop.autocast_bf16, device)
    micro_per_epoch = math.ceil(len(train_set) / loop.batch_size)
    total_steps = loop.max_steps or max(
        1, math.ceil(micro_per_epoch * loop.epochs / loop.grad_accum)
    )
    plan = {"total": total_steps}  # the budget (fit_to_budget) may shrink it while training
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer,
        lambda s: lr_at(s, plan["total"], config.optim.warmup_steps, config.optim.min_lr_ratio),
    )
    output = Path(config.output_dir)
    history: dict[str, Any] = {"losses": [], "val_losses": [], "tokens": 0, "seconds": 0.0}
    step = 0
    if resume:
        step, history = load_checkpoint(output, model, optimizer, scheduler)
    epochs_needed = math.ceil(total_steps * loop.grad_accum / max(1, micro_per_epoch)) + 1
    batches = iterate_batches(train_set, loop.batch_size, loop.seed, epochs_needed)
    for _ in range(step * loop.grad_accum):  # skip what the checkpoint already trained on
        next(batches)
    yield TrainEvent(
        "start", step, total_steps, message=f"{len(train_set)} train / {len(val_set)} val examples"
    )
    model.train()
    window_tokens, window_start = 0, time.perf_counter()
    while step < total_steps:
        step_loss = 0.0
        for _ in range(loop.grad_accum):
            batch_examples = next(batches)
            batch = collate(batch_examples, pad_id)
            loss = completion_loss(model, batch, bf16) / loop.grad_accum
            loss.backward()  # type: ignore[no-untyped-call]
            step_loss += loss.item()
            tokens = int(batch["attention_mask"].sum())
            window_tokens += tokens
            history["tokens"] += tokens
        torch.nn.utils.clip_grad_norm_(params, config.optim.max_grad_norm)
        optimizer.step()
        scheduler.step()
        optimizer.zero_grad(set_to_none=True)
        step += 1
        now = time.perf_counter()
        if loop.max_minutes is not None:
            trained_s = history["seconds"] + now - started
            plan["total"] = fit_to_budget(step, plan["total"], trained_s, loop.max_minutes * 60)
            total_steps = plan["total"]
        tps = window_tokens / max(now - window_start, 1e-9)
        history["losses"].append([step, round(step_loss, 5)])
        yield TrainEvent(
            "step",
            step,
            total_steps,
            loss=step_loss,
            lr=float(scheduler.get_last_lr()[0]),
            tokens_per_s=tps,
            elapsed_s=now - started,
        )
        if val_set and (step % loop.eval_every == 0 or step == total_steps):
            val_loss = validation_loss(model, val_set, config, pad_id)
            history["val_losses"].append([step, round(val_loss, 5)])
            yield TrainEvent("eval", step, total_steps, val_loss=val_loss, elapsed_s=now - started)
        if step % loop.save_every == 0 and step < total_steps:
            history["seconds"] += time.perf_counter() - started
            started = time.perf_counter()
            save_checkpoint(output, model, optimizer, scheduler, step, history)
            yield TrainEvent("checkpoint", step, total_steps, message=str(output / "checkpoint"))
    history["seconds"] += time.perf_counter() - started
    meta = _meta(config, train_rows, train_set, val_set, history, tokenizer, device, bf16)
    model.save_pretrained(str(output))
    (output / META_FILE).write_text(json.dumps(meta, indent=2) + "\n")
    yield TrainEvent(
        "done", step, total_steps, elapsed_s=history["seconds"], message=str(output), meta=meta
    )


def _meta(
    config: TrainConfig,
    train_rows: list[Any],
    train_set: list[TokenizedExample],
    val_set: list[TokenizedExample],
    history: dict[str, Any],
    tokenizer: Any,
    device: torch.device,
    bf16: bool,
) -> dict[str, Any]:
    import torch

    from protege.models.registry import BASE_MODELS, resolve

    seconds = history["seconds"]
    return {
        "kind": "lora-adapter",
        "base_model": config.model,
        "base_model_path": str(resolve(config.model)),
        "base_model_registry": config.model in BASE_MODELS,
        "config": config.model_dump(mode="json"),
        "prompt": {"id": config.prompt, "version": BUILTIN_PROMPTS[config.prompt].version},
        "data": {
            "train_path": str(config.data.train),
            "dataset_content_hash": _dataset_hash(config.data.train),
            "hash": data_hash(train_rows),
            "train": summarize(train_set),
            "val": summarize(val_set),
        },
        "metrics": {
            "losses": history["losses"],
            "val_losses": history["val_losses"],
            "final_loss": history["losses"][-1][1] if history["losses"] else None,
            "final_val_loss": history["val_losses"][-1][1] if history["val_losses"] else None,
            "train_seconds": round(seconds, 2),
            "tokens": history["tokens"],
            "tokens_per_s": round(history["tokens"] / seconds, 1) if seconds else None,
            "peak_rss_mb": round(peak_rss_mb(), 1),
            "peak_gpu_mb": (
                round(torch.cuda.max_memory_allocated(device) / 2**20, 1)
                if device.type == "cuda"
                else None
            ),
        },
        "device": str(device),
        "precision": "bf16-autocast" if bf16 else "fp32",
        "git_commit": git_commit(),
        "versions": library_versions(),
        "machine": machine(),
        "vocab_size": len(tokenizer),
    }
