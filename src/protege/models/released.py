"""Released models: trained students that load by name, like a base model.

A released model is a directory ``NAME/`` with a ``meta.json`` that says which kind of student
it holds (``"kind": "scorer"``, or ``"lora-adapter"`` beside ``adapter_config.json``), its base
model, its training lineage and its evaluation. Released models are looked up, in this order, in:

1. ``$PROTEGE_HOME/released/`` (``protege models release RUN --name NAME`` writes there);
2. the repository's ``models/`` directory, the one place weights are committed: the default
   student, ``liability-gemma-3-270m``, ships there. It exists in a source checkout (the
   editable install ``make`` does), not in a wheel.

``protege predict --model NAME``, ``eval`` and ``models list`` use this module; a path to the
same directory works everywhere a name does.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from protege.home import protege_home

DEFAULT_RELEASED = "liability-gemma-3-270m"  # the default student, shipped in models/
RELEASE_META = "meta.json"
# src/protege/models/released.py -> the repository root's models/
REPOSITORY_MODELS = Path(__file__).resolve().parents[3] / "models"


@dataclass(frozen=True)
class ReleasedModel:
    """One released model: its name, directory and meta.json."""

    name: str
    path: Path
    meta: dict[str, Any]

    @property
    def kind(self) -> str:
        """``scorer`` or ``lora-adapter``."""
        return str(self.meta.get("kind") or "lora-adapter")

    @property
    def base_model(self) -> str:
        """The base model it reads with (a registry name)."""
        return str(self.meta.get("base_model", "?"))


def release_roots() -> list[Path]:
    """The directories searched for released models, first match wins."""
    return [protege_home() / "released", REPOSITORY_MODELS]


def _read(name: str, path: Path) -> ReleasedModel | None:
    try:
        meta = json.loads((path / RELEASE_META).read_text())
    except (OSError, ValueError):
        return None
    return ReleasedModel(name, path, meta) if isinstance(meta, dict) else None


def released(name: str) -> ReleasedModel | None:
    """The released model called ``name``, or None (also for anything that looks like a path)."""
    if not name or "/" in name or "\\" in name or name.startswith("."):
        return None
    for root in release_roots():
        found = _read(name, root / name)
        if found is not None:
            return found
    return None


def list_released() -> list[ReleasedModel]:
    """Every released model, by name; a name in an earlier root hides a later one."""
    seen: dict[str, ReleasedModel] = {}
    for root in release_roots():
        if not root.is_dir():
            continue
        for path in sorted(root.iterdir()):
            found = _read(path.name, path) if path.is_dir() else None
            if found is not None and found.name not in seen:
                seen[found.name] = found
    return [seen[name] for name in sorted(seen)]
