"""A prompt's version: the hash of its text. The same text always gets the same version and
any edit a new one, whether the prompt is a template in code or a file registered with
``protege prompts add``."""

from __future__ import annotations

import hashlib

VERSION_CHARS = 12  # 48 bits of sha256: collisions are not a concern at prompt-library scale


def content_version(text: str) -> str:
    """The version of a prompt's text: the first 12 hex digits of its UTF-8 sha256."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:VERSION_CHARS]
