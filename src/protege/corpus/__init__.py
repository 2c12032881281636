"""A seeded generator of realistic liability sources with verified records (contract JSONL),
for demos, tests and training when no production data exists yet."""

from protege.corpus.draft import HARD_CASES, Draft
from protege.corpus.generator import GeneratedSource, generate, generate_one
from protege.corpus.registry import TEMPLATES, template

__all__ = [
    "HARD_CASES",
    "TEMPLATES",
    "Draft",
    "GeneratedSource",
    "generate",
    "generate_one",
    "template",
]
