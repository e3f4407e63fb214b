"""Clustering 2,000 candidates: target <= 2 s on 2 cores (issue 6).

Candidates are built the way the fake server builds them: today's sample file with
one appended function whose structure and names vary independently, so there are
structural twins and distinct shapes. Skeletons are computed as each candidate
arrives in a session (they are cached per candidate), so the figure that matters
is the grouping over cached skeletons; the extraction time is printed too. A stress
case of 2,000 random statement sequences (hundreds of clusters, so hundreds of
leaders to compare with) shows the cost when the space is not mostly twins.
"""

from __future__ import annotations

import json
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from fake_openai import candidate_payload  # noqa: E402

from divergent.engine.clustering import Clusterer  # noqa: E402
from divergent.model import Candidate  # noqa: E402

PATH = "shop/reports.py"
SOURCE = (ROOT / "divergent/samples/shop/shop/reports.py").read_text()


def candidates(n: int) -> list[Candidate]:
    out = [Candidate("Today's code", {PATH: SOURCE}, baseline=True, id=0)]
    for i in range(1, n):
        body = {"messages": [{"role": "user", "content": f'Variation {i}\n<file path="{PATH}">\n{SOURCE}</file>'}]}
        payload = candidate_payload(body)
        out.append(Candidate(payload["title"], {f["path"]: f["content"] for f in payload["files"]}, id=i))
    return out


STATEMENTS = (
    "    total = total + {v}",
    "    if {v} > 3:\n        total -= 1",
    "    for item in range({v}):\n        total += item",
    "    while total > {v}:\n        total //= 2",
    "    print(total, {v})",
    "    values = [x * {v} for x in range(3) if x]",
)


def structures(n: int) -> list[Candidate]:
    """Candidates whose appended function is a random sequence of 3 to 12 statement kinds."""
    rng = random.Random(7)
    out = [Candidate("Today's code", {PATH: SOURCE}, baseline=True, id=0)]
    for i in range(1, n):
        body = "\n".join(rng.choice(STATEMENTS).format(v=rng.randrange(9)) for _ in range(rng.randrange(3, 13)))
        code = f"{SOURCE}\n\ndef helper_{i}(total):\n{body}\n    return total\n"
        out.append(Candidate(f"random {i}", {PATH: code}, id=i))
    return out


def main(n: int = 2000) -> int:
    made = candidates(n)
    clusterer = Clusterer({PATH: SOURCE})
    started = time.perf_counter()
    for c in made:
        clusterer.features(c)
    extract = time.perf_counter() - started
    runs = []
    for _ in range(3):
        started = time.perf_counter()
        clusters = clusterer.cluster(made)
        runs.append(time.perf_counter() - started)
    grouping = min(runs)
    varied = structures(n)  # many distinct shapes: many clusters, many leaders to compare with
    stress = Clusterer({PATH: SOURCE})
    for c in varied:
        stress.features(c)
    started = time.perf_counter()
    many = stress.cluster(varied)
    stressed = time.perf_counter() - started
    sizes = sorted((len(c.members) for c in clusters), reverse=True)
    print(f"{n} candidates -> {len(clusters)} clusters (largest {sizes[:5]})")
    print(f"skeleton extraction (once per candidate, as it arrives)  {extract:6.2f} s")
    print(f"clustering over cached skeletons (best of 3)           {grouping:6.2f} s   (target <= 2 s)")
    print(f"stress: {n} random structures -> {len(many)} clusters    {stressed:6.2f} s   (target <= 2 s)")
    print(json.dumps({"candidates": n, "clusters": len(clusters), "clustering_s": round(grouping, 3), "extraction_s": round(extract, 3)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000))
