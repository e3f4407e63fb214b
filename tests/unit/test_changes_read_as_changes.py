"""Critics and clustering read a changed file against its version at the commit: only the
files a candidate adds are new, and a deleted file takes its code away."""

from __future__ import annotations

import asyncio
from pathlib import Path

from divergent.context.problem import frame
from divergent.critics.base import changed_sources
from divergent.critics.simplicity import Simplicity
from divergent.engine.clustering import Clusterer
from divergent.model import Candidate

TARGET = "shop/reports.py::ReportService"


def assess(candidate, problem):
    return asyncio.run(Simplicity().assess(candidate, problem))[0]


def test_a_comment_added_to_a_caller_costs_nothing(sample_repo):
    problem = frame(TARGET, str(sample_repo), Path.cwd())
    assert "shop/cli.py" not in problem.files  # the caller is read from the commit, not carried
    cli = (sample_repo / "shop/cli.py").read_text()
    commented = cli.replace("def main(argv=None):", "def main(argv=None):  # the entry point")
    candidate = Candidate("comment", {"shop/cli.py": commented})
    [(path, old, new)] = changed_sources(candidate, problem)
    assert (path, old, new) == ("shop/cli.py", cli, commented)
    found = assess(candidate, problem)
    assert found.score == 0.5 and found.raw["before"] == found.raw["after"]
    clusterer = Clusterer(problem.files, read=lambda p: (sample_repo / p).read_text())
    assert clusterer.features(candidate)[0] == ""  # no unit added or removed


def test_a_new_file_counts_whole_and_a_deleted_one_takes_its_code_away(sample_repo):
    problem = frame(TARGET, str(sample_repo), Path.cwd())
    helper = "def shout(text):\n    if text:\n        return text.upper()\n    return ''\n"
    added = assess(Candidate("add", {"shop/shout.py": helper}), problem)
    assert added.raw["before"]["sloc"] == 0 and added.raw["after"]["sloc"] == 4 and added.score < 0.5
    removed = assess(Candidate("drop", {}, deleted=["shop/cli.py"]), problem)
    assert removed.raw["after"]["sloc"] == 0 < removed.raw["before"]["sloc"] and removed.score > 0.5
    clusterer = Clusterer(problem.files, read=lambda p: (sample_repo / p).read_text())
    assert clusterer.features(Candidate("drop", {}, deleted=["shop/cli.py"]))[0].startswith("-")
