"""The core never imports the UI: an import-linter contract, and a check in a fresh interpreter."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORE = [
    "divergent.model",
    "divergent.plugins",
    "divergent.engine.explore",
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
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or shutil.which("lint-imports")
    assert lint, "import-linter is part of the test extra"
    result = subprocess.run([lint, "--config", str(ROOT / "pyproject.toml")], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 2 kept, 0 broken" in result.stdout


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
