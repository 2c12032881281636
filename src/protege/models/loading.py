"""Loading a base model and its tokenizer, and formatting chats for it.

Models that ship a chat template (SmolLM2) use it. The Gemma GGUF (a base model) and
``tiny-random`` have none: they get Gemma's turn format, written out here, whose
``<start_of_turn>``/``<end_of_turn>`` tokens both vocabularies contain.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from protege.models.registry import resolve

if TYPE_CHECKING:
    from transformers import PreTrainedModel, PreTrainedTokenizerBase

GEMMA_END_OF_TURN = "<end_of_turn>"


def load_tokenizer(name_or_path: str | Path) -> PreTrainedTokenizerBase:
    """The tokenizer of a registry model or local directory."""
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(resolve(str(name_or_path)))
    if tokenizer.pad_token_id is None:
        tokenizer.pad_token = tokenizer.eos_token
    return tokenizer


def load_model(name_or_path: str | Path, dtype: Any = None) -> PreTrainedModel:
    """The causal LM of a registry model or local directory (fp32 unless ``dtype`` says)."""
    import torch
    from transformers import AutoModelForCausalLM

    return AutoModelForCausalLM.from_pretrained(
        resolve(str(name_or_path)), dtype=dtype or torch.float32
    )


def has_chat_template(tokenizer: PreTrainedTokenizerBase) -> bool:
    """Whether the tokenizer carries its own chat template."""
    return bool(getattr(tokenizer, "chat_template", None))


def format_chat(tokenizer: PreTrainedTokenizerBase, messages: list[dict[str, str]]) -> str:
    """The prompt text for ``messages``, ending where the assistant's answer begins."""
    if has_chat_template(tokenizer):
        text = tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
        return str(text)
    # Gemma's format has no system role: the system text opens the first user turn.
    system = "\n\n".join(m["content"] for m in messages if m["role"] == "system")
    turns = []
    for message in messages:
        if message["role"] == "system":
            continue
        role = "model" if message["role"] == "assistant" else "user"
        content = message["content"]
        if role == "user" and system:
            content, system = f"{system}\n\n{content}", ""
        turns.append(f"<start_of_turn>{role}\n{content}{GEMMA_END_OF_TURN}\n")
    bos = tokenizer.bos_token or ""
    return bos + "".join(turns) + "<start_of_turn>model\n"


def answer_suffix(tokenizer: PreTrainedTokenizerBase) -> str:
    """What follows the answer in a training example: the end-of-turn marker."""
    if has_chat_template(tokenizer):
        return str(tokenizer.eos_token or "")
    return GEMMA_END_OF_TURN
