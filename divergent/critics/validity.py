"""Validity: the candidate parses, and every name its callers use still exists."""

from __future__ import annotations

from tree_sitter import Node

from divergent.context.parsing import parse, text
from divergent.context.problem import still_defined
from divergent.context.syntax import walk
from divergent.critics.base import changed_sources
from divergent.model import Assessment, Candidate, Problem


def defined_names(root: Node) -> set[str]:
    """Names a caller can reach: definitions at any depth, assigned names and attributes."""
    names = set()
    for n in walk(root):
        if n.type in ("function_definition", "class_definition"):
            names.add(text(n.child_by_field_name("name")))
        elif n.type == "assignment":
            left = n.child_by_field_name("left")
            if left.type == "identifier":
                names.add(text(left))
            elif left.type == "attribute":
                names.add(text(left.child_by_field_name("attribute")))
        elif n.type in ("import_from_statement", "import_statement"):
            names |= {text(i) for i in walk(n) if i.type == "identifier"}
    return names


def error_lines(root: Node) -> list[int]:
    return sorted({n.start_point[0] + 1 for n in walk(root) if n.type == "ERROR" or n.is_missing})


def migrated(name: str, candidate: Candidate, problem: Problem) -> bool:
    """True when the candidate rewrites every caller of ``name`` so that none uses it any more."""
    callers = {site.path for site in problem.call_sites if site.name == name and site.path != problem.target.path}
    if not callers or not callers <= set(candidate.files):
        return False
    return not any(
        text(n) == name for path in callers for n in walk(parse(candidate.files[path]).root_node) if n.type == "identifier"
    )


class Validity:
    name = "validity"
    dimensions = ("validity",)

    async def assess(self, candidate: Candidate, problem: Problem) -> list[Assessment]:
        problems = []
        missing: list[str] = []
        for path, old, new in changed_sources(candidate, problem):
            root = parse(new).root_node
            if root.has_error:
                lines = ", ".join(map(str, error_lines(root)[:5]))
                problems.append(f"{path} does not parse (line {lines})")
                continue
            if path == problem.target.path and not still_defined(new, problem.target):
                problems.append(f"{problem.target.symbol} is gone from {path}")
            if old:
                had = defined_names(parse(old).root_node)
                has = defined_names(root)
                missing += [name for name in problem.used_names if name in had and name not in has]
        missing = [name for name in missing if not migrated(name, candidate, problem)]
        if missing:
            problems.append(f"callers use names that are gone: {', '.join(sorted(set(missing)))}")
        return [
            Assessment(
                critic=self.name,
                dimension="validity",
                score=0.0 if problems else 1.0,
                raw={"problems": problems, "missing_names": sorted(set(missing))},
                evidence="; ".join(problems) or "parses; every name callers use is still there",
            )
        ]

