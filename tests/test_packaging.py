"""The wheel: it carries the price table, and an installed protege prices calls from it
(not from a source checkout, not from the current directory)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Run in the child: import protege from the unzipped wheel and load the default price table.
PROBE = """
import json, protege, protege.pricing as pricing
table = pricing.load_prices()
print(json.dumps({
    "protege": protege.__file__,
    "prices": str(pricing.DEFAULT_PRICES),
    "source": pricing.Pricer.load().source,
    "gpt-4o": table.for_model("gpt-4o").input,
}))
"""


def build_wheel(out: Path, work: Path) -> Path:
    """A wheel of a copy of the project: building in the checkout would leave a build/ there
    whose stale files could end up in the wheel."""
    project = work / "project"
    project.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, project / name)
    shutil.copytree(
        ROOT / "src", project / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info")
    )
    pip_wheel = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation"]
    subprocess.run(
        [*pip_wheel, "-q", "-w", str(out), str(project)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    [wheel] = out.glob("protege-*.whl")
    return wheel


def test_the_wheel_ships_the_price_table_and_an_install_reads_it(tmp_path: Path) -> None:
    wheel = build_wheel(tmp_path / "dist", tmp_path)
    with zipfile.ZipFile(wheel) as archive:
        assert "protege/data/prices.yaml" in archive.namelist()
        archive.extractall(tmp_path / "site")
    site = (tmp_path / "site").resolve()
    elsewhere = tmp_path / "empty"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(site)}
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=elsewhere,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    )
    probe = json.loads(done.stdout)
    assert Path(probe["protege"]).resolve() == site / "protege" / "__init__.py"
    assert Path(probe["prices"]).resolve() == site / "protege" / "data" / "prices.yaml"
    assert Path(probe["source"]).resolve() == site / "protege" / "data" / "prices.yaml"
    assert probe["gpt-4o"] == 2.5
