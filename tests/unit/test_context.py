"""Resolving targets and finding their callers in a real git repository."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from conftest import git, make_repo
from divergent.context.problem import frame
from divergent.context.repo import blob_size, head_commit, head_file
from divergent.model import InputError

FILES = {
    "pkg/__init__.py": "",
    "pkg/core.py": (
        "import os\n\n\n"
        "def helper(a, b=1):\n    return a + b\n\n\n"
        "class Engine:\n"
        "    def __init__(self):\n        self.n = 0\n\n"
        "    def start(self):\n        return helper(self.n)\n\n"
        "    def _secret(self):\n        return 1\n\n"
        "    @property\n    def running(self):\n        return True\n"
    ),
    "pkg/use.py": (
        "from pkg.core import Engine, helper\n\n"
        "e = Engine()\n"
        "e.start()\n"
        "print(e.running, helper(2))\n"
        "e._secret()\n"
    ),
}


@pytest.fixture
def repo(tmp_path) -> Path:
    return make_repo(tmp_path / "repo", FILES)


def test_class_target_has_source_signatures_and_callers(repo):
    problem = frame("pkg/core.py::Engine", str(repo), Path.cwd())
    t = problem.target
    assert (t.path, t.symbol, t.kind, t.line, t.end_line) == ("pkg/core.py", "Engine", "class", 8, 20)
    assert t.commit == git(repo, "rev-parse", "HEAD").strip()
    assert problem.source.startswith("class Engine:") and "def running" in problem.source
    assert problem.signatures == ["def helper(a, b=1):"]
    sites = {(s.path, s.line, s.name) for s in problem.call_sites}
    assert sites == {
        ("pkg/use.py", 1, "Engine"),
        ("pkg/use.py", 3, "Engine"),
        ("pkg/use.py", 4, "start"),
        ("pkg/use.py", 5, "running"),
    }
    assert problem.used_names == ["Engine", "running", "start"]


def test_method_function_and_module_targets(repo):
    method = frame("pkg/core.py::Engine.start", str(repo), Path.cwd())
    assert (method.target.kind, method.target.line, method.target.end_line) == ("method", 12, 13)
    assert [s.line for s in method.call_sites] == [4]
    function = frame("pkg/core.py::helper", str(repo), Path.cwd())
    assert function.target.kind == "function"
    # a use inside the module but outside the target counts: Engine.start calls helper
    assert {(s.path, s.line) for s in function.call_sites} == {("pkg/core.py", 13), ("pkg/use.py", 1), ("pkg/use.py", 5)}
    module = frame("pkg/core.py", str(repo), Path.cwd())
    assert module.target.kind == "module" and module.target.symbol is None
    assert set(module.used_names) == {"Engine", "helper"}


def test_target_is_read_at_the_commit_not_the_working_tree(repo):
    (repo / "pkg/core.py").write_text("# half-edited\n")
    problem = frame("pkg/core.py::Engine", str(repo), Path.cwd())
    assert "class Engine" in problem.files["pkg/core.py"]


def test_a_file_named_with_spaces_and_glob_characters_is_read_as_named(repo):
    """git reads the name literally: no pattern matching, no other file."""
    (repo / "pkg/x [1]*.py").write_text("def odd():\n    return 1\n")
    (repo / "pkg/x 1.py").write_text("def other():\n    return 2\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "odd names")
    problem = frame("pkg/x [1]*.py::odd", str(repo), Path.cwd())
    assert problem.target.path == "pkg/x [1]*.py" and "return 1" in problem.source
    assert blob_size(repo, head_commit(repo), "pkg/x [1]*.py") == len("def odd():\n    return 1\n")
    assert blob_size(repo, head_commit(repo), "pkg/x ?1]*.py") is None


def test_a_repository_git_refuses_gets_no_answer_in_one_go_whenever_git_leaves(repo, monkeypatch):
    """git refuses a repository someone else owns before it reads its input, so the question
    may or may not reach it: either way head_file gives up quietly and head_commit says why."""
    subprocess.run(["chown", "-R", "12345:12345", str(repo)], check=True)
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)  # no safe.directory exception from this machine
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for _ in range(20):  # git leaves sooner or later than the question is written
        assert head_file(repo, "pkg/core.py") is None
    with pytest.raises(InputError, match="dubious ownership"):
        head_commit(repo)


def test_paths_relative_to_the_current_directory_inside_the_repo(repo, monkeypatch):
    monkeypatch.chdir(repo / "pkg")
    problem = frame("core.py::helper", None, Path.cwd())
    assert problem.target.path == "pkg/core.py" and problem.target.repo == str(repo.resolve())


def test_a_path_outside_the_repository_is_refused(repo, tmp_path):
    outside = tmp_path / "elsewhere.py"
    outside.write_text("x = 1\n")
    with pytest.raises(InputError, match="not inside the repository"):
        frame(str(outside), str(repo), Path.cwd())


def test_context_command_prints_what_the_model_would_see(repo, cli):
    doc = cli.json("context", "pkg/core.py::Engine.start", "--repo", repo)
    assert doc["source"].strip() == "def start(self):\n        return helper(self.n)"
    assert doc["used_names"] == ["start"]


def test_metrics_command_lists_every_unit(repo, cli):
    units = cli.json("metrics", repo / "pkg")["units"]
    names = [(u["path"], u["name"], u["kind"]) for u in units]
    assert names == [
        ("core.py", "helper", "function"),
        ("core.py", "Engine", "class"),
        ("core.py", "Engine.__init__", "method"),
        ("core.py", "Engine.start", "method"),
        ("core.py", "Engine._secret", "method"),
        ("core.py", "Engine.running", "method"),
    ]
    helper = units[0]
    assert {k: helper[k] for k in ("line", "cyclomatic", "sloc", "params", "max_nesting")} == {
        "line": 4, "cyclomatic": 1, "sloc": 2, "params": 2, "max_nesting": 0,
    }
