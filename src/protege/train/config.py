"""Training configuration: a YAML file validated into pydantic models, with ``key=value``
overrides (dotted paths, YAML-typed values). ``load_config`` reports every problem at once."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import Field, ValidationError

from protege.errors import ConfigError, ProtegeError
from protege.models.device import DEVICE_PATTERN
from protege.models.registry import BASE_MODELS, resolve
from protege.validation import StrictModel, problems_of

# LoRA on every linear layer of a Gemma/Llama-style block: attention and MLP projections.
ALL_LINEAR = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]


class DataConfig(StrictModel):
    """Where the examples come from."""

    train: Path  # contract JSONL, or a dataset directory holding rows.jsonl
    val: Path | None = None  # held-out examples for the validation loss
    val_fraction: float = Field(0.05, ge=0, lt=1)  # used when val is not given
    max_seq_len: int = Field(1024, ge=32)  # longer prompts are cut in the middle of the source
    limit: int | None = Field(None, ge=1)  # use only the first N training rows


class LoraSettings(StrictModel):
    """The adapter."""

    r: int = Field(16, ge=1)  # rank: 16 is the usual sweet spot for extraction-style SFT
    alpha: int = Field(32, ge=1)  # scale alpha/r = 2
    dropout: float = Field(0.05, ge=0, lt=1)
    target_modules: list[str] = Field(default_factory=lambda: list(ALL_LINEAR))


class OptimConfig(StrictModel):
    """AdamW with linear warm-up and a cosine decay."""

    lr: float = Field(2e-4, gt=0)  # measured: ~2e-4 trains LoRA on these models without spikes
    weight_decay: float = Field(0.0, ge=0)
    warmup_steps: int = Field(10, ge=0)
    min_lr_ratio: float = Field(0.1, ge=0, le=1)  # cosine ends at lr * min_lr_ratio
    max_grad_norm: float = Field(1.0, gt=0)


class LoopConfig(StrictModel):
    """The loop: how long, how big, how often to validate and checkpoint."""

    epochs: float = Field(1.0, gt=0)
    max_steps: int | None = Field(None, ge=1)  # optimizer steps; overrides epochs when set
    # A wall-time budget for the optimizer steps (validation and checkpoints included). After
    # each step the planned steps shrink to what the mean step time says still fits, so the
    # cosine schedule ends inside the budget instead of being cut off at a high learning rate.
    max_minutes: float | None = Field(None, gt=0)
    batch_size: int = Field(4, ge=1)
    grad_accum: int = Field(4, ge=1)
    # fp32 weights, bf16 matmuls. "auto": on where the CPU has native bf16 (AMX, AVX512-BF16),
    # off elsewhere, where emulated bf16 is ~40x slower than fp32 (see provenance._BF16_FLAGS).
    autocast_bf16: bool | Literal["auto"] = "auto"
    # Recompute each layer's activations in the backward pass instead of keeping them: ~30 %
    # more compute, a fraction of the activation memory of long (1,536-token) batches.
    gradient_checkpointing: bool = False
    eval_every: int = Field(50, ge=1)
    save_every: int = Field(50, ge=1)
    seed: int = 1
    threads: int | None = Field(None, ge=1)
    # auto: a CUDA GPU when torch sees one, else the CPU (see protege.models.device)
    device: str = Field("auto", pattern=DEVICE_PATTERN)


class ScorerSettings(StrictModel):
    """The scorer student (``student: scorer``): which hidden states, and how the heads fit."""

    # 1-based decoder layers read for each candidate; the model runs only up to the deepest
    layers: list[int] = Field(default_factory=lambda: [3, 9, 15], min_length=1)
    window: int = Field(8, ge=0)  # context tokens each side of a candidate's span
    far_window: int = Field(0, ge=0)  # a second, wider context each side; 0: none
    max_tokens: int = Field(2048, ge=32)  # sources are cut here (Gemma's transcripts: ~1,400)
    batch_sources: int = Field(4, ge=1)  # sources read together in one forward pass
    hidden: int = Field(256, ge=0)  # the heads' hidden width; 0: linear heads
    dropout: float = Field(0.1, ge=0, lt=1)
    epochs: int = Field(30, ge=1)  # passes over the cached features; the best val epoch is kept
    batch_size: int = Field(16, ge=1)  # sources per optimizer step
    lr: float = Field(1e-3, gt=0)
    weight_decay: float = Field(0.01, ge=0)
    # heads fitted apart from seeds train.seed, train.seed + 1, ..., their logits averaged
    members: int = Field(1, ge=1, le=8)
    # the calibrated threshold is the lowest at which val records clearing it are this right
    calibrate_accuracy: float = Field(0.97, gt=0, le=1)
    # where a key's probability is below this, the rule baseline's value is used
    # (protege.predictors.backstop); None: no backstop
    backstop: float | None = Field(None, gt=0, le=1)
    # stage 2 (protege.train.scorer_tune): after the heads fit, LoRA (the ``lora`` section) on
    # the layers read, trained with the heads' loss for this many passes over the training
    # sources; the heads go on training with it. 0: stage 1 only
    tune_epochs: float = Field(0, ge=0)
    tune_lr: float = Field(2e-4, gt=0)  # the LoRA weights'; the heads' is a quarter of it
    tune_step_sources: int = Field(8, ge=1)  # sources per optimizer step


class TrainConfig(StrictModel):
    """A whole training run."""

    model: str = "gemma-3-270m"  # registry name or a local Hugging Face directory
    output_dir: Path = Path("runs/liability")
    data: DataConfig
    lora: LoraSettings = Field(default_factory=LoraSettings)
    optim: OptimConfig = Field(default_factory=OptimConfig)
    train: LoopConfig = Field(default_factory=LoopConfig)
    # the built-in template the examples are rendered with (protege.prompts.BUILTIN_PROMPTS);
    # "liability-extract-hints" inlines the recognizers' readings into the source text
    prompt: Literal["liability-extract", "liability-extract-hints"] = "liability-extract"
    # sft: LoRA fine-tuning of the generator (lora, optim, train); scorer: the candidate
    # scorer (engine/scorer.py), whose heads train on frozen features (scorer, train.seed)
    student: Literal["sft", "scorer"] = "sft"
    scorer: ScorerSettings = Field(default_factory=ScorerSettings)


def _set_dotted(data: dict[str, Any], dotted: str, value: Any) -> None:
    node = data
    parts = dotted.split(".")
    for part in parts[:-1]:
        child = node.setdefault(part, {})
        if not isinstance(child, dict):
            raise ValueError(f"{dotted}: {part} is not a section")
        node = child
    node[parts[-1]] = value


def apply_overrides(data: dict[str, Any], overrides: list[str]) -> list[str]:
    """Apply ``key.sub=value`` overrides in place; return the problems found."""
    problems = []
    for item in overrides:
        key, sep, raw = item.partition("=")
        if not sep or not key:
            problems.append(f"override {item!r} is not key=value (e.g. train.max_steps=20)")
            continue
        try:
            _set_dotted(data, key.strip(), yaml.safe_load(raw) if raw else None)
        except (ValueError, yaml.YAMLError) as exc:
            problems.append(f"override {item!r}: {exc}")
    return problems


def load_config(path: Path | str | None, overrides: list[str] | None = None) -> TrainConfig:
    """Read, override and validate a config; raise ``ConfigError`` listing every problem."""
    data: dict[str, Any] = {}
    where = str(path) if path else "config"
    problems: list[str] = []
    if path is not None:
        file = Path(path)
        if not file.is_file():
            raise ConfigError(where, ["no such file; check the path"])
        try:
            loaded = yaml.safe_load(file.read_text()) or {}
        except yaml.YAMLError as exc:
            raise ConfigError(where, [f"not valid YAML: {exc}"]) from exc
        if not isinstance(loaded, dict):
            raise ConfigError(where, ["the top level must be a mapping"])
        data = loaded
    problems += apply_overrides(data, overrides or [])
    config: TrainConfig | None = None
    try:
        config = TrainConfig.model_validate(data)
    except ValidationError as exc:
        problems += problems_of(exc)
    problems += _semantic_problems(data)
    if problems:
        raise ConfigError(where, problems)
    assert config is not None
    return config


def _semantic_problems(data: dict[str, Any]) -> list[str]:
    """Problems pydantic cannot see: unknown models, missing files, unknown LoRA targets.
    Works on the raw mapping so they are reported alongside type errors."""
    problems = []
    model = data.get("model", TrainConfig.model_fields["model"].default)
    local = isinstance(model, str) and (Path(model).expanduser() / "config.json").is_file()
    if isinstance(model, str) and model not in BASE_MODELS and not local:
        problems.append(
            f"model: {model!r} is neither a registry model ({', '.join(BASE_MODELS)}) "
            "nor a directory with config.json"
        )
    section = data.get("data")
    for name in ("train", "val"):
        value = section.get(name) if isinstance(section, dict) else None
        if isinstance(value, str):
            path = Path(value)
            if not (path.is_file() or (path / "rows.jsonl").is_file()):
                problems.append(
                    f"data.{name}: {path} is neither a JSONL file nor a dataset directory"
                )
            elif path.is_dir() and data.get("prompt", "liability-extract") != "liability-extract":
                problems.append(
                    f"data.{name}: a dataset directory holds messages rendered with the "
                    f"plain prompt; prompt {data.get('prompt')!r} needs a contract JSONL file"
                )
    problems += _scorer_layer_problems(data, model if isinstance(model, str) else None)
    lora = data.get("lora")
    targets = lora.get("target_modules") if isinstance(lora, dict) else None
    if isinstance(targets, list):
        unknown = sorted(set(map(str, targets)) - set(ALL_LINEAR))
        if unknown:
            problems.append(
                f"lora.target_modules: unknown modules {unknown}; choose from {ALL_LINEAR}"
            )
    return problems


def _scorer_layer_problems(data: dict[str, Any], model: str | None) -> list[str]:
    """A scorer's layers must exist in its model (read from the model's config.json, when the
    model is there to read)."""
    section = data.get("scorer")
    layers = section.get("layers") if isinstance(section, dict) else None
    if data.get("student") != "scorer" or model is None or not isinstance(layers, list):
        return []
    try:
        config = json.loads((resolve(model) / "config.json").read_text())
    except (OSError, ValueError, ProtegeError):
        return []  # an unpulled or unknown model is reported on its own
    count = config.get("num_hidden_layers") or config.get("text_config", {}).get(
        "num_hidden_layers"
    )
    bad = [
        layer for layer in layers if not isinstance(layer, int) or not 1 <= layer <= (count or 0)
    ]
    if count and bad:
        return [f"scorer.layers: {bad} are not layers of {model} (it has layers 1..{count})"]
    return []
