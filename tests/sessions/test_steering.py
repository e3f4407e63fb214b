"""Steering commands on a live session against the fake server; and offline, what they say."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from divergent.context.problem import frame
from divergent.engine.options import FIRST_WAVE, MODEL_CRITICS, STATIC_CRITICS, Options
from divergent.engine.session import Session
from divergent.engine.steering import Unavailable
from divergent.llm.budget import Budget
from divergent.llm.config import Endpoint
from divergent.storage.store import Store

TARGET = "shop/reports.py::ReportService"


def options(server=None, budget=80, **kw) -> Options:
    if server is None:
        return Options(count=4, **kw)
    return Options(
        explorers=list(FIRST_WAVE),
        critics=list(STATIC_CRITICS) + list(MODEL_CRITICS),
        count=4,
        offline=False,
        endpoint=Endpoint(base_url=server.base_url, api_key="sk", model="m", timeout=5),
        budget=Budget(max_requests=budget),
        **kw,
    )


def events_kinds(events):
    return [e.kind for e in events]


def run(coro):
    return asyncio.run(coro)


def test_every_steering_command_records_an_event_with_its_cost(sample_repo, db_path, fake_server):
    problem = frame(TARGET, str(sample_repo), Path.cwd())
    store = Store(db_path)
    events = []

    async def go():
        s = await Session.create(store, problem, options(fake_server), events.append)
        await s.first_wave()
        first = next(c for c in s.candidates if not c.baseline)
        second = next(c for c in s.candidates if not c.baseline and c.id != first.id)
        medoid = s.cluster(first.cluster).medoid
        expanded = await s.expand(first.cluster, count=2)
        refined = await s.refine(first.id)
        combined = await s.combine(first.id, second.id)
        novel = await s.new_direction(count=2)
        s.options.count = 1
        s.mark(first.id, 1)
        s.rescore({"judge": 0})
        await s.add_scenario("add a YAML output format")
        await s.close()
        return s, first, second, medoid, expanded, refined, combined, novel

    s, first, second, medoid, expanded, refined, combined, novel = run(go())
    assert len(expanded) == 2 and all(c.parents == [medoid] and c.explorer == "expand" for c in expanded)
    assert refined[0].parents == [first.id] and combined[0].parents == [first.id, second.id]
    assert {c.explorer for c in novel} == {"novelty"}
    rows = list(store.db.query("select kind, requests, data from events where session_id = ? and kind != 'action_started' order by id", [s.id]))
    kinds = [r["kind"] for r in rows]
    assert kinds == ["first_wave", "expand", "refine", "combine", "new_direction", "mark", "rescore", "add_scenario"]
    costs = {r["kind"]: r["requests"] for r in rows}
    assert costs["expand"] >= 2 and costs["refine"] >= 1 and costs["combine"] >= 1 and costs["mark"] == 0
    total = store.db.execute("select count(*) from llm_calls where session_id = ?", [s.id]).fetchone()[0]
    assert sum(r["requests"] for r in rows) <= total  # add_scenario's critic calls are not in an explorer action
    assert store.marks(s.id) == {first.id: 1}
    assert "novelty" in events_kinds(events)
    scenario_scores = store.assessments(s.id, first.id)[first.id]
    assert any(a.critic == "change_cost" and "add a YAML output format" in a.evidence for a in scenario_scores)


def test_model_commands_say_why_they_are_unavailable_offline(sample_repo, db_path):
    problem = frame(TARGET, str(sample_repo), Path.cwd())
    store = Store(db_path)

    async def go():
        s = await Session.create(store, problem, options(), lambda e: None)
        await s.first_wave()
        one = s.candidates[1]
        for command in (s.expand(one.cluster), s.refine(one.id), s.combine(1, 2), s.new_direction(), s.materialize(one.id)):
            with pytest.raises(Unavailable, match="needs a model endpoint: this session runs offline"):
                await command
        s.mark(one.id, -1)
        front = s.rescore({"simplicity": 3})
        await s.close()
        return s, front

    s, front = run(go())
    assert front and store.marks(s.id) == {s.candidates[1].id: -1}


def test_a_spent_budget_makes_model_commands_unavailable(sample_repo, db_path, fake_server):
    problem = frame(TARGET, str(sample_repo), Path.cwd())
    store = Store(db_path)

    async def go():
        s = await Session.create(store, problem, options(fake_server, budget=3), lambda e: None)
        await s.first_wave()
        with pytest.raises(Unavailable, match="budget of 3 is spent"):
            await s.expand(s.candidates[1].cluster)
        await s.close()

    run(go())
    assert fake_server.count == 3


def test_open_continues_a_saved_session_with_its_budget(sample_repo, db_path, fake_server):
    problem = frame(TARGET, str(sample_repo), Path.cwd())
    store = Store(db_path)

    async def first():
        s = await Session.create(store, problem, options(fake_server, budget=40), lambda e: None)
        await s.first_wave()
        await s.close()
        return s.id, len(s.candidates), fake_server.count

    session, made, spent = run(first())

    async def again():
        s = Session.open(store, session, options(fake_server, budget=spent + 2), lambda e: None)
        assert len(s.candidates) == made and s.options.budget.requests_left == 2
        await s.new_direction(count=5)
        await s.close()
        return s

    run(again())
    assert fake_server.count == spent + 2
    assert len(store.candidates(session)) <= made + 2
    assert json.loads(next(store.db.query("select data from events where kind = 'new_direction'"))["data"])["count"] == 5


def test_steer_from_the_command_line(sample_repo, cli, endpoint_env):
    doc = cli.json("explore", sample_repo / TARGET, "--repo", sample_repo, "--headless", "--candidates", "4", "--budget", "30")
    session, first = doc["session"], doc["candidates"][1]
    before = endpoint_env.count
    grown = cli.json("steer", session, "expand", first["cluster"], "--count", "2", "--budget", "10")
    assert len(grown["candidates"]) >= len(doc["candidates"]) + 1
    assert endpoint_env.count - before <= 10
    code, _, err = cli("steer", session, "mark", first["id"], "sideways")
    assert code == 2 and "up|down|clear" in err
    code, _, err = cli("steer", session, "fly")
    assert code == 2 and "no steering action 'fly'" in err
    marked = cli.json("steer", session, "mark", first["id"], "up")
    assert marked["session"] == session
    rescored = cli.json("steer", session, "rescore", "simplicity=1,extensibility=0,change_cost=0,judge=0")
    top = max(rescored["candidates"], key=lambda c: c["scores"]["overall"])
    assert top["scores"]["overall"] == max(c["scores"]["simplicity"] for c in rescored["candidates"] if c["valid"])


def test_steer_offline_says_why_model_actions_are_unavailable(sample_repo, cli):
    doc = cli.json("explore", sample_repo / TARGET, "--repo", sample_repo, "--offline", "--headless", "--candidates", "3")
    code, out, err = cli("steer", doc["session"], "refine", "1")
    assert code == 2 and out == "" and "needs a model endpoint" in err and err.count("\n") == 1
