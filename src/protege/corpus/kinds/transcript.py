# TEMPLATE WRITERS: read /tmp/helper_common.md FIRST (the binding rules: Draft API, honesty
# rules, no git commands, which files you may edit). Remove this comment when done.
"""transcript sources (templates to be written)."""

from __future__ import annotations

from protege.corpus.draft import Draft
from protege.corpus.registry import template


@template("transcript", "minimal")
def minimal(d: Draft) -> str:
    """Placeholder layout: one line per fact."""
    lines = [f"{d.s.servicer} — {d.product()}"]
    if d.says("current_balance"):
        lines.append(f"Balance: {d.money('current_balance')}")
    return "\n".join(lines)
