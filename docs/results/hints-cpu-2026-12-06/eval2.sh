#!/bin/bash
# After both trainings, on one core each: the plain adapter with grounding on and off, the
# hinted adapter with grounding on; the 200 unseen generated sources (seed 31337) and the 100
# hand-written dev sources.
cd /work/main
while [ ! -f out/hints/plain/meta.json ] || [ ! -f out/hints/hints/meta.json ]; do sleep 20; done
ev() {  # adapter set grounding
  OMP_NUM_THREADS=1 .venv/bin/protege eval --data out/hints/$2.jsonl --model $1=out/hints/$1 \
    --grounding $3 --concurrency 8 --out out/hints/eval_$1_$2_$3 > out/hints/eval_$1_$2_$3.log 2>&1
}
(ev plain gen200 on; ev plain dev100 on; ev plain gen200 off; ev plain dev100 off) &
(ev hints gen200 on; ev hints dev100 on; touch out/hints/hints_done) &
wait
