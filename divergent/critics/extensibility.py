"""Extensibility: where new behaviour can plug in without editing what exists.

Counts the extension points a design uses (an interface, protocol, ABC or trait that
something implements or names; a base that two or more subclasses override; strategies
passed in; registries that are read; overridable factory methods the class calls)
against type-code branching (chains and switches on one discriminator compared with
literals or enum members), constructors that build
concrete collaborators, and classes with instance state whose methods fall apart into
groups (LCOM4 above 1). Coupling weighs in relative to size: distinct outside callees per line
of function code. Read in every language of ``divergent.context.structure``.
"""

from __future__ import annotations

from divergent.context.structure import structure
from divergent.critics.base import balance_score, change, changed_sources, ratio_score, smoothed_ratio
from divergent.model import Assessment, Candidate, Problem

COUPLING_WEIGHT = 0.2  # the rest of the score is the balance of counts
BALANCE_SCALE = 2.0  # a balance of +2 against today scores 0.88
COUPLING_OFFSET = 0.1  # outside callees per line added to both sides of the coupling ratio


def features(sources: list[tuple[str, str]]) -> dict:
    """What the critic weighs in (path, text) files, as plain data."""
    found = structure([(path, text) for path, text in sources if text])
    return {
        "extension_points": found.extension_points,
        "type_code_branches": found.type_code_branches,
        "built_collaborators": found.built_collaborators,
        "lcom4": found.lcom4,
        "split_classes": found.split_classes,
        "max_fan_out": found.max_fan_out,
        "coupling": found.coupling,
        "unused": found.unused,
    }


def balance(found: dict) -> int:
    return (
        len(found["extension_points"])
        - len(found["type_code_branches"])
        - len(found["built_collaborators"])
        - found["split_classes"]
    )


def parts(before: dict, after: dict) -> dict:
    counts = balance_score(balance(after) - balance(before), BALANCE_SCALE)
    ratio = smoothed_ratio(before["coupling"], after["coupling"], COUPLING_OFFSET)
    return {"counts": counts, "coupling": ratio_score([ratio]), "coupling_ratio": round(ratio, 4)}


def score(before: dict, after: dict) -> float:
    found = parts(before, after)
    return round((1 - COUPLING_WEIGHT) * found["counts"] + COUPLING_WEIGHT * found["coupling"], 4)


def evidence(before: dict, after: dict) -> str:
    out = []
    for key, label in (
        ("extension_points", "extension points"),
        ("type_code_branches", "type-code branches"),
        ("built_collaborators", "built collaborators"),
    ):
        added = [x for x in after[key] if x not in before[key]]
        note = f" (+{', '.join(added)})" if added and key == "extension_points" else ""
        out.append(f"{label} {change(len(before[key]), len(after[key]))}{note}")
    out.append(f"classes that split (LCOM4 > 1) {change(before['split_classes'], after['split_classes'])}")
    out.append(f"outside callees per line {change(before['coupling'], after['coupling'])}")
    unused = [x for x in after["unused"] if x not in before["unused"]]
    if unused:
        out.append(f"unused, not counted: {', '.join(unused)}")
    return ", ".join(out)


def explain(before: dict, after: dict) -> str:
    found = parts(before, after)
    total = score(before, after)
    b, a = balance(before), balance(after)
    return "\n".join(
        [
            f"extensibility {total:.3f} = {1 - COUPLING_WEIGHT:g} × counts {found['counts']:.3f} + {COUPLING_WEIGHT:g} × coupling {found['coupling']:.3f}",
            "  counts: balance = extension points (used ones) − type-code branches − built collaborators (values built "
            "from literals aside) − classes that split (LCOM4 > 1, accessors aside); "
            f"{b} → {a}; 0.5 + 0.5 × tanh(({a} − {b}) / {BALANCE_SCALE:g}) = {found['counts']:.3f}",
            f"  coupling: outside callees per line {before['coupling']:g} → {after['coupling']:g}; "
            f"r = (candidate + {COUPLING_OFFSET:g}) / (today + {COUPLING_OFFSET:g}) = {found['coupling_ratio']:g}; 1 / (1 + r³) = {found['coupling']:.3f}",
        ]
    )


class Extensibility:
    name = "extensibility"
    dimensions = ("extensibility",)

    async def assess(self, candidate: Candidate, problem: Problem) -> list[Assessment]:
        changed = changed_sources(candidate, problem)
        before = features([(path, old) for path, old, _ in changed])
        after = features([(path, new) for path, _, new in changed])
        return [
            Assessment(
                critic=self.name,
                dimension="extensibility",
                score=score(before, after),
                raw={"before": before, "after": after, "explain": explain(before, after)},
                evidence=evidence(before, after),
            )
        ]
