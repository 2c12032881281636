"""The evaluate stage: percentiles, targets, pricing, the runner, the report files and
``protege eval`` (fast: the regex baseline and a scripted test-only predictor, no real model)."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner

from protege.baseline import extract_output
from protege.cli import app
from protege.contract import load_predictions, load_verified, score, write_jsonl
from protege.contract.record import Source
from protege.corpus.generator import generate
from protege.engine.predictor import Prediction, Predictor
from protege.errors import ConfigError, InputFileError, UsageError
from protege.evaluate import (
    EvalEvent,
    EvalResult,
    ModelSpec,
    Pricer,
    Targets,
    TokenPrice,
    api_call_cost,
    compute_cost,
    evaluate,
    load_prices,
    pareto_front,
    parse_models,
    per_million,
    percentile,
)
from protege.predictors import load_predictor
from protege.pricing import DEFAULT_PRICES

from clitools import assert_clean_error

runner = CliRunner()
N_SOURCES = 60


def invoke(*args: Any) -> Any:
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("eval") / "corpus.jsonl"
    write_jsonl(path, (s.to_row() for s in generate(N_SOURCES, seed=11)))
    return path


# --- a scripted predictor, through the documented ``load`` hook of ``evaluate`` ----------


class ScriptedAPI:
    """Answers with the verified record (wrong on every ``wrong_every``-th source), with
    latency ``i + 1`` ms, 1000 prompt and 100 completion tokens: numbers we can predict."""

    kind = "api"

    def __init__(self, name: str, truth: dict[str, dict[str, Any]], wrong_every: int) -> None:
        self.name = name
        self.truth = truth
        self.wrong_every = wrong_every

    def predict(self, sources: Sequence[Source], batch_size: int = 1) -> Iterator[Prediction]:
        for i, source in enumerate(sources):
            record = dict(self.truth[source.id])
            if self.wrong_every and i % self.wrong_every == 0:
                record["account_last4"] = "0000" if record["account_last4"] != "0000" else "1111"
            yield Prediction(source.id, json.dumps(record), float(i + 1), 1000, 100, 0.0)


def scripted_loader(corpus: Path) -> Any:
    truth = {row.id: row.expected.to_json_dict() for row in load_verified(corpus)}

    def load(spec: str) -> Predictor:
        if spec == "regex":
            return load_predictor(spec)
        name, _, every = spec.partition(":")
        return ScriptedAPI(name, truth, int(every))

    return load


def run(
    corpus: Path, models: list[str], out: Path, **kwargs: Any
) -> tuple[EvalResult, list[EvalEvent]]:
    events = list(evaluate(corpus, models, out_dir=out, **kwargs))
    result = events[-1].result
    assert events[-1].kind == "done" and result is not None
    return result, events


# --- percentiles and the Pareto front ---------------------------------------------------


def test_percentile_known_values() -> None:
    assert percentile([4.0, 1.0, 3.0, 2.0], 50) == 2.5  # mean of the middle two
    assert percentile([1.0, 2.0, 3.0, 4.0], 0) == 1.0
    assert percentile([1.0, 2.0, 3.0, 4.0], 100) == 4.0
    assert percentile([7.0], 99) == 7.0
    assert percentile([float(i) for i in range(1, 101)], 95) == pytest.approx(95.05)


def test_percentile_matches_numpy_linear() -> None:
    rng = random.Random(5)
    for n in (2, 3, 10, 101):
        values = [rng.expovariate(0.1) for _ in range(n)]
        for q in (50, 95, 99):
            assert percentile(values, q) == pytest.approx(float(np.percentile(values, q)))


def test_percentile_rejects_nothing_and_bad_q() -> None:
    with pytest.raises(ValueError):
        percentile([], 50)
    with pytest.raises(ValueError):
        percentile([1.0], 101)


def test_pareto_front() -> None:
    points = [(10.0, 0.20), (100.0, 0.05), (50.0, 0.30), (5.0, 0.50), (100.0, 0.10)]
    # (50, .30) is beaten by (10, .20); (100, .10) by (100, .05)
    assert pareto_front(points) == [3, 0, 1]
    assert pareto_front([(1.0, 1.0), (1.0, 1.0)]) == [0, 1]  # ties both stay


# --- targets ------------------------------------------------------------------------------


def test_targets_parse() -> None:
    targets = Targets.parse(" error=0.09, p50_ms=200 ,cost_per_1m=5,field_acc=0.95")
    assert targets.values == {"error": 0.09, "p50_ms": 200, "cost_per_1m": 5, "field_acc": 0.95}
    assert Targets.parse("").values == {}
    assert Targets.parse(None).values == {}


@pytest.mark.parametrize(
    ("text", "needles"),
    [
        ("error", ["expected name=value", "error=0.09"]),
        ("error=", ["expected name=value"]),
        ("=3", ["expected name=value"]),
        ("error=abc", ["needs a number", "expected name=value"]),
        ("latency=3", ["unknown target 'latency'", "error", "p50_ms", "cost_per_1m"]),
        ("error=9", ["fraction"]),
        ("p50_ms=-1", [">= 0"]),
        ("p50_ms=nan", ["finite"]),
        ("error=0.1,error=0.2", ["twice"]),
    ],
)
def test_targets_parse_rejects(text: str, needles: list[str]) -> None:
    with pytest.raises(UsageError) as info:
        Targets.parse(text)
    for needle in needles:
        assert needle in str(info.value)


def test_targets_check_bounds_are_inclusive_and_directed() -> None:
    targets = Targets.parse("error=0.1,field_acc=0.9,p50_ms=200")
    metrics = {"record_error_rate": 0.1, "field_accuracy": 0.9, "p50_ms": 200.5}
    checks = targets.check(metrics)
    assert checks["error"].passed  # equal to a max bound passes
    assert checks["field_acc"].passed  # equal to a min bound passes
    assert not checks["p50_ms"].passed
    checks = targets.check({**metrics, "record_error_rate": 0.11, "field_accuracy": 0.89})
    assert not checks["error"].passed and not checks["field_acc"].passed
    assert checks["error"].value == 0.11 and checks["error"].target == 0.1


# --- pricing ------------------------------------------------------------------------------


def test_shipped_prices() -> None:
    assert DEFAULT_PRICES.is_file() and DEFAULT_PRICES.name == "prices.yaml"
    table = load_prices()
    assert table == load_prices(DEFAULT_PRICES)
    assert table.for_model("gpt-4o") == TokenPrice(input=2.5, cached_input=1.25, output=10.0)
    assert table.for_model("gpt-4.1-mini") == TokenPrice(input=0.4, cached_input=0.1, output=1.6)
    assert table.for_model("o3-mini") == TokenPrice(input=1.1, cached_input=0.55, output=4.4)
    assert 0.01 < table.self_hosted.usd_per_core_hour < 0.1


def test_pricing_arithmetic() -> None:
    gpt4o = TokenPrice(input=2.5, cached_input=1.25, output=10.0)
    assert api_call_cost(gpt4o, 1000, 200) == pytest.approx((1000 * 2.5 + 200 * 10) / 1e6)
    # 400 of the 1000 prompt tokens hit the cache
    assert api_call_cost(gpt4o, 1000, 200, cached_tokens=400) == pytest.approx(
        (600 * 2.5 + 400 * 1.25 + 200 * 10) / 1e6
    )
    no_cache = TokenPrice(input=2.0, output=8.0)
    assert api_call_cost(no_cache, 100, 0, cached_tokens=100) == pytest.approx(100 * 2.0 / 1e6)
    assert compute_cost(3600, 0.04) == pytest.approx(0.04)
    assert compute_cost(1.5, 0.036) == pytest.approx(1.5e-5)
    assert per_million([0.0045, 0.0045, 0.0015]) == pytest.approx(3500)
    assert per_million([]) == 0
    with pytest.raises(UsageError):
        api_call_cost(gpt4o, 10, 1, cached_tokens=11)
    with pytest.raises(UsageError):
        compute_cost(-1, 0.04)


def test_pricer_prices_by_kind_and_overrides_core_hour() -> None:
    pricer = Pricer.load(usd_per_core_hour=0.072)
    assert pricer.usd_per_core_hour == 0.072
    assert pricer.call_cost("gpt-4o", "api", 1000, 100, cpu_s=99) == pytest.approx(0.0035)
    assert pricer.call_cost("anything", "self-hosted", 1000, 100, cpu_s=50) == pytest.approx(0.001)
    assert pricer.call_cost("regex", "rules", 0, 0, cpu_s=50) == pytest.approx(0.001)
    with pytest.raises(ConfigError, match="no price for API model 'gpt-9'"):
        pricer.check("gpt-9", "api")
    with pytest.raises(UsageError):
        Pricer.load(usd_per_core_hour=-1)
    assert Pricer.load().usd_per_core_hour == load_prices().self_hosted.usd_per_core_hour


@pytest.mark.parametrize(
    ("text", "error", "needles"),
    [
        ("models: [unclosed\n", ConfigError, ["not valid YAML", "line"]),
        ("- just\n- a list\n", ConfigError, ["expected a mapping"]),
        (
            "models:\n  m: {input: -1, output: 1, extra: 2}\n",
            ConfigError,
            ["3 problem(s)", "models.m.input", "models.m.extra", "self_hosted"],
        ),
    ],
)
def test_bad_prices_files(
    tmp_path: Path, text: str, error: type[Exception], needles: list[str]
) -> None:
    path = tmp_path / "prices.yaml"
    path.write_text(text)
    with pytest.raises(error) as info:
        load_prices(path)
    for needle in needles:
        assert needle in str(info.value)
    with pytest.raises(InputFileError, match="no such prices file"):
        load_prices(tmp_path / "missing.yaml")


# --- model specs ----------------------------------------------------------------------------


def test_model_specs() -> None:
    assert ModelSpec.parse("regex") == ModelSpec("regex", "regex")
    assert ModelSpec.parse("base=gemma-3-270m") == ModelSpec("base", "gemma-3-270m")
    assert ModelSpec.parse("runs/a1/") == ModelSpec("a1", "runs/a1/")
    assert ModelSpec.parse("runs/x=1") == ModelSpec("x=1", "runs/x=1")  # '/' is no label
    with pytest.raises(UsageError, match="label them"):
        parse_models(["regex", "regex"])
    with pytest.raises(UsageError, match="at least one --model"):
        parse_models([])


# --- the runner -------------------------------------------------------------------------------


def test_runner_agrees_with_score_and_writes_predictions(corpus: Path, tmp_path: Path) -> None:
    result, events = run(corpus, ["regex"], tmp_path / "out", concurrency=3, targets=Targets())
    (model,) = result.models
    truth = load_verified(corpus)
    expected = score(truth, {s.id: extract_output(s) for s in truth})
    assert model.score.to_dict() == expected.to_dict()
    metrics = model.metrics()
    assert metrics["record_error_rate"] == expected.overall.record_error_rate
    assert metrics["n"] == N_SOURCES
    # the predictions file is a valid --pred file for `protege score`, and scores the same
    saved = load_predictions(model.predictions_path)
    assert score(truth, saved).to_dict() == expected.to_dict()
    rows = [json.loads(line) for line in model.predictions_path.read_text().splitlines()]
    assert {"latency_ms", "cpu_s", "cost_usd"} <= set(rows[0])
    assert sum(r["cost_usd"] for r in rows) == pytest.approx(metrics["usd_total"])
    kinds = [e.kind for e in events]
    assert kinds[:2] == ["load", "start"] and kinds[-2:] == ["scored", "done"]
    assert [e.done for e in events if e.kind == "advance"] == list(range(1, N_SOURCES + 1))


def test_runner_latency_tokens_cost_and_targets(corpus: Path, tmp_path: Path) -> None:
    result, _ = run(
        corpus,
        ["big=gpt-4o:0", "mini=gpt-4.1-mini:4"],
        tmp_path / "out",
        concurrency=1,
        targets=Targets.parse("error=0.1,p50_ms=30.5,cost_per_1m=1000"),
        load=scripted_loader(corpus),
    )
    big, mini = result.models
    latencies = [float(i + 1) for i in range(N_SOURCES)]  # the script's i + 1 ms
    for model in (big, mini):
        m = model.metrics()
        assert m["p50_ms"] == pytest.approx(percentile(latencies, 50)) == pytest.approx(30.5)
        assert m["p95_ms"] == pytest.approx(float(np.percentile(latencies, 95)))
        assert m["p99_ms"] == pytest.approx(float(np.percentile(latencies, 99)))
        assert m["mean_prompt_tokens"] == 1000 and m["mean_completion_tokens"] == 100
    assert big.metrics()["usd_per_1m"] == pytest.approx(1000 * 2.5 + 100 * 10.0)  # $3500
    assert mini.metrics()["usd_per_1m"] == pytest.approx(1000 * 0.4 + 100 * 1.6)  # $560
    assert big.metrics()["record_error_rate"] == 0
    assert mini.metrics()["record_errors"] == len(range(0, N_SOURCES, 4))  # every 4th is wrong
    assert {n: c.passed for n, c in big.targets.items()} == {
        "error": True,
        "p50_ms": True,
        "cost_per_1m": False,
    }
    assert {n: c.passed for n, c in mini.targets.items()} == {
        "error": False,  # 15/60 = 25 %
        "p50_ms": True,
        "cost_per_1m": True,
    }
    assert result.pareto_labels() == ["big"]  # same latency, lower error


def test_runner_refuses_an_unpriced_api_model_before_running(corpus: Path, tmp_path: Path) -> None:
    events: list[EvalEvent] = []
    with pytest.raises(ConfigError, match="no price for API model 'gpt-9'"):
        for event in evaluate(
            corpus, ["regex", "gpt-9:0"], 1, Targets(), tmp_path, load=scripted_loader(corpus)
        ):
            events.append(event)
    assert all(e.kind == "load" for e in events)  # nothing ran


# --- the report files -----------------------------------------------------------------------


def test_report_files_are_consistent(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result, _ = run(
        corpus,
        ["regex", "big=gpt-4o:0"],
        out,
        concurrency=2,
        targets=Targets.parse("error=0.09,p50_ms=200"),
        load=scripted_loader(corpus),
    )
    assert set(result.paths) == {"report_json", "report_md", "pareto_png"}
    report = json.loads((out / "report.json").read_text())
    assert report["data"]["n"] == N_SOURCES and len(report["data"]["sha256"]) == 64
    assert report["concurrency"] == 2
    assert report["targets"] == {"error": 0.09, "p50_ms": 200}
    assert {"git_commit", "machine", "library_versions"} <= set(report["provenance"])
    assert report["pricing"]["models"]["gpt-4o"]["output"] == 10.0
    regex, big = report["models"]
    truth = load_verified(corpus)
    expected = score(truth, {s.id: extract_output(s) for s in truth}).to_dict()
    assert regex["score"] == json.loads(json.dumps(expected))
    assert regex["metrics"]["record_error_rate"] == expected["record_error_rate"]
    assert regex["targets"]["error"]["passed"] is (expected["record_error_rate"] <= 0.09)
    assert big["metrics"]["record_error_rate"] == 0 and big["passed_all_targets"] is True
    assert report["pareto_front"] == result.pareto_labels()

    md = (out / "report.md").read_text()
    assert "| spec | `regex` | `gpt-4o:0` |" in md
    assert f"{100 * expected['record_error_rate']:.1f} %" in md
    assert "## Targets" in md and "error ≤ 9.0 %" in md and "p50_ms ≤ 200 ms" in md
    assert "## Record error per source kind" in md and "![Pareto plot](pareto.png)" in md
    for kind, group in expected["per_kind"].items():
        assert f"| {kind} | {group['n']} | {100 * group['record_error_rate']:.1f} % |" in md

    png = (out / "pareto.png").read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 10_000


# --- protege eval ---------------------------------------------------------------------------


def test_eval_cli_tables_and_paths(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = invoke(
        "eval", "--data", corpus, "--model", "regex", "--model", "again=regex",
        "--targets", "error=0.99,p50_ms=100000", "--out", out,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    for needle in ("regex (rules, 60 sources)", "again (rules", "record error", "95 % CI",
                   "p50 / p95 / p99", "$ per 1M", "target error ≤ 99.0 %", "pass ("):  # fmt: skip
        assert needle in result.stdout, needle
    assert str(out / "report.md") in result.stdout and str(out / "pareto.png") in result.stdout
    assert (out / "predictions" / "again.jsonl").is_file()


def test_eval_cli_json_and_default_out(corpus: Path, protege_home: Path) -> None:
    result = invoke(
        "eval", "--data", corpus, "--model", "regex", "--json", "--usd-per-core-hour", "1"
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["pricing"]["usd_per_core_hour"] == 1
    (model,) = report["models"]
    assert model["metrics"]["n"] == N_SOURCES
    written = Path(report["files"]["report_json"])
    assert written.parent.parent == protege_home / "evals"
    assert json.loads(written.read_text()) == report


def test_eval_cli_bad_input(corpus: Path, tmp_path: Path) -> None:
    out = ["--out", tmp_path / "out"]
    ok = ["--data", corpus, "--model", "regex", *out]
    assert_clean_error(
        invoke("eval", "--data", tmp_path / "nope.jsonl", "--model", "regex", *out), "no such file"
    )
    lines = corpus.read_text().splitlines()
    broken = tmp_path / "broken.jsonl"
    broken.write_text("\n".join([*lines[:2], '{"id": ', *lines[3:]]) + "\n")
    assert_clean_error(invoke("eval", "--data", broken, "--model", "regex", *out), "line 3")
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n")
    assert_clean_error(invoke("eval", "--data", empty, "--model", "regex", *out), "no sources")
    assert_clean_error(
        invoke("eval", "--data", corpus, "--model", "no-such-model", *out), "no-such-model"
    )
    assert_clean_error(invoke("eval", *ok, "--targets", "error"), "expected name=value")
    assert_clean_error(invoke("eval", *ok, "--targets", "speed=3"), "unknown target", "p50_ms")
    assert_clean_error(invoke("eval", *ok, "--concurrency", "0"), "--concurrency")
    assert_clean_error(invoke("eval", *ok, "--model", "regex"), "label them")
    assert_clean_error(invoke("eval", *ok, "--usd-per-core-hour", "-2"), "cannot be negative")
    bad_prices = tmp_path / "prices.yaml"
    bad_prices.write_text("models: {}\n")
    assert_clean_error(invoke("eval", *ok, "--prices", bad_prices), "prices.yaml", "self_hosted")
    assert_clean_error(invoke("eval", *ok, "--prices", tmp_path / "none.yaml"), "no such prices")
    assert not (tmp_path / "out" / "report.json").exists()  # nothing half-written
