"""The scorer student: it chooses each key's value among the source's candidates, or null.

For every key with a value type (``protege.evidence.KEY_TYPES``) the heads score each
candidate of that type (``engine/features.py``) and a null option read from the document
vector; a softmax over those is the key's distribution, and candidates with the same value pool
their probability. ``liability_type`` is a six-way head (five types and null) on the document vector. The answer is
the most probable value of each key, with the span of its best candidate as evidence and its
probability as the key's confidence. No token is decoded, so a value is always one the source
states (grounded by construction) and a key with no candidate is null.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from protege.contract.normalize import normalize_value
from protege.contract.record import LIABILITY_TYPES, RECORD_KEYS
from protege.evidence import KEY_TYPES
from protege.evidence.types import json_value

if TYPE_CHECKING:
    import torch

    from protege.engine.features import SourceFeatures

CHOICE_KEYS: tuple[str, ...] = tuple(k for k in RECORD_KEYS if k in KEY_TYPES)
TYPE_KEY = "liability_type"
# the type head's classes: the contract's five types, and null (a source that names none)
TYPE_CLASSES: tuple[str | None, ...] = (*LIABILITY_TYPES, None)


def build_heads(
    candidate_dim: int, doc_dim: int, hidden: int, dropout: float, members: int = 1
) -> Any:
    """The heads: a shared trunk over candidate features with one score per key, and a trunk
    over the document vector with one null score per key and the liability-type logits.
    ``hidden`` 0 makes both linear (a LayerNorm, then the output layer). ``members`` above 1
    makes an ensemble: that many heads, fitted apart, whose logits are averaged."""
    import torch
    from torch import nn

    def trunk(dim: int) -> tuple[nn.Module, int]:
        if hidden == 0:
            return nn.LayerNorm(dim), dim
        return (
            nn.Sequential(
                nn.LayerNorm(dim), nn.Linear(dim, hidden), nn.GELU(), nn.Dropout(dropout)
            ),
            hidden,
        )

    class OneSource(nn.Module):
        def forward(
            self, spans: torch.Tensor, doc: torch.Tensor
        ) -> tuple[torch.Tensor, torch.Tensor]:
            """One source: logits [1 + candidates, keys] (row 0: null) and its type logits."""
            logits, type_logits = self.batch([spans], doc[None])
            return logits[0, : 1 + len(spans)], type_logits[0]

        def batch(
            self, spans: Sequence[torch.Tensor], docs: torch.Tensor
        ) -> tuple[torch.Tensor, torch.Tensor]:
            raise NotImplementedError

    class Heads(OneSource):
        def __init__(self) -> None:
            super().__init__()
            self.candidates, width = trunk(candidate_dim)
            self.key_scores = nn.Linear(width, len(CHOICE_KEYS))
            self.document, doc_width = trunk(doc_dim)
            self.null_scores = nn.Linear(doc_width, len(CHOICE_KEYS))
            self.type_logits = nn.Linear(doc_width, len(TYPE_CLASSES))

        def batch(
            self, spans: Sequence[torch.Tensor], docs: torch.Tensor
        ) -> tuple[torch.Tensor, torch.Tensor]:
            """Several sources at once, every candidate through the trunk in one matrix:
            logits [sources, 1 + most candidates, keys] (row 0: null; rows past a source's
            own candidates are -inf) and type logits [sources, types]."""
            counts = [len(s) for s in spans]
            document = self.document(docs)
            logits = docs.new_full((len(counts), 1 + max(counts), len(CHOICE_KEYS)), -math.inf)
            logits[:, 0] = self.null_scores(document)
            if sum(counts):
                scores = self.key_scores(self.candidates(torch.cat(list(spans))))
                rows = torch.repeat_interleave(torch.arange(len(counts)), torch.tensor(counts))
                slots = torch.cat([torch.arange(1, 1 + c) for c in counts])
                logits[rows, slots] = scores
            return logits, self.type_logits(document)

    class Ensemble(OneSource):
        def __init__(self) -> None:
            super().__init__()
            self.members = nn.ModuleList(Heads() for _ in range(members))

        def batch(
            self, spans: Sequence[torch.Tensor], docs: torch.Tensor
        ) -> tuple[torch.Tensor, torch.Tensor]:
            """The members' logits, averaged (padding rows stay -inf in every member)."""
            outputs = [cast(Heads, member).batch(spans, docs) for member in self.members]
            logits = torch.stack([o[0] for o in outputs]).mean(dim=0)
            return logits, torch.stack([o[1] for o in outputs]).mean(dim=0)

    return Heads() if members == 1 else Ensemble()


def type_mask(features: SourceFeatures) -> torch.Tensor:
    """[1 + candidates, keys]: which options each key may choose (null, and its type's)."""
    import torch

    mask = torch.zeros(1 + len(features.candidates), len(CHOICE_KEYS), dtype=torch.bool)
    mask[0] = True
    for row, candidate in enumerate(features.candidates, start=1):
        for column, key in enumerate(CHOICE_KEYS):
            mask[row, column] = KEY_TYPES[key] == candidate.type
    return mask


@dataclass(frozen=True)
class Choice:
    """The record a scorer chose, with evidence spans and per-key confidence."""

    record: dict[str, Any]
    evidence: dict[str, list[int]]
    confidence: dict[str, float]

    @property
    def output(self) -> str:
        """The record as compact JSON, keys in contract order."""
        return json.dumps({k: self.record.get(k) for k in RECORD_KEYS}, separators=(",", ":"))


def choose(logits: torch.Tensor, type_logits: torch.Tensor, features: SourceFeatures) -> Choice:
    """Each key's most probable value (pooled over candidates of equal value), or null."""
    import torch

    probs = torch.softmax(logits.masked_fill(~type_mask(features), float("-inf")), dim=0)
    type_probs = torch.softmax(type_logits, dim=0)
    best_type = int(type_probs.argmax())
    record: dict[str, Any] = {TYPE_KEY: TYPE_CLASSES[best_type]}
    confidence = {TYPE_KEY: float(type_probs[best_type])}
    evidence: dict[str, list[int]] = {}
    for column, key in enumerate(CHOICE_KEYS):
        column_probs: list[float] = probs[:, column].tolist()
        pooled: dict[Any, float] = {None: column_probs[0]}
        best_row: dict[Any, int] = {}
        for row, candidate in enumerate(features.candidates, start=1):
            if candidate.type != KEY_TYPES[key]:
                continue
            p = column_probs[row]
            value = normalize_value(key, candidate.value)
            pooled[value] = pooled.get(value, 0.0) + p
            if value not in best_row or p > column_probs[best_row[value]]:
                best_row[value] = row
        value = max(pooled, key=lambda v: pooled[v])
        confidence[key] = pooled[value]
        if value is None:
            record[key] = None
            continue
        candidate = features.candidates[best_row[value] - 1]
        record[key] = json_value(candidate.value)
        evidence[key] = [candidate.start, candidate.end]
    return Choice(record, evidence, confidence)
