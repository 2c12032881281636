"""Releasing a trained student: the directory that ``protege.models.released`` loads by name.

``release`` copies what serving needs from a training run, with the weights in half precision
(a scorer's heads or a LoRA adapter: fp16 halves the size, and predictions are computed in fp32
after loading):

- a scorer: ``heads.safetensors`` and ``meta.json``, and its stage-2 ``adapter/`` when it has one;
- a LoRA adapter: ``adapter_config.json``, ``adapter_model.safetensors`` and ``meta.json``;

plus ``NOTICE`` (the base model's license notice, with a line saying the weights were trained
on top of it). Evaluations of the released model (``protege eval --out DIR`` runs, given as
``{label: DIR}``) go into ``report.md`` (their reports, one section each) and into meta.json's
``evaluation`` (record error with its 95 % CI, field accuracy, invalid rate, p50 latency per
label). ``meta.json`` keeps the run's whole lineage and gains a ``release`` section: the name, the
run it came from, the dtype, and each weights file's size and sha256. Fp16 is deterministic, so
a model released, evaluated by name, then released again with its evaluations ships exactly the
weights that were evaluated (the sha256 says so). The directory is written beside
its destination and renamed into place, so a failed release leaves nothing behind.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

from protege.engine.predictor import is_adapter_dir
from protege.engine.scorer_predictor import ADAPTER_DIR, HEADS_FILE, META_FILE, is_scorer_dir
from protege.errors import UsageError
from protege.models.registry import BASE_MODELS

ADAPTER_WEIGHTS = "adapter_model.safetensors"
ADAPTER_CONFIG = "adapter_config.json"
NOTICE_FILE = "NOTICE"
REPORT_FILE = "report.md"


def _half(source: Path, target: Path) -> None:
    """Copy a safetensors file with every floating tensor cast to fp16."""
    from safetensors.torch import load_file, save_file

    tensors = load_file(str(source))
    save_file(
        {k: v.half() if v.is_floating_point() else v for k, v in tensors.items()}, str(target)
    )


def _file_facts(path: Path) -> dict[str, Any]:
    return {"bytes": path.stat().st_size, "sha256": hashlib.sha256(path.read_bytes()).hexdigest()}


def notice_text(base_model: str, kind: str) -> str:
    """The NOTICE of a student trained on ``base_model``."""
    spec = BASE_MODELS.get(base_model)
    lines = [spec.notice] if spec and spec.notice else []
    lines.append(
        f"The weights in this directory ({kind}) were trained by protege on top of the base "
        f"model {base_model} ({spec.license if spec else 'see its license'}); they are a "
        "modified derivative of it and are distributed under the same terms."
    )
    return "\n\n".join(lines) + "\n"


def _evaluation(label: str, directory: Path, name: str) -> tuple[dict[str, Any], str]:
    """(the released model's figures, its report's text) from one ``protege eval`` output."""
    try:
        report = json.loads((directory / "report.json").read_text())
        text = (directory / "report.md").read_text()
    except (OSError, ValueError) as exc:
        raise UsageError(f"--eval {label}={directory}: no readable eval report ({exc})") from exc
    models = report.get("models", [])
    mine = [m for m in models if name in (m.get("label"), m.get("spec"))]
    if not mine and len(models) == 1:
        mine = models
    if not mine:
        labels = ", ".join(str(m.get("label")) for m in models)
        raise UsageError(f"--eval {label}={directory}: no model named {name} among {labels}")
    metrics = mine[0]["metrics"]
    figures = {
        "data": report.get("data", {}),
        "record_error": metrics["record_error_rate"],
        "record_error_ci95": [metrics["record_error_ci95_low"], metrics["record_error_ci95_high"]],
        "field_accuracy": metrics["field_accuracy"],
        "invalid_rate": metrics["invalid_rate"],
        "p50_ms": metrics["p50_ms"],
        "concurrency": report.get("concurrency"),
        "git_commit": report.get("provenance", {}).get("git_commit"),
    }
    return figures, text


def release(
    run: Path, dest: Path, name: str, evals: dict[str, Path] | None = None
) -> dict[str, Any]:
    """Write the released form of the trained student in ``run`` to ``dest``; its meta.json."""
    if is_scorer_dir(run):
        kind, weights = "scorer", [HEADS_FILE]
        copied: list[str] = []
        if (run / ADAPTER_DIR / ADAPTER_CONFIG).is_file():  # a kept stage 2
            weights.append(f"{ADAPTER_DIR}/{ADAPTER_WEIGHTS}")
            copied.append(f"{ADAPTER_DIR}/{ADAPTER_CONFIG}")
    elif is_adapter_dir(run) and (run / ADAPTER_WEIGHTS).is_file():
        kind, weights, copied = "lora-adapter", [ADAPTER_WEIGHTS], [ADAPTER_CONFIG]
    else:
        raise UsageError(
            f"{run} holds no trained student: a scorer ({HEADS_FILE} and meta.json of kind "
            f"scorer) or a LoRA adapter ({ADAPTER_CONFIG}, {ADAPTER_WEIGHTS}, meta.json)"
        )
    evaluations = {label: _evaluation(label, d, name) for label, d in (evals or {}).items()}
    try:
        meta: dict[str, Any] = json.loads((run / META_FILE).read_text())
    except (OSError, ValueError) as exc:
        raise UsageError(f"{run / META_FILE} is unreadable: {exc}") from exc
    staging = dest.with_name(f".{dest.name}.releasing")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        for file in weights + copied:
            (staging / file).parent.mkdir(parents=True, exist_ok=True)
        for file in weights:
            _half(run / file, staging / file)
        for file in copied:
            shutil.copy2(run / file, staging / file)
        if evaluations:
            sections = [
                f"## {label}\n\n" + text.replace("\n## ", "\n### ").replace("# ", "### ", 1)
                for label, (_, text) in evaluations.items()
            ]
            (staging / REPORT_FILE).write_text(
                f"# {name}: evaluation of the released weights\n\n" + "\n\n".join(sections)
            )
            meta["evaluation"] = {label: figures for label, (figures, _) in evaluations.items()}
        base = str(meta.get("base_model", "?"))
        (staging / NOTICE_FILE).write_text(notice_text(base, kind))
        meta["kind"] = meta.get("kind") or kind
        meta["release"] = {
            "name": name,
            "from_run": str(run),
            "dtype": "float16",
            "released_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "files": {file: _file_facts(staging / file) for file in weights},
        }
        (staging / META_FILE).write_text(json.dumps(meta, indent=2) + "\n")
        if dest.exists():
            shutil.rmtree(dest)
        staging.rename(dest)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return meta
