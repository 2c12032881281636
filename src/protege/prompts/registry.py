"""Registered prompt templates: ``protege prompts add|list|show``.

A template is registered from a file under an id; its version is the content version of the
file's text (``protege.prompts.version``). Templates live under
``$PROTEGE_HOME/prompts/<id>/<version>.txt``; ``index.jsonl`` there records the order they were
added in, so "latest" means the last version added. The built-in templates (the liability
prompt that training and evaluation render) are registered from the start, under the version of
their file form, older than anything added. Logged calls name a prompt with
``X-Protege-Prompt: id`` (the latest version) or ``id@version``.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from protege.errors import InputFileError, UsageError
from protege.home import protege_home
from protege.prompts.liability import BUILTIN_PROMPTS, PromptTemplate
from protege.prompts.version import content_version

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
BUILTIN: tuple[PromptTemplate, ...] = tuple(BUILTIN_PROMPTS.values())
BUILTIN_ADDED = "built-in"  # the ``added`` of a built-in template: before any added one


@dataclass(frozen=True)
class RegisteredPrompt:
    """One version of one prompt."""

    id: str
    version: str
    added: str  # ISO 8601, UTC
    source: str  # the file it was registered from
    chars: int


def parse_prompt_ref(ref: str) -> tuple[str, str | None]:
    """``id`` or ``id@version`` -> (id, version or None)."""
    prompt_id, _, version = ref.strip().partition("@")
    return prompt_id, (version or None)


class PromptRegistry:
    """The prompt templates registered under one directory (default: the protege home)."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = root if root is not None else protege_home() / "prompts"

    @property
    def _index(self) -> Path:
        return self.root / "index.jsonl"

    def add(self, prompt_id: str, path: Path) -> tuple[RegisteredPrompt, bool]:
        """Register the file's text under ``prompt_id``; (entry, whether it was new)."""
        if not _ID.match(prompt_id):
            raise UsageError(
                f"prompt id {prompt_id!r} must be 1-64 letters, digits, '.', '_' or '-', "
                "starting with a letter or digit"
            )
        if not path.is_file():
            raise InputFileError(path, "no such prompt file")
        text = path.read_text(encoding="utf-8")
        if not text.strip():
            raise InputFileError(path, "the prompt file is empty")
        version = content_version(text)
        for entry in self.list(prompt_id):
            if entry.version == version:
                return entry, False
        target = self.root / prompt_id / f"{version}.txt"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        entry = RegisteredPrompt(
            prompt_id, version, datetime.now(UTC).isoformat(), str(path), len(text)
        )
        with self._index.open("a", encoding="utf-8") as f:
            f.write(json.dumps(asdict(entry)) + "\n")
        return entry, True

    def list(self, prompt_id: str | None = None) -> list[RegisteredPrompt]:
        """Every registered version (of one id, when given), oldest first: the built-in
        templates, then what was added."""
        entries = [
            RegisteredPrompt(t.id, t.version, BUILTIN_ADDED, f"{__package__}:{t.id}", len(t.text))
            for t in BUILTIN
            if prompt_id is None or t.id == prompt_id
        ]
        if not self._index.is_file():
            return entries
        for line in self._index.read_text(encoding="utf-8").splitlines():
            if line.strip():
                entry = RegisteredPrompt(**json.loads(line))
                if prompt_id is None or entry.id == prompt_id:
                    entries.append(entry)
        return entries

    def resolve(self, prompt_id: str, version: str | None = None) -> RegisteredPrompt:
        """One version (the latest when ``version`` is None); ``UsageError`` when unknown."""
        entries = self.list(prompt_id)
        if not entries:
            known = sorted({e.id for e in self.list()})
            raise UsageError(
                f"no prompt {prompt_id!r} is registered (registered: {', '.join(known) or 'none'}); "
                "add it with: protege prompts add ID FILE"
            )
        if version is None:
            return entries[-1]
        for entry in entries:
            if entry.version == version:
                return entry
        versions = ", ".join(e.version for e in entries)
        raise UsageError(f"prompt {prompt_id!r} has no version {version!r} (versions: {versions})")

    def text(self, entry: RegisteredPrompt) -> str:
        """The template text of a registered version."""
        for template in BUILTIN:
            if (template.id, template.version) == (entry.id, entry.version):
                return template.text
        return (self.root / entry.id / f"{entry.version}.txt").read_text(encoding="utf-8")

    def latest_versions(self) -> dict[str, str]:
        """id -> latest version, for the gateway to fill in ``X-Protege-Prompt: id``."""
        return {entry.id: entry.version for entry in self.list()}
