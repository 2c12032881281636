"""Source templates, one module per kind; importing this package registers them all."""

from protege.corpus.kinds import (
    _credit_lines,  # noqa: F401  (lines of credit, across kinds)
    chat,
    email,
    payoff_letter,
    portal,
    statement,
    transcript,
)

__all__ = ["chat", "email", "payoff_letter", "portal", "statement", "transcript"]
