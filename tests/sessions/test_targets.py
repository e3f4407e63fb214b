"""Targets that cannot be explored are refused in one line before anything is stored:
too large (read from git's object header, not loaded), binary, empty, unparseable
(unless asked), or in a repository git refuses to read."""

from __future__ import annotations

import os
import subprocess

import pytest

from conftest import git, make_repo


def one_line(err: str) -> str:
    assert err.count("\n") == 1 and "Traceback" not in err, err
    return err


def explore(cli, repo, target, *flags):
    return cli("explore", repo / target, "--repo", repo, "--offline", "--headless", "--candidates", "1", *flags)


def test_a_target_over_the_size_limit_is_refused(tmp_path, cli, db_path):
    big = "def f():\n    return 1\n" * 120_000  # about 2.6 MB
    repo = make_repo(tmp_path / "r", {"big.py": big})
    code, _, err = explore(cli, repo, "big.py")
    assert code == 2 and "over the 1,000,000-byte limit" in one_line(err)
    assert not db_path.exists()


def test_the_size_limit_is_configurable(sample_repo, cli, monkeypatch):
    monkeypatch.setenv("DIVERGENT_MAX_TARGET_BYTES", "100")
    code, _, err = explore(cli, sample_repo, "shop/reports.py::ReportService")
    assert code == 2 and "over the 100-byte limit" in one_line(err)
    monkeypatch.setenv("DIVERGENT_MAX_TARGET_BYTES", "lots")
    code, _, err = explore(cli, sample_repo, "shop/reports.py::ReportService")
    assert code == 2 and "DIVERGENT_MAX_TARGET_BYTES" in one_line(err)


@pytest.mark.parametrize(
    "content, expected",
    [("x = 1\n\x00\x01\x02binary\n", "binary"), ("", "is empty"), ("\n  \n\t\n", "is empty"), ("def f(:\n    return\n", "does not parse")],
    ids=["binary", "empty", "blank", "unparseable"],
)
def test_binary_empty_and_unparseable_targets_are_refused(tmp_path, cli, db_path, content, expected):
    repo = make_repo(tmp_path / "r", {"ok.py": "x = 1\n", "t.py": content})
    code, out, err = explore(cli, repo, "t.py")
    assert code == 2 and expected in one_line(err)
    assert out == "" and not db_path.exists()


def test_an_unparseable_target_is_explored_when_asked(tmp_path, cli):
    repo = make_repo(tmp_path / "r", {"t.py": "def f(:\n    return\n\ndef g():\n    return 2\n"})
    code, _, err = explore(cli, repo, "t.py", "--allow-unparseable")
    assert "does not parse" not in err


def test_a_repository_git_refuses_says_what_git_says(tmp_path, cli, monkeypatch):
    repo = make_repo(tmp_path / "theirs", {"a.py": "def f():\n    return 1\n"})
    subprocess.run(["chown", "-R", "12345:12345", str(repo)], check=True)
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)  # no safe.directory exception from this machine
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    code, _, err = explore(cli, repo, "a.py")
    assert code == 2, err
    assert "dubious ownership" in one_line(err) and "safe.directory" in err
    assert "no commits yet" not in err
