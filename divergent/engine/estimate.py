"""What a wave will cost, said before it is spent."""

from __future__ import annotations

from dataclasses import dataclass

from divergent.critics.base import CriticContext, build, phase
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

    def line(self, model: str, budget: int | None) -> str:
        if self.usd is None:
            money = "cost unknown (no price for this model)"
        else:  # a cheap model's first wave rounds to nothing: say it is under a cent
            money = f"~${self.usd:.2f}" if self.usd >= 0.01 else "<$0.01"
        critics = f"; then {self.critics_each} requests per cluster for the model critics" if self.critics_each else ""
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
    problem: Problem, endpoint: Endpoint, candidates: int, explorers: list[str], critics_each: int = 0
) -> Estimate:
    today = estimate_tokens(problem.source or problem.files.get(problem.target.path, ""))
    prompt = sum(estimate_tokens(m["content"]) for m in prompts.messages(problem, "Direction: x"))
    reply = int(today * REPLY_GROWTH) + 200
    designs = first_wave_requests(candidates, explorers)
    # before the designs, the session asks once per scenario which units it touches (unless typed after =>)
    units = sum(1 for s in problem.scenarios if not problem.scenario_terms.get(s))
    unit_prompt, unit_reply = today + UNITS_PROMPT, UNITS_REPLY
    tokens = designs * (prompt + reply) + units * (unit_prompt + unit_reply)
    usd = cost(endpoint.model, designs * prompt + units * unit_prompt, designs * reply + units * unit_reply, endpoint.prices)
    known = price(endpoint.model, endpoint.prices) is not None
    most = designs * (prompt + endpoint.max_output_tokens) + units * (unit_prompt + endpoint.max_output_tokens)
    return Estimate(designs + units, tokens, most, usd if known else None, critics_each)


OFFLINE_LINE = "offline: catalog only, no requests"


def before_start(problem: Problem, options) -> str:
    """What starting a session with ``options`` (engine.session.Options) will spend, in one line."""
    if options.offline or options.endpoint is None:
        return OFFLINE_LINE
    each = critic_requests(problem, options.critics, options.critic_settings)
    estimate = first_wave(problem, options.endpoint, options.count, options.explorers, each)
    return estimate.line(options.endpoint.model, options.budget.max_requests)
