"""Bad input: one line on stderr naming the problem, exit 2, no traceback, nothing in the db."""

from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import make_repo


@pytest.mark.parametrize(
    "target, expected",
    [
        ("shop/nowhere.py::ReportService", "no such file: shop/nowhere.py"),
        ("shop/reports.py::Nothing", "no symbol 'Nothing' in shop/reports.py"),
        ("shop/reports.py::ReportService.nothing", "no symbol 'ReportService.nothing'"),
        ("README.md", "README.md is not a source file divergent reads"),
        ("shop", "shop is a directory"),
        ("shop/reports.py::", "no symbol after '::'"),
    ],
)
def test_bad_targets(sample_repo, cli, db_path, target, expected):
    code, out, err = cli("explore", target, "--repo", sample_repo, "--offline", "--headless")
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and expected in err
    assert "Traceback" not in err
    assert not db_path.exists()


def test_not_a_git_repository(tmp_path, cli, db_path):
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "a.py").write_text("def f():\n    return 1\n")
    code, _, err = cli("explore", plain / "a.py", "--repo", plain, "--offline", "--headless")
    assert code == 2 and "not a git repository" in err and err.count("\n") == 1
    assert not db_path.exists()


def test_uncommitted_file_is_named(tmp_path, cli, db_path):
    repo = make_repo(tmp_path / "r", {"a.py": "x = 1\n"})
    (repo / "b.py").write_text("def f():\n    return 1\n")
    code, _, err = cli("explore", repo / "b.py", "--repo", repo, "--offline", "--headless")
    assert code == 2 and "b.py is not in the last commit" in err
    assert not db_path.exists()


def test_no_endpoint_without_offline_says_how_to_configure(sample_repo, cli, db_path):
    code, _, err = cli("explore", sample_repo / "shop/reports.py", "--repo", sample_repo, "--headless")
    assert code == 2 and "OPENAI_API_KEY" in err and "--offline" in err
    assert not db_path.exists()


def test_unknown_session_and_candidate(sample_repo, cli):
    code, _, err = cli("show", "7")
    assert code == 2 and "no session 7" in err
    cli("explore", sample_repo / "shop/reports.py", "--repo", sample_repo, "--offline", "--headless", "--candidates", "1")
    code, _, err = cli("export", "1", "99", "--patch", "-")
    assert code == 2 and "no candidate 99 in session 1" in err
    code, _, err = cli("export", "1", "0", "--patch", "-")
    assert code == 2 and "today's code" in err


def test_usage_errors_are_one_line(cli):
    code, _, err = cli("explore")
    assert code == 2 and err.count("\n") == 1 and "TARGET" in err


def test_installed_command_reports_without_traceback(tmp_path):
    missing = tmp_path / "missing"
    result = subprocess.run(
        [sys.executable, "-m", "divergent", "metrics", str(missing)], capture_output=True, text=True
    )
    assert result.returncode == 2
    assert result.stderr.strip() == f"divergent: no such file or directory: {missing}"


def test_judge_repeats_below_one_is_bad_input(sample_repo, cli):
    code, out, err = cli("explore", sample_repo / "shop/reports.py::ReportService", "--repo", sample_repo,
                         "--headless", "--judge-repeats", "0")
    assert code == 2 and err.strip().splitlines() == ["divergent: --judge-repeats must be between 1 and 16, not 0"]
