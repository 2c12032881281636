"""Which logged calls to read (``CallFilter``) and what ``LogStore.stats`` reports.

Filters combine with AND: every given condition must hold. ``since`` is inclusive and ``until``
exclusive, so consecutive windows never count a call twice.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, select, true

from protege.errors import UsageError
from protege.store.record import as_utc, utc_now
from protege.store.schema import call_tags, calls

_DURATION = re.compile(r"^(\d+)\s*([smhdw])$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 604_800}


@dataclass(frozen=True, slots=True)
class CallFilter:
    """Conditions on logged calls; None (or no tags) means "any"."""

    model: str | None = None
    tags: dict[str, str] = field(default_factory=dict)
    prompt_version: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    status: str | None = None

    @classmethod
    def parse(
        cls,
        *,
        model: str | None = None,
        tags: list[str] | None = None,
        prompt_version: str | None = None,
        since: str | None = None,
        until: str | None = None,
        status: str | None = None,
        now: datetime | None = None,
    ) -> CallFilter:
        """Build a filter from text, as typed on a command line; raises UsageError."""
        moment = now or utc_now()
        return cls(
            model=model,
            tags=dict(parse_tag(text) for text in tags or []),
            prompt_version=prompt_version,
            since=parse_time(since, "--since", moment) if since else None,
            until=parse_time(until, "--until", moment) if until else None,
            status=status,
        )

    def where(self) -> ColumnElement[bool]:
        """The SQL condition on ``calls``."""
        conditions: list[ColumnElement[bool]] = []
        if self.model is not None:
            conditions.append(calls.c.model_requested == self.model)
        if self.prompt_version is not None:
            conditions.append(calls.c.prompt_version == self.prompt_version)
        if self.status is not None:
            conditions.append(calls.c.status == self.status)
        if self.since is not None:
            conditions.append(calls.c.ts >= as_utc(self.since))
        if self.until is not None:
            conditions.append(calls.c.ts < as_utc(self.until))
        for key, value in self.tags.items():
            tagged = select(call_tags.c.call_id).where(
                call_tags.c.call_id == calls.c.id,
                call_tags.c.key == key,
                call_tags.c.value == value,
            )
            conditions.append(exists(tagged))
        return and_(true(), *conditions)


def parse_tag(text: str) -> tuple[str, str]:
    """``"team=billing"`` -> ``("team", "billing")``; raises UsageError without a ``=``."""
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise UsageError(f"--tag: expected key=value, got {text!r}")
    return key.strip(), value.strip()


def parse_time(text: str, option: str, now: datetime) -> datetime:
    """An ISO date or time (naive = UTC), or a duration back from ``now`` (``30m``, ``2h``,
    ``7d``, ``1w``); raises UsageError naming ``option``."""
    text = text.strip()
    duration = _DURATION.match(text)
    if duration:
        amount, unit = duration.groups()
        return now - timedelta(seconds=int(amount) * _UNIT_SECONDS[unit])
    try:
        return as_utc(datetime.fromisoformat(text))
    except ValueError:
        raise UsageError(
            f"{option}: {text!r} is neither an ISO date/time (2026-11-03, 2026-11-03T14:00, "
            "2026-11-03T14:00+01:00) nor a duration back from now (30m, 2h, 7d)"
        ) from None


@dataclass(frozen=True, slots=True)
class ModelStats:
    """Aggregates over the calls that requested one model."""

    model: str
    calls: int
    errors: int
    cache_hits: int
    mean_latency_ms: float | None
    max_latency_ms: float | None
    prompt_tokens: int
    completion_tokens: int
    cost_usd: float


@dataclass(frozen=True, slots=True)
class CallStats:
    """Aggregates over the calls a filter selects; ``errors`` counts status other than ``ok``."""

    calls: int
    errors: int
    first_ts: datetime | None
    last_ts: datetime | None
    by_model: list[ModelStats]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form; times as ISO 8601."""
        data = asdict(self)
        for key in ("first_ts", "last_ts"):
            data[key] = data[key].isoformat() if data[key] else None
        return data
