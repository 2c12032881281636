"""The corpus version: a hash of the code that writes generated rows.

Row ``i`` of seed ``s`` is a function of ``(s, i)`` and of this code, so "seed 2" names a fixed
corpus only together with the code that generated it. Every generated row carries this version,
and ``protege corpus stats`` reports it: a score quoted on "seed 2" can be checked against the
corpus it was measured on, and any change to a template shows as a new version. The code is the
generator (``protege.corpus``) and the record model that serializes its rows
(``protege.contract``); line endings are hashed as ``\\n``, so a checkout's line-ending setting
does not change the version.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

VERSION_CHARS = 12  # 48 bits of sha256, as for prompt versions


def tree_version(*roots: Path) -> str:
    """The first 12 hex digits of the sha256 over every ``.py`` file under each root (its
    path from the root's parent, and its bytes with CRLF as LF), in path order."""
    digest = hashlib.sha256()
    files = sorted(
        (path.relative_to(root.parent).as_posix(), path)
        for root in roots
        for path in root.rglob("*.py")
    )
    for name, path in files:
        digest.update(name.encode() + b"\0")
        digest.update(path.read_bytes().replace(b"\r\n", b"\n") + b"\0")
    return digest.hexdigest()[:VERSION_CHARS]


@lru_cache(maxsize=1)
def corpus_version() -> str:
    """The version of the generator: ``tree_version`` of ``protege.corpus`` and
    ``protege.contract``."""
    package = Path(__file__).resolve().parent
    return tree_version(package, package.parent / "contract")
