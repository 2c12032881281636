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
from protege.train import TrainEvent, load_config, train  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


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
        load_config(bad, ["optim.lr=-1", "nonsense", "train.autocast_bf16=maybe"])
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
        "train.autocast_bf16",
    ):
        assert needle in problems, needle
    assert len(info.value.problems) >= 9


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


PINNED_LOSSES = [6.5215, 6.4464, 6.4141]


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

    from protege.engine.hf import HFPredictor, cut_after_object

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
        # The predictor cuts after the first closed JSON object; generate() does not.
        assert prediction.completion_tokens > 0 and prediction.output.strip()
        assert prediction.output == cut_after_object(text)


def test_constrained_decoding_only_emits_record_tokens(tiny_model: Path, train_file: Path) -> None:
    from protege.engine.hf import HFPredictor

    predictor = HFPredictor(str(tiny_model), max_new_tokens=20, constrain=True)
    assert predictor.vocab is not None and len(predictor.vocab) < len(predictor.tokenizer)
    allowed = set(predictor.vocab.tolist())
    ids = predictor._greedy(*predictor.tokenizer(["hello"], return_tensors="pt").values())
    assert set(ids[0]) <= allowed


def test_grammar_makes_even_a_random_model_answer_a_valid_record(
    tiny_model: Path, train_file: Path
) -> None:
    from protege.contract import load_sources
    from protege.engine.hf import HFPredictor

    # An untrained random model writes noise; the record grammar steers every answer into the
    # contract's shape: right keys, right order, values of the right types.
    predictor = HFPredictor(str(tiny_model), max_new_tokens=400)
    sources = load_sources(train_file)[:3]
    for prediction in predictor.predict(sources, batch_size=3):
        assert parse_output(prediction.output).record is not None, prediction.output
    free = HFPredictor(str(tiny_model), max_new_tokens=60, grammar=False)
    assert any(parse_output(p.output).error for p in free.predict(sources, batch_size=3))


def test_record_grammar_accepts_records_and_rejects_near_misses() -> None:
    import json as json_

    from protege.contract.record import RECORD_KEYS
    from protege.engine.grammar import RecordGrammar, choose

    grammar = RecordGrammar()
    for source in generate(200, seed=9):
        text = json_.dumps(source.expected.to_json_dict(), separators=(",", ":"))
        assert grammar.complete(text), text
        assert all(grammar.allows(text[:cut]) for cut in range(0, len(text), 7))
    nulls = dict.fromkeys(RECORD_KEYS)
    assert grammar.complete(json_.dumps(nulls, separators=(",", ":")))
    assert not grammar.allows('{"account_last4"')  # wrong first key
    assert not grammar.allows('{"liability_type":"boat"')  # not a liability type
    assert not grammar.allows('{"liability_type":null,"account_last4":"12a')
    assert not grammar.allows('{"liability_type":null, ')  # no spaces in compact JSON
    dated = '{"liability_type":null,"account_last4":null,"current_balance":null,"interest_rate":null,"next_payment_amount":null,"next_payment_due_date":"'
    assert grammar.allows(dated + '2028-02-29"') and not grammar.allows(dated + "2027-02-29")
    assert not grammar.allows(dated + "2026-04-31") and not grammar.allows(dated + "2026-13")
    assert not grammar.allows('{"liability_type":null,"account_last4":null,"current_balance":01')
    tokens = {1: "x", 2: '"', 3: "}", 9: ""}
    assert (
        choose(
            grammar,
            '{"liability_type":null,"account_last4":',
            [1, 3, 2],
            tokens.__getitem__,
            frozenset(),
        )
        == 2
    )
    assert choose(grammar, "{", [1, 3], tokens.__getitem__, frozenset()) is None


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


# --- through the command line -----------------------------------------------------------


def cli(*args: Any) -> Any:
    from typer.testing import CliRunner

    from protege.cli import app

    return CliRunner().invoke(app, [str(a) for a in args])


def test_models_list_json() -> None:
    result = cli("models", "list", "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    base = [r for r in rows if r["type"] == "base"]
    assert {r["name"] for r in base} == {"gemma-3-270m", "smollm2-135m", "tiny-random"}
    assert [r["name"] for r in base if r["default"]] == ["gemma-3-270m"]
    released = [r for r in rows if r["type"] == "released"]
    assert [r["name"] for r in released if r["default"]] == ["liability-gemma-3-270m"]


def test_models_pull_tiny_then_resolve(protege_home: Path) -> None:
    from protege.models.registry import resolve

    result = cli("models", "pull", "tiny-random")
    assert result.exit_code == 0, result.output
    assert resolve("tiny-random") == protege_home / "models" / "tiny-random"
    assert cli("models", "pull", "nope").exit_code == 1


def test_unpulled_model_says_how_to_pull() -> None:
    from protege.errors import ModelNotFoundError
    from protege.models.registry import resolve

    with pytest.raises(ModelNotFoundError, match="protege models pull gemma-3-270m"):
        resolve("gemma-3-270m")


def test_train_predict_eval_through_the_cli(
    tiny_model: Path, train_file: Path, tmp_path: Path
) -> None:
    config = ROOT / "configs/liability/tiny-random_lora.yaml"
    out = tmp_path / "adapter"
    result = cli(
        "train",
        "--config",
        config,
        f"model={tiny_model}",
        f"data.train={train_file}",
        f"output_dir={out}",
        "train.max_steps=4",
    )
    assert result.exit_code == 0, result.output
    assert "adapter written to" in result.stdout
    test_file = tmp_path / "test.jsonl"
    write_jsonl(test_file, (g.to_row() for g in generate(6, seed=12)))
    pred = tmp_path / "pred.jsonl"
    result = cli(
        "predict",
        "--model",
        out,
        "--input",
        test_file,
        "--output",
        pred,
        "--batch-size",
        "3",
        "--max-new-tokens",
        "8",
    )
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in pred.read_text().splitlines()]
    assert len(rows) == 6
    assert {"id", "output", "latency_ms", "prompt_tokens", "completion_tokens"} <= set(rows[0])
    assert all(0 < r["completion_tokens"] <= 8 for r in rows)
    report_dir = tmp_path / "eval"
    result = cli(
        "eval",
        "--data",
        test_file,
        "--model",
        f"tuned={out}",
        "--model",
        "regex",
        "--concurrency",
        "3",
        "--max-new-tokens",
        "8",
        "--out",
        report_dir,
    )
    assert result.exit_code == 0, result.output
    for name in ("report.json", "report.md", "pareto.png"):
        assert (report_dir / name).is_file(), name
    report = json.loads((report_dir / "report.json").read_text())
    assert report["data"]["n"] == 6
    assert [m["label"] for m in report["models"]] == ["tuned", "regex"]


def test_cli_bad_input_is_one_line(tmp_path: Path) -> None:
    for args, needle in (
        (("train",), "--config is required"),
        (("train", "--config", tmp_path / "missing.yaml"), "no such file"),
        (("train", "validate"), "usage"),
        (
            (
                "predict",
                "--model",
                tmp_path / "nope",
                "--input",
                tmp_path / "x.jsonl",
                "--output",
                tmp_path / "o.jsonl",
            ),
            "no such file",
        ),
    ):
        result = cli(*args)
        assert result.exit_code == 1, (args, result.output)
        assert needle in result.stderr, (args, result.stderr)
        assert result.stderr.strip().count("\n") == 0
    sources = tmp_path / "s.jsonl"
    write_jsonl(sources, (g.to_row() for g in generate(2, seed=1)))
    result = cli(
        "predict",
        "--model",
        tmp_path / "nope",
        "--input",
        sources,
        "--output",
        tmp_path / "o.jsonl",
    )
    assert result.exit_code == 1
    assert "neither a known model" in result.stderr


def test_gradient_checkpointing_gives_the_same_losses(
    tiny_model: Path, train_file: Path, tmp_path: Path
) -> None:
    common = ("train.max_steps=3", "train.autocast_bf16=false")
    plain = losses(run(tiny_config(tiny_model, train_file, tmp_path / "a", *common)))
    checkpointed = losses(
        run(
            tiny_config(
                tiny_model, train_file, tmp_path / "b", *common, "train.gradient_checkpointing=true"
            )
        )
    )
    assert checkpointed == pytest.approx(plain, abs=1e-4)


def test_autocast_setting_auto_follows_the_cpu(monkeypatch: pytest.MonkeyPatch) -> None:
    from protege import provenance
    from protege.train.loop import use_bf16_autocast

    monkeypatch.setattr(provenance, "cpu_has_native_bf16", lambda: False)
    assert use_bf16_autocast("auto") is False
    monkeypatch.setattr(provenance, "cpu_has_native_bf16", lambda: True)
    assert use_bf16_autocast("auto") is True
    assert use_bf16_autocast(False) is False  # an explicit setting wins over the CPU


def test_cpu_bf16_detection_reads_the_flags(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import builtins

    from protege import provenance

    real_open = builtins.open
    cpuinfo = tmp_path / "cpuinfo"

    def fake_open(path: Any, *args: Any, **kwargs: Any) -> Any:
        return real_open(cpuinfo if path == "/proc/cpuinfo" else path, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", fake_open)
    cpuinfo.write_text("model name\t: AMD EPYC\nflags\t\t: fpu avx avx2 fma\n")
    assert provenance.cpu_has_native_bf16() is False
    cpuinfo.write_text("flags\t\t: fpu avx2 avx512f avx512_bf16 amx_tile\n")
    assert provenance.cpu_has_native_bf16() is True


def test_device_setting(tiny_model: Path, train_file: Path, tmp_path: Path) -> None:
    """auto picks the CPU here (no GPU); cuda without one, or a typo, is a clear error."""
    from protege.errors import UsageError
    from protege.models.device import resolve_device

    assert resolve_device("auto").type == ("cuda" if torch.cuda.is_available() else "cpu")
    with pytest.raises(UsageError, match="use auto, cpu"):
        resolve_device("tpu")
    if not torch.cuda.is_available():
        with pytest.raises(UsageError, match="no CUDA device"):
            resolve_device("cuda")
    with pytest.raises(ConfigError, match=r"train\.device"):
        tiny_config(tiny_model, train_file, tmp_path / "run", "train.device=gpu")


# --- the hinted prompt and the time budget ----------------------------------------------


def test_an_adapter_trained_with_hints_is_prompted_with_hints(
    tiny_model: Path, train_file: Path, tmp_path: Path
) -> None:
    from protege.engine.hf import HFPredictor
    from protege.prompts import LIABILITY_HINTS_PROMPT

    out = tmp_path / "run"
    events = run(
        tiny_config(
            tiny_model, train_file, out, "prompt=liability-extract-hints", "train.max_steps=1"
        )
    )
    meta = events[-1].meta
    assert meta["prompt"] == {
        "id": LIABILITY_HINTS_PROMPT.id,
        "version": LIABILITY_HINTS_PROMPT.version,
    }
    predictor = HFPredictor(str(out), max_new_tokens=4, constrain=False)
    assert predictor.settings["prompt"] == LIABILITY_HINTS_PROMPT.id
    hinted = [s for s in load_sources(train_file) if "[=" in predictor.prompt(s)]
    assert hinted, "no generated source got a single hint"
    # an adapter whose meta names a prompt this protege lacks is refused, not misprompted
    meta["prompt"]["id"] = "gone"
    (out / "meta.json").write_text(json.dumps(meta))
    with pytest.raises(Exception, match="trained with prompt 'gone'"):
        HFPredictor(str(out), max_new_tokens=4, constrain=False)


def test_a_dataset_directory_with_the_hinted_prompt_is_refused(tmp_path: Path) -> None:
    dataset = tmp_path / "ds"
    write_jsonl(dataset / "rows.jsonl", [{"messages": []}])
    with pytest.raises(ConfigError, match="needs a contract JSONL"):
        load_config(
            ROOT / "configs/liability/tiny-random_lora.yaml",
            [f"data.train={dataset}", "prompt=liability-extract-hints"],
        )


def test_the_budget_shrinks_the_plan_to_what_fits() -> None:
    from protege.train.loop import fit_to_budget

    assert fit_to_budget(step=2, planned=100, elapsed_s=20.0, budget_s=300.0) == 30
    assert fit_to_budget(step=2, planned=10, elapsed_s=20.0, budget_s=300.0) == 10  # never more
    assert fit_to_budget(step=5, planned=100, elapsed_s=400.0, budget_s=300.0) == 5  # spent


def test_a_spent_budget_ends_the_run_with_a_saved_adapter(
    tiny_model: Path, train_file: Path, tmp_path: Path
) -> None:
    out = tmp_path / "run"
    # a budget far below one step's time: the first step is also the last
    events = run(tiny_config(tiny_model, train_file, out, "train.max_minutes=0.00001"))
    assert [e.step for e in events if e.kind == "step"] == [1]
    assert events[-1].kind == "done" and events[-1].meta["config"]["train"]["max_minutes"]
    assert (out / "adapter_config.json").is_file()
