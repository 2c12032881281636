"""Training the scorer student (stage 1): read every source once with the frozen base model,
cache the candidate features, then fit the heads on them.

Targets come from the verified records: for each key, every candidate whose value equals the
expected one (null when the record has none). A key whose expected value no candidate states
cannot be chosen, so it teaches nothing and is left out of the loss; ``unreachable`` in
meta.json counts those. The loss is each key's negative log of the probability pooled over its
right options, plus the type head's cross-entropy. Validation runs after every epoch on the
held-out sources with the contract's scorer, and the epoch with the lowest validation record
error is kept. Last, a confidence threshold is calibrated on the validation sources: the lowest
at which records whose every key clears it are at least ``scorer.calibrate_accuracy`` right.
"""

from __future__ import annotations

import hashlib
import json
import random
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from protege.contract.io import load_verified, read_jsonl
from protege.contract.normalize import normalize_value
from protege.contract.parse import parse_output
from protege.contract.record import VerifiedSource
from protege.contract.scoring import score
from protege.engine.features import FeatureSpec, Featurizer, SourceFeatures
from protege.engine.scorer import (
    CHOICE_KEYS,
    TYPE_CLASSES,
    TYPE_KEY,
    build_heads,
    choose,
    type_mask,
)
from protege.engine.scorer_predictor import HEADS_FILE, META_FILE, SCORER_KIND, save_heads
from protege.errors import JsonlError
from protege.evidence import KEY_TYPES
from protege.models.loading import load_model, load_tokenizer
from protege.prompts import LIABILITY_PROMPT
from protege.prompts.liability import read_back
from protege.provenance import git_commit, library_versions, machine, peak_rss_mb
from protege.train.config import TrainConfig
from protege.train.loop import TrainEvent, split_validation

if TYPE_CHECKING:
    import torch

EVAL_BATCH = 64  # sources through the heads at once when validating


@dataclass
class Example:
    """One source's features with its training targets."""

    source: VerifiedSource
    features: SourceFeatures
    allowed: torch.Tensor  # [1 + candidates, keys] bool: the options each key may choose
    targets: torch.Tensor  # [1 + candidates, keys] bool: the right options of each key
    keys: torch.Tensor  # [keys] bool: keys some option can get right
    type_index: int


def targets_of(source: VerifiedSource, features: SourceFeatures) -> Example:
    """Which options of each key are right for ``source``."""
    import torch

    targets = torch.zeros(1 + len(features.candidates), len(CHOICE_KEYS), dtype=torch.bool)
    for column, key in enumerate(CHOICE_KEYS):
        want = normalize_value(key, getattr(source.expected, key))
        if want is None:
            targets[0, column] = True
            continue
        for row, candidate in enumerate(features.candidates, start=1):
            if candidate.type == KEY_TYPES[key] and normalize_value(key, candidate.value) == want:
                targets[row, column] = True
    type_index = TYPE_CLASSES.index(getattr(source.expected, TYPE_KEY))
    return Example(source, features, type_mask(features), targets, targets.any(dim=0), type_index)


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


def forward(heads: Any, batch: Sequence[Example]) -> tuple[torch.Tensor, torch.Tensor]:
    """The heads over ``batch`` at once: logits [sources, 1 + most candidates, keys] and type
    logits [sources, types] (``Heads.batch``)."""
    import torch

    return heads.batch(  # type: ignore[no-any-return]
        [ex.features.spans for ex in batch], torch.stack([ex.features.doc for ex in batch])
    )


def batch_loss(heads: Any, batch: Sequence[Example]) -> torch.Tensor:
    """The mean over ``batch`` of each source's loss: the negative log of each key's pooled
    probability of its right options, summed over the keys some option gets right, plus the
    type head's cross-entropy. Every candidate of the batch goes through the heads at once."""
    import torch
    import torch.nn.functional as F

    logits, type_logits = forward(heads, batch)
    options, keys = logits.shape[1], logits.shape[2]
    allowed = torch.zeros(len(batch), options, keys, dtype=torch.bool)
    right = torch.zeros_like(allowed)
    for row, ex in enumerate(batch):
        n = 1 + len(ex.features.candidates)
        allowed[row, :n] = ex.allowed
        # a key no option gets right scores every option right: it adds 0 and no gradient
        right[row, :n] = ex.targets | ~ex.keys
    masked = logits.masked_fill(~allowed, float("-inf"))
    total = torch.logsumexp(masked, dim=1)
    chosen = torch.logsumexp(masked.masked_fill(~right, float("-inf")), dim=1)
    types = torch.tensor([ex.type_index for ex in batch])
    return (total - chosen).sum() / len(batch) + F.cross_entropy(type_logits, types)


def train_epoch(
    heads: Any,
    optimizer: Any,
    train_set: Sequence[Example],
    batch_size: int,
    rng: random.Random,
    loss_of: Callable[[Any, Sequence[Example]], torch.Tensor] = batch_loss,
) -> float:
    """One pass over ``train_set`` in a shuffled order, ``loss_of`` each batch; the mean loss
    per source."""
    order = list(range(len(train_set)))
    rng.shuffle(order)
    total = 0.0
    for at in range(0, len(order), batch_size):
        chunk = order[at : at + batch_size]
        loss = loss_of(heads, [train_set[i] for i in chunk])
        optimizer.zero_grad(set_to_none=True)
        loss.backward()  # type: ignore[no-untyped-call]
        optimizer.step()
        total += loss.item() * len(chunk)
    return total / max(1, len(train_set))


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


def calibrate(rows: Sequence[tuple[bool, float]], accuracy: float) -> tuple[float, float, float]:
    """(threshold, accuracy, coverage) for (record right, lowest key confidence) rows: the
    lowest threshold at which the records clearing it are at least ``accuracy`` right (1.0,
    covering nothing, when none is)."""
    ranked = sorted(rows, key=lambda r: -r[1])
    best = (1.0, 1.0, 0.0)
    right = 0
    for count, (is_right, confidence) in enumerate(ranked, start=1):
        right += is_right
        ties_follow = count < len(ranked) and ranked[count][1] == confidence
        if not ties_follow and right / count >= accuracy:
            best = (confidence, right / count, count / len(ranked))
    return best


def evaluate_heads(
    heads: Any, examples: Sequence[Example]
) -> tuple[float, list[tuple[bool, float]]]:
    """(record error, [(record right, lowest key confidence)]) on ``examples``."""
    import torch

    heads.eval()
    outputs, lowest = {}, {}
    with torch.inference_mode():
        for at in range(0, len(examples), EVAL_BATCH):
            chunk = examples[at : at + EVAL_BATCH]
            logits, type_logits = forward(heads, chunk)
            for row, ex in enumerate(chunk):
                n = 1 + len(ex.features.candidates)
                choice = choose(logits[row, :n], type_logits[row], ex.features)
                outputs[ex.source.id] = choice.output
                lowest[ex.source.id] = min(choice.confidence.values())
    report = score([ex.source for ex in examples], outputs)
    heads.train()
    rows = [(not r.wrong_keys and r.valid, lowest[r.id]) for r in report.rows]
    return report.overall.record_error_rate, rows


def train_scorer(config: TrainConfig) -> Iterator[TrainEvent]:
    """Stage 1: read and cache the features, fit the heads, keep the best epoch, calibrate.
    Events: ``features`` while reading (step = sources read), then start, step (one an epoch),
    eval and done, as the LoRA loop's."""
    import torch

    started = time.perf_counter()
    settings = config.scorer
    torch.manual_seed(config.train.seed)
    if config.train.threads:
        torch.set_num_threads(config.train.threads)
    train_rows, val_rows = split_sources(config)
    spec = FeatureSpec(
        tuple(settings.layers), settings.window, settings.max_tokens, settings.far_window
    )
    featurizer = Featurizer(load_model(config.model), load_tokenizer(config.model), spec)
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
    heads = build_heads(
        spec.candidate_dim(hidden), spec.doc_dim(hidden), settings.hidden, settings.dropout
    )
    optimizer = torch.optim.AdamW(
        heads.parameters(), lr=settings.lr, weight_decay=settings.weight_decay
    )
    yield TrainEvent(
        "start", 0, settings.epochs, message=f"{len(train_set)} train / {len(val_set)} val sources"
    )
    rng = random.Random(config.train.seed)
    best: tuple[float, int, dict[str, Any]] = (2.0, 0, {})
    history: dict[str, list[list[float]]] = {"losses": [], "val_record_errors": []}
    for epoch in range(1, settings.epochs + 1):
        mean_loss = train_epoch(heads, optimizer, train_set, settings.batch_size, rng)
        history["losses"].append([epoch, round(mean_loss, 5)])
        elapsed = time.perf_counter() - started
        yield TrainEvent(
            "step", epoch, settings.epochs, loss=mean_loss, lr=settings.lr, elapsed_s=elapsed
        )
        if val_set:
            error, _ = evaluate_heads(heads, val_set)
            history["val_record_errors"].append([epoch, round(error, 5)])
            yield TrainEvent(
                "eval",
                epoch,
                settings.epochs,
                val_loss=error,
                elapsed_s=elapsed,
                message="val record error",
            )
            if error < best[0]:
                best = (error, epoch, {k: v.clone() for k, v in heads.state_dict().items()})
    if best[2]:
        heads.load_state_dict(best[2])
    threshold, accuracy, coverage = (
        calibrate(evaluate_heads(heads, val_set)[1], settings.calibrate_accuracy)
        if val_set
        else (0.0, 0.0, 0.0)
    )
    seconds = time.perf_counter() - started
    output.mkdir(parents=True, exist_ok=True)
    heads.eval()
    save_heads(heads, output / HEADS_FILE)
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
            "losses": history["losses"],
            "val_record_errors": history["val_record_errors"],
            "best_epoch": best[1],
            "best_val_record_error": best[0] if best[2] else None,
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
    yield TrainEvent(
        "done", settings.epochs, settings.epochs, elapsed_s=seconds, message=str(output), meta=meta
    )
