"""The autopilot's policy: where the next request goes, and when to stop.

Pure and deterministic given its observations, so the same policy drives a real
session and the simulated design space in bench/. Arms are families of actions
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

ARMS = ("new_direction", "expand", "refine", "combine")


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
    history: list[Observation] = field(default_factory=list)

    def choose(self, available: list[str]) -> str:
        """The arm to pull next: each available arm once, then the highest upper confidence bound."""
        for name in available:
            if self.arms[name].pulls == 0:
                return name
        total = sum(self.arms[n].pulls for n in available)
        scale = max((self.arms[n].rate for n in available), default=0.0) or self.novelty_bonus

        def bound(name: str) -> float:
            arm = self.arms[name]
            return arm.rate + self.exploration * scale * math.sqrt(2 * math.log(total) / arm.pulls)

        return max(available, key=lambda n: (bound(n), -ARMS.index(n)))

    def reward(self, before: Observation, after: Observation) -> float:
        return (
            max(0.0, after.best - before.best)
            + self.front_bonus * max(0, after.front - before.front)
            + self.novelty_bonus * max(0, after.clusters - before.clusters)
        )

    def update(self, name: str, before: Observation, after: Observation) -> None:
        arm = self.arms[name]
        arm.pulls += 1
        arm.requests += max(1, after.requests - before.requests)
        arm.reward += self.reward(before, after)
        self.history.append(after)

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
