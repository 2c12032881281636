"""Where datasets live and what can be read from them: list, meta, stats, export.

A dataset is the directory ``$PROTEGE_HOME/datasets/NAME/`` with ``rows.jsonl`` and
``meta.json``. Relabel answers are cached beside it in ``.relabel/NAME.jsonl`` (outside the
dataset directory, so a failed or forced build never loses them).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from protege.errors import InputFileError, UsageError
from protege.home import protege_home

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
SPLITS = ("train", "test")


def datasets_home() -> Path:
    """``$PROTEGE_HOME/datasets``, created if needed."""
    home = protege_home() / "datasets"
    home.mkdir(parents=True, exist_ok=True)
    return home


def check_name(name: str) -> str:
    """A dataset name is a plain directory name: letters, digits, ``.``, ``_``, ``-``."""
    if not _NAME.match(name):
        raise UsageError(
            f"dataset name {name!r}: use letters, digits, '.', '_' and '-' (at most 100), "
            "starting with a letter or digit"
        )
    return name


def dataset_dir(name: str) -> Path:
    """The directory of the dataset ``name`` (which may not exist yet)."""
    return datasets_home() / check_name(name)


def relabel_cache_path(name: str) -> Path:
    """The relabel answers cached for builds of ``name``."""
    return datasets_home() / ".relabel" / f"{check_name(name)}.jsonl"


def resolve(name_or_path: str | Path) -> Path:
    """A dataset directory from a name or a path; raises InputFileError if there is none."""
    path = Path(name_or_path)
    named = datasets_home() / str(name_or_path)
    if _NAME.match(str(name_or_path)) and (named / "meta.json").is_file():
        path = named  # a dataset's name wins over a same-named directory here
    if not (path / "meta.json").is_file() or not (path / "rows.jsonl").is_file():
        raise InputFileError(
            path, "not a dataset (no meta.json and rows.jsonl); see `protege dataset list`"
        )
    return path


def load_meta(name_or_path: str | Path) -> dict[str, Any]:
    """The ``meta.json`` of a dataset."""
    with (resolve(name_or_path) / "meta.json").open(encoding="utf-8") as handle:
        meta: dict[str, Any] = json.load(handle)
    return meta


@dataclass(frozen=True)
class DatasetInfo:
    """One line of ``protege dataset list``."""

    name: str
    rows: int
    train: int
    test: int
    content_hash: str
    created_at: str
    source: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return dict(vars(self))


def list_datasets() -> list[DatasetInfo]:
    """Every dataset under the protege home, by name."""
    infos = []
    for path in sorted(datasets_home().iterdir()):
        if path.name.startswith(".") or not (path / "rows.jsonl").is_file():
            continue
        if not (path / "meta.json").is_file():
            continue
        meta = load_meta(path)
        counts = meta.get("counts", {})
        infos.append(
            DatasetInfo(
                name=path.name,
                rows=int(counts.get("rows", 0)),
                train=int(counts.get("train", 0)),
                test=int(counts.get("test", 0)),
                content_hash=str(meta.get("content_hash", "")),
                created_at=str(meta.get("created_at", "")),
                source=str(meta.get("source", {}).get("kind", "")),
            )
        )
    return infos


def iter_rows(name_or_path: str | Path, split: str | None = None) -> Iterator[dict[str, Any]]:
    """The rows of a dataset as stored, optionally only one split."""
    if split is not None and split not in SPLITS:
        raise UsageError(f"--split must be one of {', '.join(SPLITS)}, got {split!r}")
    with (resolve(name_or_path) / "rows.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            row: dict[str, Any] = json.loads(line)
            if split is None or row.get("metadata", {}).get("split") == split:
                yield row


def export_openai(name_or_path: str | Path, out: TextIO, split: str | None = None) -> int:
    """Write OpenAI chat fine-tuning JSONL (``{"messages": [...]}`` per line, no metadata,
    which OpenAI's upload refuses); return how many rows."""
    count = 0
    for row in iter_rows(name_or_path, split):
        out.write(json.dumps({"messages": row["messages"]}, ensure_ascii=False) + "\n")
        count += 1
    return count


def dataset_stats(name_or_path: str | Path) -> dict[str, Any]:
    """Rows per split and per label, answer lengths, and the agreement table from meta.json."""
    meta = load_meta(name_or_path)
    per_split = {split: 0 for split in SPLITS}
    per_label: dict[str, int] = {}
    prompt_chars: list[int] = []
    answer_chars: list[int] = []
    for row in iter_rows(name_or_path):
        info = row.get("metadata", {})
        per_split[info.get("split", "train")] = per_split.get(info.get("split", "train"), 0) + 1
        per_label[info.get("label", "?")] = per_label.get(info.get("label", "?"), 0) + 1
        *prompt, answer = row["messages"]
        prompt_chars.append(sum(len(str(m.get("content") or "")) for m in prompt))
        answer_chars.append(len(str(answer.get("content") or "")))
    return {
        "name": meta.get("name"),
        "rows": len(prompt_chars),
        "splits": per_split,
        "labels": per_label,
        "mean_prompt_chars": sum(prompt_chars) / len(prompt_chars) if prompt_chars else 0,
        "mean_answer_chars": sum(answer_chars) / len(answer_chars) if answer_chars else 0,
        "counts": meta.get("counts", {}),
        "agreement": meta.get("agreement", {}),
        "content_hash": meta.get("content_hash"),
    }
