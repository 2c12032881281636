"""Versioned prompt templates. A template's version is the hash of its content, so a logged
call, a dataset and a trained adapter all say exactly which prompt they used."""

from protege.prompts.liability import (
    LIABILITY_PROMPT,
    PromptTemplate,
    render_messages,
    target_text,
)

__all__ = ["LIABILITY_PROMPT", "PromptTemplate", "render_messages", "target_text"]
