"""Shared fixtures: every test gets its own protege home in a temporary directory."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def protege_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point ``$PROTEGE_HOME`` at a fresh temporary directory for each test."""
    home = tmp_path / "protege-home"
    monkeypatch.setenv("PROTEGE_HOME", str(home))
    return home
