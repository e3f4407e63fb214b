"""Sketches that pay: a first wave of API sketches, scored by the critics that read an API, then materialized."""

from __future__ import annotations

import json

import pytest

TARGET = "shop/reports.py::ReportService"


@pytest.mark.slow
def test_a_sketch_wave_is_scored_by_api_critics_and_materializes_in_full(sample_repo, endpoint_env, cli):
    code, out, err = cli("explore", sample_repo / TARGET, "--repo", sample_repo, "--headless", "--candidates", "3", "--sketch", "--json")
    assert code == 0, err
    assert "sketches save" in err  # the estimate says what asking for sketches saves
    asked = [r["body"] for r in endpoint_env.requests if r["path"].endswith("/chat/completions")]
    designs = [b for b in asked if "SKETCH" in "".join(m["content"] for m in b["messages"])]
    assert len(designs) == 3  # every design request asked for a sketch
    document = json.loads(out)
    numbers = [c["id"] for c in document["candidates"] if not c["baseline"]]
    shown = [cli.json("show", "1", str(n)) for n in numbers]
    assert [c["fidelity"] for c in shown] == ["sketch"] * 3
    for c in shown:
        critics = {a["critic"] for a in c["assessments"]}
        assert "simplicity" not in critics and "speculative" not in critics  # they measure bodies
        assert {"extensibility", "validity"} <= critics

    document = cli.json("steer", "1", "materialize", str(numbers[0]))
    (full,) = [c for c in document["candidates"] if c["explorer"] == "materialize"]
    made = cli.json("show", "1", str(full["id"]))
    assert made["fidelity"] == "full" and made["parents"] == [numbers[0]]
    assert "simplicity" in {a["critic"] for a in made["assessments"]}


def test_sketch_needs_a_model(sample_repo, cli, db_path):
    code, _, err = cli("explore", sample_repo / TARGET, "--repo", sample_repo, "--headless", "--offline", "--sketch")
    assert code == 2 and "--sketch" in err and len(err.strip().splitlines()) == 1
    assert not db_path.exists()


@pytest.mark.slow
def test_the_autopilot_materializes_the_sketches_it_asked_for(sample_repo, endpoint_env, cli):
    code, out, err = cli("explore", sample_repo / TARGET, "--repo", sample_repo, "--headless", "--autopilot", "--sketch", "--budget", "30", "--json")
    assert code == 0, err
    assert "API sketches for this target" in err
    document = json.loads(out)
    made = {c["id"]: cli.json("show", "1", str(c["id"])) for c in document["candidates"] if not c["baseline"]}
    materialized = [c for c in made.values() if c["explorer"] == "materialize"]
    assert materialized, err  # the autopilot pulled the materialize arm
    for full in materialized:
        assert full["fidelity"] == "full" and made[full["parents"][0]]["fidelity"] == "sketch"
