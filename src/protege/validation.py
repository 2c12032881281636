"""Strict pydantic models, and pydantic's ``ValidationError`` as lines a user can act on.

Every file protege validates (configs, the price table, JSONL lines) reports problems the same
way: one ``dotted.location: message`` string per problem, e.g. ``routes.0.upstream: Field
required``, so that the message names the key to fix. A leaf module: it imports only pydantic.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, ValidationError

# pydantic's prefix on the message of a ValueError raised by a validator: the message alone reads
# better ("must be an http:// or https:// base URL") and says the same thing.
_VALUE_ERROR_PREFIX = "Value error, "


class StrictModel(BaseModel):
    """A model that rejects unknown keys: a misspelt key is a problem, not a silent default."""

    model_config = ConfigDict(extra="forbid")


class FrozenModel(StrictModel):
    """A strict model whose instances cannot be changed once validated."""

    model_config = ConfigDict(frozen=True)


def problems_of(exc: ValidationError, *, empty: str = "file", within: str = "") -> list[str]:
    """Every error of ``exc`` as ``"dotted.location: message"``, in pydantic's order.

    ``within`` is the location of the validated value inside a larger document (``expected``
    for the record of a JSONL line): it starts every location. A problem of the value as a
    whole has no location; it is then named by ``within`` or, without one, by ``empty`` (the
    word for the whole input: ``file``, ``line``...).
    """
    lines = []
    for error in exc.errors():
        parts = [within] if within else []
        parts += [str(part) for part in error["loc"]]
        message = error["msg"].removeprefix(_VALUE_ERROR_PREFIX)
        lines.append(f"{'.'.join(parts) or empty}: {message}")
    return lines


def first_problem(exc: ValidationError, *, empty: str = "file", within: str = "") -> str:
    """The first line of ``problems_of(exc)``: for reports that give one reason per row."""
    return problems_of(exc, empty=empty, within=within)[0]
