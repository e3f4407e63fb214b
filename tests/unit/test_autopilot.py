"""The autopilot's policy and stop rule, alone and on the simulated design space of bench/."""

from __future__ import annotations

import asyncio
import random
from pathlib import Path
from statistics import mean

import pytest

from divergent.engine.autopilot import Observation, Policy, first_wave_size, tune

import simulated_space as sim  # bench/ is on pytest's pythonpath


def test_every_arm_is_tried_once_then_the_best_rate_wins_without_exploration():
    policy = Policy(exploration=0.0)
    order = []
    for arm in ["new_direction", "expand", "refine"]:
        assert policy.choose(["new_direction", "expand", "refine"]) == arm
        order.append(arm)
        gain = 0.1 if arm == "refine" else 0.0
        policy.update(arm, Observation(len(order) - 1, 0.5, 3, 1), Observation(len(order), 0.5 + gain, 3, 1))
    assert policy.choose(["new_direction", "expand", "refine"]) == "refine"


def test_exploration_returns_to_an_arm_pulled_rarely():
    policy = Policy(exploration=1.0)
    policy.arms["refine"].pulls, policy.arms["refine"].requests, policy.arms["refine"].reward = 40, 40, 0.4
    policy.arms["expand"].pulls, policy.arms["expand"].requests, policy.arms["expand"].reward = 1, 1, 0.005
    assert policy.choose(["refine", "expand"]) == "expand"
    policy.exploration = 0.0
    assert policy.choose(["refine", "expand"]) == "refine"


def test_reward_counts_gain_front_and_new_clusters():
    policy = Policy(novelty_bonus=0.02, front_bonus=0.005)
    assert policy.reward(Observation(0, 0.5, 3, 2), Observation(2, 0.55, 5, 3)) == pytest.approx(0.05 + 0.005 + 2 * 0.02)
    assert policy.reward(Observation(0, 0.5, 3, 2), Observation(2, 0.45, 3, 1)) == 0.0


def test_stop_rule_needs_both_curves_flat_over_the_window():
    flat = Policy(window=10)
    flat.history = [Observation(r, 0.70, 8, 3) for r in range(0, 25)]
    assert flat.flattened()
    discovering = Policy(window=10)
    discovering.history = [Observation(r, 0.70, 8 + r // 2, 3) for r in range(0, 25)]
    assert not discovering.flattened()
    improving = Policy(window=10)
    improving.history = [Observation(r, 0.50 + r * 0.01, 8, 3) for r in range(0, 25)]
    assert not improving.flattened()
    early = Policy(window=10)
    early.history = [Observation(r, 0.70, 8, 3) for r in range(0, 8)]
    assert not early.flattened()


def test_first_wave_grows_with_the_target_within_bounds():
    assert first_wave_size(sloc=10, cyclomatic=2, budget=None) == 8
    assert first_wave_size(sloc=200, cyclomatic=40, budget=None) == 8 + 8 + 8
    assert first_wave_size(sloc=5000, cyclomatic=900, budget=None) == 32
    assert first_wave_size(sloc=200, cyclomatic=40, budget=20) == 8  # 40 % of the budget


def test_flat_first_waves_make_the_policy_explore_more():
    assert tune(Policy(), [0.5, 0.51, 0.5, 0.49]).exploration > tune(Policy(), [0.2, 0.5, 0.8, 0.4]).exploration


def test_on_the_simulated_space_the_policy_beats_uniform_sampling():
    wins, gaps = 0, []
    for seed in range(12):
        uniform = sim.uniform(sim.Space(random.Random(seed)), 60)
        guided, _ = sim.autopilot(sim.Space(random.Random(seed)), 60)
        wins += guided[-1] >= uniform[-1]
        gaps.append(guided[-1] - uniform[-1])
    assert wins >= 9 and mean(gaps) > 0.05


def test_the_stop_rule_fires_on_the_simulated_space_before_the_budget():
    stops = [sim.autopilot(sim.Space(random.Random(seed)), 200)[1] for seed in range(8)]
    assert all(s is not None and s < 200 for s in stops)


def test_autopilot_on_a_live_session_stays_in_budget_and_says_why_it_stopped(sample_repo, db_path, fake_server):
    from divergent.context.problem import frame
    from divergent.engine.options import FIRST_WAVE, MODEL_CRITICS, STATIC_CRITICS, Options
    from divergent.engine.session import Session
    from divergent.llm.budget import Budget
    from divergent.llm.config import Endpoint
    from divergent.storage.store import Store

    problem = frame("shop/reports.py::ReportService", str(sample_repo), Path.cwd())
    store = Store(db_path)
    options = Options(
        explorers=list(FIRST_WAVE), critics=list(STATIC_CRITICS) + list(MODEL_CRITICS), offline=False,
        endpoint=Endpoint(base_url=fake_server.base_url, api_key="sk", model="m", timeout=5), budget=Budget(max_requests=40),
    )
    events = []

    async def go():
        s = await Session.create(store, problem, options, events.append)
        reason = await s.autopilot()
        await s.close()
        return s, reason

    s, reason = asyncio.run(go())
    assert fake_server.count <= 40
    steps = [e for e in events if e.kind == "autopilot_step"]
    plan = next(e for e in events if e.kind == "autopilot_plan")
    assert 8 <= plan.data["first_wave"] <= 16  # 40 % of the budget at most
    assert steps and {e.data["arm"] for e in steps} <= {"new_direction", "expand", "refine", "combine"}
    stopped = list(store.db.query("select data from events where kind = 'autopilot_stopped'"))
    assert len(stopped) == 1 and reason in stopped[0]["data"]


def test_the_autopilot_learns_which_cluster_pays_instead_of_taking_them_in_turn():
    policy = Policy(exploration=0.2)
    ranked = [3, 1, 2]
    for cluster in ranked:  # each is tried once, best-ranked first
        assert policy.choose_cluster(ranked) == cluster
        gain = 0.1 if cluster == 1 else 0.0
        policy.update_cluster(cluster, Observation(10, 0.6, 4, 2), Observation(11, 0.6 + gain, 4, 2))
    # expanding 1 paid and the others did not: 1 again, twice, where turns would go 3 then 1
    assert [policy.choose_cluster(ranked) for _ in range(2)] == [1, 1]
