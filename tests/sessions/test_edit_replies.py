"""Candidates from edit-format replies end to end against the fake server: edits, markdown
SEARCH/REPLACE blocks, whole-file markdown, a failing edit, deletions and moves."""

from __future__ import annotations

import json
import subprocess

import pytest

from conftest import git, make_repo


MODULE = "class Greeter:\n    def hello(self, name):\n        return 'hello ' + name\n"


# end to end -----------------------------------------------------------------


SAMPLE_TARGET = "shop/reports.py::ReportService"


def _explore(cli, repo, *extra, target=SAMPLE_TARGET):
    """The session's document, each candidate as ``show`` gives it (files and deletions included)."""
    code, out, err = cli("explore", repo / target, "--repo", repo, "--headless", "--candidates", "4", "--json", *extra)
    assert code == 0, err
    doc = json.loads(out)
    doc["candidates"] = [cli.json("show", doc["session"], c["id"]) for c in doc["candidates"]]
    return doc


@pytest.mark.parametrize("mode", ["edits", "markdown-edits", "markdown"])
def test_sample_explores_with_edit_replies_and_keeps_the_rest_of_each_file(sample_repo, cli, endpoint_env, mode):
    endpoint_env.mode = mode
    doc = _explore(cli, sample_repo)
    designs = [c for c in doc["candidates"] if not c["baseline"]]
    assert designs and all(c["valid"] for c in designs), [c["invalid_reason"] for c in designs]
    today = (sample_repo / "shop/reports.py").read_text()
    head = today[: today.index("class ReportService")]
    for design in designs:
        new = design["files"]["shop/reports.py"]
        assert new.startswith(head) and len(new) > len(today)  # the imports stay; a helper was added
    cli_today = (sample_repo / "shop/cli.py").read_text()
    edited = [c["files"]["shop/cli.py"] for c in designs if "shop/cli.py" in c["files"]]
    if mode != "markdown":  # the fake marks the first caller it was shown
        assert edited and all(len(e.splitlines()) == len(cli_today.splitlines()) and "# reviewed by this design" in e for e in edited)
    for design in designs:
        code, patch, err = cli("export", doc["session"], design["id"], "--patch", "-")
        assert code == 0, err
        check = subprocess.run(["git", "-C", str(sample_repo), "apply", "--check", "-"], input=patch, text=True, capture_output=True)
        assert check.returncode == 0, check.stderr


def test_a_non_matching_edit_keeps_the_candidate_marked_invalid_with_the_reason(sample_repo, cli, endpoint_env):
    reply = json.dumps({"title": "Wrong", "summary": "s", "rationale": "r", "edits": [
        {"kind": "replace", "path": "shop/cli.py", "search": "print('nothing like this')", "replace": "x"},
    ]})
    endpoint_env.responder = lambda body: reply if "Direction" in json.dumps(body) else '{"dimensions": []}'
    doc = _explore(cli, sample_repo)
    design = next(c for c in doc["candidates"] if not c["baseline"])
    assert not design["valid"]
    assert "SEARCH text not found in shop/cli.py: \"print('nothing like this')\"" in design["invalid_reason"]


def test_a_candidate_that_deletes_and_moves_files_exports_a_patch_that_applies(tmp_path, cli, endpoint_env):
    repo = make_repo(tmp_path / "repo", {
        "pkg/__init__.py": "",
        "pkg/mod.py": MODULE,
        "pkg/legacy.py": "from pkg.mod import helper\n\nOLD = helper(1)\n",
        "pkg/names.py": "NAMES = ['ada']\n",
    })
    reply = json.dumps({"title": "Tidy", "summary": "s", "rationale": "r", "edits": [
        {"kind": "target", "path": "pkg/mod.py", "content": "class Greeter:\n    def hello(self, name):\n        return f'hello {name}'\n"},
        {"kind": "delete", "path": "pkg/legacy.py"},
        {"kind": "move", "path": "pkg/names.py", "to": "pkg/people.py"},
    ]})
    endpoint_env.responder = lambda body: reply if "Direction" in json.dumps(body) else '{"dimensions": []}'
    doc = _explore(cli, repo, target="pkg/mod.py::Greeter")
    design = next(c for c in doc["candidates"] if not c["baseline"])
    assert design["deleted"] == ["pkg/legacy.py", "pkg/names.py"] and design["files"]["pkg/people.py"] == "NAMES = ['ada']\n"
    code, patch, err = cli("export", doc["session"], design["id"], "--patch", "-")
    assert code == 0, err
    assert "deleted file mode 100644" in patch and "+++ /dev/null" in patch
    check = subprocess.run(["git", "-C", str(repo), "apply", "--check", "-"], input=patch, text=True, capture_output=True)
    assert check.returncode == 0, check.stderr
    subprocess.run(["git", "-C", str(repo), "apply", "-"], input=patch, text=True, check=True)
    assert not (repo / "pkg/legacy.py").exists() and (repo / "pkg/people.py").read_text() == "NAMES = ['ada']\n"
    git(repo, "checkout", "--", ".")
    code, _, err = cli("export", doc["session"], design["id"], "--branch", "tidy")
    assert code == 0, err
    listed = git(repo, "ls-tree", "-r", "--name-only", "tidy").split()
    assert "pkg/legacy.py" not in listed and "pkg/people.py" in listed and "pkg/names.py" not in listed


def test_whole_file_markdown_replies_for_a_module_target_replace_the_file(sample_repo, cli, endpoint_env):
    endpoint_env.mode = "markdown"
    doc = _explore(cli, sample_repo, target="shop/reports.py")
    designs = [c for c in doc["candidates"] if not c["baseline"]]
    assert designs and all(c["valid"] for c in designs)
    today = (sample_repo / "shop/reports.py").read_text()
    for design in designs:
        new = design["files"]["shop/reports.py"]
        assert new.startswith(today.rstrip("\n")) and new.count("class ReportService") == 1  # the whole file, once
