"""Stable hashing for the train/test split and for sampling.

A row's split is decided by the sha256 of its seed and source id alone, so it never depends on
which other rows are in the build or their order: rebuilding with more logs adds rows to both
sides but never moves a row from train to test or back.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from protege.datasets.rows import DatasetRow
from protege.errors import UsageError


@dataclass(frozen=True)
class SplitSpec:
    """The share of source ids that go to test, and the seed of the hash."""

    test: float = 0.2  # as the command line's default, test=0.2,seed=1
    seed: int = 1

    @classmethod
    def parse(cls, text: str) -> SplitSpec:
        """``"test=0.2,seed=1"`` (either part optional); raises UsageError."""
        values: dict[str, str] = {}
        for part in filter(None, (p.strip() for p in text.split(","))):
            key, sep, value = part.partition("=")
            if not sep or key.strip() not in ("test", "seed"):
                raise UsageError(f"--split: expected test=FRACTION,seed=N, got {text!r}")
            values[key.strip()] = value.strip()
        try:
            spec = cls(
                test=float(values.get("test", cls.test)), seed=int(values.get("seed", cls.seed))
            )
        except ValueError:
            raise UsageError(
                f"--split: test must be a number and seed an integer, got {text!r}"
            ) from None
        if not 0.0 <= spec.test < 1.0:
            raise UsageError(f"--split: test must be in [0, 1), got {spec.test}")
        return spec


def unit_hash(*parts: object) -> float:
    """A number in [0, 1) fixed by ``parts``: the first 8 bytes of their sha256."""
    digest = hashlib.sha256(":".join(map(str, parts)).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def assign_splits(rows: Sequence[DatasetRow], spec: SplitSpec) -> None:
    """Set each row's ``split`` to ``test`` or ``train`` by its source id."""
    for row in rows:
        row.split = "test" if unit_hash("split", spec.seed, row.source_id) < spec.test else "train"


def sampled(row: DatasetRow, fraction: float, seed: int) -> bool:
    """Whether ``row`` is in a sample of ``fraction`` of the rows (stable, by log or source id)."""
    return unit_hash("sample", seed, row.log_id or row.source_id) < fraction
