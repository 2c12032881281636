"""What a call costs: the price table and the arithmetic on it.

The default table ships inside the package (``protege/data/prices.yaml``, read through
``importlib.resources``: ``DEFAULT_PRICES``), so an installed protege prices calls wherever it
runs; ``protege eval --prices FILE`` and the gateway's ``prices:`` name another.

Two ways a model is priced, decided by the predictor's ``kind``:

- ``api``: by token usage, at the provider's list price per 1M tokens (input, cached input,
  output) for the model's name;
- ``self-hosted`` and ``rules``: by the CPU time the run measured, in core-seconds, at a
  price per core-hour (a cloud vCPU's on-demand price; overridable per run).

Costs are in USD. The headline is **$ per 1M extractions**: the mean cost of one call times a
million.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import yaml  # type: ignore[import-untyped, unused-ignore]
from pydantic import Field, ValidationError

from protege.errors import ConfigError, InputFileError, UsageError
from protege.validation import FrozenModel, problems_of

# The shipped price table (package data, see [tool.setuptools.package-data] in pyproject.toml).
DEFAULT_PRICES: Traversable = files("protege") / "data" / "prices.yaml"
TOKENS_PER_PRICE_UNIT = 1_000_000  # list prices are quoted per 1M tokens
EXTRACTIONS_PER_UNIT = 1_000_000  # the headline cost is per 1M extractions
SECONDS_PER_HOUR = 3600


class TokenPrice(FrozenModel):
    """List prices of one API model, USD per 1M tokens."""

    input: float = Field(ge=0)
    # None: the provider gives no discount for cached prompt tokens
    cached_input: float | None = Field(default=None, ge=0)
    output: float = Field(ge=0)


class SelfHostedPrice(FrozenModel):
    """What self-hosted compute costs."""

    usd_per_core_hour: float = Field(ge=0)


class PriceTable(FrozenModel):
    """The whole prices file: API models by name, and the self-hosted compute price."""

    models: dict[str, TokenPrice] = Field(default_factory=dict)
    self_hosted: SelfHostedPrice

    def for_model(self, name: str, source: str = "prices") -> TokenPrice:
        """The token prices of API model ``name``; ``ConfigError`` naming the file if absent."""
        if name not in self.models:
            known = ", ".join(sorted(self.models)) or "none"
            raise ConfigError(
                source,
                [f"no price for API model {name!r} (priced: {known}); add it under models:"],
            )
        return self.models[name]


def prices_file(path: Path | str | Traversable | None = None) -> Traversable:
    """The prices file ``path`` names; ``DEFAULT_PRICES`` when it is None."""
    if path is None:
        return DEFAULT_PRICES
    return Path(path) if isinstance(path, str) else path


def load_prices(path: Path | str | Traversable | None = None) -> PriceTable:
    """Load and validate a prices file (default: ``DEFAULT_PRICES``, the shipped table).

    A missing file raises ``InputFileError``; bad YAML or a bad shape raises ``ConfigError``
    naming the file and listing every problem.
    """
    path = prices_file(path)
    if not path.is_file():
        raise InputFileError(str(path), "no such prices file; check the path")
    try:
        data: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        line = f"line {where.line + 1}: " if where is not None else ""
        raise ConfigError(str(path), [f"{line}not valid YAML"]) from exc
    if not isinstance(data, dict):
        raise ConfigError(str(path), ["expected a mapping with models: and self_hosted:"])
    try:
        return PriceTable.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(str(path), problems_of(exc)) from exc


def api_call_cost(
    price: TokenPrice, prompt_tokens: int, completion_tokens: int, cached_tokens: int = 0
) -> float:
    """USD for one API call. ``cached_tokens`` is the part of ``prompt_tokens`` the provider
    served from its prompt cache (as OpenAI reports it), billed at ``cached_input``."""
    if min(prompt_tokens, completion_tokens, cached_tokens) < 0:
        raise UsageError("token counts cannot be negative")
    if cached_tokens > prompt_tokens:
        raise UsageError(
            f"cached tokens ({cached_tokens}) cannot exceed prompt tokens ({prompt_tokens})"
        )
    cached_rate = price.input if price.cached_input is None else price.cached_input
    usd_per_million = (
        (prompt_tokens - cached_tokens) * price.input
        + cached_tokens * cached_rate
        + completion_tokens * price.output
    )
    return usd_per_million / TOKENS_PER_PRICE_UNIT


def compute_cost(cpu_seconds: float, usd_per_core_hour: float) -> float:
    """USD for ``cpu_seconds`` of CPU time (core-seconds: summed over the cores used)."""
    if cpu_seconds < 0 or usd_per_core_hour < 0:
        raise UsageError("CPU seconds and the price per core-hour cannot be negative")
    return cpu_seconds * usd_per_core_hour / SECONDS_PER_HOUR


def per_million(costs: Sequence[float]) -> float:
    """$ per 1M extractions: the mean cost of one call times a million (0 for no calls)."""
    return sum(costs) / len(costs) * EXTRACTIONS_PER_UNIT if costs else 0.0


@dataclass(frozen=True)
class Pricer:
    """Prices the calls of one run: a price table plus the core-hour price in force."""

    table: PriceTable
    usd_per_core_hour: float
    source: str = "prices"  # the prices file, named in errors

    @classmethod
    def load(
        cls, path: Path | str | Traversable | None = None, usd_per_core_hour: float | None = None
    ) -> Pricer:
        """The pricer for a prices file (default: the shipped table), with the core-hour price
        optionally overridden."""
        if usd_per_core_hour is not None and usd_per_core_hour < 0:
            raise UsageError(f"--usd-per-core-hour cannot be negative, got {usd_per_core_hour}")
        resolved = prices_file(path)
        table = load_prices(resolved)
        rate = (
            table.self_hosted.usd_per_core_hour if usd_per_core_hour is None else usd_per_core_hour
        )
        return cls(table, rate, str(resolved))

    def check(self, predictor_name: str, predictor_kind: str) -> None:
        """Fail before a run when the run could not be priced afterwards."""
        if predictor_kind == "api":
            self.table.for_model(predictor_name, self.source)

    def call_cost(
        self,
        predictor_name: str,
        predictor_kind: str,
        prompt_tokens: int,
        completion_tokens: int,
        cpu_s: float,
    ) -> float:
        """USD for one call of a predictor of this name and kind."""
        if predictor_kind == "api":
            price = self.table.for_model(predictor_name, self.source)
            return api_call_cost(price, prompt_tokens, completion_tokens)
        return compute_cost(cpu_s, self.usd_per_core_hour)

    def describe(self) -> dict[str, Any]:
        """The prices in force, for the report."""
        return {
            "source": self.source,
            "usd_per_core_hour": self.usd_per_core_hour,
            "models": {name: p.model_dump() for name, p in sorted(self.table.models.items())},
        }
