"""One logged call, its time-sortable id, and its JSON form.

The JSON form (``to_dict``/``from_dict``) is what the spool writes, one object per line, and what
``LogStore.export_jsonl`` writes; times are ISO 8601 in UTC.
"""

from __future__ import annotations

import os
import random
import threading
import time
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from typing import Any

import orjson

# Crockford base32, as in ULID: no I, L, O or U, so ids survive being read aloud or retyped.
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_RANDOM_BITS = 80  # ULID layout: 48 bits of milliseconds, then 80 random bits
_ID_CHARS = 26  # 130 bits / 5 bits per character; the top two bits are always zero
_PAIRS = [a + b for a in _ALPHABET for b in _ALPHABET]  # every 10-bit value as 2 characters
_LOW_40 = (1 << 40) - 1

_id_lock = threading.Lock()
_last_ms = 0
_last_random = 0
# Seeded once per process from the OS (secrets.randbits costs a getrandom syscall per id, a
# visible share of the gateway's per-request time); ids need uniqueness, not secrecy.
_rng = random.Random(os.urandom(32))


def _forget_last_id() -> None:
    # A forked child would otherwise continue its parent's sequence and repeat its next ids.
    global _last_ms, _last_random
    _last_ms, _last_random = 0, 0
    _rng.seed(os.urandom(32))


os.register_at_fork(after_in_child=_forget_last_id)


def new_call_id() -> str:
    """A new id: 26 characters that sort in creation order (a ULID).

    The first 10 characters are the creation time in milliseconds, the rest are random, so ids
    from different processes never collide. Within one process ids are strictly increasing even
    inside one millisecond: the random part is incremented instead of redrawn.
    """
    global _last_ms, _last_random
    with _id_lock:
        ms = time.time_ns() // 1_000_000
        if ms <= _last_ms:
            ms, rand = _last_ms, _last_random + 1
            if rand >= 1 << _RANDOM_BITS:  # 2^80 ids in one millisecond: borrow the next one
                ms, rand = ms + 1, _rng.getrandbits(_RANDOM_BITS - 1)
        else:
            # One bit short of the full width leaves room to increment without overflowing.
            rand = _rng.getrandbits(_RANDOM_BITS - 1)
        _last_ms, _last_random = ms, rand
    # 26 characters = 13 pairs of 10 bits: 5 pairs of time (50 bits, the top two always zero),
    # then 8 of randomness, in two 40-bit halves. Unrolled, on integers that fit a machine word:
    # this runs once per request, and a loop of one character per step is 3x slower.
    p, high, low = _PAIRS, rand >> 40, rand & _LOW_40
    return "".join(
        (
            p[ms >> 40],
            p[(ms >> 30) & 1023],
            p[(ms >> 20) & 1023],
            p[(ms >> 10) & 1023],
            p[ms & 1023],
            p[high >> 30],
            p[(high >> 20) & 1023],
            p[(high >> 10) & 1023],
            p[high & 1023],
            p[low >> 30],
            p[(low >> 20) & 1023],
            p[(low >> 10) & 1023],
            p[low & 1023],
        )
    )


def utc_now() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


@dataclass(slots=True, kw_only=True)
class LoggedCall:
    """One chat completion that passed through protege, as stored.

    ``status`` is a short word: ``ok`` for a completion the upstream answered, otherwise what
    went wrong (``error``, ``timeout``...), with the details in ``error``. Token counts and cost
    are None when the upstream did not report usage.
    """

    model_requested: str
    upstream: str
    request: dict[str, Any]
    response: dict[str, Any] | None = None
    status: str = "ok"
    error: str | None = None
    latency_ms: float = 0.0
    ttft_ms: float | None = None
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    cost_usd: float | None = None
    tags: dict[str, str] = field(default_factory=dict)
    prompt_id: str | None = None
    prompt_version: str | None = None
    cache_hit: bool = False
    id: str = field(default_factory=new_call_id)
    ts: datetime = field(default_factory=utc_now)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict; ``ts`` as ISO 8601 in UTC."""
        row = {name: getattr(self, name) for name in FIELD_NAMES}
        row["ts"] = as_utc(self.ts).isoformat()
        return row

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LoggedCall:
        """Inverse of ``to_dict``; raises ValueError when a required field is missing or wrong."""
        missing = [name for name in REQUIRED_FIELDS if name not in data]
        if missing:
            raise ValueError(f"missing field(s): {', '.join(missing)}")
        unknown = sorted(set(data) - set(FIELD_NAMES))
        if unknown:
            raise ValueError(f"unknown field(s): {', '.join(unknown)}")
        values = dict(data)
        ts = values.get("ts")
        if isinstance(ts, str):
            values["ts"] = as_utc(datetime.fromisoformat(ts))
        if not isinstance(values["request"], dict) or not isinstance(values.get("tags", {}), dict):
            raise ValueError("request and tags must be JSON objects")
        return cls(**values)


FIELD_NAMES: tuple[str, ...] = tuple(f.name for f in fields(LoggedCall))
REQUIRED_FIELDS = ("id", "ts", "model_requested", "upstream", "request")


def as_utc(moment: datetime) -> datetime:
    """``moment`` in UTC; a naive datetime is taken to be UTC already."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


_LINE = orjson.OPT_APPEND_NEWLINE | orjson.OPT_NAIVE_UTC


def to_json(value: Any, option: int = 0) -> bytes:
    """``value`` as JSON by orjson, anything it cannot encode written as a string. Non-string
    keys (a Python caller's ``logit_bias={50256: -100}``) take a second, slower pass: JSON-decoded
    values never have them, and the option would cost every call."""
    try:
        return orjson.dumps(value, default=str, option=option)
    except orjson.JSONEncodeError:
        return orjson.dumps(value, default=str, option=option | orjson.OPT_NON_STR_KEYS)


def encode_line(call: LoggedCall) -> bytes:
    """One JSONL line (with its newline): ``to_dict``'s object, ``ts`` with its UTC offset
    (``+00:00`` for a call protege timed; a naive ``ts`` is taken as UTC). Values JSON cannot
    encode are written as strings, so a stray object in a request never stops a record from
    being spooled.

    This runs on the request path with ``write_ahead``. The dict is built by hand (``to_dict``
    doubled the cost, orjson's own dataclass encoding took 35 % longer) and orjson's datetime
    stands in for ``isoformat``.
    """
    row = {
        "model_requested": call.model_requested,
        "upstream": call.upstream,
        "request": call.request,
        "response": call.response,
        "status": call.status,
        "error": call.error,
        "latency_ms": call.latency_ms,
        "ttft_ms": call.ttft_ms,
        "prompt_tokens": call.prompt_tokens,
        "completion_tokens": call.completion_tokens,
        "cost_usd": call.cost_usd,
        "tags": call.tags,
        "prompt_id": call.prompt_id,
        "prompt_version": call.prompt_version,
        "cache_hit": call.cache_hit,
        "id": call.id,
        "ts": call.ts,
    }
    return to_json(row, _LINE)


def decode_line(line: bytes | str) -> LoggedCall:
    """Inverse of ``encode_line``; raises ValueError for a line that is not a logged call."""
    data = orjson.loads(line)
    if not isinstance(data, dict):
        raise ValueError("not a JSON object")
    return LoggedCall.from_dict(data)
