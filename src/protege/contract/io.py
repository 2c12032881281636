"""Reading and writing contract JSONL files, with errors that name the file and line."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from protege.contract.parse import loads_exact
from protege.contract.record import Source, VerifiedSource
from protege.errors import InputFileError, JsonlError
from protege.validation import first_problem

M = TypeVar("M", bound=BaseModel)


def scan_jsonl(path: Path | str) -> Iterator[tuple[int, dict[str, Any] | None, str | None]]:
    """Yield ``(line_number, object, None)`` for each good non-blank line and
    ``(line_number, None, problem)`` for each bad one, going on past bad lines so that a
    caller can report all of them at once. Numbers stay exact Decimals."""
    path = Path(path)
    if not path.is_file():
        raise InputFileError(path, "no such file; check the path")
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                obj = loads_exact(line)
            except (json.JSONDecodeError, ValueError) as exc:
                yield number, None, f"not valid JSON ({exc}); fix or remove it"
                continue
            if not isinstance(obj, dict):
                yield number, None, "expected a JSON object per line"
                continue
            yield number, obj, None


def read_jsonl(path: Path | str) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield ``(line_number, object)`` for each non-blank line; the first bad line raises
    ``JsonlError``. Numbers stay exact Decimals."""
    for number, obj, problem in scan_jsonl(path):
        if obj is None:
            raise JsonlError(path, number, problem or "bad line")
        yield number, obj


def _load(path: Path | str, model: type[M]) -> list[M]:
    rows: list[M] = []
    seen: dict[str, int] = {}
    for number, obj in read_jsonl(path):
        try:
            row = model.model_validate(obj)
        except ValidationError as exc:
            raise JsonlError(path, number, first_problem(exc, empty="line")) from exc
        row_id = getattr(row, "id")  # noqa: B009 - both models have an id
        if row_id in seen:
            raise JsonlError(
                path, number, f"duplicate id {row_id!r} (first on line {seen[row_id]})"
            )
        seen[row_id] = number
        rows.append(row)
    return rows


def load_sources(path: Path | str) -> list[Source]:
    """Load contract JSONL as sources; ``expected`` and other extra fields are ignored."""
    return _load(path, Source)


def load_verified(path: Path | str) -> list[VerifiedSource]:
    """Load a verified data set: contract JSONL whose lines carry ``expected``."""
    return _load(path, VerifiedSource)


def load_predictions(path: Path | str) -> dict[str, Any]:
    """Load predictions JSONL ``{"id", "output"}``; output is a raw string or an object."""
    predictions: dict[str, Any] = {}
    lines: dict[str, int] = {}
    for number, obj in read_jsonl(path):
        if not isinstance(obj.get("id"), str) or "output" not in obj:
            raise JsonlError(path, number, 'expected {"id": "...", "output": ...}')
        pred_id = obj["id"]
        if pred_id in predictions:
            raise JsonlError(
                path, number, f"duplicate id {pred_id!r} (first on line {lines[pred_id]})"
            )
        predictions[pred_id] = obj["output"]
        lines[pred_id] = number
    return predictions


def write_jsonl(path: Path | str, rows: Iterable[Mapping[str, Any]]) -> int:
    """Write rows as JSONL (creating parent directories); return how many were written."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with path.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")
            count += 1
    return count
