"""Stage 2 of the scorer on the tiny random model: LoRA trained with the heads' loss is saved,
merged by the predictor, released in fp16; a stage 2 that does not beat stage 1 on validation
leaves stage 1's student as it was."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

torch = pytest.importorskip("torch")

from protege.contract import load_sources, write_jsonl  # noqa: E402
from protege.corpus import generate  # noqa: E402
from protege.engine.release import release  # noqa: E402
from protege.engine.scorer_predictor import ADAPTER_DIR, ScorerPredictor  # noqa: E402
from protege.models.loading import load_model  # noqa: E402
from protege.train import load_config  # noqa: E402
from protege.train.scorer import train_scorer  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "configs/liability/tiny-random_lora.yaml"


@pytest.fixture(scope="module")
def train_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("data") / "train.jsonl"
    write_jsonl(path, (g.to_row() for g in generate(24, seed=17)))
    return path


def run(tiny_model: Path, data: Path, out: Path, *extra: str) -> list[Any]:
    config = load_config(
        CONFIG,
        [
            f"model={tiny_model}",
            f"data.train={data}",
            f"output_dir={out}",
            "student=scorer",
            "scorer.layers=[1,2]",
            "scorer.epochs=2",
            "scorer.batch_sources=2",
            "scorer.tune_epochs=1",
            "scorer.tune_step_sources=4",
            *extra,
        ],
    )
    return list(train_scorer(config))


@pytest.fixture(scope="module")
def tuned(tiny_model: Path, train_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("runs") / "tuned"
    # no validation sources: nothing to compare with, so stage 2 is kept
    events = run(tiny_model, train_file, out, "data.val_fraction=0", "scorer.tune_lr=0.01")
    steps = [e for e in events if e.kind == "tune"]
    assert len(steps) == 6  # 24 sources, 4 a step
    assert all(e.loss is not None and e.loss == e.loss for e in steps)  # finite, not NaN
    return out


def test_a_kept_stage_2_saves_its_adapter_and_history(tuned: Path) -> None:
    meta = json.loads((tuned / "meta.json").read_text())
    history = meta["metrics"]["tune"]
    assert history["kept"] and history["steps"] == 6 and history["sources_per_step"] == 4
    config = json.loads((tuned / ADAPTER_DIR / "adapter_config.json").read_text())
    assert config["layers_to_transform"] == [0, 1]  # the layers the featurizer runs


def test_the_predictor_merges_the_adapter_into_the_layers_it_reads(
    tuned: Path, tiny_model: Path, train_file: Path
) -> None:
    predictor = ScorerPredictor(str(tuned))
    base = load_model(tiny_model).get_decoder()  # type: ignore[no-untyped-call]
    merged = predictor.featurizer.decoder
    moved = not torch.equal(
        merged.layers[0].self_attn.q_proj.weight, base.layers[0].self_attn.q_proj.weight
    )
    assert moved  # the tuned weights, not the base model's
    assert type(merged.layers[0].self_attn.q_proj) is torch.nn.Linear  # merged, no LoRA left
    assert predictor.settings["stage2_adapter"] == "merged"  # reports say which student ran
    sources = load_sources(train_file)[:4]
    assert all(p.output.startswith("{") for p in predictor.predict(sources))


def test_a_release_carries_the_adapter_in_fp16_and_answers_as_the_run(
    tuned: Path, train_file: Path, tmp_path: Path
) -> None:
    meta = release(tuned, tmp_path / "tiny-tuned", "tiny-tuned")
    weights = f"{ADAPTER_DIR}/adapter_model.safetensors"
    assert weights in meta["release"]["files"]
    assert (tmp_path / "tiny-tuned" / ADAPTER_DIR / "adapter_config.json").is_file()
    sources = load_sources(train_file)[:6]
    run_outputs = [p.output for p in ScorerPredictor(str(tuned)).predict(sources)]
    released = [p.output for p in ScorerPredictor(str(tmp_path / "tiny-tuned")).predict(sources)]
    same = sum(a == b for a, b in zip(run_outputs, released, strict=True))
    assert same >= 5  # fp16 rounding may flip a near tie, not the answers


def test_a_stage_2_no_better_on_validation_is_undone(
    tiny_model: Path, train_file: Path, tmp_path: Path
) -> None:
    # a learning rate too small to change anything: validation error cannot fall
    stage1 = run(tiny_model, train_file, tmp_path / "plain", "scorer.tune_epochs=0")
    undone = run(tiny_model, train_file, tmp_path / "undone", "scorer.tune_lr=1e-12")
    meta = json.loads((tmp_path / "undone" / "meta.json").read_text())
    history = meta["metrics"]["tune"]
    assert not history["kept"]
    assert history["val_record_error_after"] == history["val_record_error_before"]
    assert not (tmp_path / "undone" / ADAPTER_DIR).exists()
    from safetensors.torch import load_file

    plain = load_file(str(tmp_path / "plain" / "heads.safetensors"))
    heads = load_file(str(tmp_path / "undone" / "heads.safetensors"))
    assert all(torch.equal(plain[k], heads[k]) for k in plain)  # stage 1's heads, restored
    assert [e.kind for e in stage1].count("tune") == 0
    assert [e.kind for e in undone].count("tune") == history["steps"] > 0


def test_an_unmerged_adapter_answers_as_the_merged_one(tuned: Path, train_file: Path) -> None:
    sources = load_sources(train_file)[:6]
    unmerged = ScorerPredictor(str(tuned), merge=False)
    assert unmerged.adapter is not None  # LoRA layers over the base, not merged into it
    assert unmerged.settings["stage2_adapter"] == "unmerged"
    merged = [p.output for p in ScorerPredictor(str(tuned)).predict(sources)]
    assert [p.output for p in unmerged.predict(sources)] == merged
