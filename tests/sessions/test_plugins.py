"""Third-party plugins run like the built-ins: a tiny plugin package, installed with pip.

The test writes the package as a wheel (a zip with its dist-info, entry points
included), pip installs it into a temporary directory, and runs divergent in a
subprocess with that directory on its path: the entry points are found the way
they are for any installed distribution.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

TARGET = "shop/reports.py::ReportService"

PLUGIN = '''
from divergent.model import Assessment, Candidate


class Tiny:
    """An explorer: one design, today's module with a helper appended."""

    name = "tiny"

    async def propose(self, request):
        path = request.problem.target.path
        text = request.problem.files[path] + "\\n\\ndef tiny_helper(value):\\n    return value\\n"
        yield Candidate(title="Tiny plugin design", files={path: text}, summary="made by a plugin", explorer="tiny")


class Docs:
    """A critic on its own dimension: the share of functions with a docstring."""

    name = "docs"
    dimensions = ("documentation",)

    async def assess(self, candidate, problem):
        text = "".join(candidate.files.values())
        functions = max(1, text.count("def "))
        return [Assessment("docs", "documentation", round(min(1.0, text.count(\'"""\') / 2 / functions), 4), {"functions": functions}, "docstrings per function")]
'''

ENTRY_POINTS = """[divergent.explorers]
tiny = tinyplug:Tiny
broken = tinyplug:NoSuchThing

[divergent.critics]
docs = tinyplug:Docs
"""


def wheel(where: Path) -> Path:
    path = where / "tinyplug-0.3-py3-none-any.whl"
    info = "tinyplug-0.3.dist-info"
    files = {
        "tinyplug/__init__.py": PLUGIN,
        f"{info}/METADATA": "Metadata-Version: 2.1\nName: tinyplug\nVersion: 0.3\n",
        f"{info}/WHEEL": "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
        f"{info}/entry_points.txt": ENTRY_POINTS,
    }
    files[f"{info}/RECORD"] = "".join(f"{name},,\n" for name in files) + f"{info}/RECORD,,\n"
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return path


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("plugin")
    target = root / "site"
    done = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", "--target", str(target), str(wheel(root))],
        capture_output=True, text=True,
    )
    assert done.returncode == 0, done.stderr
    return target


def divergent(site: Path, *args) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(site)}
    return subprocess.run([sys.executable, "-m", "divergent", *map(str, args)], capture_output=True, text=True, env=env, timeout=300)


def test_plugins_lists_each_plugin_with_its_package(site):
    done = divergent(site, "plugins", "--json")
    assert done.returncode == 0, done.stderr
    found = {(p["kind"], p["name"]): p for p in json.loads(done.stdout)["plugins"]}
    assert found[("explorer", "tiny")]["package"] == "tinyplug" and found[("explorer", "tiny")]["version"] == "0.3"
    assert found[("critic", "docs")]["package"] == "tinyplug" and "documentation" in found[("critic", "docs")]["detail"]
    assert found[("explorer", "catalog")]["package"] == "divergent"
    assert not found[("explorer", "broken")]["ok"]  # listed, and the others still load

    text = divergent(site, "plugins")
    assert any(line.split()[:3] == ["explorer", "tiny", "tinyplug"] for line in text.stdout.splitlines())


@pytest.mark.slow
def test_a_plugin_explorer_and_critic_run_like_the_built_ins(site, sample_repo):
    done = divergent(
        site, "explore", sample_repo / TARGET, "--repo", sample_repo, "--offline", "--headless", "--json",
        "--explorers", "catalog,tiny", "--critics", "simplicity,validity,docs",
    )
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    tiny = [c for c in document["candidates"] if c["explorer"] == "tiny"]
    assert [c["title"] for c in tiny] == ["Tiny plugin design"]
    assert any(c["explorer"] == "catalog" for c in document["candidates"])
    for c in document["candidates"]:
        assert "documentation" in c["scores"] and "extensibility" not in c["scores"]  # only the chosen critics scored

    shown = divergent(site, "show", document["session"], tiny[0]["id"], "--json")
    assessment = [a for a in json.loads(shown.stdout)["assessments"] if a["dimension"] == "documentation"]
    assert assessment and assessment[0]["critic"] == "docs"


def test_a_broken_plugin_is_one_line_exit_2(site, sample_repo):
    done = divergent(site, "explore", sample_repo / TARGET, "--repo", sample_repo, "--offline", "--headless", "--explorers", "broken")
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "tinyplug" in done.stderr and "failed to load" in done.stderr
