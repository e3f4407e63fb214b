"""Future-change scenarios of a session: which of today's units each touches, and the
change-cost figures of every design scored again when the scenarios change."""

from __future__ import annotations

from typing import TYPE_CHECKING

from divergent.engine import settling
from divergent.engine.scoring import assess
from divergent.llm.budget import BudgetExhausted
from divergent.model import Candidate, InputError

if TYPE_CHECKING:
    from divergent.engine.session import Session


async def change_cost_again(s: Session, candidates: list[Candidate]) -> None:
    """Run the static change-cost critics again (the scenarios changed)."""
    static = [c for c in s.critics_in("each") if "change_cost" in c.dimensions]
    for candidate in candidates:
        settling.put(s, candidate.id, await assess(candidate, s.problem, static))


async def match_units(s: Session, scenario: str) -> bool:
    """Ask the model once which of today's units a scenario touches, unless the engineer said.

    True when the model named some."""
    if s.client is None or s.problem.scenario_terms.get(scenario):
        return False
    from divergent.context.parsing import language_for
    from divergent.context.target import unit_names
    from divergent.explorers.model.scenarios import match_units as ask_units

    path = s.problem.target.path
    names = unit_names(s.problem.files[path], language_for(path) or "python", functions_only=True)
    try:
        found = await ask_units(s.client, s.problem, scenario, names)
    except BudgetExhausted:
        return False
    if found:
        s.problem.scenario_terms[scenario] = found
        s.store.set_scenario_units(s.id, scenario, found)
    return bool(found)


async def match_all(s: Session) -> None:
    """On a new session: the units of every scenario it was started with, and today's
    change-cost figures counted over them."""
    matched = False
    for scenario in s.problem.scenarios:
        matched = await match_units(s, scenario) or matched
    if matched:
        await change_cost_again(s, s.candidates)


async def add_scenario(s: Session, text: str) -> None:
    """A new scenario (``"text => Unit, other"`` names its units): every design's change
    cost counted again, and the model critics' verdicts on it asked anew."""
    from divergent.context.problem import split_scenario

    text, units = split_scenario(text)
    if not text:
        raise InputError("a scenario needs some text")
    s.problem.scenarios.append(text)
    if units:
        s.problem.scenario_terms[text] = units
    s.store.add_scenario(s.id, text, units)
    await match_units(s, text)
    await change_cost_again(s, s.candidates)
    settling.forget(s, [c.name for c in s.model_critics()])
    await settling.representatives(s)
    s.rank()
    s.store.add_event(s.id, "add_scenario", {"scenario": text})
