"""What every benchmark result carries: the machine, the commit, the time."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from protege.provenance import git_commit, library_versions, machine

RESULTS = Path(__file__).resolve().parent / "results"


def write_result(name: str, data: dict[str, Any]) -> Path:
    """Write ``bench/results/NAME.json`` with machine, commit, versions and time added."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    payload = {
        "benchmark": name,
        **data,
        "machine": machine(),
        "commit": git_commit(Path(__file__).resolve().parent),
        "versions": library_versions(),
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    path.write_text(json.dumps(payload, indent=2) + "\n")
    return path
