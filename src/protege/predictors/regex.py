"""The rule-based baseline behind the predictor interface."""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence

from protege.baseline import extract_output
from protege.contract.record import Source
from protege.engine.predictor import Prediction


class RegexPredictor:
    """``protege.baseline``'s extractor as a predictor: no model, priced by its CPU time."""

    name = "regex"
    kind = "rules"

    def predict(self, sources: Sequence[Source], batch_size: int = 1) -> Iterator[Prediction]:
        """Yield one prediction per source, in order (``batch_size`` changes nothing here)."""
        for source in sources:
            wall, cpu = time.perf_counter(), time.process_time()
            output = extract_output(source)
            yield Prediction(
                source.id,
                output,
                (time.perf_counter() - wall) * 1000,
                0,
                0,
                time.process_time() - cpu,
            )
