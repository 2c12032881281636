"""Baselines every model must beat. ``regex``: a hand-written rule-based extractor."""

from protege.baseline.regex import extract, extract_output

__all__ = ["extract", "extract_output"]
