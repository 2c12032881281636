"""The liability extraction prompt and its fine-tuning target.

The prompt renders a ``Source`` into chat messages; the target is the verified record as compact
JSON with keys in contract order. The instructions are short on purpose: every prompt token is
paid for on each training step and each request (the system turn is ~90 of a mean ~510 training
tokens; the earlier 170-token wording cost 15 % more training time), and fine-tuning teaches the
format. They still name the keys, null and the date format, so a zero-shot model can try.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from protege.contract.record import RECORD_KEYS, LiabilityRecord, Source

Message = dict[str, str]


@dataclass(frozen=True)
class PromptTemplate:
    """A named prompt whose ``version`` is the hash of its text."""

    id: str
    system: str
    user: str  # str.format template over {kind}, {as_of}, {text}

    @property
    def version(self) -> str:
        """The first 12 hex digits of the sha256 of the template's content."""
        digest = hashlib.sha256(f"{self.id}\n{self.system}\n{self.user}".encode()).hexdigest()
        return digest[:12]


LIABILITY_PROMPT = PromptTemplate(
    id="liability-extract",
    system=(
        "Extract the liability record as compact JSON with keys "
        + ", ".join(RECORD_KEYS)
        + ". null when not stated; dates YYYY-MM-DD."
    ),
    user="Source kind: {kind}\nAs of: {as_of}\n\n{text}",
)


def render_messages(source: Source, prompt: PromptTemplate = LIABILITY_PROMPT) -> list[Message]:
    """The chat messages for one source."""
    user = prompt.user.format(
        kind=source.kind.value, as_of=source.as_of.isoformat(), text=source.text
    )
    return [{"role": "system", "content": prompt.system}, {"role": "user", "content": user}]


def target_text(record: LiabilityRecord) -> str:
    """The fine-tuning target: the record as compact JSON, keys in contract order."""
    return json.dumps(record.to_json_dict(), separators=(",", ":"))
