#!/usr/bin/env bash
# The whole flywheel on one machine (make demo): an application's traffic goes through
# protege gateway to a teacher and is logged; the logs become a dataset; a student is trained on
# it (the scorer, minutes on a CPU); protege serve serves it, with the teacher as the fallback;
# protege extract runs through it; and one eval table puts teacher and student side by side.
#
# The teacher: with OPENAI_API_KEY set, a real remote model (PROTEGE_DEMO_TEACHER, default
# gpt-4.1-mini, at OPENAI_BASE_URL or api.openai.com; priced by the shipped price table). Without a key, the shipped student
# (liability-gemma-3-270m) served locally stands in for it, and the demo says so.
set -euo pipefail

BIN=${BIN:-.venv/bin}
DEMO=${DEMO:-out/demo}
N_APP=${N_APP:-150}      # sources the application sends (the training traffic)
N_TEST=${N_TEST:-40}     # held-out sources for extract and eval
PORT_TEACHER=${PORT_TEACHER:-8301}
PORT_GATEWAY=${PORT_GATEWAY:-8300}
PORT_SERVE=${PORT_SERVE:-8302}
mkdir -p "$DEMO"
rm -f "$DEMO/logs.db"
rm -rf "$DEMO/spool" "$DEMO/student"
STORE="sqlite:///$PWD/$DEMO/logs.db"
PIDS=()
cleanup() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
wait_up() {  # URL: until it answers (60 s at most)
  for _ in $(seq 1 120); do
    if curl -sf -o /dev/null "$1"; then return 0; fi
    sleep 0.5
  done
  echo "$1 did not come up" >&2
  return 1
}

say "1/7 data: $N_APP sources the application will send, $N_TEST held out"
$BIN/protege corpus generate --n "$N_APP" --seed 11 --out "$DEMO/app.jsonl"
$BIN/protege corpus generate --n "$N_TEST" --seed 12 --out "$DEMO/test.jsonl"

if [[ -n "${OPENAI_API_KEY:-}" ]]; then
  TEACHER_URL=${OPENAI_BASE_URL:-https://api.openai.com/v1}
  TEACHER_MODEL=${PROTEGE_DEMO_TEACHER:-gpt-4.1-mini}
  TEACHER_KEY="    api_key_env: OPENAI_API_KEY"
  ROUTE=$TEACHER_MODEL  # the gateway routes it by its own name, which prices it
  PRICING=""
  say "2/7 the teacher: $TEACHER_MODEL at $TEACHER_URL (OPENAI_API_KEY is set)"
else
  TEACHER_URL="http://127.0.0.1:$PORT_TEACHER/v1"
  TEACHER_MODEL=liability-gemma-3-270m
  TEACHER_KEY=""
  ROUTE=teacher
  PRICING=",self-hosted"  # priced by the CPU time the server reports
  say "2/7 the teacher: no OPENAI_API_KEY, so the shipped student liability-gemma-3-270m, served locally, stands in for it (set OPENAI_API_KEY to use a real remote teacher)"
  $BIN/protege serve --model liability-gemma-3-270m --port "$PORT_TEACHER" --no-preload &
  PIDS+=($!)
  wait_up "http://127.0.0.1:$PORT_TEACHER/healthz"
fi

cat > "$DEMO/gateway.yaml" <<YAML
store: $STORE
spool_dir: $DEMO/spool
routes:
  - model: $ROUTE
    upstream: $TEACHER_URL
    upstream_model: $TEACHER_MODEL
    timeout_s: 120
$TEACHER_KEY
YAML
$BIN/protege gateway --config "$DEMO/gateway.yaml" --port "$PORT_GATEWAY" &
PIDS+=($!)
wait_up "http://127.0.0.1:$PORT_GATEWAY/healthz"

say "3/7 the application sends its traffic through protege gateway (every call logged)"
$BIN/python demo/app.py --gateway "http://127.0.0.1:$PORT_GATEWAY/v1" --model "$ROUTE" \
  --input "$DEMO/app.jsonl"
sleep 1  # the writer's last batch
$BIN/protege logs stats --store "$STORE"

say "4/7 the logs become a dataset (the teacher's answers are the labels)"
$BIN/protege dataset build demo --from-logs --store "$STORE" --model "$ROUTE" --tag app=demo \
  --dedupe --split test=0.0,seed=1 --force

say "5/7 a student is trained on it: the scorer, on the frozen Gemma 3 270M (CPU)"
HOME_DIR=$($BIN/python -c "from protege.home import protege_home; print(protege_home())")
$BIN/protege train --config configs/liability/gemma-3-270m_scorer.yaml \
  "data.train=$HOME_DIR/datasets/demo" "output_dir=$DEMO/student" scorer.epochs=20 \
  scorer.tune_epochs=0

say "6/7 protege serve serves the student, with the teacher (through the gateway) as fallback"
cat > "$DEMO/serve.yaml" <<YAML
models: {student: $DEMO/student}
store: $STORE
spool_dir: $DEMO/spool-serve
extract:
  deadline_ms: 30000
  fallback: {base_url: "http://127.0.0.1:$PORT_GATEWAY/v1", model: $ROUTE}
YAML
$BIN/protege serve --config "$DEMO/serve.yaml" --port "$PORT_SERVE" &
PIDS+=($!)
wait_up "http://127.0.0.1:$PORT_SERVE/healthz"
$BIN/protege extract --server "http://127.0.0.1:$PORT_SERVE" --input "$DEMO/test.jsonl" \
  --output "$DEMO/extracted.jsonl"

say "7/7 teacher against student, on the $N_TEST held-out sources"
SHIPPED=()  # with a remote teacher, the shipped student gets its own row
if [[ -n "${OPENAI_API_KEY:-}" ]]; then SHIPPED=(--model shipped=liability-gemma-3-270m); fi
$BIN/protege eval --data "$DEMO/test.jsonl" --concurrency 4 \
  --model "teacher=$ROUTE@http://127.0.0.1:$PORT_GATEWAY/v1$PRICING" \
  --model "student=student@http://127.0.0.1:$PORT_SERVE/v1,self-hosted" \
  "${SHIPPED[@]}" --model regex --out "$DEMO/eval"
say "done: the eval report is $DEMO/eval/report.md; the logged calls are in $STORE"
