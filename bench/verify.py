"""Verification wall time: 16 candidates of the sample, --verify-jobs 1 vs the default vs local Ray.

The 16 candidates are today's code and the offline catalog's 15 designs for the sample's
``ReportService``; each runs the sample's own tests (``python -m pytest -q``). The same
``Verify`` critic runs them all at once through each runner, in the same process:
worktrees one at a time (the baseline), worktrees at the default --verify-jobs (the
cores), and a local Ray instance (``--verify-on ray``). Ray's start-up (``ray.init``
and the bundle) is measured apart and left out of its wall time; a pass before the
timed rounds warms the caches. The rounds interleave the runners; prints each wall
time and the ratio of each runner's median to jobs=1's.

    python bench/verify.py [--rounds N] [--no-ray]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from divergent.context.problem import frame  # noqa: E402
from divergent.critics.verify import Verify, Worktrees, default_jobs  # noqa: E402
from divergent.engine.scoring import baseline_of  # noqa: E402
from divergent.explorers.base import EXPLORERS, ExploreRequest  # noqa: E402
from divergent.samples import create  # noqa: E402

TARGET = "shop/reports.py::ReportService"
COUNT = 16


async def candidates(problem):
    found = [baseline_of(problem)]
    async for c in EXPLORERS.create("catalog").propose(ExploreRequest(problem, count=64)):
        found.append(c)
    return found[:COUNT]


async def verify_all(verify: Verify, problem, designs) -> tuple[float, int]:
    started = time.perf_counter()
    results = await asyncio.gather(*(verify.assess(c, problem) for c in designs))
    passed = sum(1 for found in results if found and found[0].score == 1.0)
    return time.perf_counter() - started, passed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds, each runner once a round (the median is kept)")
    parser.add_argument("--no-ray", action="store_true", help="leave out the Ray instance")
    args = parser.parse_args()
    command = f"{sys.executable} -m pytest -q -p no:cacheprovider"
    with tempfile.TemporaryDirectory(prefix="divergent-bench-verify-") as scratch:
        repo = create("shop", Path(scratch) / "shop")
        problem = frame(TARGET, str(repo), Path.cwd())
        designs = asyncio.run(candidates(problem))
        if len(designs) < COUNT:
            sys.exit(f"the catalog made {len(designs) - 1} designs; {COUNT - 1} are needed")
        runners = [("--verify-jobs 1", lambda: Worktrees(1)), (f"default (--verify-jobs {default_jobs()})", lambda: Worktrees())]
        if not args.no_ray:
            from divergent.engine.verify_ray import RayRunner

            runners.append(("--verify-on ray (local)", lambda: RayRunner(None)))
        print(f"{COUNT} candidates of the sample, each: {command}; cores {default_jobs()}, load {os.getloadavg()[0]:.1f}")
        verifiers = {}
        for label, make in runners:  # each runner ready before any timing: caches warm, Ray started
            runner = make()
            verifiers[label] = Verify(command, 300.0, runner)
            started = time.perf_counter()
            asyncio.run(verify_all(verifiers[label], problem, designs[:2]))
            if not isinstance(runner, Worktrees):
                print(f"  Ray start-up (init, bundle, first tasks): {time.perf_counter() - started:.1f} s, not counted")
        # rounds interleave the runners (ABC ABC...), so a load that drifts weighs on each alike
        times: dict[str, list[float]] = {label: [] for label in verifiers}
        for round_ in range(args.rounds):
            for label, verify in verifiers.items():
                wall, passed = asyncio.run(verify_all(verify, problem, designs))
                times[label].append(wall)
                print(f"  round {round_ + 1}  {label:<28} {wall:7.1f} s   {passed}/{COUNT} pass   load {os.getloadavg()[0]:.1f}")
        walls = {label: statistics.median(found) for label, found in times.items()}
        base = walls["--verify-jobs 1"]
        print("ratios (median wall time / --verify-jobs 1's; lower is faster):")
        for label, wall in walls.items():
            print(f"  {label:<28} {wall / base:5.2f}")


if __name__ == "__main__":
    main()
