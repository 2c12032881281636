"""Benchmark: `protege dataset build --from-logs --dedupe` over 100,000 logged calls.

Set-up (not timed): 95,000 generated liability sources, each logged as one call of the
production model with the rendered prompt and a record answer, plus 5,000 calls that resend one
of them, half unchanged (exact duplicates, as retries produce) and half with a line added
(near-duplicates under a new source id), in a fresh SQLite store.
Timed: the build command as its own process, as a user runs it (select -> dedupe with MinHash
-> split -> write), wall time and peak RSS of that process.

Baseline: the issue's budget, 100,000 rows in 120 s; ``ratio_vs_budget`` > 1 means faster.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _meta import write_result

from protege.contract import Source
from protege.corpus import generate
from protege.prompts import LIABILITY_PROMPT, render_messages, target_text
from protege.store import LoggedCall, LogStore
from protege.store.record import FIELD_NAMES

BUDGET_S = 120.0
PROTEGE = Path(sys.executable).parent / "protege"


def logged_calls(unique: int, repeats: int) -> list[LoggedCall]:
    """One call per generated source, then ``repeats`` resends of earlier sources."""
    calls = []
    for item in generate(unique, seed=101):
        source = Source.model_validate(item.to_row())
        calls.append(
            LoggedCall(
                model_requested="gpt-4o",
                upstream="https://api.openai.com/v1",
                request={"model": "gpt-4o", "messages": render_messages(source)},
                response={
                    "choices": [
                        {"message": {"role": "assistant", "content": target_text(item.expected)}}
                    ]
                },
                latency_ms=900.0,
                prompt_tokens=500,
                completion_tokens=90,
                tags={"source_id": source.id, "app": "liability"},
                prompt_id=LIABILITY_PROMPT.id,
                prompt_version=LIABILITY_PROMPT.version,
            )
        )
    for i in range(repeats):
        first = calls[(i * 7919) % unique]  # a fixed spread of resent sources
        fields = {name: getattr(first, name) for name in FIELD_NAMES}
        if i % 2:  # every other one edited a little: a near-duplicate under a new source id
            system, user = fields["request"]["messages"]  # type: ignore[index]
            edited = {**user, "content": user["content"] + "\nThanks, talk soon."}
            fields["request"] = {"model": "gpt-4o", "messages": [system, edited]}
            fields["tags"] = {**fields["tags"], "source_id": f"edited-{i}"}  # type: ignore[dict-item]
        calls.append(LoggedCall(**{**fields, "id": f"R{i:025d}"}))
    return calls


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    repeats = args.rows // 20
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        store = f"sqlite:///{home / 'logs.db'}"
        started = time.perf_counter()
        calls = logged_calls(args.rows - repeats, repeats)
        with LogStore(store) as log_store:
            for start in range(0, len(calls), 5000):
                log_store.insert_many(calls[start : start + 5000])
        setup_s = time.perf_counter() - started
        del calls
        env = {**os.environ, "PROTEGE_HOME": str(home)}
        command = [str(PROTEGE), "dataset", "build", "bench", "--from-logs", "--store", store]
        command += ["--dedupe", "--split", "test=0.1,seed=1", "--json"]
        started = time.perf_counter()
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        seconds = time.perf_counter() - started
        if done.returncode != 0:
            raise SystemExit(done.stderr)
        peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        meta = json.loads(done.stdout)
    counts = meta["counts"]
    path = write_result(
        "dataset_build",
        {
            "rows": counts["selected"],
            "seconds": round(seconds, 2),
            "rows_per_s": round(counts["selected"] / seconds, 1),
            # the set-up ran in this process, and the build is its only child: the children's
            # maximum RSS is the build's own peak
            "peak_rss_mb": round(peak_kb / 1024, 1),
            "counts": counts,
            "setup_seconds": round(setup_s, 1),
            "baseline": f"issue #5 budget: 100,000 rows in {BUDGET_S:.0f} s",
            "ratio_vs_budget": round(BUDGET_S / seconds, 2),
        },
    )
    print(path.read_text())


if __name__ == "__main__":
    main()
