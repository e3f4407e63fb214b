"""What a wave will cost, said before it is spent."""

from __future__ import annotations

from dataclasses import dataclass

from divergent.critics.base import CriticContext, build, phase
from divergent.engine.sketches import SKETCH_SHARE
from divergent.plugins import needs_model
from divergent.llm import prompts
from divergent.llm.config import Endpoint
from divergent.llm.pricing import cost, estimate_tokens, price
from divergent.model import Problem

REPLY_GROWTH = 1.3  # a redesigned target is usually a little longer than today's (replies are edits)
UNITS_PROMPT, UNITS_REPLY = 100, 30  # tokens around today's file when asking which units a scenario touches


@dataclass(frozen=True)
class Estimate:
    requests: int
    tokens: int  # expected
    max_tokens: int  # if every reply ran to the output limit
    usd: float | None  # None when the model's price is unknown
    critics_each: int = 0  # then, model-critic requests per cluster representative (not in the figures above)
    full_tokens: int = 0  # for a sketch wave: what the same wave of full designs would take

    def line(self, model: str, budget: int | None) -> str:
        if self.usd is None:
            money = "cost unknown (no price for this model)"
        else:  # a cheap model's first wave rounds to nothing: say it is under a cent
            money = f"~${self.usd:.2f}" if self.usd >= 0.01 else "<$0.01"
        critics = f"; then {self.critics_each} requests per cluster for the model critics" if self.critics_each else ""
        if self.full_tokens > self.tokens:
            critics += f"; sketches save ~{(self.full_tokens - self.tokens) / 1000:.0f}k tokens against full designs"
        limit = f"; budget {budget} requests" if budget is not None else ""
        return (
            f"estimate: {self.requests} requests, ~{self.tokens / 1000:.0f}k tokens "
            f"(at most {self.max_tokens / 1000:.0f}k), {money} with {model}{critics}{limit}"
        )


def first_wave_requests(candidates: int, explorers: list[str]) -> int:
    """One request per candidate, and one more when the dimensions explorer asks for its axes."""
    return candidates + (1 if "dimensions" in explorers else 0)


def critic_requests(problem: Problem, critics: list[str], settings: dict[str, dict] | None = None) -> int:
    """Requests the model critics spend on each cluster's representative once the designs are in."""
    total = 0
    for name in critics:
        critic = build(name, CriticContext(settings=(settings or {}).get(name, {})))
        if needs_model(critic) and phase(critic) == "representatives":
            total += critic.planned_requests(problem)
    return total


def first_wave(
    problem: Problem, endpoint: Endpoint, candidates: int, explorers: list[str], critics_each: int = 0, sketch: bool = False
) -> Estimate:
    today = estimate_tokens(problem.source or problem.files.get(problem.target.path, ""))
    prompt = sum(estimate_tokens(m["content"]) for m in prompts.messages(problem, "Direction: x"))
    reply = full_reply = int(today * REPLY_GROWTH) + 200
    if sketch:  # signatures, types and docstrings: bodies elided
        reply = int(today * SKETCH_SHARE) + 100
    designs = first_wave_requests(candidates, explorers)
    # before the designs, the session asks once per scenario which units it touches (unless typed after =>)
    units = sum(1 for s in problem.scenarios if not problem.scenario_terms.get(s))
    unit_prompt, unit_reply = today + UNITS_PROMPT, UNITS_REPLY
    tokens = designs * (prompt + reply) + units * (unit_prompt + unit_reply)
    usd = cost(endpoint.model, designs * prompt + units * unit_prompt, designs * reply + units * unit_reply, endpoint.prices)
    known = price(endpoint.model, endpoint.prices) is not None
    most = designs * (prompt + endpoint.max_output_tokens) + units * (unit_prompt + endpoint.max_output_tokens)
    full = tokens + designs * (full_reply - reply) if sketch else 0
    return Estimate(designs + units, tokens, most, usd if known else None, critics_each, full)


OFFLINE_LINE = "offline: catalog only, no requests"


def before_start(problem: Problem, options) -> str:
    """What starting a session with ``options`` (engine.session.Options) will spend, in one line."""
    if options.offline or options.endpoint is None:
        return OFFLINE_LINE
    each = critic_requests(problem, options.critics, options.critic_settings)
    estimate = first_wave(problem, options.endpoint, options.count, options.explorers, each, options.sketch)
    return estimate.line(options.endpoint.model, options.budget.max_requests)


@dataclass(frozen=True)
class Plan:
    """What a steering command will spend, said before it runs: ``requests`` at most."""

    action: str
    requests: int
    designs: int  # of which the explorers' requests
    critics: int  # of which the model critics' (each new representative, or all again)
    left: int | None  # requests left in the budget

    def line(self) -> str:
        if self.action == "autopilot":
            budget = f"up to the {self.left} requests left in the budget" if self.left is not None else "requests with no budget limit set"
            return f"spends {budget}, and stops earlier once the designs stop improving"
        parts = [f"{self.designs} for designs"] if self.designs else []
        if self.critics:
            parts.append(f"up to {self.critics} for the model critics")
        spend = f"up to {self.requests} requests ({', '.join(parts)})" if parts else "no requests"
        left = f"; {self.left} left in the budget" if self.left is not None else ""
        return spend + left


DESIGN_REQUESTS = {"expand": None, "new_direction": None, "refine": 1, "combine": 1, "materialize": 1}


def plan(session, action: str, count: int = 1, scenario: str = "") -> Plan:
    """Requests ``action`` on ``session`` (engine.session.Session) may spend, at most: one per
    design asked for, the model critics on each design that founds a cluster, and for a new
    scenario one request to find the units it touches and the model critics again on every
    representative (their verdicts are cleared)."""
    left = session.options.budget.requests_left if session.client is not None else None
    if session.client is None:
        return Plan(action, 0, 0, 0, None)
    if action == "autopilot":  # as much as the budget allows, unless it stops earlier
        return Plan(action, max(0, left) if left is not None else 10**9, 0, 0, left)
    critics = session.model_critics()
    if action == "add_scenario":
        from dataclasses import replace

        problem = replace(session.problem, scenarios=[*session.problem.scenarios, scenario])
        per = sum(c.planned_requests(problem) for c in critics)
        valid = {c.id for c in session.candidates if c.valid}
        representatives = sum(1 for k in session.clusters if k.medoid in valid)
        units = 0 if "=>" in scenario else 1
        designs, judged = 0, units + per * representatives
    else:
        designs = DESIGN_REQUESTS.get(action) or count
        judged = designs * sum(c.planned_requests(session.problem) for c in critics)
    total = designs + judged
    if left is not None:
        total = min(total, max(0, left))
    return Plan(action, total, designs, judged, left)
