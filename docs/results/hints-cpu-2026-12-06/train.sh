#!/bin/bash
# Two adapters, one config, trained side by side on one core each for the same wall budget:
# the plain prompt and the hinted prompt.
cd /work/main
COMMON="data.train=out/hints/train.jsonl train.epochs=1 train.gradient_checkpointing=false train.grad_accum=4 optim.warmup_steps=3 train.threads=1 train.max_minutes=55 train.eval_every=1000 train.save_every=10"
.venv/bin/protege train --config configs/liability/gemma-3-270m_lora.yaml $COMMON output_dir=out/hints/plain prompt=liability-extract > out/hints/train_plain.log 2>&1 &
.venv/bin/protege train --config configs/liability/gemma-3-270m_lora.yaml $COMMON output_dir=out/hints/hints prompt=liability-extract-hints > out/hints/train_hints.log 2>&1 &
wait
