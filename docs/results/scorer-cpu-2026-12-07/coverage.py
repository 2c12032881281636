"""Coverage at the scorer's calibrated threshold: of the records whose every key's confidence
clears the threshold in meta.json, the share that is right, and their share of all records.

    python docs/results/scorer-cpu-2026-12-06/coverage.py SCORER_DIR DATA.jsonl PREDICTIONS.jsonl
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from protege.contract.io import load_verified
from protege.contract.scoring import score


def main() -> None:
    scorer, data, predictions = (Path(a) for a in sys.argv[1:4])
    threshold = json.loads((scorer / "meta.json").read_text())["threshold"]
    rows = [json.loads(line) for line in predictions.read_text().splitlines() if line.strip()]
    report = score(load_verified(data), {r["id"]: r["output"] for r in rows})
    right = {r.id: r.valid and not r.wrong_keys for r in report.rows}
    cleared = [r["id"] for r in rows if min(r["confidence"].values()) >= threshold]
    accuracy = sum(right[i] for i in cleared) / len(cleared) if cleared else None
    print(
        json.dumps(
            {
                "threshold": threshold,
                "records": len(rows),
                "cleared": len(cleared),
                "coverage": len(cleared) / len(rows),
                "accuracy_of_cleared": accuracy,
                "overall_accuracy": sum(right.values()) / len(rows),
            }
        )
    )


if __name__ == "__main__":
    main()
