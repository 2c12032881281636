"""Training the scorer student. Stage 1: read every source once with the frozen base model,
cache the candidate features, then fit the heads on them. Stage 2, when ``scorer.tune_epochs``
asks for it: LoRA on the base model trained with the heads (``protege.train.scorer_tune``).

The heads fit as ``protege.train.heads_fit`` describes (``unreachable`` in meta.json counts
the keys no candidate can get right). Validation runs after every epoch on the held-out sources
with the contract's scorer, and the epoch with the lowest validation record error is kept; with
``scorer.members`` above 1, each member is fitted so from its own seed and their logits are
averaged. Then stage 2, if asked for. Last, a confidence threshold is calibrated on the
validation sources: the lowest at which records whose every key clears it are at least
``scorer.calibrate_accuracy`` right.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from protege.contract.io import load_verified, read_jsonl
from protege.contract.parse import parse_output
from protege.contract.record import VerifiedSource
from protege.engine.features import FeatureSpec, Featurizer, SourceFeatures
from protege.engine.scorer import build_heads
from protege.engine.scorer_predictor import (
    ADAPTER_DIR,
    HEADS_FILE,
    META_FILE,
    SCORER_KIND,
    save_heads,
)
from protege.errors import JsonlError
from protege.models.loading import load_model, load_tokenizer
from protege.prompts import LIABILITY_PROMPT
from protege.prompts.liability import read_back
from protege.provenance import git_commit, library_versions, machine, peak_rss_mb
from protege.train.config import TrainConfig
from protege.train.heads_fit import calibrate, evaluate_heads, fit_member, targets_of
from protege.train.loop import TrainEvent, split_validation
from protege.train.scorer_tune import save_adapter, tune

if TYPE_CHECKING:
    pass


def _cache_key(config: TrainConfig, spec: FeatureSpec, sources: Sequence[VerifiedSource]) -> str:
    import protege.evidence

    digest = hashlib.sha256(
        json.dumps(
            [config.model, list(spec.layers), spec.window, spec.max_tokens]
            # a far window only when set, so caches read without one keep their keys
            + ([spec.far_window] if spec.far_window else [])
        ).encode()
    )
    for path in sorted(Path(protege.evidence.__file__).parent.glob("*.py")):
        digest.update(path.read_bytes())  # the recognizers decide the candidates
    for source in sources:
        digest.update(source.model_dump_json(include={"id", "kind", "as_of", "text"}).encode())
    return digest.hexdigest()[:16]


def _file_sha256(path: Path) -> str:
    """The sha256 of a training file, or of a dataset directory's rows.jsonl."""
    target = path / "rows.jsonl" if path.is_dir() else path
    return hashlib.sha256(target.read_bytes()).hexdigest()


def read_features(
    featurizer: Featurizer, sources: Sequence[VerifiedSource], batch: int, cache: Path
) -> Iterator[tuple[int, list[SourceFeatures] | None]]:
    """(sources read so far, None) while reading; then (n, every source's features). A cache
    file from an identical read is loaded instead of reading again."""
    import torch

    if cache.is_file():
        yield len(sources), torch.load(cache, weights_only=False)
        return
    order = sorted(range(len(sources)), key=lambda i: len(sources[i].text))  # little padding
    read: list[SourceFeatures | None] = [None] * len(sources)
    for at in range(0, len(order), batch):
        chunk = order[at : at + batch]
        for index, features in zip(
            chunk, featurizer.read([sources[i] for i in chunk]), strict=True
        ):
            read[index] = features
        yield min(at + batch, len(order)), None
    done = [f for f in read if f is not None]
    cache.parent.mkdir(parents=True, exist_ok=True)
    torch.save(done, cache)
    yield len(done), done


def split_sources(config: TrainConfig) -> tuple[list[VerifiedSource], list[VerifiedSource]]:
    """(train, validation) sources of a scorer run, in the order its feature cache holds them
    (train first)."""
    sources = training_sources(config.data.train)[: config.data.limit]
    train_rows, val_rows = split_validation(config, sources, training_sources)
    return list(train_rows), list(val_rows)


def training_sources(path: Path) -> list[VerifiedSource]:
    """Verified sources from a contract JSONL file or a dataset directory (whose rows were
    rendered with the plain liability prompt, read back here)."""
    if not path.is_dir():
        return load_verified(path)
    rows_file = path / "rows.jsonl"
    sources = []
    for number, obj in read_jsonl(rows_file):
        if obj.get("metadata", {}).get("split") == "test":
            continue  # held out for evaluation, as the LoRA loop does
        messages = obj.get("messages") or []
        users = [m.get("content", "") for m in messages if m.get("role") == "user"]
        fields = read_back(LIABILITY_PROMPT, users[-1]) if users else None
        if fields is None or not messages or messages[-1].get("role") != "assistant":
            raise JsonlError(
                rows_file,
                number,
                "the scorer reads rows rendered with the liability-extract prompt and ending "
                "with the verified record as the assistant turn",
            )
        parsed = parse_output(messages[-1]["content"])
        if parsed.record is None:
            raise JsonlError(rows_file, number, f"the assistant turn is no record: {parsed.error}")
        row_id = str(obj.get("metadata", {}).get("id", number))
        sources.append(
            VerifiedSource.model_validate(
                {
                    "id": row_id,
                    **{k: fields[k] for k in ("kind", "as_of", "text")},
                    "expected": parsed.record,
                }
            )
        )
    return sources


def train_scorer(config: TrainConfig) -> Iterator[TrainEvent]:
    """Read and cache the features, fit the heads, keep the best epoch, stage 2, calibrate.
    Events: ``features`` while reading (step = sources read), then start, step (one an epoch),
    eval and done, as the LoRA loop's."""
    import torch

    started = time.perf_counter()
    settings = config.scorer
    if config.train.threads:
        torch.set_num_threads(config.train.threads)
    train_rows, val_rows = split_sources(config)
    spec = FeatureSpec(
        tuple(settings.layers), settings.window, settings.max_tokens, settings.far_window
    )
    model = load_model(config.model)
    featurizer = Featurizer(model, load_tokenizer(config.model), spec)
    output = Path(config.output_dir)
    every = [*train_rows, *val_rows]
    cache = output / "features" / f"{_cache_key(config, spec, every)}.pt"
    read: list[SourceFeatures] = []
    for done, features in read_features(featurizer, every, settings.batch_sources, cache):
        elapsed = time.perf_counter() - started
        yield TrainEvent("features", done, len(every), elapsed_s=elapsed, message=str(cache))
        read = features or read
    read_s = time.perf_counter() - started
    examples = [targets_of(s, f) for s, f in zip(every, read, strict=True)]
    train_set, val_set = examples[: len(train_rows)], examples[len(train_rows) :]
    hidden = featurizer.hidden
    torch.manual_seed(config.train.seed)  # every member's initial weights
    heads = build_heads(
        spec.candidate_dim(hidden),
        spec.doc_dim(hidden),
        settings.hidden,
        settings.dropout,
        settings.members,
    )
    yield TrainEvent(
        "start",
        0,
        settings.epochs * settings.members,
        message=f"{len(train_set)} train / {len(val_set)} val sources",
    )
    members = list(heads.members) if settings.members > 1 else [heads]
    fits = []
    for index, member in enumerate(members):
        fitted = yield from fit_member(
            member, settings, train_set, val_set, config.train.seed + index, index, started
        )
        fits.append(fitted)
    heads.eval()
    tuned, tuning = None, None
    if settings.tune_epochs:
        tuned, tuning, val_set = yield from tune(
            model,
            featurizer,
            heads,
            config.lora,
            settings,
            train_rows,
            val_set,
            config.train.seed,
            started,
        )
    ensemble_error = evaluate_heads(heads, val_set)[0] if val_set else None
    threshold, accuracy, coverage = (
        calibrate(evaluate_heads(heads, val_set)[1], settings.calibrate_accuracy)
        if val_set
        else (0.0, 0.0, 0.0)
    )
    seconds = time.perf_counter() - started
    output.mkdir(parents=True, exist_ok=True)
    heads.eval()
    save_heads(heads, output / HEADS_FILE)
    shutil.rmtree(output / ADAPTER_DIR, ignore_errors=True)  # an earlier run's
    if tuned is not None:
        save_adapter(tuned, output)
    unreachable = int(sum(int((~ex.keys).sum()) for ex in train_set))
    meta = {
        "kind": SCORER_KIND,
        "base_model": config.model,
        "config": config.model_dump(mode="json"),
        "features": {
            "layers": list(spec.layers),
            "window": spec.window,
            "far_window": spec.far_window,
            "max_tokens": spec.max_tokens,
        },
        "heads": {
            "candidate_dim": spec.candidate_dim(hidden),
            "doc_dim": spec.doc_dim(hidden),
            "hidden": settings.hidden,
            "members": settings.members,
        },
        "threshold": threshold,
        **({"backstop": {"threshold": settings.backstop}} if settings.backstop is not None else {}),
        "calibration": {
            "target_accuracy": settings.calibrate_accuracy,
            "val_accuracy": accuracy,
            "val_coverage": coverage,
        },
        "data": {
            "train_path": str(config.data.train),
            "train_sha256": _file_sha256(config.data.train),
            # the generator versions of generated rows (protege.corpus.version): with the path's
            # seed this names the data exactly
            "corpus_versions": sorted({s.corpus_version for s in every if s.corpus_version}),
            "train_sources": len(train_set),
            "val_sources": len(val_set),
            "unreachable_keys": unreachable,
            "feature_cache": str(cache),
        },
        "metrics": {
            # the first member's curves and best epoch; every member's in "members"
            "losses": fits[0]["losses"],
            "val_record_errors": fits[0]["val_record_errors"],
            "best_epoch": fits[0]["best_epoch"],
            "best_val_record_error": ensemble_error,
            "members": fits if len(fits) > 1 else None,
            "tune": tuning,  # stage 2 (protege.train.scorer_tune); None when not run
            "read_seconds": round(read_s, 2),
            "train_seconds": round(seconds, 2),
            "peak_rss_mb": round(peak_rss_mb(), 1),
        },
        "device": "cpu",
        "git_commit": git_commit(),
        "versions": library_versions(),
        "machine": machine(),
    }
    (output / META_FILE).write_text(json.dumps(meta, indent=2) + "\n")
    total = settings.epochs * settings.members
    yield TrainEvent("done", total, total, elapsed_s=seconds, message=str(output), meta=meta)
