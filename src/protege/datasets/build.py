"""``build_dataset``: select → verify → sample → dedupe → relabel → label → split → write.

The dataset directory appears atomically: everything is written to a hidden temporary directory
next to it, fsynced, then renamed into place, so a crash or a bad input leaves either the old
dataset or the new one, never half of one. Its ``content_hash`` is the sha256 of ``rows.jsonl``:
the same inputs (and the same relabel answers, which the relabel cache keeps) give the same hash.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from protege.datasets.catalog import dataset_dir, datasets_home, relabel_cache_path
from protege.datasets.dedupe import NUM_PERM, SHINGLE, banding, dedupe
from protege.datasets.relabel import RelabelSettings, relabel_rows
from protege.datasets.rows import DatasetRow, iter_rows_from_calls, rows_from_file
from protege.datasets.split import SplitSpec, assign_splits, sampled
from protege.datasets.verify import agreement, apply_verified, load_verified_records
from protege.errors import RelabelError, UsageError
from protege.store import CallFilter, LogStore
from protege.store.spool import fsync_directory
from protege.version import __version__

Progress = Callable[[str, int, int], None]  # (stage, done, total)


@dataclass
class BuildSpec:
    """Everything a build depends on; exactly one of ``logs`` and ``file`` is set."""

    name: str
    logs: CallFilter | None = None
    store_url: str | None = None
    file: Path | None = None
    sample: float = 1.0
    verified: Path | None = None
    dedupe: bool = False
    near_threshold: float = 0.9
    relabel: RelabelSettings | None = None
    split: SplitSpec = field(default_factory=SplitSpec)
    force: bool = False


@dataclass(frozen=True)
class BuildResult:
    """Where the dataset went and its ``meta.json``."""

    path: Path
    meta: dict[str, Any]


def build_dataset(spec: BuildSpec, progress: Progress | None = None) -> BuildResult:
    """Build the dataset ``spec.name``; raises ``ProtegeError`` subclasses on bad input."""
    report = progress or (lambda _stage, _done, _total: None)
    target = dataset_dir(spec.name)
    if target.exists() and not spec.force:
        raise UsageError(
            f"dataset {spec.name!r} already exists at {target}; pass --force to rebuild it"
        )
    if not 0.0 < spec.sample <= 1.0:
        raise UsageError(f"--sample must be in (0, 1], got {spec.sample}")
    if not 0.0 < spec.near_threshold <= 1.0:
        raise UsageError(f"--near-threshold must be in (0, 1], got {spec.near_threshold}")
    counts: dict[str, int] = {}

    rows, source = _select(spec)
    if not rows:
        where = "the file" if spec.file is not None else "the store"
        raise UsageError(
            f"no rows: nothing in {where} matches (with --from-logs, check the filters with "
            "`protege logs list` and the same options)"
        )
    counts["selected"] = len(rows)
    report("select", len(rows), len(rows))

    verified: dict[str, str] = {}
    if spec.verified is not None:
        known = {row.source_id for row in rows} | {row.log_id for row in rows if row.log_id}
        verified = load_verified_records(spec.verified, known)
    if spec.sample < 1.0:
        rows = [row for row in rows if sampled(row, spec.sample, spec.split.seed)]
    counts["sampled"] = len(rows)
    counts["verified"] = apply_verified(rows, verified)

    dedupe_meta: dict[str, Any] | None = None
    if spec.dedupe:
        # Verified rows go first, then rows with an answer, so a duplicate group keeps the copy
        # a human checked, and never trades an answered call for a failed one.
        order = sorted(
            range(len(rows)), key=lambda i: (rows[i].verified is None, rows[i].label is None, i)
        )
        result = dedupe([rows[i] for i in order], threshold=spec.near_threshold)
        kept_ids = {id(row) for row in result.kept}
        rows = [row for row in rows if id(row) in kept_ids]
        counts["exact_duplicates"], counts["near_duplicates"] = result.exact, result.near
        counts["after_dedupe"] = len(rows)
        dedupe_meta = {
            "threshold": spec.near_threshold,
            "num_perm": NUM_PERM,
            "bands": banding(spec.near_threshold)[0],
            "shingle_words": SHINGLE,
        }
        report("dedupe", len(rows), counts["sampled"])

    relabel_meta: dict[str, Any] | None = None
    if spec.relabel is not None:
        cache = relabel_cache_path(spec.name)
        stats = relabel_rows(
            rows,
            spec.relabel,
            cache,
            lambda done, total: report("relabel", done, total),
        )
        if stats.failed:
            raise RelabelError(
                f"{stats.failed} of {len(rows)} relabel request(s) to {spec.relabel.base_url} "
                f"(model {spec.relabel.model}) failed after {spec.relabel.max_retries} retries; "
                f"the {stats.cached + stats.sent} answers received are saved, so re-running the "
                f"same command sends only the rest. First errors: {'; '.join(stats.errors)}"
            )
        counts["relabelled"] = stats.cached + stats.sent
        relabel_meta = {
            "model": spec.relabel.model,
            "base_url": spec.relabel.base_url,
            "temperature": spec.relabel.temperature,
            "cache": str(cache),
            "from_cache": stats.cached,
            "sent": stats.sent,
        }

    unlabelled = [row for row in rows if row.label is None]
    rows = [row for row in rows if row.label is not None]
    counts["no_answer"] = len(unlabelled)
    if not rows:
        raise UsageError(
            f"none of the {counts['selected']} selected row(s) has an answer to train on (their "
            "calls failed, or were not logged with a response); relabel them with --relabel MODEL"
        )
    assign_splits(rows, spec.split)
    counts["train"] = sum(row.split == "train" for row in rows)
    counts["test"] = len(rows) - counts["train"]
    counts["rows"] = len(rows)

    meta: dict[str, Any] = {
        "name": spec.name,
        "source": source,
        "counts": counts,
        "verified": _file_facts(spec.verified, len(verified)) if spec.verified else None,
        "dedupe": dedupe_meta,
        "relabel": relabel_meta,
        "split": {"test": spec.split.test, "seed": spec.split.seed, "key": "source id"},
        "seed": spec.split.seed,
        "sample": spec.sample,
        "labels": {
            name: sum(row.label == name for row in rows)
            for name in ("verified", "relabel", "production")
        },
        "prompt_versions": sorted({row.prompt_version for row in rows if row.prompt_version}),
        "agreement": agreement(rows).to_dict(),
        "protege_version": __version__,
        "created_at": datetime.now(UTC).isoformat(),
    }
    path = _write_atomically(target, rows, meta)
    report("write", len(rows), len(rows))
    return BuildResult(path=path, meta=meta)


def _select(spec: BuildSpec) -> tuple[list[DatasetRow], dict[str, Any]]:
    if (spec.logs is None) == (spec.file is None):
        raise UsageError("give exactly one of --from-logs and --from-file")
    if spec.file is not None:
        return rows_from_file(spec.file), {"kind": "file", **_file_facts(spec.file, None)}
    assert spec.logs is not None  # checked above: exactly one source
    with LogStore(spec.store_url, must_exist=spec.store_url is not None) as store:
        rows = list(iter_rows_from_calls(store.iter_calls(spec.logs)))
        url = store.url
    query = {
        key: value.isoformat() if isinstance(value, datetime) else value
        for key, value in asdict(spec.logs).items()
    }
    return rows, {"kind": "logs", "store": url, "query": query}


def _file_facts(path: Path | None, records: int | None) -> dict[str, Any]:
    if path is None:
        return {}
    facts: dict[str, Any] = {
        "path": str(path.resolve()),
        "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
    }
    if records is not None:
        facts["records"] = records
    return facts


def _write_atomically(target: Path, rows: list[DatasetRow], meta: dict[str, Any]) -> Path:
    home = datasets_home()
    tmp = Path(tempfile.mkdtemp(prefix=f".build-{target.name}-", dir=home))
    old: Path | None = None
    try:
        digest = hashlib.sha256()
        with (tmp / "rows.jsonl").open("wb") as handle:
            for row in rows:
                line = (json.dumps(row.to_json(), ensure_ascii=False) + "\n").encode()
                digest.update(line)
                handle.write(line)
            handle.flush()
            os.fsync(handle.fileno())
        meta["content_hash"] = digest.hexdigest()
        with (tmp / "meta.json").open("w", encoding="utf-8") as handle:
            json.dump(meta, handle, indent=2)
            handle.write("\n")
            handle.flush()
            os.fsync(handle.fileno())
        tmp.chmod(0o777 & ~_umask())  # mkdtemp makes it 0700; a dataset is as shared as any dir
        if target.exists():
            # Two renames: the old dataset moves aside whole, the new one takes its name.
            old = home / f".old-{target.name}-{os.getpid()}-{time.monotonic_ns()}"
            target.rename(old)
        tmp.rename(target)
        fsync_directory(home)  # make the rename itself durable
    except BaseException:
        if old is not None and not target.exists():
            old.rename(target)  # the new one never took its place: put the old one back
            old = None
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    finally:
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    return target


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
