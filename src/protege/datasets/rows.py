"""One dataset row, and the two ways rows come in: logged calls, or a JSONL file.

A row is a prompt (the chat messages sent to the model) and up to three answers to it, kept side
by side so a relabel never hides what production said:

- ``production``: what the logged model answered;
- ``relabel``: what a stronger model answered to the same messages;
- ``verified``: a human-verified record (``--verified``, or a contract file's ``expected``),
  which overrides the other two.

Its ``source_id`` (the ``source_id`` tag of a logged call, or a file line's ``id``) names the
document the prompt was made from: verified records and the train/test split key on it, so
a row keeps its split however often the dataset is rebuilt.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from protege.contract.io import scan_jsonl
from protege.contract.record import Source, VerifiedSource
from protege.errors import DatasetInputError
from protege.prompts import LIABILITY_PROMPT, render_messages, target_text
from protege.store.record import LoggedCall
from protege.validation import first_problem

SOURCE_TAG = "source_id"  # the tag (X-Protege-Tags or metadata) that names a call's document

Message = dict[str, Any]


@dataclass(slots=True)
class DatasetRow:
    """A prompt and the answers known for it; ``label`` says which answer trains the model."""

    source_id: str
    messages: list[Message]
    production: str | None = None
    relabel: str | None = None
    verified: str | None = None
    log_id: str | None = None
    prompt_id: str | None = None
    prompt_version: str | None = None
    tags: dict[str, str] = field(default_factory=dict)
    split: str = "train"

    @property
    def label(self) -> str | None:
        """Which answer is the training target: verified, then relabel, then production."""
        for name in ("verified", "relabel", "production"):
            if getattr(self, name) is not None:
                return name
        return None

    def text(self) -> str:
        """The document part of the prompt (every non-system message), for dedupe."""
        return "\n".join(
            str(m.get("content") or "") for m in self.messages if m.get("role") != "system"
        )

    def to_json(self) -> dict[str, Any]:
        """The ``rows.jsonl`` line: OpenAI chat fine-tuning format plus ``metadata``."""
        label = self.label
        if label is None:
            raise ValueError(f"row {self.source_id} has no answer to train on")
        answer = {"role": "assistant", "content": getattr(self, label)}
        return {
            "messages": [*self.messages, answer],
            "metadata": {
                "id": self.source_id,
                "log_id": self.log_id,
                "split": self.split,
                "label": label,
                "outputs": {
                    "production": self.production,
                    "relabel": self.relabel,
                    "verified": self.verified,
                },
                "prompt_id": self.prompt_id,
                "prompt_version": self.prompt_version,
                "tags": self.tags,
            },
        }


def answer_text(response: dict[str, Any] | None) -> str | None:
    """The first choice's message content of a chat.completion object, if any."""
    choices = (response or {}).get("choices") or []
    if not choices or not isinstance(choices[0], dict):
        return None
    content = (choices[0].get("message") or {}).get("content")
    return content if isinstance(content, str) else None


def row_from_call(call: LoggedCall) -> DatasetRow | None:
    """The row of one logged call; None when its request has no usable messages."""
    messages = call.request.get("messages")
    if not isinstance(messages, list) or not messages:
        return None
    answer = answer_text(call.response) if call.status == "ok" else None
    # Tags are text in the store; a file of exported calls may carry numbers: text them too.
    tags = {str(key): str(value) for key, value in call.tags.items()}
    return DatasetRow(
        source_id=tags.get(SOURCE_TAG) or call.id,
        messages=[dict(m) for m in messages if isinstance(m, dict)],
        production=answer,
        log_id=call.id,
        prompt_id=call.prompt_id,
        prompt_version=call.prompt_version,
        tags=tags,
    )


def rows_from_file(path: Path) -> list[DatasetRow]:
    """Rows from a JSONL file, every bad line reported at once (``DatasetInputError``).

    Each line is either a logged call (as ``protege logs export`` writes them: it has
    ``request``) or a contract source (``id, kind, as_of, text`` and optionally ``expected``),
    rendered with the liability prompt; its ``expected`` record, if any, is its verified answer.
    """
    rows: list[DatasetRow] = []
    problems: list[tuple[int, str]] = []
    for number, obj, problem in scan_jsonl(path):
        if obj is None:
            problems.append((number, problem or "bad line"))
            continue
        try:
            row = _row_from_object(obj)
        except ValidationError as exc:
            problems.append((number, first_problem(exc, empty="line")))
            continue
        except ValueError as exc:
            problems.append((number, str(exc)))
            continue
        if row is None:
            problems.append((number, "the call's request has no messages"))
        else:
            rows.append(row)
    if problems:
        raise DatasetInputError(path, problems)
    return rows


def _row_from_object(obj: dict[str, Any]) -> DatasetRow | None:
    if "request" in obj:
        return row_from_call(LoggedCall.from_dict(obj))
    if "expected" in obj:
        verified = VerifiedSource.model_validate(obj)
        row = _row_from_source(verified)
        row.verified = target_text(verified.expected)
        return row
    return _row_from_source(Source.model_validate(obj))


def _row_from_source(source: Source) -> DatasetRow:
    return DatasetRow(
        source_id=source.id,
        messages=render_messages(source),
        prompt_id=LIABILITY_PROMPT.id,
        prompt_version=LIABILITY_PROMPT.version,
        tags={"kind": source.kind.value},
    )


def iter_rows_from_calls(calls: Iterable[LoggedCall]) -> Iterator[DatasetRow]:
    """Rows of the calls that have messages, in the calls' order."""
    for call in calls:
        row = row_from_call(call)
        if row is not None:
            yield row
