"""The autopilot against uniform best-of-N, on a simulated design space (issue 6).

A design is a choice of one value on each of D dimensions. Its hidden quality is
additive per dimension plus a few pairwise interactions, scaled to 0..1. The
simulated model samples designs with a bias toward common ones (a Zipf prior whose
most common values are not the best) and the critics see quality plus noise.
Actions cost one request each and mirror the real ones: a first wave sampled from
the prior, a new direction (a cluster not seen yet), expand a cluster, refine the
best design (half the time on its weakest dimension, as the critics' evidence would
show), combine the two best of different clusters. A cluster is the values
of the first two dimensions.

Uniform best-of-N takes N samples from the prior and keeps the best by observed
score. The autopilot (divergent.engine.autopilot.Policy) runs until the design it
rates best has at least the true quality uniform best-of-N reached on the same
seed. Target: requests needed / N <= 0.25 (Snell et al. report more than 4x from
compute-optimal allocation). Also printed: the mean best quality by requests for
both, and where the stop rule would have stopped.
"""

from __future__ import annotations

import random
import sys
from dataclasses import dataclass
from pathlib import Path
from statistics import mean

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from divergent.engine.autopilot import Observation, Policy, first_wave_size, tune  # noqa: E402

D, V = 6, 4
NOISE = 0.03
N = 200
SEEDS = 30
CHECKPOINTS = (10, 25, 50, 100, 200)


@dataclass
class Space:
    rng: random.Random

    def __post_init__(self) -> None:
        r = self.rng
        self.utility = [[r.random() for _ in range(V)] for _ in range(D)]
        self.pairs = [((r.randrange(D), r.randrange(V)), (r.randrange(D), r.randrange(V)), r.random() * 0.8) for _ in range(4)]
        weights = [1 / (k + 1) ** 1.3 for k in range(V)]
        self.prior = []
        for d in range(D):
            order = sorted(range(V), key=lambda v: self.utility[d][v])  # the most common values are weak ones
            self.prior.append([weights[order.index(v)] for v in range(V)])
        best = sum(max(u) for u in self.utility) + sum(b for *_, b in self.pairs)
        worst = sum(min(u) for u in self.utility)
        self.scale = (worst, best - worst)

    def quality(self, design: tuple[int, ...]) -> float:
        raw = sum(self.utility[d][v] for d, v in enumerate(design))
        raw += sum(b for (d1, v1), (d2, v2), b in self.pairs if design[d1] == v1 and design[d2] == v2)
        return (raw - self.scale[0]) / self.scale[1]

    def observe(self, design: tuple[int, ...]) -> float:
        return self.quality(design) + self.rng.gauss(0, NOISE)

    def sample(self, fixed: dict[int, int] | None = None) -> tuple[int, ...]:
        fixed = fixed or {}
        return tuple(fixed.get(d, self.rng.choices(range(V), self.prior[d])[0]) for d in range(D))


class Run:
    """One exploration on a space: every design seen, with its observed score."""

    def __init__(self, space: Space) -> None:
        self.space = space
        self.seen: list[tuple[tuple[int, ...], float]] = []

    def add(self, design: tuple[int, ...]) -> None:
        self.seen.append((design, self.space.observe(design)))

    def best(self) -> tuple[tuple[int, ...], float]:
        """The best-rated design; a design seen more than once is rated by the mean of its readings."""
        readings: dict[tuple[int, ...], list[float]] = {}
        for design, score in self.seen:
            readings.setdefault(design, []).append(score)
        return max(((d, sum(r) / len(r)) for d, r in readings.items()), key=lambda s: s[1])

    def clusters(self) -> set[tuple[int, int]]:
        return {(d[0], d[1]) for d, _ in self.seen}

    def front(self) -> int:
        return 1  # one dimension here: the front is the best design

    def observation(self) -> Observation:
        return Observation(len(self.seen), self.best()[1], len(self.clusters()), self.front())

    def true_best(self) -> float:
        return self.space.quality(self.best()[0])


def act(run: Run, arm: str) -> None:
    space, rng = run.space, run.space.rng
    best = run.best()[0]
    if arm == "new_direction":
        known = run.clusters()
        design = space.sample()
        for _ in range(20):
            if (design[0], design[1]) not in known:
                break
            design = space.sample()
    elif arm == "expand":
        ranked = sorted(run.seen, key=lambda s: -s[1])
        tops = []
        for d, _ in ranked:
            if (d[0], d[1]) not in [(t[0], t[1]) for t in tops]:
                tops.append(d)
            if len(tops) == 3:
                break
        parent = tops[rng.randrange(len(tops))]
        design = space.sample({0: parent[0], 1: parent[1], **{d: parent[d] for d in range(2, D) if rng.random() < 0.5}})
    elif arm == "refine":
        # the critics' evidence points at what is weak: half the time the weakest dimension
        tried = {d for d, _ in run.seen}
        weakest = min(range(D), key=lambda d: space.utility[d][best[d]])
        for _ in range(10):  # a change not tried before, as a model shown the history would propose
            design = list(best)
            d = weakest if rng.random() < 0.5 else rng.randrange(D)
            design[d] = rng.choice([v for v in range(V) if v != best[d]])
            design = tuple(design)
            if design not in tried:
                break
    else:  # combine the two best of different clusters
        ranked = sorted(run.seen, key=lambda s: -s[1])
        other = next((d for d, _ in ranked if (d[0], d[1]) != (best[0], best[1])), ranked[-1][0])
        design = tuple(best[d] if rng.random() < 0.5 else other[d] for d in range(D))
    run.add(design)


def uniform(space: Space, n: int) -> list[float]:
    run = Run(space)
    curve = []
    for _ in range(n):
        run.add(space.sample())
        curve.append(run.true_best())
    return curve


def autopilot(space: Space, n: int) -> tuple[list[float], int | None]:
    """The true quality of the best-rated design after each request, and where the stop rule fired."""
    run = Run(space)
    for _ in range(first_wave_size(sloc=70, cyclomatic=20, budget=n)):
        run.add(space.sample())
    policy = tune(Policy(), [s for _, s in run.seen])
    policy.history.append(run.observation())
    curve = [run.true_best()] * len(run.seen)
    stopped = None
    while len(run.seen) < n:
        before = run.observation()
        arm = policy.choose(["new_direction", "expand", "refine", "combine"])
        act(run, arm)
        policy.update(arm, before, run.observation())
        curve.append(run.true_best())
        if stopped is None and policy.flattened():
            stopped = len(run.seen)
    return curve, stopped


def main() -> int:
    ratios, stops, stop_quality, uni_final = [], [], [], []
    uni_curves, auto_curves = [], []
    for seed in range(SEEDS):
        target = uniform(Space(random.Random(seed)), N)
        curve, stopped = autopilot(Space(random.Random(seed)), N)
        uni_curves.append(target)
        auto_curves.append(curve)
        goal = target[-1]
        needed = next((i + 1 for i, q in enumerate(curve) if q >= goal - 1e-12), N)
        ratios.append(needed / N)
        uni_final.append(goal)
        if stopped:
            stops.append(stopped)
            stop_quality.append(curve[stopped - 1] >= goal - 1e-12)
    print(f"simulated space: {D} dimensions x {V} values, noise {NOISE}, {SEEDS} seeds, N = {N}")
    print(f"requests the autopilot needs to reach uniform best-of-{N}'s quality / {N}: mean {mean(ratios):.3f}, "
          f"median {sorted(ratios)[len(ratios) // 2]:.3f}, worst {max(ratios):.3f}   (target <= 0.25)")
    print(f"uniform best-of-{N} true quality: mean {mean(uni_final):.3f}")
    print("mean true quality of the best-rated design, by requests:")
    print("   requests " + "".join(f"{c:>8}" for c in CHECKPOINTS))
    print("   uniform  " + "".join(f"{mean(c[k - 1] for c in uni_curves):>8.3f}" for k in CHECKPOINTS))
    print("   autopilot" + "".join(f"{mean(c[k - 1] for c in auto_curves):>8.3f}" for k in CHECKPOINTS))
    if stops:
        print(f"stop rule fired in {len(stops)}/{SEEDS} runs, after {mean(stops):.0f} requests on average; "
              f"at that point it had matched uniform best-of-{N} in {sum(stop_quality)}/{len(stops)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
