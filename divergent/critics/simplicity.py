"""Simplicity: how much a reader must hold in mind, against today's code.

The static figures of ``divergent.context.metrics`` (cyclomatic complexity, cognitive
complexity, SLOC, parameters, nesting, public surface) over the files a candidate
writes, in any language we read, each as a ratio to today's.
"""

from __future__ import annotations

from divergent.context.metrics import analyze, totals
from divergent.critics.base import change, changed_sources, cost_ratio, ratio_score
from divergent.model import Assessment, Candidate, Problem

# (figure in totals(), how it reads in evidence)
FIGURES = (
    ("cyclomatic_max", "worst cyclomatic"),
    ("cyclomatic_mean", "mean cyclomatic"),
    ("cognitive_total", "cognitive"),
    ("sloc", "sloc"),
    ("params_mean", "mean params"),
    ("max_nesting", "max nesting"),
    ("surface", "public names"),
)


def figures(sources: list[tuple[str, str]]) -> dict[str, float]:
    """``totals`` of the files' units, with ``surface``: the public names a caller can
    reach (top-level ones and each class's members) and ``types``."""
    units, surface, types = [], 0, 0
    for path, text in sources:
        found, whole = analyze(text, path, shared=True)
        units += found
        surface += whole["surface"] + sum(u.surface for u in found)
        types += whole["types"]
    return {**totals(units), "surface": surface, "types": types}


class Simplicity:
    name = "simplicity"
    dimensions = ("simplicity",)

    async def assess(self, candidate: Candidate, problem: Problem) -> list[Assessment]:
        changed = changed_sources(candidate, problem)
        before = figures([(p, old) for p, old, _ in changed])
        after = figures([(p, new) for p, _, new in changed])
        ratios = [cost_ratio(before[key], after[key]) for key, _ in FIGURES]
        evidence = ", ".join(f"{label} {change(before[key], after[key])}" for key, label in FIGURES)
        return [
            Assessment(
                critic=self.name,
                dimension="simplicity",
                score=ratio_score(ratios),
                raw={"before": before, "after": after},
                evidence=evidence,
            )
        ]

