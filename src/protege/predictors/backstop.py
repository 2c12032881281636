"""A scorer's unsure ``liability_type``, backed by the rule baseline's reading of the document.

The scorer classifies the liability type from one vector of the whole document; the baseline
(``protege.baseline``) reads it from the product words near the values. Where the scorer's
probability for its type is below the threshold its ``meta.json`` names
(``type_backstop.threshold``), and the baseline names a type, the record takes the baseline's.
The scorer's probability stays the key's confidence: the student was unsure, and the extract
service's confidence check still sees that.

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
from protege.engine.predictor import Prediction, Predictor

TYPE_KEY = "liability_type"


class TypeBackstop:
    """``inner`` (a scorer) with its unsure liability types taken from the baseline."""

    def __init__(self, inner: Predictor, threshold: float) -> None:
        self.inner = inner
        self.threshold = threshold
        self.name = inner.name
        self.kind = inner.kind

    @property
    def settings(self) -> dict[str, Any]:
        """The scorer's settings, and the backstop's threshold, for reports."""
        return {**getattr(self.inner, "settings", {}), "type_backstop": self.threshold}

    def predict(self, sources: Sequence[Source], batch_size: int = 1) -> Iterator[Prediction]:
        """The scorer's predictions, in order, each backed where its type is unsure."""
        for source, prediction in zip(
            sources, self.inner.predict(sources, batch_size), strict=True
        ):
            yield self.backed(source, prediction)

    def backed(self, source: Source, prediction: Prediction) -> Prediction:
        """``prediction`` with the baseline's type when the scorer's is unsure."""
        confidence = (prediction.confidence or {}).get(TYPE_KEY)
        if confidence is None or confidence >= self.threshold:
            return prediction
        rule = extract(source).get(TYPE_KEY)
        record = json.loads(prediction.output)
        if rule is None or record.get(TYPE_KEY) == rule:
            return prediction
        record[TYPE_KEY] = rule
        return dataclasses.replace(prediction, output=json.dumps(record, separators=(",", ":")))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)
