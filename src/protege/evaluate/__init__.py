"""The evaluate stage: run models over a verified set, score them by the contract, measure
latency and cost, check targets, and write ``report.json``, ``report.md`` and ``pareto.png``.

Modules: ``pricing`` (prices file, cost arithmetic), ``metrics`` (percentiles, targets,
per-model results, the Pareto front), ``results`` (a run's result and progress events),
``runner`` (the loop), ``report`` and ``plot``.
"""

from protege.evaluate.metrics import (
    TARGETS,
    ModelResult,
    TargetCheck,
    Targets,
    pareto_front,
    percentile,
)
from protege.evaluate.results import EvalEvent, EvalResult
from protege.evaluate.runner import ModelSpec, evaluate, parse_models
from protege.pricing import (
    Pricer,
    PriceTable,
    TokenPrice,
    api_call_cost,
    compute_cost,
    load_prices,
    per_million,
)

__all__ = [
    "TARGETS",
    "EvalEvent",
    "EvalResult",
    "ModelResult",
    "ModelSpec",
    "PriceTable",
    "Pricer",
    "TargetCheck",
    "Targets",
    "TokenPrice",
    "api_call_cost",
    "compute_cost",
    "evaluate",
    "load_prices",
    "pareto_front",
    "parse_models",
    "per_million",
    "percentile",
]
