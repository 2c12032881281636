"""Candidate features for the scorer student: what a frozen base model's hidden states say
about each value a source states.

One forward pass reads the source (a one-line header with its kind and as-of date, then its
text). For each candidate (``protege.evidence``) and each chosen layer, three means of that
layer's output: over the candidate's own tokens, over the ``window`` tokens before it and over
the ``window`` tokens after it; with a ``far_window``, two more, over that many tokens each side
(a label separated from its value by a parenthesis or a wide table's padding). Three scalars
follow, read from the value itself rather than the hidden states: where in the source it sits,
its magnitude (an amount's log, a rate, a date's distance from as-of in years) and whether it
is zero. A document vector (each chosen layer's
mean over the whole text) feeds the null scores and the liability-type head.

The model runs only up to the deepest chosen layer, and never through its output layer (for
Gemma 3 270M the 262k-row vocabulary projection costs as much as the layers), so a middle layer
halves the cost of a read.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from protege.contract.record import Source
from protege.evidence import Candidate, find_candidates

if TYPE_CHECKING:
    import torch
    from transformers import PreTrainedModel, PreTrainedTokenizerBase

SCALARS = 3  # position, magnitude, is-zero


@dataclass(frozen=True)
class FeatureSpec:
    """Which hidden states make a candidate's features."""

    layers: tuple[int, ...]  # 1-based decoder layers whose outputs are read
    window: int  # context tokens on each side of a span
    max_tokens: int  # longer sources are cut; candidates past the cut get no features
    far_window: int = 0  # a second, wider context each side; 0: none

    @property
    def means(self) -> int:
        """Means per layer: the span's, and a left and a right one per window."""
        return 5 if self.far_window else 3

    def candidate_dim(self, hidden: int) -> int:
        """The length of one candidate's feature vector."""
        return self.means * len(self.layers) * hidden + SCALARS

    def doc_dim(self, hidden: int) -> int:
        """The length of a document vector."""
        return len(self.layers) * hidden


@dataclass(frozen=True)
class SourceFeatures:
    """One source's candidates (those inside the read tokens) and their features."""

    candidates: list[Candidate]
    spans: torch.Tensor  # [len(candidates), candidate_dim]
    doc: torch.Tensor  # [doc_dim]
    tokens: int  # tokens read (header included)


def header(source: Source) -> str:
    """What the model reads before the text: the source's kind and as-of date."""
    return f"{source.kind.value} as of {source.as_of.isoformat()}\n"


def scalars(candidate: Candidate, text_len: int, as_of: dt.date) -> list[float]:
    """Position in the source, magnitude and zero-ness of one candidate's value."""
    position = candidate.start / max(1, text_len)
    value = candidate.value
    if isinstance(value, dt.date):
        return [position, (value - as_of).days / 365.0, 0.0]
    if isinstance(value, Decimal):
        amount = float(value)
        magnitude = math.log10(1.0 + amount) / 6.0 if candidate.type == "money" else amount / 30
        return [position, magnitude, float(amount == 0)]
    return [position, 0.0, 0.0]  # a last four: its digits carry no magnitude


class Featurizer:
    """Reads sources with a frozen base model cut after its deepest chosen layer."""

    def __init__(
        self, model: PreTrainedModel, tokenizer: PreTrainedTokenizerBase, spec: FeatureSpec
    ) -> None:
        decoder: Any = model.get_decoder()  # type: ignore[no-untyped-call]
        available = len(decoder.layers)
        if not spec.layers or max(spec.layers) > available or min(spec.layers) < 1:
            raise ValueError(f"layers {list(spec.layers)} outside the model's 1..{available}")
        decoder.layers = decoder.layers[: max(spec.layers)]  # the rest would only cost time
        self.decoder = decoder.eval()
        self.tokenizer = tokenizer
        tokenizer.padding_side = "right"  # row r's tokens are then positions [0, n) of the batch
        self.spec = spec
        self.hidden = int(model.config.hidden_size)
        self._outputs: dict[int, Any] = {}
        for layer in spec.layers:
            decoder.layers[layer - 1].register_forward_hook(self._keeper(layer))

    def _keeper(self, layer: int) -> Any:
        def keep(_module: Any, _inputs: Any, output: Any) -> None:
            self._outputs[layer] = output[0] if isinstance(output, tuple) else output

        return keep

    def tokens(self, source: Source) -> int:
        """How many tokens a read of ``source`` takes (header included, cut at max_tokens)."""
        ids = self.tokenizer(
            header(source) + source.text, truncation=True, max_length=self.spec.max_tokens
        )["input_ids"]
        return len(ids)

    def read(self, sources: Sequence[Source], grad: bool = False) -> list[SourceFeatures]:
        """Features of each source, read together in one padded batch; with ``grad``, the
        features keep their graph back to the model's trainable weights (stage 2)."""
        import torch

        heads = [header(s) for s in sources]
        encoded = self.tokenizer(
            [h + s.text for h, s in zip(heads, sources, strict=True)],
            return_offsets_mapping=True,
            truncation=True,
            max_length=self.spec.max_tokens,
            padding=True,
            return_tensors="pt",
        )
        offsets = encoded.pop("offset_mapping")
        # not inference_mode: training reuses these as inputs
        with torch.set_grad_enabled(grad):
            self.decoder(**encoded)
            states = [self._outputs[layer] for layer in self.spec.layers]
            return [
                self._one(
                    source, len(head), offsets[row], encoded["attention_mask"][row], states, row
                )
                for row, (source, head) in enumerate(zip(sources, heads, strict=True))
            ]

    def _one(
        self,
        source: Source,
        shift: int,
        offsets: torch.Tensor,
        mask: torch.Tensor,
        states: list[torch.Tensor],
        row: int,
    ) -> SourceFeatures:
        import torch

        n = int(mask.sum())
        starts, ends = offsets[:n, 0].tolist(), offsets[:n, 1].tolist()
        # prefix sums of each layer's states: the mean over tokens [a, b) is (C[b] - C[a]) / (b - a)
        sums = [
            torch.cat([torch.zeros(1, self.hidden), s[row, :n].float().cumsum(0)]) for s in states
        ]

        def mean(a: int, b: int) -> list[torch.Tensor]:
            a, b = max(0, a), min(n, b)
            if b <= a:
                return [torch.zeros(self.hidden) for _ in sums]
            return [(c[b] - c[a]) / (b - a) for c in sums]

        text_tokens = [i for i in range(n) if ends[i] > shift]
        first_text = text_tokens[0] if text_tokens else n
        kept: list[Candidate] = []
        rows: list[torch.Tensor] = []
        window = self.spec.window
        for candidate in find_candidates(source.text, source.as_of):
            lo, hi = candidate.start + shift, candidate.end + shift
            inside = [i for i in text_tokens if ends[i] > lo and starts[i] < hi]
            if not inside:
                continue  # past the cut
            a, b = inside[0], inside[-1] + 1
            parts = mean(a, b) + mean(max(first_text, a - window), a) + mean(b, b + window)
            if far := self.spec.far_window:
                parts += mean(max(first_text, a - far), a) + mean(b, b + far)
            extra = torch.tensor(scalars(candidate, len(source.text), source.as_of))
            rows.append(torch.cat([*parts, extra]))
            kept.append(candidate)
        width = self.spec.candidate_dim(self.hidden)
        spans = torch.stack(rows) if rows else torch.zeros(0, width)
        doc = torch.cat(mean(first_text, n))
        return SourceFeatures(kept, spans, doc, n)
