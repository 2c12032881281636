"""A trained scorer on disk, and the predictor that serves it.

A scorer directory holds ``heads.safetensors`` (the heads' weights, fp32 from training, fp16 in
a release); after a kept stage 2, ``adapter/`` (a peft LoRA adapter for the base model, merged
into it on loading); and ``meta.json`` with ``"kind": "scorer"``, the base model, the feature
spec, the head shape, the calibrated confidence threshold and the training lineage. ``ScorerPredictor``
answers through the same interface as the generator (``engine/predictor.py``): ``protege
predict``, ``eval`` and the server load either kind from the directory a user names.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from protege.contract.record import Source
from protege.engine.features import FeatureSpec, Featurizer
from protege.engine.predictor import Prediction
from protege.engine.scorer import build_heads, choose
from protege.errors import ModelNotFoundError
from protege.models.loading import load_model, load_tokenizer

SCORER_KIND = "scorer"
HEADS_FILE = "heads.safetensors"
ADAPTER_DIR = "adapter"  # a kept stage 2's LoRA adapter (protege.train.scorer_tune)
META_FILE = "meta.json"


def is_scorer_dir(path: Path) -> bool:
    """Whether ``path`` holds a trained scorer."""
    meta = path / META_FILE
    if not (path / HEADS_FILE).is_file() or not meta.is_file():
        return False
    try:
        return bool(json.loads(meta.read_text()).get("kind") == SCORER_KIND)
    except (OSError, ValueError):
        return False


def spec_of(meta: dict[str, Any]) -> FeatureSpec:
    """The feature spec a scorer was trained with."""
    features = meta["features"]
    return FeatureSpec(
        tuple(features["layers"]),
        features["window"],
        features["max_tokens"],
        features.get("far_window", 0),
    )


def heads_from_meta(meta: dict[str, Any]) -> Any:
    """Untrained heads of the shape ``meta`` describes."""
    heads = meta["heads"]
    return build_heads(
        heads["candidate_dim"], heads["doc_dim"], heads["hidden"], 0.0, heads.get("members", 1)
    )


def save_heads(heads: Any, path: Path) -> None:
    """Write the heads' weights to ``path`` (safetensors)."""
    from safetensors.torch import save_file

    save_file({k: v.detach().contiguous() for k, v in heads.state_dict().items()}, str(path))


def load_heads(path: Path) -> Any:
    """The trained heads of the scorer directory ``path``, in fp32 and in eval mode."""
    from safetensors.torch import load_file

    meta = json.loads((path / META_FILE).read_text())
    heads = heads_from_meta(meta)
    state = {k: v.float() for k, v in load_file(str(path / HEADS_FILE)).items()}
    heads.load_state_dict(state)
    return heads.eval()


class ScorerPredictor:
    """Chooses each key's value among the candidates, one forward pass per batch of sources."""

    kind = "self-hosted"

    def __init__(self, spec: str, threads: int | None = None, merge: bool = True) -> None:
        """Load the scorer directory ``spec``. A stage-2 adapter is merged into the base
        weights (``merge``, what serving does: bench/adapter_merge.py measured it), or left
        as LoRA layers over the shared base model."""
        import torch

        if threads:
            torch.set_num_threads(threads)
        path = Path(spec).expanduser()
        if not is_scorer_dir(path):
            raise ModelNotFoundError(f"{path} holds no scorer ({HEADS_FILE} and meta.json)")
        self.name = spec
        self.meta = json.loads((path / META_FILE).read_text())
        base = self.meta["base_model"]
        model = load_model(base)
        self.adapter: Any = None  # the peft model, when the adapter is left unmerged
        self.tuned = (path / ADAPTER_DIR / "adapter_config.json").is_file()
        if self.tuned:
            from peft import PeftModel

            tuned = PeftModel.from_pretrained(model, str(path / ADAPTER_DIR))
            if merge:
                model = tuned.merge_and_unload()
            else:
                self.adapter = tuned
        self.featurizer = Featurizer(model, load_tokenizer(base), spec_of(self.meta))
        self.heads = load_heads(path)
        self.threshold = float(self.meta.get("threshold", 0.0))

    @property
    def settings(self) -> dict[str, Any]:
        """How this predictor chooses, for reports."""
        return {
            "student": SCORER_KIND,
            "layers": list(self.featurizer.spec.layers),
            "window": self.featurizer.spec.window,
            "far_window": self.featurizer.spec.far_window,
            "threshold": self.threshold,
            "stage2_adapter": ("unmerged" if self.adapter else "merged") if self.tuned else None,
        }

    def predict(self, sources: Sequence[Source], batch_size: int = 1) -> Iterator[Prediction]:
        """Yield one prediction per source, reading ``batch_size`` sources together."""
        for at in range(0, len(sources), batch_size):
            yield from self._batch(sources[at : at + batch_size])

    def _batch(self, batch: Sequence[Source]) -> list[Prediction]:
        import torch

        wall, cpu = time.perf_counter(), time.process_time()
        read = self.featurizer.read(batch)
        choices = []
        with torch.inference_mode():
            for features in read:
                logits, type_logits = self.heads(features.spans, features.doc)
                choices.append(choose(logits, type_logits, features))
        wall_ms = (time.perf_counter() - wall) * 1000
        cpu_each = (time.process_time() - cpu) / len(batch)
        return [
            Prediction(
                source.id,
                choice.output,
                wall_ms,
                features.tokens,
                0,
                cpu_each,
                choice.evidence,
                {k: round(v, 4) for k, v in choice.confidence.items()},
            )
            for source, features, choice in zip(batch, read, choices, strict=True)
        ]
