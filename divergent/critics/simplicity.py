"""Simplicity: how much a reader must hold in mind, against today's code.

The static figures of ``divergent.context.metrics`` over the functions and methods a
candidate changes (a unit whose name and text are the same on both sides is left
out of both, wherever it moved), in any language we read. The distribution is scored,
not only the sum: the worst unit, the mean per unit and the total, each group as the
geometric mean of its cost ratios (candidate / today, lower is better) mapped by
``base.ratio_score``, then weighted. So a decomposition that lowers the worst unit and
the mean wins even when names and units grow; public names are shown, not scored. A
design with fewer units than today has its means taken over today's number of units:
deleting or inlining a unit cannot raise the mean by dividing by less (a merge that
makes a unit harder shows in the worst unit).
"""

from __future__ import annotations

import re

from divergent.context.figures import scanned
from divergent.context.metrics import UnitMetrics, analyze, outermost, totals
from divergent.context.parsing import language_for, text
from divergent.critics.base import CURVE, change, changed_sources, ratio_score, smoothed_ratio
from divergent.model import Assessment, Candidate, Problem

# group -> its weight and its (figure in totals(), how it reads in evidence)
GROUPS = {
    "worst unit": (0.4, (("cognitive_max", "worst cognitive"), ("cyclomatic_max", "worst cyclomatic"), ("max_nesting", "max nesting"))),
    "mean per unit": (0.4, (("cognitive_mean", "mean cognitive"), ("cyclomatic_mean", "mean cyclomatic"), ("params_mean", "mean params"))),
    "total": (0.2, (("cognitive_total", "total cognitive"), ("sloc", "sloc"))),
}
SPACE = re.compile(r"\s+")


def callables(sources: list[tuple[str, str]]) -> list[tuple[UnitMetrics, str]]:
    """(figures, whitespace-free text) of each function and method of the files."""
    found = []
    for path, source in sources:
        if not source or language_for(path) is None:
            continue
        units, _ = analyze(source, path, shared=True)
        nodes = scanned(source, language_for(path)).units
        found += [(u, SPACE.sub("", text(n.node))) for u, n in zip(units, nodes) if u.kind != "class"]
    return found


def changed_units(before: list[tuple[UnitMetrics, str]], after: list[tuple[UnitMetrics, str]]) -> tuple[list, list]:
    """The units on each side that the other side lacks (by name and text)."""
    keys_before = {(u.name, t) for u, t in before}
    keys_after = {(u.name, t) for u, t in after}
    return (
        [u for u, t in before if (u.name, t) not in keys_after],
        [u for u, t in after if (u.name, t) not in keys_before],
    )


def surface(sources: list[tuple[str, str]]) -> int:
    """Public names a caller can reach: top-level ones and each class's members."""
    count = 0
    for path, source in sources:
        if source and language_for(path) is not None:
            units, whole = analyze(source, path, shared=True)
            count += whole["surface"] + sum(u.surface for u in units)
    return count


def figures(units: list[UnitMetrics]) -> dict[str, float]:
    return {**totals(units), "units": len(units), "outermost": len(outermost(units))}


MEAN_COUNTS = {"cognitive_mean": "outermost", "cyclomatic_mean": "units", "params_mean": "units"}


def per_unit(before: dict, after: dict) -> dict:
    """The after's means per unit, over today's number of units when the design has fewer:
    a unit deleted (or inlined) leaves nothing to hold, so fewer units cannot raise the
    mean by dividing by less; a merge is judged by the worst unit and the total instead.
    More units (a decomposition) are divided by their own number."""
    out = dict(after)
    for key, count in MEAN_COUNTS.items():
        if after[count] < before[count] and before[count]:
            out[key] = round(after[key] * after[count] / before[count], 3)
    return out


def score(before: dict, after: dict) -> tuple[float, dict]:
    """The weighted group scores, and the derivation: each group's ratios and score."""
    parts, total = {}, 0.0
    for group, (weight, keys) in GROUPS.items():
        ratios = {key: round(smoothed_ratio(before[key], after[key]), 4) for key, _ in keys}
        group_score = ratio_score(list(ratios.values()))
        parts[group] = {"weight": weight, "ratios": ratios, "score": group_score}
        total += weight * group_score
    return round(total, 4), parts


def explain(parts: dict, before: dict, after: dict, result: float) -> str:
    lines = [f"simplicity {result:.3f} = " + " + ".join(f"{p['weight']} × {g} {p['score']:.3f}" for g, p in parts.items())]
    for group, (_, keys) in GROUPS.items():
        figures_read = ", ".join(f"{label} {change(before[key], after[key])}" for key, label in keys)
        lines.append(f"  {group}: {figures_read} → {parts[group]['score']:.3f}")
    lines.append(f"  over the {before['units']} → {after['units']} functions the candidate changes; {CURVE}")
    if after["units"] < before["units"]:
        lines.append(f"  the design has fewer functions: its means are taken over today's {before['units']} (a unit deleted leaves nothing to hold)")
    return "\n".join(lines)


class Simplicity:
    name = "simplicity"
    dimensions = ("simplicity",)

    async def assess(self, candidate: Candidate, problem: Problem) -> list[Assessment]:
        changed = changed_sources(candidate, problem)
        old_units, new_units = changed_units(
            callables([(p, old) for p, old, _ in changed]), callables([(p, new) for p, _, new in changed])
        )
        before, after = figures(old_units), figures(new_units)
        before["surface"] = surface([(p, old) for p, old, _ in changed])
        after["surface"] = surface([(p, new) for p, _, new in changed])
        after = per_unit(before, after)
        result, parts = score(before, after)
        labels = [label for _, keys in GROUPS.values() for label in keys]
        evidence = ", ".join(f"{label} {change(before[key], after[key])}" for key, label in labels)
        if not before["units"] and not after["units"]:
            evidence = "no function or method changed"
        evidence += f", public names {change(before['surface'], after['surface'])} (not scored)"
        return [
            Assessment(
                critic=self.name,
                dimension="simplicity",
                score=result,
                raw={"before": before, "after": after, "groups": parts, "explain": explain(parts, before, after, result)},
                evidence=evidence,
            )
        ]
