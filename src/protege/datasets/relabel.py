"""Relabel rows with a stronger model through any OpenAI-compatible endpoint.

The endpoint is anything the official ``openai`` client can talk to: a protege gateway route,
protege's own server, or a remote API with a key. Requests run with bounded concurrency; the
client retries connection errors, 408, 429 and 5xx with exponential back-off.

Runs are resumable: each answer is appended to a cache file (one JSON line, flushed) the moment
it arrives, keyed by the model and the exact messages. A re-run, after a crash, Ctrl-C or some
failed requests, sends only what is not in the cache, and a rebuild of an unchanged dataset
sends nothing at all, so it gets the same answers and the same content hash.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from protege.datasets.rows import DatasetRow

Progress = Callable[[int, int], None]  # (rows finished, rows to send)


@dataclass(frozen=True)
class RelabelSettings:
    """Where and how to ask the stronger model. Temperature 0: a label should be the model's
    best answer, and a repeatable one. ``None``: no temperature is sent, for models that refuse
    the parameter (chosen by configuration: model names say nothing reliable about it)."""

    model: str
    base_url: str
    api_key: str | None = None
    concurrency: int = 8
    max_retries: int = 3
    timeout_s: float = 120.0
    temperature: float | None = 0.0


@dataclass
class RelabelStats:
    """What a relabel pass did: answers from the cache, new answers, failures (with reasons)."""

    cached: int = 0
    sent: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


def cache_key(settings: RelabelSettings, messages: Sequence[dict[str, Any]]) -> str:
    """The identity of one relabel request: the model, its temperature and the exact messages
    (not the endpoint: the same model behind another URL gives the same answer)."""
    payload = json.dumps(
        {"model": settings.model, "temperature": settings.temperature, "messages": list(messages)},
        sort_keys=True,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def load_cache(path: Path) -> dict[str, str]:
    """Answers saved by earlier runs; a torn last line (a crash mid-write) is skipped."""
    answers: dict[str, str] = {}
    if not path.is_file():
        return answers
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            try:
                entry = json.loads(line)
                answers[entry["key"]] = entry["output"]
            except (json.JSONDecodeError, KeyError, TypeError):
                continue
    return answers


def relabel_rows(
    rows: Sequence[DatasetRow],
    settings: RelabelSettings,
    cache_path: Path,
    progress: Progress | None = None,
) -> RelabelStats:
    """Set ``row.relabel`` on every row, from the cache or the endpoint.

    Rows whose request fails after the client's retries keep ``relabel = None`` and are
    counted in ``failed``; their first few reasons are in ``errors``.
    """
    cache = load_cache(cache_path)
    stats = RelabelStats()
    todo: dict[str, list[DatasetRow]] = {}  # rows with the same messages share one request
    for row in rows:
        key = cache_key(settings, row.messages)
        if key in cache:
            row.relabel = cache[key]
            stats.cached += 1
        else:
            todo.setdefault(key, []).append(row)
    if todo:
        cache_path.parent.mkdir(parents=True, exist_ok=True)
        asyncio.run(_send_all(todo, settings, cache_path, stats, progress))
    return stats


async def _send_all(
    todo: dict[str, list[DatasetRow]],
    settings: RelabelSettings,
    cache_path: Path,
    stats: RelabelStats,
    progress: Progress | None,
) -> None:
    from openai import AsyncOpenAI, OpenAIError, omit

    client = AsyncOpenAI(
        base_url=settings.base_url,
        api_key=settings.api_key or "not-needed",  # local endpoints take any key
        max_retries=settings.max_retries,
        timeout=settings.timeout_s,
    )
    # The temperature only when there is one (omit: the client sends no such parameter), for a
    # model that refuses it.
    temperature = omit if settings.temperature is None else settings.temperature
    gate = asyncio.Semaphore(settings.concurrency)
    finished = 0

    with cache_path.open("a", encoding="utf-8") as cache_file:

        async def one(key: str, group: list[DatasetRow]) -> None:
            nonlocal finished
            row = group[0]
            async with gate:
                try:
                    answer = await client.chat.completions.create(
                        model=settings.model,
                        messages=row.messages,  # type: ignore[arg-type]
                        temperature=temperature,
                    )
                    content = answer.choices[0].message.content if answer.choices else None
                    if content is None:
                        raise ValueError("the answer has no message content")
                except (OpenAIError, ValueError) as exc:
                    stats.failed += len(group)
                    if len(stats.errors) < 5:
                        stats.errors.append(f"{row.source_id}: {type(exc).__name__}: {exc}")
                else:
                    for member in group:
                        member.relabel = content
                    stats.sent += len(group)
                    # One line per answer, flushed: what arrived survives any later failure.
                    cache_file.write(json.dumps({"key": key, "output": content}) + "\n")
                    cache_file.flush()
                finished += 1
                if progress is not None:
                    progress(finished, len(todo))

        try:
            await asyncio.gather(*(one(key, group) for key, group in todo.items()))
        finally:
            await client.close()
