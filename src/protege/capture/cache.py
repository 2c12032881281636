"""An opt-in, exact-match response cache for chat completions.

The key is the normalized request: the model, the messages and every generation parameter, as
canonical JSON (sorted keys) hashed with sha256. Fields that do not change the answer are left
out: ``stream``/``stream_options`` (a streamed and a plain request get the same answer),
``metadata`` and ``user`` (tags and end-user ids).

A request is cacheable only when it is deterministic, ``temperature == 0``, or when the client
asks for it with ``X-Protege-Cache: on``; ``X-Protege-Cache: off`` always bypasses. Only
non-streaming answers are cached. Entries live ``ttl_s`` seconds; beyond ``max_entries`` the least
recently used entry goes first, which bounds memory.
"""

from __future__ import annotations

import hashlib
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import orjson

# Request fields that change who asked or how the answer travels, not what it says.
_NOT_IN_KEY = frozenset({"stream", "stream_options", "metadata", "user", "store"})


def cache_key(body: dict[str, Any]) -> str:
    """sha256 of the canonical JSON of the request, minus fields that do not change the answer."""
    normalized = {k: v for k, v in body.items() if k not in _NOT_IN_KEY}
    return hashlib.sha256(orjson.dumps(normalized, option=orjson.OPT_SORT_KEYS)).hexdigest()


def wants_cache(body: dict[str, Any], header: str | None) -> bool:
    """Whether this request may be answered from (and stored into) the cache."""
    choice = (header or "").strip().lower()
    if choice == "off" or body.get("stream"):
        return False
    if choice == "on":
        return True
    temperature = body.get("temperature")
    return temperature is not None and temperature == 0


class ResponseCache:
    """A TTL + LRU map from request key to the upstream's response bytes."""

    def __init__(
        self, ttl_s: float, max_entries: int, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.ttl_s = ttl_s
        self.max_entries = max_entries
        self._clock = clock
        self._entries: OrderedDict[str, tuple[float, bytes]] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: str) -> bytes | None:
        """The cached response body, or None when absent or expired."""
        entry = self._entries.get(key)
        if entry is None or entry[0] <= self._clock():
            if entry is not None:
                del self._entries[key]
            self.misses += 1
            return None
        self._entries.move_to_end(key)
        self.hits += 1
        return entry[1]

    def put(self, key: str, body: bytes) -> None:
        """Store a response body; evicts the least recently used entry when full."""
        self._entries[key] = (self._clock() + self.ttl_s, body)
        self._entries.move_to_end(key)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)
