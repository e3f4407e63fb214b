"""Aggregation in a whole run: weights, the Pareto front, model critics on representatives,
and verification in a worktree."""

from __future__ import annotations

import json
import re
import sys

import pytest

from conftest import git

TARGET = "shop/reports.py::ReportService"


def offline(cli, repo, *extra):
    return cli.json("explore", repo / TARGET, "--repo", repo, "--offline", "--headless", *extra)


def test_pareto_front_is_marked_and_undominated(sample_repo, cli):
    doc = offline(cli, sample_repo)
    by_id = {c["id"]: c for c in doc["candidates"]}
    front = [c for c in doc["candidates"] if c["pareto"]]
    assert front and not by_id[0]["pareto"]
    dims = ("simplicity", "extensibility")
    for c in front:
        for other in doc["candidates"]:
            if other["id"] not in (c["id"], 0) and other["valid"]:
                assert not all(other["scores"][d] >= c["scores"][d] for d in dims) or all(
                    other["scores"][d] == c["scores"][d] for d in dims
                ), (c["title"], other["title"])
    best_extensible = max((c for c in doc["candidates"] if c["valid"]), key=lambda c: c["scores"]["extensibility"])
    assert best_extensible["pareto"]


def test_weights_reorder_the_ranking(sample_repo, cli):
    only_simple = offline(cli, sample_repo, "--weights", "simplicity=1,extensibility=0")
    top = max(only_simple["candidates"], key=lambda c: c["scores"]["overall"])
    assert top["scores"]["overall"] == max(c["scores"]["simplicity"] for c in only_simple["candidates"])
    only_extensible = offline(cli, sample_repo, "--weights", "simplicity=0,extensibility=1")
    top = max(only_extensible["candidates"], key=lambda c: c["scores"]["overall"])
    assert top["scores"]["overall"] == max(c["scores"]["extensibility"] for c in only_extensible["candidates"])


def test_bad_weights_are_one_line_exit_2(sample_repo, cli, db_path):
    code, _, err = cli("explore", sample_repo / TARGET, "--repo", sample_repo, "--offline", "--headless", "--weights", "simplicity")
    assert code == 2 and "bad weight 'simplicity'" in err and err.count("\n") == 1
    assert not db_path.exists()


def test_model_critics_score_representatives_and_members_inherit(sample_repo, cli, endpoint_env):
    code, out, err = cli(
        "explore", sample_repo / TARGET, "--repo", sample_repo, "--headless", "--json",
        "--candidates", "8", "--budget", "60", "--scenario", "add a YAML output format",
    )
    assert code == 0, err
    doc = json.loads(out)
    clusters = {c["id"]: c for c in doc["clusters"]}
    judge_calls = [r for r in endpoint_env.requests if "verdict" in json.dumps(r["body"].get("response_format", ""))]
    valid_medoids = [c["medoid"] for c in clusters.values() if c["medoid"] != 0]
    assert len(judge_calls) == 2 * len(valid_medoids)  # both orders, once each
    for cluster in clusters.values():
        for member in cluster["members"]:
            shown = cli.json("show", doc["session"], member)
            judged = [a for a in shown["assessments"] if a["dimension"] == "judge"]
            assert len(judged) == 1
            if member != cluster["medoid"] and member != 0:
                assert judged[0]["evidence"].startswith(f"as #{cluster['medoid']}, its cluster's representative")
            specs = [a for a in shown["assessments"] if a["critic"] == "speculative"]
            assert len(specs) == 1 and "add a YAML output format" in specs[0]["evidence"]
    assert re.search(r"model critics: speculative, judge on \d+ representatives \(\d+ requests\)", err)


@pytest.mark.slow
def test_verify_runs_the_repos_tests_and_fails_a_broken_design(sample_repo, cli, endpoint_env):
    today = (sample_repo / "shop/reports.py").read_text()
    broken = today.replace('"customer,sku,quantity,total"', '"CUSTOMER"')
    reply = json.dumps({"title": "Loud header", "summary": "", "rationale": "", "files": [{"path": "shop/reports.py", "content": broken}]})
    endpoint_env.responder = lambda body: reply if "Direction" in json.dumps(body) else "{}"
    command = f"{sys.executable} -m pytest -q -p no:cacheprovider"
    code, out, err = cli(
        "explore", sample_repo / TARGET, "--repo", sample_repo, "--headless", "--json", "--candidates", "1",
        "--verify-tests", command,
    )
    assert code == 0, err
    doc = json.loads(out)
    shown = cli.json("show", doc["session"], 1)
    assert not shown["valid"] and "tests fail" in shown["invalid_reason"]
    assert git(sample_repo, "status", "--porcelain") == ""  # the engineer's tree is untouched
    assert git(sample_repo, "worktree", "list").count("\n") == 1  # the temporary worktree is gone
    baseline = cli.json("show", doc["session"], 0)
    assert any(a["critic"] == "verify" and a["score"] == 1.0 for a in baseline["assessments"])
