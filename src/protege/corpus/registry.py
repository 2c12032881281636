"""The template registry: every source template, by kind.

A template is a function ``(Draft) -> str`` registered with ``@template(kind, name, types)``.
Kinds modules (``protege.corpus.kinds.*``) register theirs on import.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from protege.contract.record import KINDS, LIABILITY_TYPES
from protege.corpus.draft import Draft

Render = Callable[[Draft], str]
# The types of templates about loans (everything but credit cards): ``types=LOANS``.
LOANS: tuple[str, ...] = tuple(t for t in LIABILITY_TYPES if t != "credit_card")


@dataclass(frozen=True)
class Template:
    """One structurally distinct way a source of ``kind`` is laid out."""

    kind: str
    name: str
    types: frozenset[str]
    render: Render
    revolving: bool = False  # drawn with a revolving scenario (a line of credit), not a loan's

    @property
    def qualified_name(self) -> str:
        """``kind/name``, unique across the registry."""
        return f"{self.kind}/{self.name}"


TEMPLATES: dict[str, list[Template]] = {kind: [] for kind in KINDS}


def template(
    kind: str, name: str, types: Iterable[str] = LIABILITY_TYPES, revolving: bool = False
) -> Callable[[Render], Render]:
    """Register a template of ``kind`` that can describe accounts of ``types``; ``revolving``
    templates describe a line of credit of those types (a card's economics: a line, a balance
    drawn against it, a minimum payment)."""
    if kind not in TEMPLATES:
        raise ValueError(f"unknown kind {kind!r}")
    type_set = frozenset(types)
    if not type_set <= set(LIABILITY_TYPES):
        raise ValueError(f"unknown liability types {sorted(type_set - set(LIABILITY_TYPES))}")

    def register(render: Render) -> Render:
        if any(t.name == name for t in TEMPLATES[kind]):
            raise ValueError(f"template {kind}/{name} registered twice")
        TEMPLATES[kind].append(Template(kind, name, type_set, render, revolving))
        return render

    return register


def templates_for(kind: str, liability_type: str) -> list[Template]:
    """Templates of ``kind`` that can describe an account of ``liability_type``."""
    return [t for t in TEMPLATES[kind] if liability_type in t.types]
