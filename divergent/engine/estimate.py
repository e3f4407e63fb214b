"""What a wave will cost, said before it is spent."""

from __future__ import annotations

from dataclasses import dataclass

from divergent.explorers.model import prompts
from divergent.llm.config import Endpoint
from divergent.llm.pricing import cost, estimate_tokens, price
from divergent.model import Problem

REPLY_GROWTH = 1.3  # a redesigned file is usually a little longer than today's


@dataclass(frozen=True)
class Estimate:
    requests: int
    tokens: int  # expected
    max_tokens: int  # if every reply ran to the output limit
    usd: float | None  # None when the model's price is unknown

    def line(self, model: str, budget: int | None) -> str:
        money = f"~${self.usd:.2f}" if self.usd is not None else "cost unknown (no price for this model)"
        limit = f"; budget {budget} requests" if budget is not None else ""
        return (
            f"estimate: {self.requests} requests, ~{self.tokens / 1000:.0f}k tokens "
            f"(at most {self.max_tokens / 1000:.0f}k), {money} with {model}{limit}"
        )


def first_wave(problem: Problem, endpoint: Endpoint, candidates: int, explorers: list[str]) -> Estimate:
    prompt = sum(estimate_tokens(m["content"]) for m in prompts.messages(problem, "Direction: x"))
    reply = int(estimate_tokens(problem.files.get(problem.target.path, "")) * REPLY_GROWTH) + 200
    requests = candidates + (1 if "dimensions" in explorers else 0)
    tokens = requests * (prompt + reply)
    usd = cost(endpoint.model, requests * prompt, requests * reply, endpoint.prices)
    known = price(endpoint.model, endpoint.prices) is not None
    return Estimate(requests, tokens, requests * (prompt + endpoint.max_output_tokens), usd if known else None)
