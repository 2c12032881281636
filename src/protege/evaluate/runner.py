"""Run a set of models over a verified set and measure them: the ``evaluate`` stage's loop.

``evaluate`` checks everything it can before it runs anything (targets, concurrency, prices,
the data file, every model spec: each model is loaded up front, so a typo in the last
``--model`` fails in seconds, not after the first model's run). Then, model by model, it sends
every source through the predictor in batches of ``concurrency``, writes the predictions,
scores them by the contract, prices every call, and checks the targets. It ends by writing
``pareto.png``, ``report.json`` and ``report.md`` into the output directory.

It yields ``EvalEvent``s as it goes (library code never prints); the last one, ``done``,
carries the ``EvalResult``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from protege.contract.io import load_verified, write_jsonl
from protege.contract.record import CONTRACT_VERSION, VerifiedSource
from protege.contract.scoring import score
from protege.engine.predictor import Prediction, Predictor
from protege.errors import InputFileError, UsageError
from protege.evaluate.metrics import ModelResult, Targets
from protege.evaluate.plot import write_pareto
from protege.evaluate.report import write_reports
from protege.evaluate.results import EvalEvent, EvalResult
from protege.predictors import load_predictor
from protege.pricing import Pricer
from protege.provenance import git_commit, library_versions, machine

PredictorLoader = Callable[[str], Predictor]
_LABEL = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


@dataclass(frozen=True)
class ModelSpec:
    """One ``--model`` argument: ``SPEC`` or ``LABEL=SPEC``."""

    label: str
    spec: str

    @classmethod
    def parse(cls, text: str) -> ModelSpec:
        """``regex`` -> (regex, regex); ``base=gemma-3-270m`` -> (base, gemma-3-270m); a path
        is labelled by its last component (``runs/a1/`` -> ``a1``)."""
        text = text.strip()
        label, eq, spec = text.partition("=")
        if eq and _LABEL.match(label) and spec.strip():
            return cls(label, spec.strip())
        if not text:
            raise UsageError("--model cannot be empty; give a model spec such as regex")
        derived = Path(text).name or text
        return cls(derived, text)

    @property
    def file_stem(self) -> str:
        """The label made safe as a file name."""
        return re.sub(r"[^A-Za-z0-9._-]+", "_", self.label).strip("._") or "model"


def parse_models(texts: Sequence[str]) -> list[ModelSpec]:
    """Parse every ``--model``; ``UsageError`` when none is given or two share a label."""
    if not texts:
        raise UsageError("give at least one --model (for example --model regex)")
    specs = [ModelSpec.parse(t) for t in texts]
    seen: dict[str, str] = {}
    for spec in specs:
        if spec.file_stem in seen:
            raise UsageError(
                f"two models would both be called {spec.label!r} ({seen[spec.file_stem]!r} and "
                f"{spec.spec!r}); label them: --model a={spec.spec} --model b={spec.spec}"
            )
        seen[spec.file_stem] = spec.spec
    return specs


def file_sha256(path: Path) -> str:
    """Hex SHA-256 of a file's bytes (what exactly was evaluated)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _load_data(data: Path) -> list[VerifiedSource]:
    sources = load_verified(data)
    if not sources:
        raise InputFileError(data, "holds no sources; evaluate needs a verified set")
    return sources


def _run_model(
    spec: ModelSpec,
    predictor: Predictor,
    sources: list[VerifiedSource],
    concurrency: int,
    pricer: Pricer,
    targets: Targets,
    out_dir: Path,
) -> Iterator[EvalEvent]:
    total = len(sources)
    yield EvalEvent("start", spec.label, 0, total)
    predictions: list[Prediction] = []
    costs: list[float] = []
    started = time.perf_counter()
    for prediction in predictor.predict(sources, batch_size=concurrency):
        predictions.append(prediction)
        costs.append(
            pricer.call_cost(
                predictor.name,
                predictor.kind,
                prediction.prompt_tokens,
                prediction.completion_tokens,
                prediction.cpu_s,
            )
        )
        yield EvalEvent("advance", spec.label, len(predictions), total)
    wall_s = time.perf_counter() - started
    path = out_dir / "predictions" / f"{spec.file_stem}.jsonl"
    write_jsonl(
        path,
        ({**p.to_row(), "cost_usd": cost} for p, cost in zip(predictions, costs, strict=True)),
    )
    report = score(sources, {p.id: p.output for p in predictions})
    result = ModelResult(
        label=spec.label,
        spec=spec.spec,
        name=predictor.name,
        kind=predictor.kind,
        score=report,
        latencies_ms=[p.latency_ms for p in predictions],
        prompt_tokens=[p.prompt_tokens for p in predictions],
        completion_tokens=[p.completion_tokens for p in predictions],
        cpu_s=[p.cpu_s for p in predictions],
        costs_usd=costs,
        wall_s=wall_s,
        predictions_path=path,
        settings=dict(getattr(predictor, "settings", {})),
    )
    result.targets = targets.check(result.metrics())
    yield EvalEvent("scored", spec.label, total, total, model=result)


def evaluate(
    data: Path,
    models: Sequence[str],
    concurrency: int,
    targets: Targets,
    out_dir: Path,
    prices: Path | None = None,
    usd_per_core_hour: float | None = None,
    load: PredictorLoader = load_predictor,
) -> Iterator[EvalEvent]:
    """Evaluate ``models`` (``SPEC`` or ``LABEL=SPEC`` each) on the verified set ``data``.

    ``load`` turns a spec into a predictor (``predictors.load_predictor`` by default); it is the
    hook for predictors protege does not build itself, and for tests. Yields progress; the
    final ``done`` event carries the ``EvalResult`` whose ``paths`` name every file written.
    """
    if concurrency < 1:
        raise UsageError(f"--concurrency must be at least 1, got {concurrency}")
    specs = parse_models(models)
    pricer = Pricer.load(prices, usd_per_core_hour)
    data = Path(data)
    sources = _load_data(data)
    data_sha256 = file_sha256(data)  # of the file as it was read, before hours of running
    predictors: list[Predictor] = []
    for spec in specs:
        yield EvalEvent("load", spec.label)
        predictor = load(spec.spec)
        pricer.check(predictor.name, predictor.kind)
        predictors.append(predictor)

    results: list[ModelResult] = []
    for spec, predictor in zip(specs, predictors, strict=True):
        for event in _run_model(spec, predictor, sources, concurrency, pricer, targets, out_dir):
            if event.model is not None:
                results.append(event.model)
            yield event

    result = EvalResult(
        data=data,
        data_sha256=data_sha256,
        n=len(sources),
        concurrency=concurrency,
        targets=targets,
        pricing=pricer.describe(),
        models=results,
        out_dir=out_dir,
        created=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        provenance={
            "contract": CONTRACT_VERSION,
            "git_commit": git_commit(),
            "machine": machine(),
            "library_versions": library_versions(),
        },
    )
    result.paths["pareto_png"] = write_pareto(result, out_dir / "pareto.png")
    result.paths.update(write_reports(result, out_dir))
    yield EvalEvent("done", total=len(results), done=len(results), result=result)
