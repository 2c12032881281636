#!/bin/bash
cd /work/main
ev() {
  OMP_NUM_THREADS=1 .venv/bin/protege eval --data out/hints/$2.jsonl --model $1=out/hints/$1 \
    --grounding $3 --concurrency 8 --out out/hints/eval_$1_$2_$3 > out/hints/eval_$1_$2_$3.log 2>&1
}
ev plain dev100 off &
while kill -0 12030 2>/dev/null; do sleep 10; done
ev plain gen200 off &
wait
touch out/hints/off_done
