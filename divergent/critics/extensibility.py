"""Extensibility: where new behaviour can plug in without editing what exists.

Counts extension points (protocols, ABCs, registries, injected collaborators)
against type-code branching and constructors that build concrete collaborators.
"""

from __future__ import annotations

from divergent.context.design import (
    built_collaborators,
    constructor,
    extension_points,
    imported_modules,
    type_code_branches,
)
from divergent.context.parsing import parse
from divergent.context.syntax import definitions
from divergent.critics.base import balance_score, change, changed_sources
from divergent.model import Assessment, Candidate, Problem


def features(sources: list[str]) -> dict[str, list[str]]:
    points, branches, built = [], [], []
    for source in sources:
        root = parse(source).root_node
        points += extension_points(root)
        branches += [f"line {n.start_point[0] + 1}" for n in type_code_branches(root)]
        modules = imported_modules(root)
        for cls in (d for d in definitions(root) if d.is_class):
            init = constructor(cls)
            if init is not None:
                built += [f"{cls.name}.{a}" for a, _ in built_collaborators(init, modules)]
    return {"extension_points": points, "type_code_branches": branches, "built_collaborators": built}


def balance(found: dict[str, list[str]]) -> int:
    return len(found["extension_points"]) - len(found["type_code_branches"]) - len(found["built_collaborators"])


class Extensibility:
    name = "extensibility"
    dimensions = ("extensibility",)

    async def assess(self, candidate: Candidate, problem: Problem) -> list[Assessment]:
        changed = changed_sources(candidate, problem)
        before = features([old for _, old, _ in changed])
        after = features([new for _, _, new in changed])
        parts = []
        for key, label in (
            ("extension_points", "extension points"),
            ("type_code_branches", "type-code branches"),
            ("built_collaborators", "built collaborators"),
        ):
            added = sorted(set(after[key]) - set(before[key]))
            note = f" (+{', '.join(added)})" if added and key == "extension_points" else ""
            parts.append(f"{label} {change(len(before[key]), len(after[key]))}{note}")
        return [
            Assessment(
                critic=self.name,
                dimension="extensibility",
                score=balance_score(balance(after) - balance(before)),
                raw={"before": before, "after": after},
                evidence=", ".join(parts),
            )
        ]

