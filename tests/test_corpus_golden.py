"""The corpus is pinned: ``corpus generate --n 200 --seed 2`` has a fixed sha256 for a fixed
generator, and every row names the generator's version.

A change to any file of ``protege.corpus`` moves ``corpus_version`` and therefore this file's
bytes. When that is on purpose, update ``PINNED_SHA256`` in the same commit, so every drift of
"seed 2" (on which README scores are measured) shows in review.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

import protege.corpus
from protege.cli import app
from protege.contract import load_verified
from protege.corpus.stats import corpus_stats
from protege.corpus.version import corpus_version, tree_version

PINNED_SHA256 = "64da2168cc77491932d334bc16d101b2f9650eef3f70392b23a4b65d425c30b3"


def test_seed_2_is_pinned(tmp_path: Path) -> None:
    out = tmp_path / "seed2.jsonl"
    result = CliRunner().invoke(
        app, ["corpus", "generate", "--n", "200", "--seed", "2", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert {row["corpus_version"] for row in rows} == {corpus_version()}
    stats = corpus_stats(load_verified(out))
    assert (stats.corpus_version, stats.corpus_versions) == (
        corpus_version(),
        {corpus_version(): 200},
    )
    digest = hashlib.sha256(out.read_bytes()).hexdigest()
    assert digest == PINNED_SHA256, (
        f"corpus generate --n 200 --seed 2 changed (corpus version {corpus_version()}, sha256 "
        f"{digest}); if the generator changed on purpose, pin the new sha256 in this commit"
    )


def test_the_version_follows_the_generators_code(tmp_path: Path) -> None:
    package = Path(protege.corpus.__file__).parent
    corpus, contract = tmp_path / "corpus", tmp_path / "contract"
    for source, copy in ((package, corpus), (package.parent / "contract", contract)):
        shutil.copytree(source, copy, ignore=shutil.ignore_patterns("__pycache__"))
    assert tree_version(corpus, contract) == corpus_version()
    record = contract / "record.py"
    record.write_bytes(record.read_bytes().replace(b"\n", b"\r\n"))  # a CRLF checkout
    assert tree_version(corpus, contract) == corpus_version()
    template = corpus / "kinds" / "chat.py"
    template.write_text(template.read_text(encoding="utf-8") + "\n# one more line\n")
    assert tree_version(corpus, contract) != corpus_version()
    record.write_text(record.read_text(encoding="utf-8") + "\n# the record model changed\n")
    template.write_text(template.read_text(encoding="utf-8").removesuffix("\n# one more line\n"))
    assert tree_version(corpus, contract) != corpus_version()
