"""Training examples: (prompt, target) pairs tokenized with the loss on the completion only.

Rows come from a contract JSONL file (the prompt is rendered from the source, the target is the
verified record) or from a dataset directory's ``rows.jsonl`` in OpenAI chat fine-tuning format
(the last assistant message is the target; rows of the dataset's test split are left out). Batches group examples of similar length so little
compute goes to padding.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from protege.contract.io import load_verified, read_jsonl
from protege.errors import JsonlError
from protege.models.loading import answer_suffix, format_chat
from protege.prompts import LIABILITY_PROMPT, PromptTemplate, render_messages, target_text

if TYPE_CHECKING:
    import torch
    from transformers import PreTrainedTokenizerBase

IGNORE = -100  # label id the loss skips (prompt and padding positions)
KEEP_PROMPT_TAIL = 24  # tokens kept from the end of a cut prompt: the turn markers and a bit


@dataclass(frozen=True)
class ChatExample:
    """One training example before tokenization."""

    id: str
    messages: list[dict[str, str]]  # system + user
    target: str  # the assistant's answer


@dataclass(frozen=True)
class TokenizedExample:
    """Token ids of prompt + answer, and how much of the prompt was cut."""

    id: str
    input_ids: list[int]
    prompt_len: int
    truncated: bool


def load_examples(path: Path, prompt: PromptTemplate = LIABILITY_PROMPT) -> list[ChatExample]:
    """Examples from a contract JSONL file (rendered with ``prompt``) or a dataset directory
    (whose rows hold their rendered messages)."""
    if path.is_dir():
        return _from_dataset(path / "rows.jsonl")
    return [
        ChatExample(row.id, render_messages(row, prompt), target_text(row.expected))
        for row in load_verified(path)
    ]


def _from_dataset(rows_file: Path) -> list[ChatExample]:
    # Only the train split: a dataset's test rows are held out for evaluation.
    examples = []
    for number, obj in read_jsonl(rows_file):
        if obj.get("metadata", {}).get("split") == "test":
            continue
        messages = obj.get("messages")
        if (
            not isinstance(messages, list)
            or not messages
            or messages[-1].get("role") != "assistant"
        ):
            raise JsonlError(rows_file, number, "expected messages ending with an assistant turn")
        row_id = str(obj.get("metadata", {}).get("id", number))
        examples.append(ChatExample(row_id, messages[:-1], str(messages[-1]["content"])))
    return examples


def data_hash(examples: list[ChatExample]) -> str:
    """sha256 over the examples' messages and targets, in order."""
    digest = hashlib.sha256()
    for ex in examples:
        digest.update(json.dumps([ex.messages, ex.target], sort_keys=True).encode())
    return digest.hexdigest()


def tokenize(
    example: ChatExample, tokenizer: PreTrainedTokenizerBase, max_seq_len: int
) -> TokenizedExample:
    """Tokenize one example, cutting the middle of the prompt if it does not fit."""
    prompt = tokenizer(format_chat(tokenizer, example.messages), add_special_tokens=False)
    answer = tokenizer(example.target + answer_suffix(tokenizer), add_special_tokens=False)
    prompt_ids: list[int] = list(prompt["input_ids"])
    answer_ids: list[int] = list(answer["input_ids"])
    room = max_seq_len - len(answer_ids)
    truncated = len(prompt_ids) > room
    if truncated:
        if room <= KEEP_PROMPT_TAIL * 2:
            raise ValueError(f"max_seq_len {max_seq_len} leaves no room for the prompt")
        head = room - KEEP_PROMPT_TAIL
        prompt_ids = prompt_ids[:head] + prompt_ids[-KEEP_PROMPT_TAIL:]
    return TokenizedExample(example.id, prompt_ids + answer_ids, len(prompt_ids), truncated)


def length_grouped_batches(
    examples: list[TokenizedExample], batch_size: int, seed: int
) -> list[list[int]]:
    """Indices in batches of similar length, in a seeded random order.

    Shuffle, cut into pools of 32 batches, sort each pool by length, batch it, shuffle the
    batches: random enough for SGD, and padding stays small.
    """
    rng = random.Random(seed)
    order = list(range(len(examples)))
    rng.shuffle(order)
    pool = batch_size * 32
    batches: list[list[int]] = []
    for start in range(0, len(order), pool):
        chunk = sorted(order[start : start + pool], key=lambda i: len(examples[i].input_ids))
        batches += [chunk[i : i + batch_size] for i in range(0, len(chunk), batch_size)]
    rng.shuffle(batches)
    return batches


def collate(batch: list[TokenizedExample], pad_id: int) -> dict[str, torch.Tensor]:
    """Right-padded ``input_ids``, ``attention_mask`` and completion-only ``labels``."""
    import torch

    width = max(len(ex.input_ids) for ex in batch)
    ids = torch.full((len(batch), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(batch), width), dtype=torch.long)
    labels = torch.full((len(batch), width), IGNORE, dtype=torch.long)
    for row, ex in enumerate(batch):
        n = len(ex.input_ids)
        ids[row, :n] = torch.tensor(ex.input_ids)
        mask[row, :n] = 1
        labels[row, ex.prompt_len : n] = ids[row, ex.prompt_len : n]
    return {"input_ids": ids, "attention_mask": mask, "labels": labels}


def iterate_batches(
    examples: list[TokenizedExample], batch_size: int, seed: int, epochs: int
) -> Iterator[list[TokenizedExample]]:
    """Batches over ``epochs`` passes, each pass in its own seeded order."""
    for epoch in range(epochs):
        for indices in length_grouped_batches(examples, batch_size, seed + epoch):
            yield [examples[i] for i in indices]


def summarize(examples: list[TokenizedExample]) -> dict[str, Any]:
    """Token counts for meta.json."""
    lengths = [len(ex.input_ids) for ex in examples] or [0]
    return {
        "examples": len(examples),
        "tokens": sum(lengths),
        "answer_tokens": sum(len(ex.input_ids) - ex.prompt_len for ex in examples),
        "max_len": max(lengths),
        "mean_len": sum(lengths) / len(lengths),
        "truncated": sum(ex.truncated for ex in examples),
    }
