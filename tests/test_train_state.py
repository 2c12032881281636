"""What a run keeps between processes: the held-out split (a function of each example's id),
the checkpoint (replaced atomically), and the random state a resume restores."""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

torch = pytest.importorskip("torch")

from protege.train import load_config  # noqa: E402
from protege.train.checkpoint import (  # noqa: E402
    CHECKPOINT_DIR,
    OLD_SUFFIX,
    latest_checkpoint,
    load_checkpoint,
    save_checkpoint,
)
from protege.train.loop import split_validation  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
TINY_CONFIG = ROOT / "configs/liability/tiny-random_lora.yaml"


@dataclass(frozen=True)
class Example:
    id: str


def test_the_validation_split_depends_only_on_each_id(tmp_path: Path) -> None:
    data = tmp_path / "x.jsonl"
    data.write_text("")
    config = load_config(TINY_CONFIG, [f"data.train={data}", "data.val_fraction=0.3"])
    examples = [Example(f"s1-{i:06d}") for i in range(400)]
    _, held = split_validation(config, examples)
    held_ids = {ex.id for ex in held}
    assert 80 < len(held_ids) < 160  # ~30 % of 400
    shuffled = examples[:]
    random.Random(5).shuffle(shuffled)
    assert {ex.id for ex in split_validation(config, shuffled)[1]} == held_ids
    longer = [Example(f"s9-{i:06d}") for i in range(50)] + examples
    assert {ex.id for ex in split_validation(config, longer)[1]} >= held_ids
    other_seed = load_config(
        TINY_CONFIG,
        [f"data.train={data}", "data.val_fraction=0.3", "train.seed=2"],
    )
    assert {ex.id for ex in split_validation(other_seed, examples)[1]} != held_ids


@pytest.fixture()
def parts(tmp_path: Path) -> tuple[Any, Any, Any]:
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM

    from protege.models.tiny import build_tiny

    base = AutoModelForCausalLM.from_pretrained(build_tiny(tmp_path / "tiny"))
    model = get_peft_model(base, LoraConfig(r=2, target_modules=["q_proj"], task_type="CAUSAL_LM"))
    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=1e-3)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: 1.0)
    return model, optimizer, scheduler


def saved_step(output: Path) -> int:
    import json

    found = latest_checkpoint(output)
    assert found is not None
    return int(json.loads((found / "trainer_state.json").read_text())["step"])


def test_a_failed_save_keeps_the_previous_checkpoint(
    parts: tuple[Any, Any, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    model, optimizer, scheduler = parts
    out = tmp_path / "run"
    save_checkpoint(out, model, optimizer, scheduler, 5, {"losses": []})

    def fail(*args: Any, **kwargs: Any) -> None:
        raise OSError("disk full")

    with monkeypatch.context() as patch:
        patch.setattr(model, "save_pretrained", fail)
        with pytest.raises(OSError, match="disk full"):
            save_checkpoint(out, model, optimizer, scheduler, 10, {"losses": []})
    assert saved_step(out) == 5 and latest_checkpoint(out) == out / CHECKPOINT_DIR

    # Killed between the two renames: the old checkpoint has moved aside, the new one has not
    # taken its name yet. A resume reads the old one.
    real_rename = Path.rename

    def rename(self: Path, target: Any) -> Any:
        if self.name.endswith(".partial"):
            raise KeyboardInterrupt  # the process dies here
        return real_rename(self, target)

    with monkeypatch.context() as patch:
        patch.setattr(Path, "rename", rename)
        with pytest.raises(KeyboardInterrupt):
            save_checkpoint(out, model, optimizer, scheduler, 10, {"losses": []})
    assert not (out / CHECKPOINT_DIR).exists()
    assert latest_checkpoint(out) == out / (CHECKPOINT_DIR + OLD_SUFFIX)
    step, _ = load_checkpoint(out, model, optimizer, scheduler)
    assert step == 5
    save_checkpoint(out, model, optimizer, scheduler, 15, {"losses": []})  # and the run goes on
    assert saved_step(out) == 15 and latest_checkpoint(out) == out / CHECKPOINT_DIR
    assert not (out / (CHECKPOINT_DIR + OLD_SUFFIX)).exists()


def test_resume_restores_the_cpu_random_state(parts: tuple[Any, Any, Any], tmp_path: Path) -> None:
    model, optimizer, scheduler = parts
    torch.manual_seed(3)
    save_checkpoint(tmp_path, model, optimizer, scheduler, 1, {})
    expected = torch.rand(4)
    torch.manual_seed(99)
    load_checkpoint(tmp_path, model, optimizer, scheduler)
    assert torch.equal(torch.rand(4), expected)


@pytest.mark.gpu
def test_resume_restores_the_cuda_random_state(parts: tuple[Any, Any, Any], tmp_path: Path) -> None:
    model, optimizer, scheduler = parts
    torch.cuda.manual_seed_all(3)
    torch.rand(1, device="cuda")  # initializes CUDA, as training on a GPU has
    save_checkpoint(tmp_path, model, optimizer, scheduler, 1, {})
    expected = torch.rand(4, device="cuda")
    torch.cuda.manual_seed_all(99)
    load_checkpoint(tmp_path, model, optimizer, scheduler)
    assert torch.equal(torch.rand(4, device="cuda"), expected)
