"""Simplicity: how much a reader must hold in mind, against today's code.

Figures per function (cyclomatic complexity as radon counts it, SLOC, parameters,
nesting) summed over the files a candidate writes, each as a ratio to today's.
"""

from __future__ import annotations

from divergent.context.metrics import totals, unit_metrics
from divergent.critics.base import change, changed_sources, cost_ratio, ratio_score
from divergent.model import Assessment, Candidate, Problem

# (figure in totals(), how it reads in evidence)
FIGURES = (
    ("cyclomatic_max", "worst cyclomatic"),
    ("cyclomatic_mean", "mean cyclomatic"),
    ("sloc", "sloc"),
    ("params_mean", "mean params"),
    ("max_nesting", "max nesting"),
)


def figures(sources: list[tuple[str, str]]) -> dict[str, float]:
    units = [u for path, text in sources for u in unit_metrics(text, path)]
    return totals(units)


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

