"""Floors import only downward (import-linter contracts), and the core never loads the UI in a fresh interpreter."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
CORE = [
    "divergent.model",
    "divergent.plugins",
    "divergent.engine.reporter",
    "divergent.engine.session",
    "divergent.engine.summary",
    "divergent.engine.headless",
    "divergent.critics.simplicity",
    "divergent.critics.extensibility",
    "divergent.critics.validity",
    "divergent.explorers.catalog.explorer",
    "divergent.context.problem",
    "divergent.context.metrics",
    "divergent.storage.store",
    "divergent.storage.patch",
]


def test_import_linter_contracts_hold():
    """Every contract in pyproject is kept: the floors import only downward, the core never the UI."""
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or shutil.which("lint-imports")
    assert lint, "import-linter is part of the test extra"
    result = subprocess.run([lint, "--config", str(ROOT / "pyproject.toml"), "--no-cache"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]
    broken = [c["name"] for c in contracts if f"{c['name']} KEPT" not in result.stdout]
    assert not broken, result.stdout


@pytest.mark.parametrize("module", CORE)
def test_core_module_does_not_load_textual(module):
    code = f"import sys, {module}; bad = [m for m in sys.modules if m == 'textual' or m.startswith(('textual.', 'divergent.app'))]; print(bad)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_model_has_no_io_and_imports_nothing_of_ours():
    source = (ROOT / "divergent/model.py").read_text()
    imports = [line for line in source.splitlines() if line.startswith(("import ", "from "))]
    assert not [line for line in imports if "divergent" in line]
    assert "open(" not in source and "sqlite" not in source


SQL = re.compile(
    r"^\s*(select\b.+\bfrom\b|insert (or \w+ )?into\b|update \w+ set\b|delete from\b"
    r"|create (unique )?(table|index|virtual table)\b|drop (table|index)\b|alter table\b|pragma \w+)",
    re.IGNORECASE | re.DOTALL,
)


def sql_outside_storage(package: Path) -> list[str]:
    """file:line of every SQL statement written outside storage/ (the samples are user code)."""
    found = []
    for path in sorted(package.rglob("*.py")):
        relative = path.relative_to(package).parts
        if relative[0] in ("storage", "samples"):
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and SQL.match(node.value):
                found.append(f"{path.relative_to(package.parent)}:{node.lineno}")
    return found


def test_sql_is_written_only_in_storage():
    """No SQL text outside storage/: the Store and its helpers are the only room that speaks it
    (the import contract "Only storage speaks SQL" keeps sqlite3 and sqlite_utils there too)."""
    assert sql_outside_storage(ROOT / "divergent") == []
