"""Benchmark: corpus generation and the regex baseline, rows per second.

Baseline for the comparison: the acceptance budget of issue #2, 2,000 sources in 30 s
(66.7 rows/s). ``ratio_vs_budget`` > 1 means faster than the budget.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _meta import write_result

from protege.baseline import extract_output
from protege.contract import Source
from protege.corpus import generate

ROWS = 2000
BUDGET_S = 30.0


def main() -> None:
    started = time.perf_counter()
    corpus = list(generate(ROWS, seed=1))
    gen_s = time.perf_counter() - started
    sources = [Source.model_validate(g.to_row()) for g in corpus]
    started = time.perf_counter()
    for source in sources:
        extract_output(source)
    regex_s = time.perf_counter() - started
    path = write_result(
        "corpus_generate",
        {
            "rows": ROWS,
            "generate_seconds": round(gen_s, 3),
            "generate_rows_per_s": round(ROWS / gen_s, 1),
            "baseline": f"issue #2 budget: {ROWS} rows in {BUDGET_S:.0f} s",
            "ratio_vs_budget": round(BUDGET_S / gen_s, 1),
            "regex_seconds": round(regex_s, 3),
            "regex_rows_per_s": round(ROWS / regex_s, 1),
            "mean_chars": round(sum(len(s.text) for s in corpus) / ROWS, 1),
        },
    )
    print(path.read_text())


if __name__ == "__main__":
    main()
