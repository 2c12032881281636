"""Fine-tuning on the tiny random model: config validation, a run whose loss falls, pinned
first losses, checkpoint/resume, and save -> load -> predict."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

torch = pytest.importorskip("torch")

from protege.contract import load_sources, parse_output, write_jsonl  # noqa: E402
from protege.corpus import generate  # noqa: E402
from protege.errors import ConfigError  # noqa: E402
from protege.models.tiny import build_tiny  # noqa: E402
from protege.train import TrainEvent, load_config, train  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny(tmp_path_factory.mktemp("models") / "tiny-random")


@pytest.fixture(scope="session")
def train_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("data") / "train.jsonl"
    write_jsonl(path, (g.to_row() for g in generate(120, seed=11)))
    return path


def tiny_config(tiny_model: Path, train_file: Path, out: Path, *extra: str) -> Any:
    return load_config(
        ROOT / "configs/liability/tiny-random_lora.yaml",
        [f"model={tiny_model}", f"data.train={train_file}", f"output_dir={out}", *extra],
    )


def run(config: Any, resume: bool = False, stop_after: int | None = None) -> list[TrainEvent]:
    events = []
    for event in train(config, resume=resume):
        events.append(event)
        if stop_after is not None and event.kind == "checkpoint" and event.step == stop_after:
            break  # as if the process died right after this checkpoint
    return events


def losses(events: list[TrainEvent]) -> list[float]:
    return [e.loss for e in events if e.kind == "step" and e.loss is not None]


def test_every_shipped_config_validates(train_file: Path) -> None:
    for path in sorted((ROOT / "configs/liability").glob("*.yaml")):
        config = load_config(path, [f"data.train={train_file}"])
        assert config.lora.r >= 1, path


def test_validation_reports_every_problem_at_once(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "model: no-such-model\ndata:\n  train: /nope.jsonl\nlora:\n  r: x\n  target_modules: [q_proj, wat]\ntrain:\n  batch_size: 0\nfoo: 1\n"
    )
    with pytest.raises(ConfigError) as info:
        load_config(bad, ["optim.lr=-1", "nonsense"])
    problems = "\n".join(info.value.problems)
    for needle in (
        "model:",
        "data.train",
        "lora.r",
        "wat",
        "train.batch_size",
        "foo",
        "optim.lr",
        "nonsense",
    ):
        assert needle in problems, needle
    assert len(info.value.problems) >= 8


def test_ten_steps_lower_the_loss(tiny_model: Path, train_file: Path, tmp_path: Path) -> None:
    events = run(tiny_config(tiny_model, train_file, tmp_path / "run"))
    values = losses(events)
    assert len(values) == 10
    assert sum(values[-3:]) / 3 < sum(values[:3]) / 3 - 0.05
    meta = json.loads((tmp_path / "run" / "meta.json").read_text())
    assert meta["metrics"]["tokens_per_s"] > 0
    assert meta["metrics"]["peak_rss_mb"] > 0
    assert len(meta["data"]["hash"]) == 64
    assert meta["prompt"]["version"]
    assert meta["config"]["train"]["max_steps"] == 10
    assert {"torch", "transformers", "peft"} <= set(meta["versions"])
    assert (tmp_path / "run" / "adapter_model.safetensors").is_file()


def test_fixed_seed_pins_the_first_losses(
    tiny_model: Path, train_file: Path, tmp_path: Path
) -> None:
    config = tiny_config(
        tiny_model, train_file, tmp_path / "run", "train.max_steps=3", "train.autocast_bf16=false"
    )
    first = losses(run(config))
    # Pinned on the tiny model (fp32, seed 1). A change here means the data, prompt, model
    # initialisation or loss changed: update the numbers only on purpose.
    assert first == pytest.approx(PINNED_LOSSES, abs=2e-3)


PINNED_LOSSES = [6.9084, 6.8148, 6.7548]


def test_resume_continues_where_the_checkpoint_stopped(
    tiny_model: Path, train_file: Path, tmp_path: Path
) -> None:
    straight = losses(
        run(tiny_config(tiny_model, train_file, tmp_path / "a", "train.autocast_bf16=false"))
    )
    config = tiny_config(tiny_model, train_file, tmp_path / "b", "train.autocast_bf16=false")
    head = run(config, stop_after=5)
    assert (tmp_path / "b" / "checkpoint" / "trainer_state.json").is_file()
    assert not (tmp_path / "b" / "meta.json").exists()
    tail = run(config, resume=True)
    assert tail[0].kind == "start" and tail[0].step == 5
    assert losses(head) + losses(tail) == pytest.approx(straight, abs=1e-4)


def test_resume_without_checkpoint_is_a_clear_error(
    tiny_model: Path, train_file: Path, tmp_path: Path
) -> None:
    from protege.errors import UsageError

    with pytest.raises(UsageError, match="no checkpoint"):
        run(tiny_config(tiny_model, train_file, tmp_path / "fresh"), resume=True)


def test_save_load_predict_round_trip(tiny_model: Path, train_file: Path, tmp_path: Path) -> None:
    from peft import PeftModel
    from transformers import AutoModelForCausalLM

    from protege.engine.hf import HFPredictor

    out = tmp_path / "run"
    run(tiny_config(tiny_model, train_file, out))
    sources = load_sources(train_file)[:3]
    merged = HFPredictor(str(out), max_new_tokens=12, constrain=False)
    predictions = list(merged.predict(sources, batch_size=2))
    assert [p.id for p in predictions] == [s.id for s in sources]
    # the same answer from the unmerged adapter loaded by peft, decoded by transformers
    peft_model = PeftModel.from_pretrained(
        AutoModelForCausalLM.from_pretrained(tiny_model), out
    ).eval()
    for source, prediction in zip(sources, predictions, strict=True):
        enc = merged.tokenizer(
            [merged.prompt(source)], return_tensors="pt", add_special_tokens=False
        )
        with torch.no_grad():
            ids = peft_model.generate(
                **enc, max_new_tokens=prediction.completion_tokens, do_sample=False
            )
        text = merged.tokenizer.decode(
            ids[0, enc["input_ids"].shape[1] :], skip_special_tokens=True
        )
        assert prediction.output == text or text.startswith(prediction.output)


def test_constrained_decoding_only_emits_record_tokens(tiny_model: Path, train_file: Path) -> None:
    from protege.engine.hf import HFPredictor

    predictor = HFPredictor(str(tiny_model), max_new_tokens=20, constrain=True)
    assert predictor.vocab is not None and len(predictor.vocab) < len(predictor.tokenizer)
    allowed = set(predictor.vocab.tolist())
    ids = predictor._greedy(*predictor.tokenizer(["hello"], return_tensors="pt").values())
    assert set(ids[0]) <= allowed


def test_json_object_end_scanner() -> None:
    from protege.engine.hf import cut_after_object

    assert cut_after_object('{"a": "}{", "b": {"c": 1}} tail') == '{"a": "}{", "b": {"c": 1}}'
    assert cut_after_object("no json") == "no json"
    assert cut_after_object('prose {"x": null} more') == 'prose {"x": null}'
    assert parse_output(cut_after_object('{"x": 1}}')).error  # not a record, but cut cleanly


def test_training_reads_a_dataset_directory(
    tiny_model: Path, train_file: Path, tmp_path: Path
) -> None:
    from protege.train.data import load_examples

    rows = []
    for example in load_examples(train_file)[:20]:
        rows.append(
            {
                "messages": [*example.messages, {"role": "assistant", "content": example.target}],
                "metadata": {"id": example.id},
            }
        )
    dataset = tmp_path / "ds"
    write_jsonl(dataset / "rows.jsonl", rows)
    events = run(
        tiny_config(
            tiny_model, train_file, tmp_path / "run", f"data.train={dataset}", "train.max_steps=2"
        )
    )
    assert events[-1].kind == "done"
    assert (
        events[-1].meta["data"]["train"]["examples"] + events[-1].meta["data"]["val"]["examples"]
        == 20
    )
    shutil.rmtree(dataset)
