"""Choosing explorers and critics: flags, the config file, and a reopened session keeping its choice."""

from __future__ import annotations

import pytest

TARGET = "shop/reports.py::ReportService"


def explore(cli, repo, *extra):
    return cli("explore", repo / TARGET, "--repo", repo, "--headless", *extra)


def dimensions(document) -> set[str]:
    return {d for c in document["candidates"] for d in c["scores"]} - {"overall"}


def test_critics_flag_scores_with_those_critics_only(sample_repo, cli):
    document = cli.json("explore", sample_repo / TARGET, "--repo", sample_repo, "--headless", "--offline", "--critics", "simplicity,validity")
    assert dimensions(document) == {"simplicity", "validity"}


def test_the_config_file_chooses_and_the_flag_wins(sample_repo, cli, tmp_path):
    config = tmp_path / "xdg-config" / "divergent" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text('[explore]\ncritics = ["extensibility", "validity"]\n')
    document = cli.json("explore", sample_repo / TARGET, "--repo", sample_repo, "--headless", "--offline")
    assert dimensions(document) == {"extensibility", "validity"}
    document = cli.json("explore", sample_repo / TARGET, "--repo", sample_repo, "--headless", "--offline", "--critics", "simplicity")
    assert dimensions(document) == {"simplicity"}


@pytest.mark.parametrize(
    "flags, words",
    [
        (["--offline", "--explorers", "lenses"], "needs a model"),
        (["--offline", "--critics", "simplicity,judge"], "needs a model"),
        (["--offline", "--critics", "nosuch"], "no critic named 'nosuch'"),
        (["--offline", "--explorers", ","], "names no plugin"),
        (["--offline", "--critics", "verify"], "--verify-tests"),
    ],
)
def test_bad_choices_are_one_line_exit_2_and_write_nothing(sample_repo, cli, db_path, flags, words):
    code, out, err = explore(cli, sample_repo, *flags)
    assert code == 2 and len(err.strip().splitlines()) == 1 and words in err
    assert not db_path.exists()


def test_a_reopened_session_scores_with_the_critics_it_was_started_with(sample_repo, endpoint_env, cli):
    code, _, err = explore(cli, sample_repo, "--candidates", "3", "--explorers", "lenses", "--critics", "simplicity,validity,judge")
    assert code == 0, err
    first = cli.json("show", "1")
    assert {c["explorer"] for c in first["candidates"]} == {"baseline", "lenses"}
    document = cli.json("steer", "1", "new-direction")
    novel = [c for c in document["candidates"] if c["explorer"] == "novelty"]
    assert novel and all("extensibility" not in c["scores"] and "simplicity" in c["scores"] for c in novel)

