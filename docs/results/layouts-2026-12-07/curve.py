"""Coverage against accuracy: for thresholds on the lowest key confidence of a record, the share
of records that clear it and the share of those that are right.

    python docs/results/layouts-2026-12-07/curve.py DATA.jsonl PREDICTIONS.jsonl
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from protege.contract.io import load_verified
from protege.contract.scoring import score

THRESHOLDS = (0.0, 0.5, 0.648, 0.7, 0.8, 0.9, 0.95, 0.98, 0.99, 0.995, 0.999)


def main() -> None:
    data, predictions = (Path(a) for a in sys.argv[1:3])
    rows = [json.loads(line) for line in predictions.read_text().splitlines() if line.strip()]
    report = score(load_verified(data), {r["id"]: r["output"] for r in rows})
    right = {r.id: r.valid and not r.wrong_keys for r in report.rows}
    lowest = {r["id"]: min(r["confidence"].values()) for r in rows}
    print("| threshold | coverage | right among covered |")
    print("|---|---|---|")
    for t in THRESHOLDS:
        kept = [i for i in lowest if lowest[i] >= t]
        accuracy = sum(right[i] for i in kept) / len(kept) if kept else float("nan")
        print(f"| {t} | {len(kept) / len(rows):.1%} ({len(kept)}) | {accuracy:.1%} |")


if __name__ == "__main__":
    main()
