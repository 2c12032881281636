"""What every benchmark result carries: the machine, the commit, the time."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from protege.provenance import git_commit, library_versions, machine

RESULTS = Path(__file__).resolve().parent / "results"


def write_result(name: str, data: dict[str, Any], path: Path | None = None) -> Path:
    """Write ``bench/results/NAME.json`` (or ``path``) with machine, commit, versions and time
    added."""
    path = path or RESULTS / f"{name}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
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
