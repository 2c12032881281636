"""Helpers shared by the command-line tests."""

from __future__ import annotations

from typing import Any


def assert_clean_error(result: Any, *needles: str) -> None:
    """Bad input ends with exit code 1 and one line on stderr naming the problem."""
    assert result.exit_code == 1, result.output
    text = result.stderr
    assert "Traceback" not in text
    assert text.strip().count("\n") == 0, f"more than one line: {text!r}"
    for needle in needles:
        assert needle in text, f"{needle!r} not in {text!r}"
