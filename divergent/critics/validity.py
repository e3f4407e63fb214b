"""Validity: the candidate parses, and every name its callers use still exists."""

from __future__ import annotations

from divergent.context.figures import scanned
from divergent.context.parsing import language_for, parse, text
from divergent.context.structure import declared_names
from divergent.context.syntax import name_leaves, walk
from divergent.critics.base import changed_sources
from divergent.model import Assessment, Candidate, Problem, Target


def error_lines(root) -> list[int]:
    return sorted({n.start_point[0] + 1 for n in walk(root) if n.type == "ERROR" or n.is_missing})


def still_defined(source: str, target: Target, lang: str) -> bool:
    """The target's symbol (``Class``, ``Class.method``, ``function``) is still a unit of the file."""
    return target.symbol is None or any(unit.name == target.symbol for unit in scanned(source, lang).units)


def names_used(source: str, lang: str) -> set[str]:
    """Every identifier-like word of a file's syntax tree (strings and comments aside)."""
    return {text(n) for n in name_leaves(parse(source, lang).root_node)}


def migrated(name: str, candidate: Candidate, problem: Problem) -> bool:
    """True when the candidate rewrites every caller of ``name`` so that none uses it any more."""
    callers = {site.path for site in problem.call_sites if site.name == name and site.path != problem.target.path}
    if not callers or not callers <= set(candidate.files):
        return False
    return not any(
        name in names_used(candidate.files[path], language_for(path) or "python") for path in callers
    )


class Validity:
    name = "validity"
    dimensions = ("validity",)

    async def assess(self, candidate: Candidate, problem: Problem) -> list[Assessment]:
        problems = []
        missing: list[str] = []
        for path, old, new in changed_sources(candidate, problem):
            lang = language_for(path)
            root = parse(new, lang).root_node
            if root.has_error:
                lines = ", ".join(map(str, error_lines(root)[:5]))
                problems.append(f"{path} does not parse (line {lines})")
                continue
            if path == problem.target.path and not still_defined(new, problem.target, lang):
                problems.append(f"{problem.target.symbol} is gone from {path}")
            if old:
                had, has = declared_names(old, lang), declared_names(new, lang)
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
