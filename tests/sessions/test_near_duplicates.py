"""Near-duplicates inherit their twin's verdicts instead of paying for them."""

from __future__ import annotations

import sys

import pytest
from conftest import git

from divergent.storage.store import Store

TARGET = "shop/reports.py::ReportService"

COUNT_RUNS = '''
import os
with open(os.environ["RUNS_FILE"], "a") as runs:
    runs.write(open("shop/reports.py").read().count("def ") .__str__() + "\\n")
'''


@pytest.mark.slow
def test_near_duplicates_inherit_their_twin_s_verdict_instead_of_running(sample_repo, endpoint_env, cli, db_path, tmp_path, monkeypatch):
    (sample_repo / "count_runs.py").write_text(COUNT_RUNS)
    git(sample_repo, "add", "count_runs.py")
    git(sample_repo, "commit", "-q", "-m", "a test command that counts its runs")
    runs = tmp_path / "runs.txt"
    monkeypatch.setenv("RUNS_FILE", str(runs))
    code, _, err = cli(
        "explore", sample_repo / TARGET, "--repo", sample_repo, "--headless", "--candidates", "12",
        "--verify-tests", f"{sys.executable} count_runs.py", "--verify-jobs", "2",
    )
    assert code == 0, err
    with Store(db_path) as store:
        candidates = store.candidates(1)
        verdicts = {c.id: [a for a in store.assessments(1, c.id)[c.id] if a.critic == "verify"] for c in candidates}
        inherited = {n: found[0].raw["inherited_from"] for n, found in verdicts.items() if found and found[0].raw.get("inherited_from") is not None}
        clusters = {m: cl.id for cl in store.clusters(1) for m in cl.members}
    ran = runs.read_text().splitlines()
    assert inherited, "the fake server's structural twins should have been caught"
    assert len(ran) == len(candidates) - len(inherited)  # each inherited verdict is a run not paid for
    for number, twin in inherited.items():
        assert clusters[number] == clusters[twin]  # the twin it inherited from is in its cluster
        assert "near-duplicate" in verdicts[number][0].evidence
        assert verdicts[twin][0].raw.get("inherited_from") is None
    assert err.count("near-duplicate, not run") == len(inherited)
