"""The in-process transformers engine: a base model, optionally with a LoRA adapter merged in,
greedy decoding that stops at the end of the JSON object.

Constrained by default, in two layers: the output layer is cut to the tokens a record can use
(``vocab``), and each row's answer must stay a prefix of a compact record in contract order
(``grammar``: right keys, right order, values of the right shape), so every answer parses.

Batches are left-padded so every row's answer starts at the same position. A row stops as soon
as its first top-level JSON object closes (or it emits an end-of-turn/end-of-text token); the
batch stops when every row has. Merging the adapter into the weights (``merge_and_unload``)
makes an adapter cost nothing at inference.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from protege.contract.parse import parse_output
from protege.contract.record import Source
from protege.engine.grammar import RecordGrammar, choose
from protege.engine.grounding import allowed_values, evidence_spans
from protege.engine.predictor import Prediction, is_adapter_dir
from protege.errors import ModelNotFoundError, UsageError
from protege.evidence import find_candidates
from protege.models.loading import format_chat, load_model, load_tokenizer
from protege.prompts import BUILTIN_PROMPTS, LIABILITY_PROMPT, PromptTemplate, render_messages

if TYPE_CHECKING:
    import torch


class JsonObjectEnd:
    """Incremental scanner: has the first top-level JSON object in this text closed?"""

    def __init__(self) -> None:
        self.depth = 0
        self.started = False
        self.in_string = False
        self.escaped = False
        self.done = False

    def feed(self, text: str) -> bool:
        """Consume more generated text; return True once the object has closed."""
        for ch in text:
            if self.done:
                break
            if self.in_string:
                if self.escaped:
                    self.escaped = False
                elif ch == "\\":
                    self.escaped = True
                elif ch == '"':
                    self.in_string = False
            elif ch == '"' and self.started:
                self.in_string = True
            elif ch == "{":
                self.depth += 1
                self.started = True
            elif ch == "}" and self.started:
                self.depth -= 1
                self.done = self.depth == 0
        return self.done


def _trained_prompt(adapter: Path, meta: dict[str, Any]) -> PromptTemplate:
    """The built-in template an adapter was trained with (its meta.json's ``prompt.id``; the
    plain prompt for adapters that name none)."""
    prompt_id = (meta.get("prompt") or {}).get("id", LIABILITY_PROMPT.id)
    if prompt_id not in BUILTIN_PROMPTS:
        raise ModelNotFoundError(
            f"{adapter} was trained with prompt {prompt_id!r}, which this protege does not have "
            f"(built-in: {', '.join(BUILTIN_PROMPTS)})"
        )
    return BUILTIN_PROMPTS[prompt_id]


def cut_after_object(text: str) -> str:
    """The text up to and including the first closed top-level JSON object (all of it when
    none closes: an unfinished answer stays as it was, and scores as invalid)."""
    scanner = JsonObjectEnd()
    for i, ch in enumerate(text):
        if scanner.feed(ch):
            return text[: i + 1]
    return text


class HFPredictor:
    """A base model (zero-shot) or a trained adapter, run in-process with transformers."""

    kind = "self-hosted"

    def __init__(
        self,
        spec: str,
        max_new_tokens: int = 256,
        threads: int | None = None,
        constrain: bool = True,
        grammar: bool = True,
        device: str = "auto",
        grounding: bool = False,
    ) -> None:
        import torch

        from protege.models.device import resolve_device

        if threads:
            torch.set_num_threads(threads)
        self.name = spec
        path = Path(spec).expanduser()
        if is_adapter_dir(path):
            meta_file = path / "meta.json"
            if not meta_file.is_file():
                raise ModelNotFoundError(
                    f"{path} has an adapter but no meta.json naming its base model"
                )
            meta = json.loads(meta_file.read_text())
            base_ref = meta.get("base_model") or meta.get("base_model_path")
            self.template = _trained_prompt(path, meta)
            self.tokenizer = load_tokenizer(base_ref)
            self.model = self._merged(load_model(base_ref), path)
        else:
            self.tokenizer = load_tokenizer(spec)
            self.model = load_model(spec)
            self.template = LIABILITY_PROMPT
        self.device = resolve_device(device)
        self.model.to(self.device)
        self.model.eval()
        self.max_new_tokens = max_new_tokens
        self.tokenizer.padding_side = "left"
        self.stop_ids = self._stop_ids()
        self.vocab: torch.Tensor | None = None  # allowed output ids, when constrained
        self.head: torch.Tensor | None = None  # the output layer's rows for those ids
        self.grammar: RecordGrammar | None = None  # key-level record grammar, when constrained
        self.token_text: dict[int, str] = {}  # decoded text of each token, filled lazily
        self.stop_set = frozenset(self.stop_ids)
        if constrain:
            self._restrict_output()
            if grammar:
                self.grammar = RecordGrammar()
        # Grounded decoding (engine/grounding.py) narrows the record grammar per source.
        if grounding and self.grammar is None:
            raise UsageError(
                "grounding needs the record grammar: drop constrain=False/grammar=False"
            )
        self.grounding = grounding

    @property
    def settings(self) -> dict[str, Any]:
        """How this predictor decodes, for reports."""
        return {
            "grammar": self.grammar is not None,
            "grounding": self.grounding,
            "prompt": self.template.id,
            "max_new_tokens": self.max_new_tokens,
        }

    def _restrict_output(self) -> None:
        import torch

        from protege.engine.vocab import output_vocabulary

        ids = output_vocabulary(self.tokenizer, self.stop_ids)
        self.vocab = torch.tensor(ids, dtype=torch.long, device=self.device)
        weight = self.model.get_output_embeddings().weight
        self.head = weight.detach()[self.vocab].clone().contiguous()

    @staticmethod
    def _merged(base: Any, adapter: Path) -> Any:
        from peft import PeftModel

        return PeftModel.from_pretrained(base, adapter).merge_and_unload()

    def _stop_ids(self) -> list[int]:
        ids = {self.tokenizer.eos_token_id}
        for token in ("<end_of_turn>", "<|im_end|>", "<|endoftext|>"):
            token_id = self.tokenizer.convert_tokens_to_ids(token)
            if isinstance(token_id, int) and token_id != self.tokenizer.unk_token_id:
                ids.add(token_id)
        return sorted(i for i in ids if i is not None)

    def prompt(self, source: Source) -> str:
        """The exact prompt text for one source."""
        return format_chat(self.tokenizer, render_messages(source, self.template))

    def predict(self, sources: Sequence[Source], batch_size: int = 1) -> Iterator[Prediction]:
        """Yield one prediction per source, running ``batch_size`` sources together."""
        for start in range(0, len(sources), batch_size):
            yield from self._batch(sources[start : start + batch_size])

    def _batch(self, batch: Sequence[Source]) -> list[Prediction]:
        import torch

        wall, cpu = time.perf_counter(), time.process_time()
        candidates = [find_candidates(source.text, source.as_of) for source in batch]
        grammars = [
            RecordGrammar(allowed_values(found)) if self.grounding else self.grammar
            for found in candidates
        ]
        encoded = self.tokenizer(
            [self.prompt(s) for s in batch],
            return_tensors="pt",
            padding=True,
            add_special_tokens=False,
        )
        with torch.inference_mode():
            generated = self._greedy(
                encoded["input_ids"].to(self.device),
                encoded["attention_mask"].to(self.device),
                grammars,
            )
        wall_ms = (time.perf_counter() - wall) * 1000
        cpu_each = (time.process_time() - cpu) / len(batch)
        results = []
        for row, source in enumerate(batch):
            ids = [
                t
                for t in generated[row]
                if t not in self.stop_ids and t != self.tokenizer.pad_token_id
            ]
            text = cut_after_object(str(self.tokenizer.decode(ids, skip_special_tokens=True)))
            prompt_tokens = int(encoded["attention_mask"][row].sum())
            record = parse_output(text).record
            spans = evidence_spans(record, candidates[row]) if record else {}
            results.append(
                Prediction(source.id, text, wall_ms, prompt_tokens, len(ids), cpu_each, spans)
            )
        return results

    def _greedy(
        self,
        input_ids: torch.Tensor,
        attention_mask: torch.Tensor,
        grammars: Sequence[RecordGrammar | None] | None = None,
    ) -> list[list[int]]:
        """Greedy decoding with a KV cache; each row stops at its JSON object's end (with a
        grammar, one per row: when its record is complete)."""
        import torch

        rows = input_ids.shape[0]
        if grammars is None:
            grammars = [self.grammar] * rows
        scanners = [JsonObjectEnd() for _ in range(rows)]
        texts = [""] * rows
        finished = [False] * rows
        out: list[list[int]] = [[] for _ in range(rows)]
        position_ids = (attention_mask.cumsum(-1) - 1).clamp(min=0)
        scores, cache = self._step(input_ids, attention_mask, position_ids, None)
        next_pos = position_ids[:, -1:] + 1
        for _ in range(self.max_new_tokens):
            next_tokens = self._pick(scores, texts, finished, grammars)
            for row in range(rows):
                if finished[row]:
                    continue
                token = int(next_tokens[row])
                out[row].append(token)
                piece = self._text(token)
                texts[row] += piece
                grammar = grammars[row]
                if token in self.stop_ids:
                    finished[row] = True
                elif grammar is not None:
                    finished[row] = grammar.complete(texts[row])
                else:
                    finished[row] = scanners[row].feed(piece)
            if all(finished):
                break
            attention_mask = torch.cat([attention_mask, attention_mask.new_ones((rows, 1))], dim=-1)
            scores, cache = self._step(next_tokens[:, None], attention_mask, next_pos, cache)
            next_pos = next_pos + 1
        return out

    def _text(self, token: int) -> str:
        text = self.token_text.get(token)
        if text is None:
            text = self.token_text[token] = str(self.tokenizer.decode([token]))
        return text

    def _pick(
        self,
        scores: torch.Tensor,
        texts: list[str],
        finished: list[bool],
        grammars: Sequence[RecordGrammar | None],
    ) -> torch.Tensor:
        """The next token of each row: the argmax, or with its grammar the best valid one."""
        best = scores.argmax(dim=-1)
        if self.vocab is None:
            return best
        tokens = self.vocab[best].clone()
        for row, text in enumerate(texts):
            grammar = grammars[row]
            if finished[row] or grammar is None:
                continue
            top = int(tokens[row])
            if top not in self.stop_ids and grammar.allows(text + self._text(top)):
                continue  # the usual case: the model's own choice is valid
            ranked = self.vocab[scores[row].argsort(descending=True)].tolist()
            choice = choose(grammar, text, ranked, self._text, self.stop_set)
            if choice is not None:
                tokens[row] = choice
        return tokens

    def _step(
        self,
        input_ids: torch.Tensor,
        attention_mask: torch.Tensor,
        position_ids: torch.Tensor,
        cache: Any,
    ) -> tuple[torch.Tensor, Any]:
        """One forward pass: next-token scores of each row (over ``self.vocab`` when
        constrained, else the whole vocabulary), and the updated KV cache."""
        if self.head is None or self.vocab is None:
            outputs = self.model(
                input_ids=input_ids,
                attention_mask=attention_mask,
                position_ids=position_ids,
                cache=cache,
                use_cache=True,
                logits_to_keep=1,  # only the last position is decoded from
            )
            return outputs.logits[:, -1, :], outputs.cache
        # Constrained: run the decoder, then only the allowed rows of the output layer. Logit
        # soft-capping (tanh) is monotonic, so it cannot change the argmax and is skipped.
        decoder = self.model.get_decoder()
        outputs = decoder(
            input_ids=input_ids,
            attention_mask=attention_mask,
            position_ids=position_ids,
            cache=cache,
            use_cache=True,
        )
        hidden = outputs.last_hidden_state[:, -1, :]
        return hidden @ self.head.T, outputs.cache  # scores over self.vocab
