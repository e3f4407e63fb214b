"""Near-duplicates inherit their twin's verdicts instead of paying for them."""

from __future__ import annotations

import json
import sys

import pytest
from conftest import git
from designs import SMALL, SUMMARISE

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
    code, out, err = cli(
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
    table = {int(line.split()[0]): line.split()[1] for line in out.splitlines() if line[:3].strip().isdigit()}
    for number in inherited:
        assert table[number] == f"≈{clusters[number]}"  # the summary table marks each near-duplicate


@pytest.mark.slow
def test_headless_autopilot_says_why_it_stopped_and_novelty_misses_are_shown(sample_repo, endpoint_env, cli):
    code, _, err = cli("explore", sample_repo / TARGET, "--repo", sample_repo, "--headless", "--autopilot", "--budget", "24")
    assert code == 0, err
    stopped = [line for line in err.splitlines() if line.startswith("autopilot stopped after")]
    assert len(stopped) == 1 and stopped[0].split(": ", 1)[1].strip()
    code, _, err = cli("steer", "1", "new-direction", "--count", "2", "--budget", "4")
    assert code == 0, err
    (novelty,) = [line for line in err.splitlines() if line.startswith("novelty: ")]
    assert "2" in novelty




@pytest.mark.slow
def test_a_cluster_is_judged_once_though_its_representative_moves_and_near_duplicates_inherit(sample_repo, endpoint_env, cli, db_path, tmp_path):
    code, _, err = cli("explore", sample_repo / TARGET, "--repo", sample_repo, "--headless", "--candidates", "1", "--budget", "40")
    assert code == 0, err
    today = (sample_repo / "shop/reports.py").read_text()
    # three designs of one cluster: the second is most like the other two, so it becomes the
    # representative once the third joins, after the first was judged as the representative
    added = []
    for name, extra in (("a", SUMMARISE), ("b", SUMMARISE + SMALL.format("b")), ("c", SUMMARISE + SMALL.format("b") + SMALL.format("c"))):
        (tmp_path / name / "shop").mkdir(parents=True)
        (tmp_path / name / "shop/reports.py").write_text(today.rstrip() + "\n" + extra)
        asked = len(endpoint_env.requests)
        code, out, err = cli("steer", "1", "add-design", tmp_path / name, "--json")
        assert code == 0, err
        added.append((max(c["id"] for c in json.loads(out)["candidates"]), len(endpoint_env.requests) - asked, err))
    (a, asked_a, _), (b, asked_b, err_b), (c, asked_c, err_c) = added
    with Store(db_path) as store:
        (cluster,) = [cl for cl in store.clusters(1) if a in cl.members]
        found = store.assessments(1)
    assert set(cluster.members) == {a, b, c} and cluster.medoid == b  # the representative moved to b
    assert asked_a > 0 and asked_b == asked_c == 0  # the model critics judged the cluster once, on a
    for number in (b, c):
        judged = [x for x in found[number] if x.critic in ("judge", "speculative")]
        assert judged and all(x.raw["inherited_from"] == a for x in judged)
    assert f"near-duplicate: #{b} is" in err_b and f"near-duplicate: #{c} is" in err_c
