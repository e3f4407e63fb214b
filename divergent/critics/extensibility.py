"""Extensibility: where new behaviour can plug in without editing what exists.

Counts extension points (protocols, ABCs, interfaces, traits, registries, injected
collaborators) against type-code branching, constructors that build concrete
collaborators and classes whose methods fall apart into groups (LCOM4 above 1);
fan-out (distinct callees of the busiest function) weighs in as a ratio. Read in
every language of ``divergent.context.structure``.
"""

from __future__ import annotations

from divergent.context.structure import structure
from divergent.critics.base import balance_score, change, changed_sources, cost_ratio, ratio_score
from divergent.model import Assessment, Candidate, Problem

FAN_OUT_WEIGHT = 0.2  # the rest of the score is the balance of counts


def features(sources: list[tuple[str, str]]) -> dict:
    """What the critic weighs in (path, text) files, as plain data."""
    found = structure(sources)
    return {
        "extension_points": found.extension_points,
        "type_code_branches": found.type_code_branches,
        "built_collaborators": found.built_collaborators,
        "lcom4": found.lcom4,
        "split_classes": found.split_classes,
        "max_fan_out": found.max_fan_out,
    }


def balance(found: dict) -> int:
    return (
        len(found["extension_points"])
        - len(found["type_code_branches"])
        - len(found["built_collaborators"])
        - found["split_classes"]
    )


def score(before: dict, after: dict) -> float:
    counts = balance_score(balance(after) - balance(before))
    fan_out = ratio_score([cost_ratio(before["max_fan_out"], after["max_fan_out"])])
    return round((1 - FAN_OUT_WEIGHT) * counts + FAN_OUT_WEIGHT * fan_out, 4)


def evidence(before: dict, after: dict) -> str:
    parts = []
    for key, label in (
        ("extension_points", "extension points"),
        ("type_code_branches", "type-code branches"),
        ("built_collaborators", "built collaborators"),
    ):
        added = [x for x in after[key] if x not in before[key]]
        note = f" (+{', '.join(added)})" if added and key == "extension_points" else ""
        parts.append(f"{label} {change(len(before[key]), len(after[key]))}{note}")
    parts.append(f"classes split (LCOM4 − 1) {change(before['split_classes'], after['split_classes'])}")
    parts.append(f"max fan-out {change(before['max_fan_out'], after['max_fan_out'])}")
    return ", ".join(parts)


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
                raw={"before": before, "after": after},
                evidence=evidence(before, after),
            )
        ]
