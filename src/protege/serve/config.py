"""``protege serve``'s configuration: which models it serves, its limits, and the extraction
workflow's deadline, thresholds and fallback. ``load_serve_config`` reports every problem of a
file at once (``ConfigError.problems``)::

    models:                                # name clients send -> what to load (--model specs)
      liability-gemma-3-270m: liability-gemma-3-270m
      my-adapter: runs/liability-cpu
    default_model: liability-gemma-3-270m  # what /v1/extract uses when a request names none
    max_loaded: 4                          # models kept loaded (least recently used unloads)
    max_batch: 1                           # requests read together (1 on a CPU: measured)
    max_text_chars: 20000                  # longer sources get a 400
    store: sqlite:///path/to/logs.db       # where extract calls are logged; default: the home
    extract:
      deadline_ms: 30000                   # a request's deadline when it names none
      primary_share: 0.6                   # with a fallback: the primary's share of it
      thresholds: {payoff_amount: 0.9}     # per key; unset keys use the model's calibrated one
      fallback:                            # any OpenAI-compatible route, e.g. protege gateway
        base_url: http://127.0.0.1:8100/v1
        model: gpt-4o
        api_key_env: OPENAI_API_KEY
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml  # type: ignore[import-untyped, unused-ignore]
from pydantic import Field, ValidationError, field_validator, model_validator

from protege.capture.auth import AuthSettings
from protege.contract.record import RECORD_KEYS
from protege.errors import ConfigError, InputFileError
from protege.validation import FrozenModel, problems_of

DEFAULT_MODEL = "liability-gemma-3-270m"  # the released student (protege.models.released)
MAX_TEXT_CHARS = 20_000  # the contract's sources run to ~6,000 characters; 3x that is a mistake
MAX_BODY_BYTES = 1024 * 1024  # 1 MiB: a chat request carrying one such source, with room
# A request's deadline when it names none: generous, because with no fallback a passed deadline
# leaves the caller with no record. The scorer's p95 on the dev set is ~1.6 s alone on 2 cores,
# and a burst of requests queues behind one model: 30 s covers a burst of ~100 documents.
DEADLINE_MS = 30_000


class Fallback(FrozenModel):
    """The OpenAI-compatible route the extraction workflow falls back to."""

    base_url: str
    model: str = Field(min_length=1)
    api_key_env: str | None = None  # environment variable holding its key; None: no key

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError(f"must be an http:// or https:// base URL, got {value!r}")
        return value.rstrip("/")


class ExtractSettings(FrozenModel):
    """The extraction workflow (``protege.extract``)."""

    deadline_ms: int = Field(DEADLINE_MS, ge=1, le=600_000)
    # With a fallback, the primary model gets this share of the deadline and the fallback what
    # is left (at least the rest); without one, the primary gets the whole deadline.
    primary_share: float = Field(0.6, gt=0.0, le=1.0)
    # key -> the confidence a value needs to pass; keys left out use the model's calibrated
    # threshold (its meta.json ``threshold``), or none for a model without confidences
    thresholds: dict[str, float] = Field(default_factory=dict)
    fallback: Fallback | None = None

    @field_validator("thresholds")
    @classmethod
    def _known_keys(cls, value: dict[str, float]) -> dict[str, float]:
        unknown = sorted(set(value) - set(RECORD_KEYS))
        if unknown:
            raise ValueError(f"unknown key(s) {', '.join(unknown)}; keys: {', '.join(RECORD_KEYS)}")
        bad = [k for k, p in value.items() if not 0.0 <= p <= 1.0]
        if bad:
            raise ValueError(f"thresholds must lie in [0, 1]: {', '.join(bad)}")
        return value


class ServeConfig(FrozenModel):
    """A whole ``protege serve``."""

    models: dict[str, str] = Field(default_factory=lambda: {DEFAULT_MODEL: DEFAULT_MODEL})
    default_model: str | None = None  # None: the first of ``models``
    max_loaded: int = Field(4, ge=1)
    # Requests read together by one model. 1 on a CPU: bench/serve_extract.py measured the
    # scorer at 1.70 documents/s one at a time and 1.02 in padded batches of up to 8 (the pad
    # to the longest source costs more than batching saves on 2 cores).
    max_batch: int = Field(1, ge=1, le=256)
    max_text_chars: int = Field(MAX_TEXT_CHARS, ge=1)
    max_body_bytes: int = Field(MAX_BODY_BYTES, ge=1024)
    store: str | None = None  # SQLAlchemy URL; None: the SQLite file under the protege home
    spool_dir: Path | None = None  # None: $PROTEGE_HOME/spool/<store>
    extract: ExtractSettings = Field(default_factory=ExtractSettings)
    auth: AuthSettings | None = None  # client keys, as for the gateway (protege.capture.auth)

    @model_validator(mode="after")
    def _default_is_served(self) -> ServeConfig:
        if not self.models:
            raise ValueError("models: serve at least one model (name: spec)")
        if self.default_model is not None and self.default_model not in self.models:
            raise ValueError(
                f"default_model {self.default_model!r} is not among models "
                f"({', '.join(self.models)})"
            )
        return self

    @property
    def default(self) -> str:
        """The model /v1/extract uses when a request names none."""
        return self.default_model or next(iter(self.models))


def parse_serve_config(data: Any, source: str) -> ServeConfig:
    """Validate an already-parsed mapping; ``ConfigError`` lists every problem."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(source, ["expected a mapping (models:, extract:, ...)"])
    try:
        return ServeConfig.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(source, problems_of(exc)) from exc


def load_serve_config(path: Path | str | None, models: dict[str, str] | None = None) -> ServeConfig:
    """The configuration of a ``protege serve``: the YAML file at ``path`` (or the defaults),
    with ``models`` (from ``--model NAME=SPEC``) replacing its models when given."""
    data: dict[str, Any] = {}
    source = "serve options"
    if path is not None:
        path = Path(path)
        source = str(path)
        if not path.is_file():
            raise InputFileError(path, "no such serve config; pass --config FILE")
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = f"line {mark.line + 1}: " if mark is not None else ""
            raise ConfigError(source, [f"{line}not valid YAML"]) from exc
        if not isinstance(data, dict):
            raise ConfigError(source, ["expected a mapping (models:, extract:, ...)"])
    if models:
        data = {**data, "models": models}
        if data.get("default_model") not in models:
            data.pop("default_model", None)
    return parse_serve_config(data, source)
