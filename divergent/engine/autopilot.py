"""The autopilot's policy: where the next request goes, and when to stop.

The policy is pure and deterministic given its observations, so the same policy
drives a real session (``drive``, below) and the simulated design space in bench/. Arms are families of actions
(a new direction, expanding a strong cluster, refining the best candidate,
combining the front); each is scored by UCB1 on its reward per request: the gain
in the best overall score, a bonus for a larger Pareto front, and a novelty bonus
for every new cluster. It stops when, over the last ``window`` requests, both the
discovery rate (new clusters per request) and the best score's gain flatten below
their thresholds, or when the budget is spent.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from divergent.context.metrics import totals, unit_metrics
from divergent.engine.events import AutopilotPlanned, AutopilotStepped, AutopilotStopped
from divergent.engine.steering import COMMANDS, Arguments, Unavailable
from divergent.model import Candidate, Fidelity

if TYPE_CHECKING:
    from divergent.engine.session import Session

ARMS = ("new_direction", "expand", "refine", "combine", "materialize")
SKETCH_SLOC = 300  # a target this large gets a first wave of API sketches: a full wave would cost far more
EXPAND_AMONG = 3  # expand learns which of the clusters of the best designs pays, among this many


@dataclass(frozen=True)
class Observation:
    requests: int  # spent so far in the session
    best: float  # best overall score of a valid candidate
    clusters: int
    front: int  # candidates on the Pareto front


@dataclass
class Arm:
    pulls: int = 0
    requests: int = 0
    reward: float = 0.0

    @property
    def rate(self) -> float:
        return self.reward / self.requests if self.requests else 0.0


@dataclass
class Policy:
    exploration: float = 1.0  # UCB's c (rates are scaled by the best arm's): raised when scores are flat
    novelty_bonus: float = 0.02  # reward per new cluster, in units of overall score
    front_bonus: float = 0.005  # reward per candidate added to the Pareto front
    window: int = 12  # requests over which the stop rule looks back
    min_gain: float = 0.005  # best-score gain over the window below which it has flattened
    min_discovery: float = 0.1  # new clusters per request below which discovery has flattened
    arms: dict[str, Arm] = field(default_factory=lambda: {name: Arm() for name in ARMS})
    clusters: dict[int, Arm] = field(default_factory=dict)  # what expanding each cluster paid, per request
    history: list[Observation] = field(default_factory=list)

    def choose(self, available: list[str]) -> str:
        """The arm to pull next: each available arm once, then the highest upper confidence bound."""
        return self._ucb(self.arms, available)

    def choose_cluster(self, ranked: list[int]) -> int:
        """The cluster to expand: each of ``ranked`` (best first) once, then the highest UCB on its own payoff."""
        return self._ucb(self.clusters, ranked)

    def _ucb(self, arms: dict, available: list):
        """UCB1 on reward per request; rates are scaled by the best one's, ties go to the earlier in ``available``."""
        for name in available:
            if name not in arms or arms[name].pulls == 0:
                return name
        total = sum(arms[n].pulls for n in available)
        scale = max((arms[n].rate for n in available), default=0.0) or self.novelty_bonus

        def bound(name) -> float:
            arm = arms[name]
            return arm.rate + self.exploration * scale * math.sqrt(2 * math.log(total) / arm.pulls)

        return max(available, key=lambda n: (bound(n), -available.index(n)))

    def reward(self, before: Observation, after: Observation) -> float:
        return (
            max(0.0, after.best - before.best)
            + self.front_bonus * max(0, after.front - before.front)
            + self.novelty_bonus * max(0, after.clusters - before.clusters)
        )

    def update(self, name: str, before: Observation, after: Observation) -> None:
        self._credit(self.arms[name], before, after)
        self.history.append(after)

    def update_cluster(self, cluster: int, before: Observation, after: Observation) -> None:
        self._credit(self.clusters.setdefault(cluster, Arm()), before, after)

    def _credit(self, arm: Arm, before: Observation, after: Observation) -> None:
        arm.pulls += 1
        arm.requests += max(1, after.requests - before.requests)
        arm.reward += self.reward(before, after)

    def flattened(self) -> bool:
        """Both the discovery curve and the best score stopped rising over the last window."""
        if not self.history or self.history[-1].requests < self.window:
            return False
        last = self.history[-1]
        earlier = [o for o in self.history if o.requests <= last.requests - self.window]
        if not earlier:
            return False
        start = earlier[-1]
        spent = max(1, last.requests - start.requests)
        discovery = (last.clusters - start.clusters) / spent
        return discovery < self.min_discovery and last.best - start.best < self.min_gain


def first_wave_size(sloc: int, cyclomatic: int, budget: int | None) -> int:
    """Bigger, more tangled targets get a bigger first wave, within 8..32 and 40 % of the budget."""
    size = 8 + sloc // 25 + cyclomatic // 5
    size = max(8, min(32, size))
    if budget is not None:
        size = max(1, min(size, int(budget * 0.4)))
    return size


def tune(policy: Policy, first_wave_scores: list[float]) -> Policy:
    """Flat first-wave scores mean the space is hard to read: explore more before exploiting."""
    if len(first_wave_scores) >= 2:
        mean = sum(first_wave_scores) / len(first_wave_scores)
        spread = math.sqrt(sum((s - mean) ** 2 for s in first_wave_scores) / len(first_wave_scores))
        policy.exploration = 1.4 if spread < 0.03 else 1.0 if spread < 0.1 else 0.7
    return policy


# driving a real session ----------------------------------------------------------------


def observe(session: Session) -> Observation:
    valid = [session.overall.get(c.id, 0.0) for c in session.candidates if c.valid and not c.baseline]
    return Observation(session.spent(), max(valid, default=0.0), len(session.clusters), len(session.front))


def arms(session: Session) -> list[str]:
    """The arms this session can pull now: combining needs two clusters of designs,
    materializing a sketch not implemented yet."""
    designs = [c for c in session.candidates if c.valid and not c.baseline]
    out = ["new_direction"]
    if designs:
        out += ["expand", "refine"]
    if len({c.cluster for c in designs}) >= 2:
        out.append("combine")
    if sketches(session):  # first: a sketch's figures are partial until it is implemented
        out.insert(0, "materialize")
    return out


def sketches(session: Session) -> list[Candidate]:
    """Valid sketches no design materialized yet, best first."""
    done = {p for c in session.candidates if c.explorer == "materialize" for p in c.parents}
    return [c for c in ranked(session) if c.fidelity is Fidelity.SKETCH and c.id not in done]


def ranked(session: Session) -> list[Candidate]:
    overall = session.overall
    return sorted((c for c in session.candidates if c.valid and not c.baseline), key=lambda c: -overall.get(c.id, 0.0))


def arguments(session: Session, arm: str, policy: Policy) -> Arguments:
    """What the arm's steering command is given: the best candidate, the cluster the policy
    learnt pays (among those of the best designs), the front's two best."""
    best = ranked(session)
    if arm == "refine":
        return {"candidate": best[0].id}
    if arm == "expand":
        tops: list[int] = []
        for c in best:
            if c.cluster not in tops:
                tops.append(c.cluster)
        return {"cluster": policy.choose_cluster(tops[:EXPAND_AMONG]), "count": 1}
    if arm == "materialize":
        return {"candidate": sketches(session)[0].id}
    if arm == "combine":
        second = next(c for c in best if c.cluster != best[0].cluster)
        return {"candidates": [best[0].id, second.id]}
    return {"count": 1}


async def drive(session: Session, budget: int | None = None) -> str:
    """Spend up to ``budget`` more requests where they pay; returns why it stopped."""
    session.need_model("the autopilot")
    start = session.spent()
    session.store.add_event(session.id, "autopilot_started", {"budget": budget})  # its choices are no engineer's picks

    def left() -> int | None:
        limits = [session.options.budget.requests_left]
        if budget is not None:
            limits.append(budget - (session.spent() - start))
        known = [x for x in limits if x is not None]
        return min(known) if known else None

    if not any(not c.baseline for c in session.candidates):
        figures = totals(unit_metrics(session.problem.source, session.problem.target.path))
        size = first_wave_size(int(figures["sloc"]), int(figures["cyclomatic_total"]), left())
        sketch = session.options.sketch or figures["sloc"] >= SKETCH_SLOC
        session.emit(AutopilotPlanned(session.id, size, sketch))
        await session.first_wave(size, sketch=sketch)
    policy = tune(Policy(), [session.overall.get(c.id, 0.0) for c in session.candidates if not c.baseline])
    policy.history.append(observe(session))
    reason, step, idle = "the budget is spent", 0, 0
    while True:
        remaining = left()
        if remaining is not None and remaining <= 0:
            break
        arm = policy.choose(arms(session))
        before = observe(session)
        given = arguments(session, arm, policy)
        try:
            await COMMANDS[arm].run(session, given)
        except Unavailable as why:
            reason = str(why)
            break
        step += 1
        after = observe(session)
        policy.update(arm, before, after)
        if arm == "expand":
            policy.update_cluster(given["cluster"], before, after)
        idle = idle + 1 if after.requests == before.requests else 0
        if idle >= 3:
            reason = "requests no longer produce new designs"
            break
        session.emit(AutopilotStepped(session.id, arm, after.requests, after.best, after.clusters))
        if policy.flattened():
            reason = f"discovery and the best score flattened over the last {policy.window} requests"
            break
    session.store.add_event(session.id, "autopilot_stopped", {"reason": reason, "steps": step, "requests": session.spent() - start})
    session.emit(AutopilotStopped(session.id, reason, step))
    return reason
