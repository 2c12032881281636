"""Benchmark: what the CPU training recipe costs, measured on its own config and its own data,
against the previous recipe (the generator's LoRA loop) and transformers.Trainer + peft, in one
run.

The data is the recipe's (`make recipe`): 2,000 generated sources of seed 1, written to a JSONL
file and loaded by the trainers' own readers. Each row runs in its own process, so its peak
memory is its own:

- ``scorer``, the recipe (configs/liability/gemma-3-270m_scorer.yaml): the frozen model reads
  the sources in the trainer's batches (sorted by length, ``batch_sources`` each), then one set
  of heads fits on the features read, validation included, as ``protege.train.scorer`` does,
  then stage 2 (``protege.train.scorer_tune.tune``) makes one pass over the sources read;
- ``loop``, the previous recipe (configs/liability/gemma-3-270m_lora.yaml): LoRA SFT of the
  generator with ``protege.train.loop`` (its model, precision, checkpointing, micro-batches and
  answer-only loss);
- ``trainer``: transformers.Trainer + peft with the same LoRA config, examples and micro-batches
  as ``loop``, and its own loss over the full vocabulary at every position.

Tokens per example and the padding share are counted over all 2,000 sources, by tokenizing
only. Tokens/s is measured on ``--batches`` batches drawn at random, after one warm-up batch.
The projected recipe wall time divides every batch's padded positions by the positions/s
measured, times the epochs. For the scorer, the heads' measured seconds per source and epoch
are added, times the epochs and members, and stage 2's seconds per source times the sources
its ``tune_epochs`` covers, plus the validation read again after it; ``actual_recipe_wall_s`` is the last real recipe run's
(bench/results/train_recipe.json), for checking the projection.

    python bench/train_throughput.py [--batches 6]

Writes bench/results/train_throughput.json.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _meta import RESULTS, write_result

ROOT = Path(__file__).resolve().parent.parent
SCORER_CONFIG = ROOT / "configs/liability/gemma-3-270m_scorer.yaml"
LORA_CONFIG = ROOT / "configs/liability/gemma-3-270m_lora.yaml"
SOURCES, SEED = 2000, 1  # make recipe's training data
SAMPLE_SEED = 99  # which batches are timed


def padding(widths: list[int], sizes: list[int], tokens: int) -> dict[str, Any]:
    """Padded positions and the share of them that is padding, for batches of ``sizes`` rows
    padded to ``widths``, holding ``tokens`` real tokens."""
    positions = sum(w * n for w, n in zip(widths, sizes, strict=True))
    return {"positions": positions, "padding_share": round(1 - tokens / positions, 4)}


def scorer_child(data: Path, batches: int) -> dict[str, Any]:
    """Read a sample of the recipe's batches, fit one set of heads on what was read."""
    import torch

    from protege.engine.features import FeatureSpec, Featurizer
    from protege.engine.scorer import build_heads
    from protege.models.loading import load_model, load_tokenizer
    from protege.provenance import peak_rss_mb
    from protege.train.config import load_config
    from protege.train.heads_fit import evaluate_heads, targets_of, train_epoch
    from protege.train.scorer import split_sources
    from protege.train.scorer_tune import tune

    config = load_config(SCORER_CONFIG, [f"data.train={data}"])
    settings = config.scorer
    train, val = split_sources(config)
    every = [*train, *val]
    spec = FeatureSpec(
        tuple(settings.layers), settings.window, settings.max_tokens, settings.far_window
    )
    if config.train.threads:
        torch.set_num_threads(config.train.threads)
    model = load_model(config.model)
    featurizer = Featurizer(model, load_tokenizer(config.model), spec)
    lengths = [featurizer.tokens(s) for s in every]  # what a read of each takes
    order = sorted(range(len(every)), key=lambda i: len(every[i].text))  # read_features' order
    chunks = [
        order[a : a + settings.batch_sources] for a in range(0, len(order), settings.batch_sources)
    ]
    widths = [max(lengths[i] for i in c) for c in chunks]
    counted = padding(widths, [len(c) for c in chunks], sum(lengths))
    sample = random.Random(SAMPLE_SEED).sample(range(len(chunks)), batches + 1)
    read, tokens, positions, seconds = [], 0, 0, 0.0
    for n, c in enumerate(sample):
        started = time.perf_counter()
        features = featurizer.read([every[i] for i in chunks[c]])
        if n:  # the first batch warms up
            seconds += time.perf_counter() - started
            tokens += sum(lengths[i] for i in chunks[c])
            positions += widths[c] * len(chunks[c])
        read += [targets_of(every[i], f) for i, f in zip(chunks[c], features, strict=True)]
    torch.manual_seed(config.train.seed)
    first = read[0].features
    heads = build_heads(first.spans.shape[1], first.doc.shape[0], settings.hidden, settings.dropout)
    optimizer = torch.optim.AdamW(
        heads.parameters(), lr=settings.lr, weight_decay=settings.weight_decay
    )
    fit_epochs = 5
    started = time.perf_counter()
    for _ in range(fit_epochs):
        train_epoch(heads, optimizer, read, settings.batch_size, random.Random(1))
    fit_s = (time.perf_counter() - started) / fit_epochs / len(read)
    started = time.perf_counter()
    evaluate_heads(heads, read)
    val_s = (time.perf_counter() - started) / len(read)
    fit_total = (fit_s * len(train) + val_s * len(val)) * settings.epochs * settings.members
    tune_s, tune_total = None, 0.0
    if settings.tune_epochs:  # stage 2 as the trainer runs it, over one pass of the sample
        sample_rows = [every[i] for c in sample for i in chunks[c]]
        started = time.perf_counter()
        steps = tune(
            model,
            featurizer,
            heads,
            config.lora,
            settings.model_copy(update={"tune_epochs": 1.0}),
            sample_rows,
            [],
            config.train.seed,
            started,
        )
        for _ in steps:
            pass
        tune_s = (time.perf_counter() - started) / len(sample_rows)
        read_s = seconds / max(1, tokens) * sum(lengths) / len(lengths)  # a source's read
        # the pass over the training sources, and validation read again after it
        tune_total = tune_s * len(train) * settings.tune_epochs + read_s * len(val)
    return {
        "examples": len(every),
        "epochs": settings.epochs,
        "members": settings.members,
        "tokens_per_example": round(sum(lengths) / len(lengths), 1),
        **counted,
        "tokens_timed": tokens,
        "seconds_timed": round(seconds, 2),
        "tokens_per_s": round(tokens / seconds, 1),
        "positions_per_s": positions / seconds,
        "heads_s_per_source_epoch": round(fit_s, 6),
        "tune_epochs": settings.tune_epochs,
        "tune_s_per_source": round(tune_s, 3) if tune_s else None,
        "projected_wall_s": round(
            counted["positions"] / (positions / seconds) + fit_total + tune_total
        ),
        "peak_rss_mb": round(peak_rss_mb()),
    }


def _lora_batches(data: Path, batches: int) -> tuple[Any, list[list[Any]], dict[str, Any]]:
    """The LoRA recipe's config, a random sample of its micro-batches, and its token counts."""
    from protege.models.loading import load_tokenizer
    from protege.prompts import BUILTIN_PROMPTS
    from protege.train.config import load_config
    from protege.train.data import length_grouped_batches, load_examples, tokenize
    from protege.train.loop import split_validation

    config = load_config(LORA_CONFIG, [f"data.train={data}"])
    tokenizer = load_tokenizer(config.model)
    rows, _ = split_validation(config, load_examples(data, BUILTIN_PROMPTS[config.prompt]))
    examples = [tokenize(ex, tokenizer, config.data.max_seq_len) for ex in rows]
    groups = length_grouped_batches(examples, config.train.batch_size, config.train.seed)
    lengths = [len(ex.input_ids) for ex in examples]
    widths = [max(lengths[i] for i in g) for g in groups]
    counted = {
        "examples": len(examples),
        "epochs": config.train.epochs,
        "tokens_per_example": round(sum(lengths) / len(lengths), 1),
        **padding(widths, [len(g) for g in groups], sum(lengths)),
        "pad_id": int(tokenizer.pad_token_id),
    }
    sample = random.Random(SAMPLE_SEED).sample(groups, batches + 1)
    return config, [[examples[i] for i in g] for g in sample], counted


def _timed(counted: dict[str, Any], batches: list[list[Any]], seconds: float) -> dict[str, Any]:
    """Throughput over the batches after the first, and the recipe's projected wall time."""
    from protege.provenance import peak_rss_mb

    tokens = sum(len(ex.input_ids) for b in batches[1:] for ex in b)
    positions = sum(max(len(ex.input_ids) for ex in b) * len(b) for b in batches[1:])
    per_s = positions / seconds
    return {
        **{k: v for k, v in counted.items() if k != "pad_id"},
        "tokens_timed": tokens,
        "seconds_timed": round(seconds, 2),
        "tokens_per_s": round(tokens / seconds, 1),
        "positions_per_s": per_s,
        "projected_wall_s": round(counted["positions"] * counted["epochs"] / per_s),
        "peak_rss_mb": round(peak_rss_mb()),
    }


def loop_child(data: Path, batches: int) -> dict[str, Any]:
    """protege's LoRA loop, as ``protege.train.loop.train`` steps it."""
    import torch

    from protege.train.data import collate
    from protege.train.loop import completion_loss, lora_model, use_bf16_autocast

    config, sample, counted = _lora_batches(data, batches)
    torch.manual_seed(config.train.seed)
    model = lora_model(config)
    model.train()
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(params, lr=config.optim.lr)
    bf16 = use_bf16_autocast(config.train.autocast_bf16)
    accum = config.train.grad_accum
    seconds = 0.0
    for n, batch in enumerate(sample):
        started = time.perf_counter()
        loss = completion_loss(model, collate(batch, counted["pad_id"]), bf16) / accum
        loss.backward()  # type: ignore[no-untyped-call]
        if (n + 1) % accum == 0 or n == len(sample) - 1:
            torch.nn.utils.clip_grad_norm_(params, config.optim.max_grad_norm)
            optimizer.step()
            optimizer.zero_grad(set_to_none=True)
        if n:
            seconds += time.perf_counter() - started
    return {"precision": "bf16-autocast" if bf16 else "fp32", **_timed(counted, sample, seconds)}


def trainer_child(data: Path, batches: int) -> dict[str, Any]:
    """transformers.Trainer + peft over the same micro-batches."""
    import torch
    from transformers import Trainer, TrainerCallback, TrainingArguments

    from protege.train.data import collate
    from protege.train.loop import lora_model

    config, sample, counted = _lora_batches(data, batches)

    class Batches(torch.utils.data.IterableDataset):  # type: ignore[type-arg]
        def __iter__(self) -> Any:
            for batch in sample:
                yield from batch

    ends: list[float] = []

    class Clock(TrainerCallback):  # type: ignore[misc]
        """A timestamp at the end of every step (one micro-batch each)."""

        def on_step_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
            ends.append(time.perf_counter())

    # A step per micro-batch, so the Trainer runs exactly the sample's micro-batches (with 8
    # accumulated over a 7-batch sample it ran over 20 minutes without ending). The AdamW step
    # over the LoRA weights is small beside a micro-batch's forward and backward pass.
    args = TrainingArguments(
        output_dir=tempfile.mkdtemp(prefix="protege-bench-trainer-"),
        per_device_train_batch_size=config.train.batch_size,
        max_steps=len(sample),
        learning_rate=config.optim.lr,
        gradient_checkpointing=config.train.gradient_checkpointing,
        gradient_checkpointing_kwargs={"use_reentrant": False},
        logging_strategy="no",
        save_strategy="no",
        report_to=[],
        use_cpu=True,
        dataloader_num_workers=0,
        disable_tqdm=True,
    )
    torch.manual_seed(config.train.seed)
    # the Trainer turns checkpointing on itself
    plain = config.model_copy(
        update={"train": config.train.model_copy(update={"gradient_checkpointing": False})}
    )
    trainer = Trainer(
        model=lora_model(plain),
        args=args,
        train_dataset=Batches(),
        data_collator=lambda items: collate(items, counted["pad_id"]),
        callbacks=[Clock()],
    )
    trainer.train()
    return {"precision": "fp32", **_timed(counted, sample, ends[-1] - ends[0])}


CHILDREN = {"scorer": scorer_child, "loop": loop_child, "trainer": trainer_child}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batches", type=int, default=6, help="timed batches (after 1 warm-up)")
    parser.add_argument("--child", choices=tuple(CHILDREN))
    parser.add_argument("--data", type=Path)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(CHILDREN[args.child](args.data, args.batches)))
        return
    from protege.corpus import generate

    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "train.jsonl"
        data.write_text("".join(json.dumps(g.to_row()) + "\n" for g in generate(SOURCES, SEED)))
        rows = {}
        for name in CHILDREN:
            cmd = [sys.executable, __file__, "--child", name, "--data", str(data)]
            cmd += ["--batches", str(args.batches)]
            out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
            rows[name] = json.loads(out.strip().splitlines()[-1])
            print(name, rows[name], flush=True)
    recipe = RESULTS / "train_recipe.json"
    actual = json.loads(recipe.read_text()).get("wall_s") if recipe.is_file() else None
    path = write_result(
        "train_throughput",
        {
            "data": f"{SOURCES} generated sources, seed {SEED} (make recipe's)",
            "recipe": "scorer",
            "baseline": "trainer (transformers.Trainer + peft, the LoRA recipe's config)",
            "rows": rows,
            "actual_recipe_wall_s": actual,
            "projected_wall_ratio_vs_baseline": round(
                rows["trainer"]["projected_wall_s"] / rows["scorer"]["projected_wall_s"], 1
            ),
            "loop_tokens_per_s_ratio_vs_baseline": round(
                rows["loop"]["tokens_per_s"] / rows["trainer"]["tokens_per_s"], 2
            ),
        },
    )
    print(path.read_text())


if __name__ == "__main__":
    main()
