"""Change cost: what likely future changes would cost in each design.

``change_cost`` (static, every candidate): for each scenario, the units it would
touch (named by the engineer as ``TEXT => Unit, Unit``, or matched by the model once
per scenario) and their fan-in: ripple = sum of (1 + callers) over them. With no
units named, it says nothing rather than guess from words.

``speculative`` (model, each cluster's representative): the model applies each
scenario to the design for real, and the diff is measured: lines changed inside
existing units weigh more than lines in new units, and every existing unit touched
and every public name broken adds to the cost. Both are relative to today's code.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from dataclasses import dataclass

from divergent.context.edits import apply_edits, base_reader
from divergent.context.figures import scanned
from divergent.context.parsing import language_for, parse, text
from divergent.context.structure import public_units
from divergent.context.syntax import name_leaves
from divergent.critics.base import CriticContext, changed_sources, cost_ratio, ratio_score
from divergent.llm import prompts
from divergent.llm.client import ChatRequest, ModelClient
from divergent.llm.ask import ask_candidate
from divergent.model import Assessment, Candidate, Problem

# executable cost weights: editing existing code costs more than adding new code
EDITED_LINE, NEW_LINE, TOUCHED_UNIT, BROKEN_NAME = 1.0, 0.25, 2.0, 5.0


@dataclass(frozen=True)
class Unit:
    name: str  # dotted: Class.method
    calls: int  # references to its last name inside the file


def _source_units(source: str, lang: str):
    """The function units (not class-like ones) of a file, as the figures sweep names them."""
    return [u for u in scanned(source, lang).units if not u.is_class]


def units_of(source: str, lang: str = "python") -> list[Unit]:
    """Each function of a file with the references to its last name elsewhere in the file."""
    mentions = Counter(
        text(n) for n in name_leaves(parse(source, lang).root_node)
    )
    return [Unit(u.name, max(0, mentions[u.own_name] - 1)) for u in _source_units(source, lang)]


def named(unit: Unit, names: set[str]) -> bool:
    """``Class.method`` matches itself; a bare ``method`` matches that name in any class."""
    return unit.name in names or unit.name.rsplit(".", 1)[-1] in {n.rsplit(".", 1)[-1] for n in names if "." not in n}


def ripple(units: list[Unit], names: set[str], outside_callers: dict[str, int]) -> tuple[int, list[str]]:
    touched = [u for u in units if named(u, names)]
    total = sum(1 + u.calls + outside_callers.get(u.name.rsplit(".", 1)[-1], 0) for u in touched)
    return total, [u.name for u in touched]


class ChangeCost:
    """Static: the units each scenario touches (named by the engineer or matched by the
    model once per scenario) and how far a change to them ripples (their callers)."""

    name = "change_cost"
    dimensions = ("change_cost",)

    async def assess(self, candidate: Candidate, problem: Problem) -> list[Assessment]:
        scenarios = [s for s in problem.scenarios if problem.scenario_terms.get(s)]
        if not scenarios:
            return []
        outside: dict[str, int] = {}
        for site in problem.call_sites:
            outside[site.name] = outside.get(site.name, 0) + 1
        ratios, raw, parts = [], {}, []
        changed = changed_sources(candidate, problem)
        before_units = [u for path, old, _ in changed for u in units_of(old, language_for(path))]
        after_units = [u for path, _, new in changed for u in units_of(new, language_for(path))]
        for scenario in scenarios:
            names = set(problem.scenario_terms[scenario])
            before, _ = ripple(before_units, names, outside)
            after, touched = ripple(after_units, names, outside)
            ratios.append(cost_ratio(before, after))
            raw[scenario] = {"units": sorted(names), "ripple_before": before, "ripple_after": after, "touched": touched}
            parts.append(f"{scenario!r}: ripple {before} → {after} ({len(touched)} units)")
        return [Assessment(self.name, "change_cost", ratio_score(ratios), raw, "; ".join(parts))]


# the speculative change ----------------------------------------------------------


def _unit_spans(source: str, lang: str) -> dict[str, tuple[int, int, str]]:
    """Functions by dotted name: (first line, last line, text), lines 1-based."""
    return {
        u.name: (u.node.start_point[0] + 1, u.node.end_point[0] + 1, text(u.node)) for u in _source_units(source, lang)
    }


@dataclass(frozen=True)
class Diff:
    edited_lines: int  # lines added or removed inside units that existed before
    new_lines: int  # lines added elsewhere (new units, new statements)
    touched: tuple[str, ...]  # existing units whose text changed
    broken: tuple[str, ...]  # public names gone, or whose parameter count changed

    @property
    def cost(self) -> float:
        return (
            EDITED_LINE * self.edited_lines
            + NEW_LINE * self.new_lines
            + TOUCHED_UNIT * len(self.touched)
            + BROKEN_NAME * len(self.broken)
        )


def measure(before: dict[str, str], after: dict[str, str]) -> Diff:
    """How much of ``before`` a change rewrote to get ``after`` (both: path -> text)."""
    edited = new = 0
    touched: list[str] = []
    broken: list[str] = []
    for path in sorted(set(before) | set(after)):
        old = before.get(path, "")
        fresh = after.get(path, old)
        lang = language_for(path)
        if lang is None:
            continue
        spans = _unit_spans(old, lang)
        new_spans = _unit_spans(fresh, lang)
        touched += [f"{path}:{n}" for n, (_, _, t) in spans.items() if n in new_spans and new_spans[n][2] != t]
        inside: dict[int, set[str]] = {}  # line -> the units holding it
        for name, (first, last, _) in spans.items():
            for line in range(first, last + 1):
                inside.setdefault(line, set()).add(name)
        matcher = difflib.SequenceMatcher(a=old.splitlines(), b=fresh.splitlines(), autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                continue
            removed_inside = sum(1 for line in range(i1 + 1, i2 + 1) if line in inside)
            added = j2 - j1
            if tag == "insert" and inside.get(i1, set()) & inside.get(i1 + 1, set()):
                removed_inside = added  # an insertion between two lines of one unit edits it
            rewritten = min(added, removed_inside)
            edited += removed_inside if tag != "insert" else 0
            edited += rewritten
            new += added - rewritten
        had, has = public_units(old, lang), public_units(fresh, lang)
        broken += [f"{path}:{n}" for n, arity in had.items() if n not in has or (arity >= 0 and has[n] < arity)]
    return Diff(edited, new, tuple(touched), tuple(broken))


APPLY = """Apply this change to the design above, and nothing else: {scenario}
Keep the design's structure; change only what the change needs. Reply with the same JSON
object shape, "edits" changing the files above."""


class Speculative:
    """Model: apply each scenario to the design for real, and measure the diff."""

    name = "speculative"
    dimensions = ("change_cost",)
    phase = "representatives"
    needs_model = True

    def __init__(self, client: ModelClient | None = None) -> None:
        self.client = client
        self._baseline: dict[str, Diff | None] = {}

    @classmethod
    def from_context(cls, context: CriticContext) -> Speculative:
        return cls(context.client)

    def planned_requests(self, problem: Problem) -> int:
        return len(problem.scenarios)

    async def _apply(self, files: dict[str, str], scenario: str, problem: Problem) -> Diff | None:
        request = ChatRequest(
            messages=prompts.messages(
                problem, APPLY.format(scenario=scenario), [prompts.file_block(p, c) for p, c in sorted(files.items())]
            ),
            schema_name="candidate",
            schema=prompts.CANDIDATE_SCHEMA,
            temperature=0.0,
            purpose="speculative",
        )
        reply = await ask_candidate(self.client, request, problem.target.path)
        if reply is None:
            return None
        applied = apply_edits(reply.edits, problem.target, base_reader(problem, files))
        changed = {p: c for p, c in applied.files.items() if p in files or not re.search(r"(^|/)\.\.(/|$)", p)}
        return measure(files, {**files, **changed})

    async def assess(self, candidate: Candidate, problem: Problem) -> list[Assessment]:
        if not problem.scenarios or self.client is None:
            return []
        ratios, raw, parts = [], {}, []
        for scenario in problem.scenarios:
            if scenario not in self._baseline:
                self._baseline[scenario] = await self._apply(dict(problem.files), scenario, problem)
            base = self._baseline[scenario]
            mine = base if candidate.baseline else await self._apply(dict(candidate.files), scenario, problem)
            if base is None or mine is None:
                continue
            ratios.append(cost_ratio(base.cost, mine.cost))
            raw[scenario] = {
                "cost_before": base.cost,
                "cost_after": mine.cost,
                "edited_lines": mine.edited_lines,
                "new_lines": mine.new_lines,
                "touched": list(mine.touched),
                "broken": list(mine.broken),
            }
            parts.append(
                f"{scenario!r}: cost {base.cost:g} → {mine.cost:g} ({mine.edited_lines} lines edited, "
                f"{mine.new_lines} new, {len(mine.touched)} units touched, {len(mine.broken)} names broken)"
            )
        if not ratios:
            return []
        return [Assessment(self.name, "change_cost", ratio_score(ratios), raw, "; ".join(parts))]
