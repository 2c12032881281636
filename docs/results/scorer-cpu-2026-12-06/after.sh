#!/bin/bash
# After the scorer trains: evaluate it on 500 unseen generated (seed 90210), the 200 of the
# LoRA comparison (seed 31337) and the 100 dev sources.
cd /work/main
while [ ! -f out/scorer/run/meta.json ]; do sleep 15; done
for set in dev100 gen500; do
  f=out/scorer/$set.jsonl; [ -f $f ] || f=out/hints/$set.jsonl
  OMP_NUM_THREADS=1 .venv/bin/protege eval --data $f --model scorer=out/scorer/run --concurrency 4 \
    --out out/scorer/eval_$set > out/scorer/eval_$set.log 2>&1
done
touch out/scorer/evals_done
