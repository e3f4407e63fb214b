"""Fan-out: 200 candidates at concurrency 32 against the fake server with 200 ms latency.

Prints wall time against the issue's ideal (200/32 x 0.2 s), against the scheduling
floor (ceil(200/32) x 0.2 s: a slot cannot run a fraction of a request), and the
speed-up over a sequential loop of the same requests. The fake server runs in its
own process so that it does not compete with the client for the GIL.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from fake_openai import spawn  # noqa: E402

from divergent.explorers.base import ExploreRequest  # noqa: E402
from divergent.explorers.model.explorers import LensesExplorer  # noqa: E402
from divergent.llm.budget import Budget  # noqa: E402
from divergent.llm.client import MemoryCallLog, ModelClient  # noqa: E402
from divergent.llm.config import Endpoint  # noqa: E402
from divergent.model import Problem, Target  # noqa: E402

SOURCE = (ROOT / "divergent/samples/shop/shop/reports.py").read_text()




async def wave(base_url: str, count: int, concurrency: int) -> tuple[float, int]:
    problem = Problem(
        target=Target(repo=str(ROOT), path="shop/reports.py", symbol="ReportService", kind="class", line=7, end_line=71),
        files={"shop/reports.py": SOURCE},
    )
    endpoint = Endpoint(base_url=base_url, api_key="sk-bench", model="fake-model", concurrency=concurrency, timeout=60)
    client = ModelClient(endpoint, Budget(max_requests=count), MemoryCallLog())
    request = ExploreRequest(problem, count=count, client=client)
    started = time.perf_counter()
    made = [c async for c in LensesExplorer().propose(request)]
    wall = time.perf_counter() - started
    await client.close()
    return wall, len(made)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--latency", type=float, default=0.2)
    parser.add_argument("--skip-sequential", action="store_true")
    args = parser.parse_args()
    server, base_url = spawn(args.latency)
    try:
        asyncio.run(wave(base_url, 8, 8))  # warm up connections and imports
        wall, made = asyncio.run(wave(base_url, args.count, args.concurrency))
        sequential = None if args.skip_sequential else asyncio.run(wave(base_url, args.count, 1))[0]
    finally:
        server.terminate()
        server.wait()
    ideal = args.count / args.concurrency * args.latency
    floor = math.ceil(args.count / args.concurrency) * args.latency
    print(f"{made} candidates from {args.count} requests at concurrency {args.concurrency}, latency {args.latency:.2f} s")
    print(f"wall time                     {wall:6.2f} s")
    print(f"wall / ideal ({ideal:.2f} s)        {wall / ideal:6.2f}   (issue target <= 1.05)")
    print(f"wall / floor ({floor:.2f} s)        {wall / floor:6.2f}   (ceil(n/c) x latency: whole requests per slot)")
    if sequential is not None:
        print(f"sequential loop               {sequential:6.2f} s")
        print(f"speed-up over sequential      {sequential / wall:6.1f}x  (issue target >= 25x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
