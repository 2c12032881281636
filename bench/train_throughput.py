"""Benchmark: tokens/s of protege's training loop vs a plain transformers.Trainer + peft.

Both run in their own process (so peak memory is each one's own), on the same model, the same
examples in the same order, the same LoRA settings and the same number of optimizer steps.

- baseline: ``transformers.Trainer`` (fp32, full logits over every position, its own loss);
- protege: ``protege.train.loop.completion_loss`` under bf16 autocast, logits only at answer
  positions, the same AdamW step.

The first step of each is a warm-up and is not timed. Writes bench/results/train_throughput.json.
Usage: python bench/train_throughput.py [--model gemma-3-270m] [--steps 6] [--batch-size 4]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _meta import write_result

SEED = 99


def _examples(model: str, n: int, max_len: int) -> tuple[Any, list[Any]]:
    from protege.contract import Source
    from protege.corpus import generate
    from protege.models.loading import load_tokenizer
    from protege.prompts import render_messages, target_text
    from protege.train.data import ChatExample, tokenize

    tokenizer = load_tokenizer(model)
    examples = []
    for g in generate(n, seed=SEED):
        source = Source.model_validate(g.to_row())
        examples.append(
            tokenize(
                ChatExample(g.id, render_messages(source), target_text(g.expected)),
                tokenizer,
                max_len,
            )
        )
    return tokenizer, examples


def _peft_model(model: str) -> Any:
    from peft import LoraConfig, get_peft_model

    from protege.models.loading import load_model
    from protege.train.config import ALL_LINEAR

    lora = LoraConfig(
        r=16, lora_alpha=32, lora_dropout=0.0, target_modules=ALL_LINEAR, task_type="CAUSAL_LM"
    )
    return get_peft_model(load_model(model), lora)


def _batches(examples: list[Any], batch_size: int, steps: int) -> list[list[Any]]:
    from protege.train.data import length_grouped_batches

    order = length_grouped_batches(examples, batch_size, SEED)[:steps]
    return [[examples[i] for i in batch] for batch in order]


def run_protege(model: str, batches: list[list[Any]], pad_id: int) -> dict[str, Any]:
    import torch

    from protege.provenance import peak_rss_mb
    from protege.train.data import collate
    from protege.train.loop import completion_loss

    peft_model = _peft_model(model)
    peft_model.train()
    opt = torch.optim.AdamW([p for p in peft_model.parameters() if p.requires_grad], lr=2e-4)
    tokens, started = 0, 0.0
    for i, batch in enumerate(batches):
        if i == 1:
            started = time.perf_counter()
        data = collate(batch, pad_id)
        loss = completion_loss(peft_model, data, bf16=True)
        loss.backward()
        opt.step()
        opt.zero_grad(set_to_none=True)
        if i >= 1:
            tokens += int(data["attention_mask"].sum())
    seconds = time.perf_counter() - started
    return {
        "tokens": tokens,
        "seconds": seconds,
        "tokens_per_s": tokens / seconds,
        "peak_rss_mb": peak_rss_mb(),
    }


def run_trainer(model: str, batches: list[list[Any]], pad_id: int) -> dict[str, Any]:
    import torch
    from transformers import Trainer, TrainerCallback, TrainingArguments

    from protege.provenance import peak_rss_mb
    from protege.train.data import collate

    class Batches(torch.utils.data.IterableDataset):  # type: ignore[type-arg]
        def __iter__(self) -> Any:
            for batch in batches:
                yield from batch

    timing: dict[str, float] = {}

    class Clock(TrainerCallback):  # type: ignore[misc]
        def on_step_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
            if state.global_step == 1:
                timing["start"] = time.perf_counter()
            timing["end"] = time.perf_counter()

    args = TrainingArguments(
        output_dir="/tmp/protege-bench-trainer",
        per_device_train_batch_size=len(batches[0]),
        max_steps=len(batches),
        learning_rate=2e-4,
        logging_strategy="no",
        save_strategy="no",
        report_to=[],
        use_cpu=True,
        dataloader_num_workers=0,
        disable_tqdm=True,
    )
    trainer = Trainer(
        model=_peft_model(model),
        args=args,
        train_dataset=Batches(),
        data_collator=lambda items: collate(items, pad_id),
        callbacks=[Clock()],
    )
    trainer.train()
    tokens = sum(int(collate(b, pad_id)["attention_mask"].sum()) for b in batches[1:])
    seconds = timing["end"] - timing["start"]
    return {
        "tokens": tokens,
        "seconds": seconds,
        "tokens_per_s": tokens / seconds,
        "peak_rss_mb": peak_rss_mb(),
    }


def child(mode: str, model: str, steps: int, batch_size: int, max_len: int) -> None:
    tokenizer, examples = _examples(model, 200, max_len)
    batches = _batches(examples, batch_size, steps + 1)
    runner = run_protege if mode == "protege" else run_trainer
    print(json.dumps(runner(model, batches, int(tokenizer.pad_token_id))))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="gemma-3-270m")
    parser.add_argument(
        "--steps", type=int, default=6, help="timed optimizer steps (after 1 warm-up)"
    )
    parser.add_argument("--batch-size", type=int, default=4)
    # 512: the baseline materializes fp32 logits for every position (4 x 512 x 262k x 4 B =
    # 2 GiB, more with their gradient); at 1536 it is killed for memory on a 24 GiB machine.
    parser.add_argument("--max-len", type=int, default=512)
    parser.add_argument("--child", choices=("protege", "trainer"))
    args = parser.parse_args()
    if args.child:
        child(args.child, args.model, args.steps, args.batch_size, args.max_len)
        return
    results = {}
    for mode in ("trainer", "protege"):
        cmd = [
            sys.executable,
            __file__,
            "--child",
            mode,
            "--model",
            args.model,
            "--steps",
            str(args.steps),
            "--batch-size",
            str(args.batch_size),
            "--max-len",
            str(args.max_len),
        ]
        out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
        results[mode] = json.loads(out.strip().splitlines()[-1])
        print(mode, results[mode], flush=True)
    path = write_result(
        "train_throughput",
        {
            "model": args.model,
            "steps": args.steps,
            "batch_size": args.batch_size,
            "baseline": "transformers.Trainer + peft, fp32, full logits",
            "tokens_per_s_protege": round(results["protege"]["tokens_per_s"], 1),
            "tokens_per_s_baseline": round(results["trainer"]["tokens_per_s"], 1),
            "ratio": round(
                results["protege"]["tokens_per_s"] / results["trainer"]["tokens_per_s"], 2
            ),
            "peak_rss_mb_protege": round(results["protege"]["peak_rss_mb"]),
            "peak_rss_mb_baseline": round(results["trainer"]["peak_rss_mb"]),
            "tokens_timed": results["protege"]["tokens"],
        },
    )
    print(path.read_text())


if __name__ == "__main__":
    main()
