"""The package map is executable: ``.importlinter`` encodes exactly the import table of
docs/architecture.md, the code keeps it, and an upward import breaks the lint."""

from __future__ import annotations

import configparser
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "protege"
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def doc_table() -> dict[str, set[str]]:
    """Module -> the modules it may import, from the table in docs/architecture.md."""
    doc = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    table = doc.split("<!-- import-table: start")[1].split("<!-- import-table: end")[0]
    rows: dict[str, set[str]] = {}
    for line in table.splitlines():
        match = re.match(r"\|\s*`([^`]+)`\s*\|[^|]*\|\s*([^|]*)\|", line)
        if match:
            cell = match.group(2).strip()
            rows[match.group(1)] = set() if cell == "–" else {m.strip() for m in cell.split(",")}
    return rows


def top_level_modules() -> set[str]:
    """Every package and module directly under src/protege (the root's ``__init__`` aside)."""
    names = {p.stem for p in PACKAGE.glob("*.py") if p.stem != "__init__"}
    names |= {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()}
    return names


def lint(cwd: Path, pythonpath: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(pythonpath)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=cwd, env=env, capture_output=True, text=True
    )


def test_every_module_is_on_the_map_and_the_map_has_no_circle() -> None:
    table = doc_table()
    assert set(table) == top_level_modules() | {"protege"}
    for module, allowed in table.items():
        assert allowed <= set(table) - {"protege", module}, module
    # Listed bottom-up: each row imports only rows above it in the file, so no circle.
    order = list(table)
    for position, module in enumerate(order):
        assert all(order.index(dep) < position for dep in table[module]), module


def test_the_lint_config_encodes_the_table() -> None:
    table = doc_table()
    modules = set(table) - {"protege"}
    config = configparser.ConfigParser()
    config.read(ROOT / ".importlinter", encoding="utf-8")
    forbidden: dict[str, set[str]] = {}
    for section in config.sections():
        contract = config[section]
        if contract.get("type") == "forbidden":
            source = contract["source_modules"].strip().removeprefix("protege").lstrip(".")
            names = contract["forbidden_modules"].split()
            forbidden[source or "protege"] = {n.removeprefix("protege.") for n in names}
            assert contract.getboolean("allow_indirect_imports"), section
    assert set(forbidden) == set(table)
    for module, allowed in table.items():
        assert forbidden[module] == modules - allowed - {module}, module
    assert any(config[s].get("type") == "acyclic_siblings" for s in config.sections())


def test_the_code_keeps_the_map() -> None:
    result = lint(ROOT, ROOT / "src")
    assert result.returncode == 0, result.stdout[-3000:]
    assert "0 broken" in result.stdout


def test_an_upward_import_or_a_circle_fails_the_lint(tmp_path: Path) -> None:
    shutil.copy(ROOT / ".importlinter", tmp_path / ".importlinter")
    src = tmp_path / "src"
    shutil.copytree(PACKAGE, src / "protege", ignore=shutil.ignore_patterns("__pycache__"))
    record = src / "protege" / "contract" / "record.py"
    record.write_text(
        record.read_text(encoding="utf-8") + "\nfrom protege.corpus import generate\n"
    )
    result = lint(tmp_path, src)
    assert result.returncode != 0
    assert "contract may import only" in result.stdout and "BROKEN" in result.stdout
    assert "protege.contract.record -> protege.corpus" in result.stdout

    record.write_text(record.read_text(encoding="utf-8").replace("from protege.corpus", "#"))
    normalize = src / "protege" / "contract" / "normalize.py"
    normalize.write_text(normalize.read_text(encoding="utf-8") + "\nimport protege.contract.io\n")
    circle = lint(tmp_path, src)  # contract.io imports contract.normalize (through parse)
    assert circle.returncode != 0 and "No cycles are allowed in protege.contract" in circle.stdout


def test_nothing_imports_the_package_root_for_a_name() -> None:
    """``from protege import X`` for a name X that is not a submodule imports the package root,
    which the forbidden contracts do not cover: no module does it (the version comes from the
    leaf ``protege.version``)."""
    import ast

    offenders = []
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module == "protege" and not node.level:
                submodules = {p.stem for p in PACKAGE.iterdir()}
                names = [a.name for a in node.names if a.name not in submodules]
                if names and path != PACKAGE / "__init__.py":
                    offenders.append(f"{path.relative_to(PACKAGE)}: from protege import {names}")
    assert offenders == []
