"""The liability extraction prompt and its fine-tuning target.

The prompt renders a ``Source`` into chat messages; the target is the verified record as compact
JSON with keys in contract order. The instructions are short on purpose: every prompt token is
paid for on each training step and each request (the system turn is ~90 of a mean ~510 training
tokens; a 170-token wording of the same instructions costs 15 % more training time), and
fine-tuning teaches the format. They still name the keys, null and the date format, so a
zero-shot model can try.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from protege.contract.record import RECORD_KEYS, LiabilityRecord, Source
from protege.prompts.hints import mark_candidates
from protege.prompts.version import content_version

Message = dict[str, str]


SYSTEM_HEADER = "### system"
USER_HEADER = "### user"


@dataclass(frozen=True)
class PromptTemplate:
    """A named chat prompt: a system turn and a user-turn template.

    Its file form (``text``) is what ``protege prompts show`` prints and ``protege prompts add``
    registers, and its ``version`` is the version of that text, so a template in code and the
    same template registered from a file carry one version.
    """

    id: str
    system: str
    # str.format template over {kind}, {as_of}, {text}, and {marked_text}: the text with
    # candidate hints inlined (protege.prompts.hints), computed only when the template uses it
    user: str

    @property
    def text(self) -> str:
        """The file form: a ``### system`` section, then a ``### user`` section."""
        return f"{SYSTEM_HEADER}\n{self.system}\n{USER_HEADER}\n{self.user}\n"

    @property
    def version(self) -> str:
        """The content version of ``text`` (``protege.prompts.version``)."""
        return content_version(self.text)

    @classmethod
    def from_text(cls, prompt_id: str, text: str) -> PromptTemplate:
        """Read the file form back; ``ValueError`` when it has not exactly the two sections."""
        lines = text.split("\n")
        if lines.count(SYSTEM_HEADER) != 1 or lines.count(USER_HEADER) != 1:
            raise ValueError(f"expected one {SYSTEM_HEADER!r} and one {USER_HEADER!r} line")
        system_at, user_at = lines.index(SYSTEM_HEADER), lines.index(USER_HEADER)
        if system_at != 0 or user_at < system_at:
            raise ValueError(f"the text must start with {SYSTEM_HEADER!r}, then {USER_HEADER!r}")
        user = "\n".join(lines[user_at + 1 :])
        return cls(prompt_id, "\n".join(lines[1:user_at]), user.removesuffix("\n"))


LIABILITY_PROMPT = PromptTemplate(
    id="liability-extract",
    system=(
        "Extract the liability record as compact JSON with keys "
        + ", ".join(RECORD_KEYS)
        + ". null when not stated; dates YYYY-MM-DD."
    ),
    user="Source kind: {kind}\nAs of: {as_of}\n\n{text}",
)


# The same instructions over the hinted text: one more sentence says what a hint is (~20
# tokens); with the hints a mean generated example is 582 tokens instead of 508
# (docs/results/hints-cpu-2026-12-06).
LIABILITY_HINTS_PROMPT = PromptTemplate(
    id="liability-extract-hints",
    system=LIABILITY_PROMPT.system
    + " [=...] after words gives the value they read as; copy values from the text.",
    user="Source kind: {kind}\nAs of: {as_of}\n\n{marked_text}",
)

BUILTIN_PROMPTS: dict[str, PromptTemplate] = {
    p.id: p for p in (LIABILITY_PROMPT, LIABILITY_HINTS_PROMPT)
}


def render_messages(source: Source, prompt: PromptTemplate = LIABILITY_PROMPT) -> list[Message]:
    """The chat messages for one source."""
    marked = mark_candidates(source.text, source.as_of) if "{marked_text}" in prompt.user else ""
    user = prompt.user.format(
        kind=source.kind.value,
        as_of=source.as_of.isoformat(),
        text=source.text,
        marked_text=marked,
    )
    return [{"role": "system", "content": prompt.system}, {"role": "user", "content": user}]


def read_back(prompt: PromptTemplate, user: str) -> dict[str, str] | None:
    """The fields (kind, as_of, text, ...) of a user turn rendered with ``prompt``; None when
    the turn was not rendered with it."""
    pattern = re.escape(prompt.user)
    for name in ("kind", "as_of", "text", "marked_text"):
        greedy = "(?s:.*)" if name.endswith("text") else "[^\\n]*"
        pattern = pattern.replace(re.escape("{" + name + "}"), f"(?P<{name}>{greedy})")
    match = re.fullmatch(pattern, user)
    return match.groupdict() if match else None


def target_text(record: LiabilityRecord) -> str:
    """The fine-tuning target: the record as compact JSON, keys in contract order."""
    return json.dumps(record.to_json_dict(), separators=(",", ":"))
