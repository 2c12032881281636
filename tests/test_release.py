"""Released students: a trained scorer or adapter released in fp16 loads by name, is listed, and
carries its lineage, NOTICE and evaluation; bad input is refused with nothing written. The
shipped default student (models/liability-gemma-3-270m) is checked for completeness without
loading it."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

torch = pytest.importorskip("torch")

from typer.testing import CliRunner  # noqa: E402

from protege.cli import app  # noqa: E402
from protege.contract import load_sources, write_jsonl  # noqa: E402
from protege.corpus import generate  # noqa: E402
from protege.models.released import DEFAULT_RELEASED, REPOSITORY_MODELS, released  # noqa: E402
from protege.train import load_config, train  # noqa: E402
from protege.train.scorer import train_scorer  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "configs/liability/tiny-random_lora.yaml"
SHIPPED = REPOSITORY_MODELS / DEFAULT_RELEASED
MAX_SHIPPED_BYTES = 16 * 1024 * 1024  # the repository's one release artifact stays this small


def cli(*args: str) -> Any:
    return CliRunner().invoke(app, list(args))


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("data") / "train.jsonl"
    write_jsonl(path, (g.to_row() for g in generate(24, seed=21)))
    return path


@pytest.fixture(scope="module")
def scorer_run(tiny_model: Path, data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("runs") / "scorer"
    overrides = [f"model={tiny_model}", f"data.train={data}", f"output_dir={out}"]
    extra = ["student=scorer", "scorer.layers=[1,2]", "scorer.epochs=2"]
    config = load_config(CONFIG, [*overrides, *extra])
    list(train_scorer(config))
    return out


def test_a_released_scorer_loads_by_name_and_answers_as_its_run(
    scorer_run: Path, data: Path, tmp_path: Path
) -> None:
    result = cli("models", "release", str(scorer_run), "--name", "tiny-scorer")
    assert result.exit_code == 0, result.output
    found = released("tiny-scorer")
    assert found is not None and found.kind == "scorer"
    meta = found.meta
    assert meta["base_model"] and meta["data"]["train_path"] == str(data)
    weights = found.path / "heads.safetensors"
    facts = meta["release"]["files"]["heads.safetensors"]
    assert facts["sha256"] == hashlib.sha256(weights.read_bytes()).hexdigest()
    from safetensors.torch import load_file

    assert {t.dtype for t in load_file(str(weights)).values()} == {torch.float16}
    assert "trained by protege" in (found.path / "NOTICE").read_text()

    rows = json.loads(cli("models", "list", "--json").stdout)
    mine = [r for r in rows if r["name"] == "tiny-scorer"]
    assert mine and mine[0]["type"] == "released" and mine[0]["kind"] == "scorer"

    from protege.predictors import load_predictor

    sources = load_sources(data)[:6]
    by_name = list(load_predictor("tiny-scorer").predict(sources))
    by_run = list(load_predictor(str(scorer_run)).predict(sources))
    assert load_predictor("tiny-scorer").name == "tiny-scorer"
    for a, b in zip(by_name, by_run, strict=True):
        assert a.output == b.output  # fp16 heads choose what the fp32 heads chose
        assert a.confidence and b.confidence
        assert all(abs(a.confidence[k] - b.confidence[k]) < 0.01 for k in a.confidence)


def test_an_evaluation_of_the_release_ships_with_it(
    scorer_run: Path, data: Path, tmp_path: Path
) -> None:
    assert cli("models", "release", str(scorer_run), "--name", "tiny-eval").exit_code == 0
    out = tmp_path / "ev"
    result = cli("eval", "--data", str(data), "--model", "tiny-eval", "--out", str(out))
    assert result.exit_code == 0, result.output
    result = cli(
        "models", "release", str(scorer_run), "--name", "tiny-eval", "--eval", f"gen={out}"
    )
    assert result.exit_code == 0, result.output
    found = released("tiny-eval")
    assert found is not None
    figures = found.meta["evaluation"]["gen"]
    report = json.loads((out / "report.json").read_text())
    assert figures["record_error"] == report["models"][0]["metrics"]["record_error_rate"]
    assert figures["data"]["n"] == 24
    assert "## gen" in (found.path / "report.md").read_text()


def test_a_released_adapter_loads_by_name(tiny_model: Path, data: Path, tmp_path: Path) -> None:
    from protege.engine.hf import HFPredictor

    out = tmp_path / "adapter"
    config = load_config(
        CONFIG,
        [f"model={tiny_model}", f"data.train={data}", f"output_dir={out}", "train.max_steps=2"],
    )
    list(train(config))
    assert cli("models", "release", str(out), "--name", "tiny-lora").exit_code == 0
    found = released("tiny-lora")
    assert found is not None and found.kind == "lora-adapter"
    assert (found.path / "adapter_config.json").is_file()
    predictor = HFPredictor(str(found.path), max_new_tokens=8)
    (prediction,) = predictor.predict(load_sources(data)[:1])
    assert prediction.output


def test_release_refuses_bad_input_and_writes_nothing(scorer_run: Path, tmp_path: Path) -> None:
    result = cli("models", "release", str(tmp_path), "--name", "nothing")
    assert result.exit_code == 1 and "holds no trained student" in result.output
    result = cli("models", "release", str(scorer_run), "--name", "x", "--eval", "no-equals")
    assert result.exit_code == 1 and "LABEL=DIR" in result.output
    result = cli("models", "release", str(scorer_run), "--name", "x", "--eval", f"a={tmp_path}")
    assert result.exit_code == 1 and "no readable eval report" in result.output
    result = cli("models", "release", str(scorer_run), "--name", "../escape")
    assert result.exit_code == 1 and "plain name" in result.output
    assert released("nothing") is None and released("x") is None


def test_the_shipped_default_student_is_complete() -> None:
    """The one committed release: weights within the size limit and matching meta.json's sha256,
    a meta.json naming its base model and data, its evaluation report and the Gemma notice."""
    assert SHIPPED.is_dir(), f"{SHIPPED} is missing: release the default student there"
    meta = json.loads((SHIPPED / "meta.json").read_text())
    assert meta["kind"] in ("scorer", "lora-adapter") and meta["base_model"] == "gemma-3-270m"
    assert meta["data"]["train_path"] and meta["data"]["train_sources"] > 0
    assert meta["data"]["corpus_versions"] and meta["data"]["train_sha256"]
    files = meta["release"]["files"]
    assert files and meta["release"]["dtype"] == "float16"
    for name, facts in files.items():
        path = SHIPPED / name
        assert path.stat().st_size == facts["bytes"]
        assert hashlib.sha256(path.read_bytes()).hexdigest() == facts["sha256"]
    assert sum(facts["bytes"] for facts in files.values()) <= MAX_SHIPPED_BYTES
    if meta["kind"] == "lora-adapter":
        assert (SHIPPED / "adapter_config.json").is_file()
    if any(name.startswith("adapter/") for name in files):  # a scorer's stage 2
        assert (SHIPPED / "adapter" / "adapter_config.json").is_file()
    notice = (SHIPPED / "NOTICE").read_text()
    assert "Gemma is provided under and subject to the Gemma Terms of Use" in notice
    assert {"generated", "handwritten"} <= set(meta["evaluation"])
    assert "record error" in (SHIPPED / "report.md").read_text()


def test_a_backstop_in_meta_takes_the_baselines_values_where_the_scorer_is_unsure(
    scorer_run: Path, data: Path, tmp_path: Path
) -> None:
    import shutil

    from protege.baseline import extract
    from protege.evidence import find_candidates
    from protege.predictors import load_predictor
    from protege.predictors.backstop import Backstop

    backed = tmp_path / "backed"
    shutil.copytree(scorer_run, backed)
    meta = json.loads((backed / "meta.json").read_text())
    meta["backstop"] = {"threshold": 1.0}  # every value below certainty is backed
    (backed / "meta.json").write_text(json.dumps(meta))
    sources = load_sources(data)[:8]
    plain = list(load_predictor(str(scorer_run)).predict(sources))
    predictor = load_predictor(str(backed))
    assert isinstance(predictor, Backstop) and predictor.settings["backstop"] == 1.0
    taken = 0
    for source, before, after in zip(sources, plain, predictor.predict(sources), strict=True):
        rules = extract(source)
        got, had = json.loads(after.output), json.loads(before.output)
        for key, value in got.items():
            assert value == (rules[key] if rules[key] is not None else had[key]), key
            span = (after.evidence or {}).get(key)
            if value != had[key] and span is not None:  # a taken value's span is a candidate
                taken += 1
                starts = {(c.start, c.end) for c in find_candidates(source.text, source.as_of)}
                assert tuple(span) in starts
        assert after.confidence == before.confidence  # the scorer's own, unsure probabilities
    assert taken > 0
