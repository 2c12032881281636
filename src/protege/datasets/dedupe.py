"""Drop exact and near-duplicate rows, keeping the first of each group.

- **Exact**: the same document text after normalization (lower case, runs of whitespace made
  one space), compared by sha256.
- **Near**: MinHash over word 3-gram shingles with LSH banding. Two texts whose estimated
  Jaccard similarity (the share of equal MinHash values) is at least ``threshold`` are
  duplicates. The 64 hash values are cut into b bands of r; only pairs that agree on a whole
  band are compared. A pair at Jaccard t shares a band with probability 1 - (1 - t^r)^b, so the
  banding is the one with the largest r that still finds pairs at the threshold with ≥ 98 %:
  8 bands of 8 at the default 0.9 (98.9 %; a pair at 0.5 is compared only 3 % of the time, so
  few pairs need a closer look), 16 of 4 at 0.8.

Everything is deterministic: shingles are hashed with blake2b-derived word hashes and fixed
multipliers (never Python's per-process ``hash``), so a rebuild drops exactly the same rows.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from protege.datasets.rows import DatasetRow
from protege.errors import UsageError

NUM_PERM = 64
FIND_AT_THRESHOLD = 0.98  # least chance that a pair exactly at the threshold is compared
SHINGLE = 3  # words per shingle: short enough that one changed number touches only 3 shingles


def _constant(name: str, i: int) -> int:
    """A fixed 62-bit number derived from a name: the same on every machine and every numpy."""
    return int.from_bytes(hashlib.blake2b(f"{name}{i}".encode(), digest_size=8).digest()) >> 2


# The 64 hash functions a*x + b: odd multipliers and offsets, fixed forever, because changing
# them would change which rows a rebuild drops, and so the content hash.
_A = np.array([_constant("a", i) | 1 for i in range(NUM_PERM)], dtype=np.uint64)
_B = np.array([_constant("b", i) for i in range(NUM_PERM)], dtype=np.uint64)


@dataclass(frozen=True)
class DedupeResult:
    """The rows kept, and how many were dropped as exact and as near duplicates."""

    kept: list[DatasetRow]
    exact: int
    near: int


def normalize_text(text: str) -> str:
    """Lower case with runs of whitespace collapsed: what "the same text" means here."""
    return " ".join(text.lower().split())


class _WordHashes:
    """Stable 64-bit word hashes, memoized: a corpus repeats the same few thousand words."""

    def __init__(self) -> None:
        self._cache: dict[str, int] = {}

    def __call__(self, words: list[str]) -> np.ndarray:
        cache = self._cache
        values = [cache.get(word) for word in words]
        for i, value in enumerate(values):
            if value is None:
                digest = hashlib.blake2b(words[i].encode(), digest_size=8).digest()
                values[i] = cache[words[i]] = int.from_bytes(digest, "little")
        return np.array(values, dtype=np.uint64)


def minhash(words: np.ndarray) -> np.ndarray:
    """The 64 MinHash values of a text given its word hashes (uint64 array)."""
    if len(words) < SHINGLE:
        words = np.concatenate([words, np.zeros(SHINGLE - len(words), dtype=np.uint64)])
    # Shingle hash: mix the three word hashes (uint64 arithmetic wraps, which is what we want).
    shingles = words[:-2] * np.uint64(0x9E3779B97F4A7C15)
    shingles ^= words[1:-1] * np.uint64(0xC2B2AE3D27D4EB4F)
    shingles ^= words[2:] * np.uint64(0x165667B19E3779F9)
    # 64 universal hash functions (a*x + b), keeping the top 61 bits: one row per function.
    hashed = (np.outer(_A, shingles) + _B[:, None]) >> np.uint64(3)
    signature: np.ndarray = hashed.min(axis=1)
    return signature


def banding(threshold: float) -> tuple[int, int]:
    """(bands, rows per band) for a threshold: the largest r whose chance of comparing a pair
    at the threshold is at least 98 %; one row per band when none is."""
    for rows in (16, 8, 4, 2):
        bands = NUM_PERM // rows
        if 1 - (1 - threshold**rows) ** bands >= FIND_AT_THRESHOLD:
            return bands, rows
    return NUM_PERM, 1


def dedupe(
    rows: Sequence[DatasetRow], *, near: bool = True, threshold: float = 0.9
) -> DedupeResult:
    """Keep the first row of each group of duplicates, in the given order."""
    if not 0.0 < threshold <= 1.0:
        raise UsageError(f"near-duplicate threshold must be in (0, 1], got {threshold}")
    seen: set[bytes] = set()
    word_hashes = _WordHashes()
    bands, width = banding(threshold)
    buckets: list[dict[bytes, list[int]]] = [{} for _ in range(bands)]
    signatures: list[np.ndarray] = []
    kept: list[DatasetRow] = []
    exact = near_count = 0
    for row in rows:
        text = normalize_text(row.text())
        digest = hashlib.sha256(text.encode()).digest()
        if digest in seen:
            exact += 1
            continue
        seen.add(digest)
        if near:
            signature = minhash(word_hashes(text.split(" ")))
            keys = [signature[b * width : (b + 1) * width].tobytes() for b in range(bands)]
            candidates = {i for b, key in enumerate(keys) for i in buckets[b].get(key, ())}
            if any(
                float(np.mean(signatures[i] == signature)) >= threshold for i in sorted(candidates)
            ):
                near_count += 1
                continue
            for b, key in enumerate(keys):
                buckets[b].setdefault(key, []).append(len(signatures))
            signatures.append(signature)
        kept.append(row)
    return DedupeResult(kept=kept, exact=exact, near=near_count)
