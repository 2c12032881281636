"""Client keys: who may call the gateway (or ``protege serve``), with what tags, how often.

The ``auth`` block of a gateway or serve config::

    auth:
      keys:
        - name: loans-app
          key_env: LOANS_APP_KEY        # or sha256: <hex of the key>
          tags: {team: loans}           # added to every call made with this key
          rate_limit_rps: 200           # optional token bucket

With it, a request needs ``Authorization: Bearer <key>`` of one of the keys: a 401 otherwise,
and a 429 with ``retry-after`` over the key's rate. Keys are compared by their SHA-256, so a
config may hold the digest instead of the key itself, and the key is never kept or logged; the
key's ``name`` is logged with each call (tag ``auth.key``).
"""

from __future__ import annotations

import hashlib
import math
import os
import re
import time
from dataclasses import dataclass, field

from pydantic import Field, model_validator

from protege.validation import FrozenModel

KEY_TAG = "auth.key"  # the tag every authenticated call carries: the key's name
_HEX64 = re.compile(r"[0-9a-f]{64}")


class ClientKey(FrozenModel):
    """One client's key: from an environment variable, or as the SHA-256 of the key."""

    name: str = Field(min_length=1, max_length=64)
    key_env: str | None = None
    sha256: str | None = None
    tags: dict[str, str] = Field(default_factory=dict)
    rate_limit_rps: float | None = Field(None, gt=0)

    @model_validator(mode="after")
    def _one_source(self) -> ClientKey:
        if (self.key_env is None) == (self.sha256 is None):
            raise ValueError("give exactly one of key_env (a variable holding the key) or sha256")
        if self.sha256 is not None and not _HEX64.fullmatch(self.sha256.lower()):
            raise ValueError(
                "sha256 must be 64 hex digits: the output of `printf %s KEY | sha256sum`"
            )
        return self


class AuthSettings(FrozenModel):
    """The client keys a server accepts; an empty list is refused by the validator."""

    keys: list[ClientKey] = Field(min_length=1)

    @model_validator(mode="after")
    def _distinct(self) -> AuthSettings:
        names = [k.name for k in self.keys]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise ValueError(f"key names must be distinct: {', '.join(twice)} given twice")
        return self


def auth_problems(settings: AuthSettings | None, where: str = "auth") -> list[str]:
    """What is wrong with the environment for these keys (an unset or empty variable)."""
    if settings is None:
        return []
    return [
        f"{where}.keys: {key.name}: environment variable {key.key_env} is not set "
        "(export it, or give the key's sha256 instead)"
        for key in settings.keys
        if key.key_env is not None and not os.environ.get(key.key_env, "").strip()
    ]


@dataclass
class _Bucket:
    """A token bucket holding one second of the rate, and at least one request (a rate under
    1/s still lets one through every 1/rate seconds). Per process: with ``--workers N`` each
    worker has its own bucket."""

    rate: float
    tokens: float
    at: float = field(default_factory=time.monotonic)

    @property
    def capacity(self) -> float:
        return max(1.0, self.rate)

    def take(self, now: float) -> float:
        """0 when a token was taken, else the seconds until the next one comes."""
        self.tokens = min(self.capacity, self.tokens + (now - self.at) * self.rate)
        self.at = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return 0.0
        return (1.0 - self.tokens) / self.rate


@dataclass(frozen=True)
class Client:
    """An authenticated caller: its key's name and the tags its calls carry."""

    name: str
    tags: dict[str, str]


class Denied(Exception):
    """A request refused by the key ring: ``status`` 401 or 429, with a message."""

    def __init__(self, status: int, message: str, retry_after_s: float | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.retry_after_s = retry_after_s

    @property
    def kind(self) -> str:
        """The OpenAI envelope's ``type``, as OpenAI answers these."""
        return "invalid_request_error" if self.status == 401 else "requests"

    @property
    def code(self) -> str:
        """The OpenAI envelope's ``code``."""
        return "invalid_api_key" if self.status == 401 else "rate_limit_exceeded"

    @property
    def headers(self) -> dict[str, str]:
        """The answer's extra headers: ``retry-after`` (whole seconds, at least 1) and
        ``retry-after-ms`` on a 429, as the ``openai`` client reads them to back off."""
        if self.retry_after_s is None:
            return {}
        return {
            "retry-after": str(max(1, math.ceil(self.retry_after_s))),
            "retry-after-ms": str(max(1, math.ceil(self.retry_after_s * 1000))),
        }


class KeyRing:
    """The accepted keys by digest, each with its client and its rate bucket."""

    def __init__(self, settings: AuthSettings) -> None:
        self._clients: dict[bytes, Client] = {}
        self._buckets: dict[str, _Bucket] = {}
        for key in settings.keys:
            if key.sha256 is not None:
                digest = bytes.fromhex(key.sha256)
            else:
                secret = os.environ.get(key.key_env or "", "").strip()
                digest = hashlib.sha256(secret.encode()).digest()
            self._clients[digest] = Client(key.name, {**key.tags, KEY_TAG: key.name})
            if key.rate_limit_rps is not None:
                rate = key.rate_limit_rps
                self._buckets[key.name] = _Bucket(rate, max(1.0, rate))

    def check(self, authorization: str | None) -> Client:
        """The client an ``Authorization`` header value names, or ``Denied``."""
        if not authorization:
            raise Denied(
                401,
                "missing API key: send 'Authorization: Bearer <key>' with a key this "
                "server's auth block accepts",
            )
        scheme, _, token = authorization.strip().partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Denied(401, "the Authorization header must be 'Bearer <key>'")
        digest = hashlib.sha256(token.strip().encode("utf-8", "surrogateescape")).digest()
        # A lookup by digest: its timing tells nothing of the key (the digest is not the key).
        client = self._clients.get(digest)
        if client is None:
            raise Denied(401, "invalid API key: it is not one of this server's client keys")
        bucket = self._buckets.get(client.name)
        if bucket is not None:
            wait = bucket.take(time.monotonic())
            if wait > 0:
                raise Denied(
                    429,
                    f"rate limit of {bucket.rate:g} requests/s for key {client.name!r} "
                    "exceeded; retry after the time in the retry-after header",
                    retry_after_s=wait,
                )
        return client


LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})


def exposure_problem(host: str, settings: AuthSettings | None, insecure: bool) -> str | None:
    """Why a server without client keys must not listen on ``host``; None when it may."""
    if settings is not None or insecure or host in LOOPBACK or host.startswith("127."):
        return None
    return (
        f"refusing to listen on {host} without client keys: anyone who can reach it would "
        "spend the routes' API keys. Add an auth: block with keys to the config "
        "(docs/capture.md), listen on 127.0.0.1, or pass --insecure to accept the risk"
    )
