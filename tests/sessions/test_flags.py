"""Flags, config and text the engineer types: out of range, the wrong type or fts5/argparse
syntax is refused in one line, exit 2, before any session is stored."""

from __future__ import annotations

import sqlite3

import pytest

TARGET = "shop/reports.py::ReportService"


def one_line(err: str) -> str:
    assert err.count("\n") == 1 and "Traceback" not in err, err
    return err


def sessions(db_path) -> int:
    if not db_path.exists():
        return 0
    with sqlite3.connect(db_path) as conn:
        return conn.execute("select count(*) from sessions").fetchone()[0]


@pytest.mark.parametrize(
    "flags, expected",
    [
        (("--budget", str(10**30)), "--budget"),
        (("--budget", "0"), "--budget"),
        (("--budget-usd", "nan"), "--budget-usd"),
        (("--budget-usd", "inf"), "--budget-usd"),
        (("--budget-tokens", "-5"), "--budget-tokens"),
        (("--verify-timeout", "-1", "--verify-tests", "true"), "--verify-timeout"),
        (("--verify-timeout", "nan", "--verify-tests", "true"), "--verify-timeout"),
        (("--candidates", "0"), "--candidates"),
        (("--candidates", "100000000000"), "--candidates"),
        (("--concurrency", "0"), "--concurrency"),
        (("--concurrency", "many"), "--concurrency"),
        (("--weights", "nope=1"), "no dimension 'nope'"),
        (("--weights", "simplicity=inf"), "bad weight"),
        (("--weights", "simplicity=nan"), "bad weight"),
        (("--scenario", "=>"), "a scenario needs some text"),
        (("--scenario", "  => ReportService.render"), "a scenario needs some text"),
    ],
    ids=lambda v: " ".join(v) if isinstance(v, tuple) else v,
)
def test_out_of_range_flags_are_refused_before_a_session_is_stored(sample_repo, cli, db_path, flags, expected):
    code, out, err = cli("explore", sample_repo / TARGET, "--repo", sample_repo, "--offline", "--headless", *flags)
    assert code == 2 and expected in one_line(err)
    assert out == "" and sessions(db_path) == 0


@pytest.mark.parametrize("text", ['"', '""', "AND", "NEAR(", "*", "a OR", "col:x", "^"])
def test_search_reads_fts5_syntax_as_text(sample_repo, cli, text):
    cli("explore", sample_repo / TARGET, "--repo", sample_repo, "--offline", "--headless", "--candidates", "2")
    code, out, err = cli("search", text)
    assert code in (0, 2), err
    if code == 2:
        assert "give a word" in one_line(err)
    else:
        assert "Traceback" not in err


def test_search_finds_words_whatever_the_punctuation(sample_repo, cli):
    cli("explore", sample_repo / TARGET, "--repo", sample_repo, "--offline", "--headless", "--candidates", "2")
    found = cli.json("search", '"Registry" (handlers)')["results"]
    assert found and all("egistry" in r["title"] + r["summary"] for r in found)


def test_a_target_that_starts_with_a_dash(sample_repo, cli, db_path):
    (sample_repo / "-evil.py").write_text((sample_repo / "shop/reports.py").read_text())
    from conftest import git

    git(sample_repo, "add", "--", "-evil.py")
    git(sample_repo, "commit", "-q", "-m", "a file named like an option")
    code, _, err = cli("explore", "-evil.py::ReportService", "--repo", sample_repo, "--offline", "--headless")
    assert code == 2 and "./-evil.py::ReportService" in one_line(err)
    assert sessions(db_path) == 0
    code, out, err = cli("explore", "./-evil.py::ReportService", "--repo", sample_repo, "--offline", "--headless", "--candidates", "1")
    assert code == 0, err


CONFIGS = {
    "concurrency many": ('[endpoint]\nconcurrency = "many"\n', "[endpoint] concurrency"),
    "endpoint is a number": ("endpoint = 5\n", "[endpoint]"),
    "timeout negative": ("[endpoint]\ntimeout = -1\n", "[endpoint] timeout"),
    "price as text": ('[prices."m"]\ninput = "cheap"\n', "input"),
    "prices not a table": ('prices = "free"\n', "[prices]"),
    "lenses a string": ('lenses = "x"\n', "[[lenses]]"),
    "lens without instruction": ('[[lenses]]\nname = "x"\n', "[[lenses]] instruction"),
    "weights a string": ('weights = "x"\n', "[weights]"),
    "weight inf": ("[weights]\nsimplicity = inf\n", "[weights] simplicity"),
    "explorers a number": ("[explore]\nexplorers = 3\n", "[explore] explorers"),
}


@pytest.mark.parametrize("case", sorted(CONFIGS))
def test_config_type_errors_name_the_key_and_store_nothing(sample_repo, cli, db_path, tmp_path, monkeypatch, case):
    text, expected = CONFIGS[case]
    config = tmp_path / "config.toml"
    config.write_text(text)
    monkeypatch.setenv("DIVERGENT_CONFIG", str(config))
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    for offline in ((), ("--offline",)):
        code, _, err = cli("explore", sample_repo / TARGET, "--repo", sample_repo, "--headless", *offline)
        assert code == 2 and expected in one_line(err) and str(config) in err
    assert sessions(db_path) == 0, "no session stored, none left running"


def test_a_config_path_that_is_a_directory(sample_repo, cli, db_path, tmp_path, monkeypatch):
    monkeypatch.setenv("DIVERGENT_CONFIG", str(tmp_path))
    code, _, err = cli("explore", sample_repo / TARGET, "--repo", sample_repo, "--offline", "--headless")
    assert code == 2 and "is a directory" in one_line(err)
    assert sessions(db_path) == 0
