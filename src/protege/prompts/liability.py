"""The liability extraction prompt and its fine-tuning target.

The prompt renders a ``Source`` into chat messages; the target is the verified record as compact
JSON with keys in contract order. The instructions are short on purpose: every prompt token is
paid for on each training step and each request, and fine-tuning teaches the format. They still
say enough (keys, units, null, dates resolved against ``as_of``) for a zero-shot model to try.
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
        "Extract the liability record from the source. Answer with one compact JSON object with "
        "exactly these keys in this order: " + ", ".join(RECORD_KEYS) + ". "
        "liability_type is one of auto_loan, mortgage, credit_card, student_loan, personal_loan. "
        "Amounts are numbers in dollars, interest_rate is a percent number, dates are YYYY-MM-DD "
        "(resolve relative dates against the as-of date), account_last4 is a 4-digit string. "
        "Use null for anything the source does not state."
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
