"""What a model writes cannot reach git's own files, and an export is all or nothing:
no 0-byte patch, no half-made branch, none of the repo's hooks run, none of the
engineer's worktree records pruned. Real git repositories, a real database."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from conftest import git
from divergent.engine.scoring import reject_unsafe_paths
from divergent.model import Candidate
from divergent.storage.store import Store

TARGET = "shop/reports.py::ReportService"


def one_line(err: str) -> str:
    assert err.count("\n") == 1 and "Traceback" not in err, err
    return err


@pytest.fixture
def explored(sample_repo, cli, db_path) -> Path:
    code, _, err = cli("explore", sample_repo / TARGET, "--repo", sample_repo, "--offline", "--headless", "--candidates", "2")
    assert code == 0, err
    return sample_repo


def add(db_path: Path, sample_repo: Path, files: dict[str, str]) -> int:
    """A candidate as the pipeline stores one: paths checked first."""
    candidate = Candidate(title="from a model", files=files, summary="s", explorer="lenses")
    reject_unsafe_paths(candidate, sample_repo)
    with Store(db_path) as store:
        return store.add_candidate(1, candidate, [], 0.0)


@pytest.mark.parametrize(
    "path",
    [".git/hooks/post-commit", "shop/../.git/config", ".GIT/HEAD", "shop/.git/x", "a\x00b.py", "shop/reports.py\x00.txt"],
)
def test_paths_into_git_or_with_nul_bytes_make_the_candidate_invalid(sample_repo, path):
    candidate = Candidate(title="t", files={path: "boom\n", "shop/reports.py": "x = 1\n"})
    reject_unsafe_paths(candidate, sample_repo)
    assert not candidate.valid
    assert path not in candidate.files and "shop/reports.py" in candidate.files


def test_exporting_an_invalid_candidate_refuses_and_writes_no_patch(explored, cli, db_path, tmp_path):
    number = add(db_path, explored, {".git/hooks/post-commit": "#!/bin/sh\ntouch pwned\n", "shop/reports.py": "x = 1\n"})
    out = tmp_path / "c.patch"
    code, stdout, err = cli("export", "1", str(number), "--patch", out)
    assert code == 2 and "invalid" in one_line(err)
    assert not out.exists()
    code, stdout, err = cli("export", "1", str(number), "--patch", "-")
    assert code == 2 and stdout == ""
    code, _, err = cli("export", "1", str(number), "--branch", "evil")
    assert code == 2 and not git(explored, "branch", "--list", "evil").strip()


def test_a_candidate_that_changes_nothing_exports_nothing(explored, cli, db_path, tmp_path):
    today = (explored / "shop/reports.py").read_text()
    number = add(db_path, explored, {"shop/reports.py": today})
    out = tmp_path / "same.patch"
    code, _, err = cli("export", "1", str(number), "--patch", out)
    assert code == 2 and "changes nothing" in one_line(err)
    assert not out.exists()


def test_a_failed_branch_export_leaves_no_branch_and_a_retry_works(explored, cli, db_path):
    # a file where the candidate wants a folder: writing it in the worktree fails midway
    broken = add(db_path, explored, {"shop/reports.py/inside.py": "x = 1\n"})
    code, _, err = cli("export", "1", str(broken), "--branch", "try-it")
    assert code != 0
    one_line(err)
    assert not git(explored, "branch", "--list", "try-it").strip(), "the half-made branch is gone"
    code, _, err = cli("export", "1", "1", "--branch", "try-it")
    assert code == 0, err
    assert git(explored, "branch", "--list", "try-it").strip()


HOOKS = ("post-checkout", "pre-commit", "commit-msg", "post-commit", "reference-transaction", "post-index-change")


def test_our_worktrees_and_commits_run_none_of_the_repos_hooks(explored, cli, tmp_path):
    fired = tmp_path / "fired"
    for hook in HOOKS:
        script = explored / ".git" / "hooks" / hook
        script.write_text(f"#!/bin/sh\necho {hook} >> {fired}\n")
        script.chmod(0o755)
    git(explored, "commit", "--allow-empty", "-q", "-m", "hooks work here")  # the hooks do run for the engineer
    assert fired.exists()
    fired.unlink()
    code, _, err = cli("export", "1", "1", "--branch", "no-hooks")
    assert code == 0, err
    assert not fired.exists(), fired.read_text() if fired.exists() else ""


def test_the_engineers_prunable_worktree_records_are_kept(explored, cli, tmp_path):
    theirs = tmp_path / "their-tree"
    git(explored, "worktree", "add", "-q", "--detach", str(theirs))
    subprocess.run(["rm", "-rf", str(theirs)], check=True)  # gone from disk, still recorded: prunable
    records = sorted(p.name for p in (explored / ".git" / "worktrees").iterdir())
    code, _, err = cli("export", "1", "1", "--branch", "keep-theirs")
    assert code == 0, err
    assert sorted(p.name for p in (explored / ".git" / "worktrees").iterdir()) == records
    assert str(theirs) in git(explored, "worktree", "list", "--porcelain")


@pytest.mark.parametrize("flag", ["--patch", "--adr"])
def test_unwritable_export_paths_are_one_line(explored, cli, tmp_path, flag):
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    for where, expected in (("/proc/version", "cannot write"), (a_file / "out.md", "is a file")):
        code, _, err = cli("export", "1", "1", flag, where)
        assert code == 2 and expected in one_line(err)


def test_sample_onto_a_file_is_one_line(cli, tmp_path):
    a_file = tmp_path / "taken"
    a_file.write_text("mine\n")
    code, _, err = cli("sample", a_file)
    assert code == 2 and "is a file" in one_line(err)
    assert a_file.read_text() == "mine\n"
    code, _, err = cli("sample", a_file / "below")
    assert code == 2 and "cannot create the sample" in one_line(err)
