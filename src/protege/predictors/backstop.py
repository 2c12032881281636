"""A scorer's unsure values, backed by the rule baseline's reading of the document.

The scorer chooses each key's value among the source's candidates; the baseline
(``protege.baseline``) reads values from the labels near them, and the liability type from the
product words. Where the scorer's probability for a key's value is below the threshold its
``meta.json`` names (``backstop.threshold``), and the baseline reads a value for that key, the
record takes the baseline's value, with the span of the first candidate equal to it as its
evidence. The scorer's probability stays the key's confidence: the student was unsure, and the
extract service's confidence check still sees that.

The threshold is chosen on generated sources held out from both training and the reported
evaluations (the release's ``meta.json`` says which, and what it measured).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator, Sequence
from typing import Any

from protege.baseline import extract
from protege.contract.record import Source
from protege.engine.grounding import evidence_spans
from protege.engine.predictor import Prediction, Predictor
from protege.evidence import find_candidates


class Backstop:
    """``inner`` (a scorer) with its unsure values taken from the baseline."""

    def __init__(self, inner: Predictor, threshold: float) -> None:
        self.inner = inner
        # named apart from the scorer's own calibrated ``threshold``, which __getattr__ passes on
        self.below = threshold
        self.name = inner.name
        self.kind = inner.kind

    @property
    def settings(self) -> dict[str, Any]:
        """The scorer's settings, and the backstop's threshold, for reports."""
        return {**getattr(self.inner, "settings", {}), "backstop": self.below}

    def predict(self, sources: Sequence[Source], batch_size: int = 1) -> Iterator[Prediction]:
        """The scorer's predictions, in order, each backed where the scorer is unsure."""
        for source, prediction in zip(
            sources, self.inner.predict(sources, batch_size), strict=True
        ):
            yield self.backed(source, prediction)

    def backed(self, source: Source, prediction: Prediction) -> Prediction:
        """``prediction`` with the baseline's value for every key the scorer is unsure of."""
        confidence = prediction.confidence or {}
        unsure = [key for key, p in confidence.items() if p < self.below]
        if not unsure:
            return prediction
        rules = extract(source)
        record = json.loads(prediction.output)
        taken = [k for k in unsure if rules.get(k) is not None and rules[k] != record.get(k)]
        if not taken:
            return prediction
        for key in taken:
            record[key] = rules[key]
        evidence = dict(prediction.evidence or {})
        spans = evidence_spans(
            {k: record[k] for k in taken}, find_candidates(source.text, source.as_of)
        )
        for key in taken:
            evidence.pop(key, None)
            if key in spans:
                evidence[key] = spans[key]
        output = json.dumps(record, separators=(",", ":"))
        return dataclasses.replace(prediction, output=output, evidence=evidence)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)
