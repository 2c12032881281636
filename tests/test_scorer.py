"""The scorer student on the tiny random model: it trains end to end from a contract JSONL
and from a dataset directory, answers through the predictor interface with valid evidence,
gives a key with no candidate null, and reports bad configuration all at once."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

torch = pytest.importorskip("torch")

from protege.contract import load_sources, load_verified, parse_output, write_jsonl  # noqa: E402
from protege.corpus import generate  # noqa: E402
from protege.errors import ConfigError  # noqa: E402
from protege.evidence import KEY_TYPES, read_span  # noqa: E402
from protege.train import load_config  # noqa: E402
from protege.train.heads_fit import calibrate  # noqa: E402
from protege.train.scorer import train_scorer  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "configs/liability/tiny-random_lora.yaml"


@pytest.fixture(scope="module")
def train_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("data") / "train.jsonl"
    write_jsonl(path, (g.to_row() for g in generate(40, seed=13)))
    return path


def scorer_config(tiny_model: Path, data: Path, out: Path, *extra: str) -> Any:
    return load_config(
        CONFIG,
        [
            f"model={tiny_model}",
            f"data.train={data}",
            f"output_dir={out}",
            "student=scorer",
            "scorer.layers=[1,2]",
            "scorer.epochs=3",
            "data.val_fraction=0.2",
            *extra,
        ],
    )


@pytest.fixture(scope="module")
def trained(tiny_model: Path, train_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Any:
    out = tmp_path_factory.mktemp("runs") / "scorer"
    events = list(train_scorer(scorer_config(tiny_model, train_file, out)))
    return out, events


def test_the_scorer_trains_end_to_end_and_records_its_lineage(trained: Any) -> None:
    out, events = trained
    kinds = [e.kind for e in events]
    assert kinds[0] == "features" and kinds[-1] == "done"
    assert kinds.count("step") == 3 and kinds.count("eval") == 3
    losses = [e.loss for e in events if e.kind == "step"]
    assert losses[-1] < losses[0]  # the heads fit their cached features
    meta = json.loads((out / "meta.json").read_text())
    assert meta["kind"] == "scorer" and meta["features"]["layers"] == [1, 2]
    assert meta["data"]["train_sources"] + meta["data"]["val_sources"] == 40
    assert 0.0 <= meta["threshold"] <= 1.0 and meta["git_commit"]
    assert Path(meta["data"]["feature_cache"]).is_file()


def test_a_second_run_reads_the_feature_cache(
    trained: Any, tiny_model: Path, train_file: Path
) -> None:
    out, first = trained
    again = list(train_scorer(scorer_config(tiny_model, train_file, out)))
    reads = [e for e in again if e.kind == "features"]
    assert len(reads) == 1 and reads[0].step == 40  # one event: loaded, not read in batches
    assert [e.loss for e in again if e.kind == "step"] == [
        e.loss for e in first if e.kind == "step"
    ]


def test_scorer_predictions_are_grounded_records(trained: Any, train_file: Path) -> None:
    from protege.predictors import load_predictor

    out, _ = trained
    predictor = load_predictor(str(out))
    sources = {s.id: s for s in load_sources(train_file)[:8]}
    predictions = list(predictor.predict(list(sources.values()), batch_size=3))
    assert [p.id for p in predictions] == list(sources)
    for prediction in predictions:
        source = sources[prediction.id]
        parsed = parse_output(prediction.output)
        assert parsed.valid, parsed.error
        record = json.loads(prediction.output)
        assert prediction.confidence is not None and set(prediction.confidence) >= set(KEY_TYPES)
        assert all(0.0 <= p <= 1.0 for p in prediction.confidence.values())
        evidence = prediction.evidence or {}
        for key, value_type in KEY_TYPES.items():
            if record[key] is None:
                assert key not in evidence
                continue
            start, end = evidence[key]
            read = read_span(source.text[start:end], value_type, source.as_of)
            assert any(parsed.record and _same(key, c.value, record[key]) for c in read)


def _same(key: str, a: Any, b: Any) -> bool:
    from protege.contract.normalize import normalize_value

    return normalize_value(key, a) == normalize_value(key, b)


def test_a_key_with_no_candidate_is_null(trained: Any, tmp_path: Path) -> None:
    from protege.predictors import load_predictor

    out, _ = trained
    row = next(g.to_row() for g in generate(1, seed=3))
    row["id"], row["text"] = "no-values", "Thanks for calling, we will write back soon."
    path = tmp_path / "plain.jsonl"
    write_jsonl(path, [row])
    (prediction,) = load_predictor(str(out)).predict(load_sources(path))
    record = json.loads(prediction.output)
    assert all(record[key] is None for key in KEY_TYPES)
    assert prediction.evidence == {}


def test_the_scorer_trains_from_a_dataset_directory(
    tiny_model: Path, train_file: Path, tmp_path: Path
) -> None:
    from protege.train.data import load_examples

    rows = [
        {
            "messages": [*ex.messages, {"role": "assistant", "content": ex.target}],
            "metadata": {"id": ex.id},
        }
        for ex in load_examples(train_file)[:12]
    ]
    dataset = tmp_path / "ds"
    write_jsonl(dataset / "rows.jsonl", rows)
    events = list(train_scorer(scorer_config(tiny_model, dataset, tmp_path / "run")))
    meta = events[-1].meta
    assert meta["data"]["train_sources"] + meta["data"]["val_sources"] == 12
    expected = {s.id: s.expected for s in load_verified(train_file)[:12]}
    from protege.train.scorer import training_sources

    assert {s.id: s.expected for s in training_sources(dataset)} == expected


def test_bad_scorer_configuration_is_reported_all_at_once(
    tiny_model: Path, train_file: Path
) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(
            CONFIG,
            [
                f"model={tiny_model}",
                f"data.train={train_file}",
                "student=scorer",
                "scorer.layers=[1,9]",
                "scorer.window=-1",
                "scorer.epochs=0",
            ],
        )
    text = str(caught.value)
    assert "scorer.layers: [9] are not layers" in text
    assert "scorer.window" in text and "scorer.epochs" in text


def test_calibration_picks_the_lowest_threshold_that_is_right_enough() -> None:
    rows = [(True, 0.99), (True, 0.95), (False, 0.9), (True, 0.8), (False, 0.5)]
    assert calibrate(rows, 1.0) == (0.95, 1.0, 0.4)
    threshold, accuracy, coverage = calibrate(rows, 0.75)
    assert (threshold, accuracy, coverage) == (0.8, 0.75, 0.8)
    assert calibrate([(False, 0.9)], 0.97) == (1.0, 1.0, 0.0)  # nothing is right enough


def test_a_source_reads_the_same_alone_and_in_a_padded_batch(
    tiny_model: Path, train_file: Path
) -> None:
    from protege.engine.features import FeatureSpec, Featurizer
    from protege.models.loading import load_model, load_tokenizer

    featurizer = Featurizer(
        load_model(tiny_model), load_tokenizer(tiny_model), FeatureSpec((1, 2), 4, 4096)
    )
    sources = sorted(load_sources(train_file)[:6], key=lambda s: len(s.text))
    short, long = sources[0], sources[-1]
    assert len(short.text) < len(long.text)
    (alone,) = featurizer.read([short])
    batched, _ = featurizer.read([short, long])
    assert alone.candidates == batched.candidates and alone.tokens == batched.tokens
    assert torch.allclose(alone.spans, batched.spans, atol=1e-3)  # fp32 prefix sums
    assert torch.allclose(alone.doc, batched.doc, atol=1e-3)


def test_predict_and_eval_load_a_scorer_directory(
    trained: Any, train_file: Path, tmp_path: Path
) -> None:
    from typer.testing import CliRunner

    from protege.cli import app

    out, _ = trained
    runner = CliRunner()
    predictions = tmp_path / "pred.jsonl"
    result = runner.invoke(
        app,
        ["predict", "--model", str(out), "--input", str(train_file), "--output", str(predictions)],
    )
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in predictions.read_text().splitlines()]
    assert len(rows) == 40 and all("confidence" in row and "evidence" in row for row in rows)
    result = runner.invoke(
        app,
        [
            "eval",
            "--data",
            str(train_file),
            "--model",
            f"s={out}",
            "--out",
            str(tmp_path / "ev"),
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    (model,) = json.loads(result.stdout)["models"]
    assert model["settings"]["student"] == "scorer" and model["metrics"]["invalid_rate"] == 0.0


def test_batched_heads_and_loss_equal_one_source_at_a_time(
    trained: Any, tiny_model: Path, train_file: Path
) -> None:
    from protege.engine.features import Featurizer
    from protege.engine.scorer_predictor import load_heads, spec_of
    from protege.models.loading import load_model, load_tokenizer
    from protege.train.heads_fit import batch_loss, targets_of

    out, _ = trained
    meta = json.loads((out / "meta.json").read_text())
    heads = load_heads(out)
    featurizer = Featurizer(load_model(tiny_model), load_tokenizer(tiny_model), spec_of(meta))
    sources = load_verified(train_file)[:8]
    examples = [targets_of(s, f) for s, f in zip(sources, featurizer.read(sources), strict=True)]
    assert len({len(ex.features.candidates) for ex in examples}) > 1  # the batch pads
    with torch.no_grad():
        logits, type_logits = heads.batch(
            [ex.features.spans for ex in examples],
            torch.stack([ex.features.doc for ex in examples]),
        )
        for row, ex in enumerate(examples):
            one, one_type = heads(ex.features.spans, ex.features.doc)
            n = 1 + len(ex.features.candidates)
            assert torch.allclose(logits[row, :n], one, atol=1e-5)
            assert torch.isinf(logits[row, n:]).all()
            assert torch.allclose(type_logits[row], one_type, atol=1e-5)
        together = batch_loss(heads, examples)
        alone = torch.stack([batch_loss(heads, [ex]) for ex in examples]).mean()
    assert torch.isfinite(together) and torch.allclose(together, alone, atol=1e-4)


def test_a_far_window_adds_two_means_and_keeps_the_near_ones(
    tiny_model: Path, train_file: Path
) -> None:
    from protege.engine.features import SCALARS, FeatureSpec, Featurizer
    from protege.models.loading import load_model, load_tokenizer

    sources = load_sources(train_file)[:2]
    near, far = (
        Featurizer(load_model(tiny_model), load_tokenizer(tiny_model), spec).read(sources)
        for spec in (FeatureSpec((1, 2), 4, 4096), FeatureSpec((1, 2), 4, 4096, far_window=32))
    )
    hidden = int(near[0].doc.shape[0] / 2)
    for a, b in zip(near, far, strict=True):
        assert a.candidates == b.candidates and len(a.candidates) > 0
        assert b.spans.shape[1] == 5 * 2 * hidden + SCALARS
        kept = 3 * 2 * hidden
        assert torch.allclose(a.spans[:, :kept], b.spans[:, :kept])  # the near means
        assert torch.allclose(a.spans[:, -SCALARS:], b.spans[:, -SCALARS:])
        near_left, far_left = (
            b.spans[:, 2 * hidden : 4 * hidden],
            b.spans[:, kept : kept + 2 * hidden],
        )
        assert not torch.allclose(near_left, far_left)  # 32 tokens back is not 4 tokens back


def test_an_ensemble_fits_each_member_from_its_seed_and_averages_their_logits(
    tiny_model: Path, train_file: Path, tmp_path: Path
) -> None:
    from protege.engine.scorer_predictor import load_heads
    from protege.predictors import load_predictor

    out = tmp_path / "ensemble"
    config = scorer_config(tiny_model, train_file, out, "scorer.members=2", "train.seed=7")
    events = list(train_scorer(config))
    assert [e.step for e in events if e.kind == "step"] == list(range(1, 7))  # 2 x 3 epochs
    meta = json.loads((out / "meta.json").read_text())
    assert meta["heads"]["members"] == 2
    assert [m["seed"] for m in meta["metrics"]["members"]] == [7, 8]
    heads = load_heads(out)
    assert len(heads.members) == 2
    first, second = heads.members
    assert any(  # fitted apart: different weights
        not torch.equal(a, b)
        for a, b in zip(first.state_dict().values(), second.state_dict().values(), strict=True)
    )
    spans, doc = (
        torch.randn(5, meta["heads"]["candidate_dim"]),
        torch.randn(meta["heads"]["doc_dim"]),
    )
    with torch.inference_mode():
        logits, type_logits = heads(spans, doc)
        parts = [member(spans, doc) for member in heads.members]
    assert torch.allclose(logits, (parts[0][0] + parts[1][0]) / 2)
    assert torch.allclose(type_logits, (parts[0][1] + parts[1][1]) / 2)
    source = load_sources(train_file)[0]
    (prediction,) = load_predictor(str(out)).predict([source])
    assert parse_output(prediction.output).valid
