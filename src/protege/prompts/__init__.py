"""Versioned prompt templates. A template's version is the hash of its content, so a logged
call, a dataset and a trained adapter all say exactly which prompt they used."""

from protege.prompts.liability import (
    BUILTIN_PROMPTS,
    LIABILITY_HINTS_PROMPT,
    LIABILITY_PROMPT,
    PromptTemplate,
    render_messages,
    target_text,
)

__all__ = [
    "BUILTIN_PROMPTS",
    "LIABILITY_HINTS_PROMPT",
    "LIABILITY_PROMPT",
    "PromptTemplate",
    "render_messages",
    "target_text",
]
