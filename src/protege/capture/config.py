"""The gateway's configuration: a YAML routing table validated into pydantic models.

``load_gateway_config`` reports every problem of a file at once (``ConfigError.problems``)::

    store: sqlite:///path/to/logs.db      # or postgresql+psycopg://...; default: the protege home
    routes:
      - model: gpt-4o                     # the name clients send
        upstream: https://api.openai.com/v1
        upstream_model: gpt-4o            # optional rename
        api_key_env: OPENAI_API_KEY       # optional
        timeout_s: 30
        fallbacks: [local-student]        # optional, tried in order
        ca_bundle: /etc/ssl/corp-ca.pem   # optional: trust these CAs for this upstream
        client_cert: /etc/ssl/me.pem      # optional: mutual TLS (client_key if separate)
    auth: {keys: [...]}                   # optional client keys (protege.capture.auth)
    redact: {rules: [...]}                # optional PII redaction of logs (protege.capture.redact)
    max_connections_per_upstream: 100     # connections open to one origin at once

Proxies come from the environment, as for curl and the ``openai`` client: ``HTTPS_PROXY``,
``HTTP_PROXY``, ``NO_PROXY`` (``protege.capture.proxy``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml  # type: ignore[import-untyped, unused-ignore]
from pydantic import Field, ValidationError, field_validator

from protege.capture.auth import AuthSettings
from protege.capture.redact import RedactSettings
from protege.errors import ConfigError, InputFileError
from protege.validation import FrozenModel, problems_of

MAX_BODY_BYTES = 4 * 1024 * 1024  # 4 MiB: a long-context chat request, far from a memory risk
CACHE_TTL_S = 3600.0  # an hour: long enough to absorb retries and replays, short enough to expire
CACHE_MAX_ENTRIES = 10_000  # a few KB per response: tens of MB at most
# Connections open to one upstream origin at once: a burst beyond it waits for a connection
# instead of opening thousands (each a TLS handshake on the gateway's one core, and into the
# provider's own connection limits). 100 is what httpx (and so the openai client) allows.
MAX_CONNECTIONS_PER_UPSTREAM = 100
# Requests waiting for one of those connections; beyond it a request is refused at once (503).
MAX_WAITING_PER_UPSTREAM = 10_000


class Route(FrozenModel):
    """Where requests for one model name go."""

    model: str = Field(min_length=1)
    upstream: str  # an OpenAI-compatible base URL, ending in /v1 or similar
    upstream_model: str | None = None  # the name the upstream knows the model by
    api_key_env: str | None = None  # environment variable holding the upstream's API key
    timeout_s: float = Field(30.0, gt=0)
    fallbacks: list[str] = Field(default_factory=list)
    ca_bundle: Path | None = None  # PEM file of CAs to trust instead of the system's
    client_cert: Path | None = None  # PEM certificate (and key, unless client_key) for mTLS
    client_key: Path | None = None

    @field_validator("upstream")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError(f"must be an http:// or https:// base URL, got {value!r}")
        return value.rstrip("/")


class CacheSettings(FrozenModel):
    """The opt-in exact-match response cache."""

    enabled: bool = False
    ttl_s: float = Field(CACHE_TTL_S, gt=0)
    max_entries: int = Field(CACHE_MAX_ENTRIES, ge=1)


class GatewayConfig(FrozenModel):
    """A whole gateway: the store, the routes, limits, the cache and the logging path."""

    store: str | None = None  # SQLAlchemy URL; None: the SQLite file under the protege home
    routes: list[Route] = Field(min_length=1)
    prices: Path | None = None  # None: the price table shipped in the package
    max_body_bytes: int = Field(MAX_BODY_BYTES, ge=1024)
    cache: CacheSettings = Field(default_factory=CacheSettings)
    spool_dir: Path | None = None  # None: $PROTEGE_HOME/spool/<store>
    max_spool_bytes: int | None = Field(None, ge=1)  # None: the spool may use the whole disk
    # Append each record to the spool before answering (~35 µs): a kill -9 then loses nothing.
    write_ahead: bool = True
    auth: AuthSettings | None = None
    redact: RedactSettings | None = None
    max_connections_per_upstream: int = Field(MAX_CONNECTIONS_PER_UPSTREAM, ge=1)
    max_waiting_per_upstream: int = Field(MAX_WAITING_PER_UPSTREAM, ge=0)

    def route(self, model: str) -> Route | None:
        """The route for a model name, if any."""
        for route in self.routes:
            if route.model == model:
                return route
        return None

    def chain(self, model: str) -> list[Route]:
        """The route of ``model`` followed by its fallbacks, in order; empty when unknown."""
        first = self.route(model)
        if first is None:
            return []
        return [first] + [r for name in first.fallbacks if (r := self.route(name)) is not None]


def _cross_checks(config: GatewayConfig) -> list[str]:
    problems = []
    names = [r.model for r in config.routes]
    for name in sorted({n for n in names if names.count(n) > 1}):
        problems.append(f"routes: model {name!r} is routed more than once")
    for index, route in enumerate(config.routes):
        for fallback in route.fallbacks:
            if fallback == route.model:
                problems.append(f"routes.{index}.fallbacks: {fallback!r} falls back to itself")
            elif fallback not in names:
                problems.append(
                    f"routes.{index}.fallbacks: {fallback!r} is not a routed model "
                    f"(routed: {', '.join(names)})"
                )
    for index, route in enumerate(config.routes):
        for name in ("ca_bundle", "client_cert", "client_key"):
            path = getattr(route, name)
            if path is not None and not Path(path).is_file():
                problems.append(f"routes.{index}.{name}: no such file {str(path)!r}")
        if route.client_key is not None and route.client_cert is None:
            problems.append(f"routes.{index}.client_key: give client_cert too")
        if (route.ca_bundle or route.client_cert) and not route.upstream.startswith("https://"):
            problems.append(f"routes.{index}: TLS settings on a plain http:// upstream")
    return problems


def parse_gateway_config(data: Any, source: str) -> GatewayConfig:
    """Validate an already-parsed mapping; ``ConfigError`` lists every problem."""
    if not isinstance(data, dict):
        raise ConfigError(source, ["expected a mapping with routes: (and optionally store:)"])
    try:
        config = GatewayConfig.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(source, problems_of(exc)) from exc
    problems = _cross_checks(config)
    if problems:
        raise ConfigError(source, problems)
    return config


def load_gateway_config(path: Path | str) -> GatewayConfig:
    """Load and validate a gateway YAML file."""
    path = Path(path)
    if not path.is_file():
        raise InputFileError(path, "no such gateway config; pass --config FILE")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f"line {mark.line + 1}: " if mark is not None else ""
        raise ConfigError(str(path), [f"{line}not valid YAML"]) from exc
    return parse_gateway_config(data, str(path))
