"""The corpus version: a hash of the generator's own source files.

Row ``i`` of seed ``s`` is a function of ``(s, i)`` and of this code, so "seed 2" names a fixed
corpus only together with the code that generated it. Every generated row carries this version,
and ``protege corpus stats`` reports it: a score quoted on "seed 2" can be checked against the
corpus it was measured on, and any change to a template shows as a new version.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

VERSION_CHARS = 12  # 48 bits of sha256, as for prompt versions


def tree_version(root: Path) -> str:
    """The first 12 hex digits of the sha256 over every ``.py`` file under ``root`` (relative
    path and bytes, in path order)."""
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:VERSION_CHARS]


@lru_cache(maxsize=1)
def corpus_version() -> str:
    """The version of the generator: ``tree_version`` of the ``protege.corpus`` package."""
    return tree_version(Path(__file__).resolve().parent)
