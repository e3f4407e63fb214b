"""The offline catalog on messy code that people wrote (tests/corpus/catalog_problems.toml):
each release is fetched from its registry at test time, the catalog explores the target
through the real CLI, and the project's OWN tests run on every candidate in a temporary
worktree. Each problem prints its candidates, how many stay green, and the best overall
score against today's 0.50; the best must beat today's code under the critics."""

from __future__ import annotations

import shlex
import sys
import tomllib
from pathlib import Path

import pytest
from corpus.loader import Release, unpack

from conftest import git
from divergent.critics.verify import run_in_worktree

MANIFEST = Path(__file__).parents[1] / "corpus" / "catalog_problems.toml"
PROBLEMS = tomllib.loads(MANIFEST.read_text(encoding="utf-8"))["problem"]
TIMEOUT = 600.0


def project_tests(problem: dict) -> str:
    """The project's test command, run by this interpreter (it has pytest)."""
    words = shlex.split(problem["tests"])
    if words[0] == "python":
        words[0] = sys.executable
    return shlex.join(words)


def test_manifest_records_the_source_of_every_problem():
    assert len(PROBLEMS) >= 5
    assert len({p["id"] for p in PROBLEMS}) == len(PROBLEMS)
    assert len({p["package"] for p in PROBLEMS}) >= 5  # five different projects
    for p in PROBLEMS:
        assert p["repository"].startswith("https://github.com/") and len(p["commit"]) == 40, p["id"]
        assert p["license"] and p["symbol"] and p["file"].endswith(".py") and p["why"], p["id"]


@pytest.mark.slow
@pytest.mark.parametrize("problem", PROBLEMS, ids=[p["id"] for p in PROBLEMS])
def test_every_candidate_keeps_the_projects_own_tests_green(problem, tmp_path, cli, monkeypatch, capsys):
    release = Release(problem["registry"], problem["package"], problem["version"], problem["kind"])
    repo = unpack(release, tmp_path / "project")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "--all", "--force")  # the release as shipped, whatever its .gitignore says
    git(repo, "commit", "-q", "-m", f"{problem['package']} {problem['version']}")
    commit = git(repo, "rev-parse", "HEAD").strip()
    monkeypatch.setenv("PYTHONPATH", problem["pythonpath"])  # relative: resolved in each worktree
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")  # the project's tests, not our plugins
    command = project_tests(problem)
    green, output = run_in_worktree(repo, commit, {}, command, TIMEOUT)
    assert green, f"today's code is not green:\n{output}"

    target = f"{repo / problem['file']}::{problem['symbol']}"
    session = cli.json("explore", target, "--repo", str(repo), "--offline", "--headless")
    candidates = [c for c in session["candidates"] if not c["baseline"]]
    assert candidates, f"the catalog proposes nothing for {problem['symbol']}"

    red = []
    for candidate in candidates:
        shown = cli.json("show", str(session["session"]), str(candidate["id"]))
        assert shown["files"] and all(compile(text, path, "exec") for path, text in shown["files"].items())
        passed, output = run_in_worktree(repo, commit, shown["files"], command, TIMEOUT)
        if not passed:
            red.append(f"#{candidate['id']} {candidate['title']}:\n{output[-800:]}")
    best = max(candidates, key=lambda c: c["scores"]["overall"])
    with capsys.disabled():
        print(
            f"\n{problem['id']}: {len(candidates)} candidates, {len(candidates) - len(red)} green, "
            f"best #{best['id']} {best['title']!r} overall {best['scores']['overall']:.2f} against today's 0.50"
        )
    assert not red, "\n\n".join(red)
    today = next(c for c in session["candidates"] if c["baseline"])["scores"]["overall"]
    assert best["scores"]["overall"] > today, "no candidate beats today's code under the critics"
