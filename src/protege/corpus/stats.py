"""Corpus statistics: coverage (kinds, types, hard-case tags, templates) and variety
(distinct 5-gram ratio, lengths, null shares), computed from a contract JSONL file."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from protege.contract.record import RECORD_KEYS, VerifiedSource

_WORD = re.compile(r"\w+|[^\w\s]")
NGRAM = 5  # word 5-grams: long enough that shared boilerplate shows, short enough to repeat


@dataclass(frozen=True)
class CorpusStats:
    """What ``protege corpus stats`` reports."""

    rows: int
    corpus_version: str | None  # the generator's version when every row has the same one
    corpus_versions: dict[str, int]  # rows per generator version ("none": not generated)
    by_kind: dict[str, int]
    by_type: dict[str, int]
    by_tag: dict[str, int]
    templates_per_kind: dict[str, int]
    distinct_5gram_ratio: float
    mean_chars: float
    min_chars: int
    max_chars: int
    null_share: dict[str, float]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return dict(self.__dict__)


def distinct_ngram_ratio(texts: Sequence[str], n: int = NGRAM) -> float:
    """Distinct word n-grams over all n-grams: near 1 for varied text, low for templated text."""
    seen: set[tuple[str, ...]] = set()
    total = 0
    for text in texts:
        words = _WORD.findall(text.lower())
        for i in range(len(words) - n + 1):
            seen.add(tuple(words[i : i + n]))
            total += 1
    return len(seen) / total if total else 0.0


def corpus_stats(rows: Sequence[VerifiedSource]) -> CorpusStats:
    """Compute the statistics of a verified corpus."""
    templates: dict[str, set[str]] = {}
    for row in rows:
        templates.setdefault(row.kind.value, set()).add(row.template or "?")
    lengths = [len(row.text) for row in rows] or [0]
    n = len(rows)
    versions = Counter(row.corpus_version or "none" for row in rows)
    return CorpusStats(
        rows=n,
        corpus_version=next(iter(versions))
        if len(versions) == 1 and "none" not in versions
        else None,
        corpus_versions=dict(versions.most_common()),
        by_kind=dict(Counter(row.kind.value for row in rows).most_common()),
        by_type=dict(Counter(row.expected.liability_type or "none" for row in rows).most_common()),
        by_tag=dict(Counter(tag for row in rows for tag in row.tags).most_common()),
        templates_per_kind={kind: len(names) for kind, names in sorted(templates.items())},
        distinct_5gram_ratio=distinct_ngram_ratio([row.text for row in rows]),
        mean_chars=sum(lengths) / len(lengths),
        min_chars=min(lengths),
        max_chars=max(lengths),
        null_share={
            key: (sum(getattr(row.expected, key) is None for row in rows) / n if n else 0.0)
            for key in RECORD_KEYS
        },
    )
