"""The hard budget: requests, tokens and dollars, reserved before each request is sent.

A request reserves one request, its prompt tokens and its largest possible reply
before it goes out; when the reply arrives the reservation is settled to what was
really used. All of this happens on the event loop's thread between awaits, so
concurrent requests can never together overshoot a limit.
"""

from __future__ import annotations

from dataclasses import dataclass

from divergent.model import Usage


class BudgetExhausted(Exception):
    """No room left for another request."""


@dataclass
class Reservation:
    tokens: int
    usd: float


@dataclass
class Budget:
    max_requests: int | None = None
    max_tokens: int | None = None
    max_usd: float | None = None

    def __post_init__(self) -> None:
        self.spent = Usage()  # settled
        self._held_tokens = 0
        self._held_usd = 0.0

    @property
    def requests_left(self) -> int | None:
        return None if self.max_requests is None else self.max_requests - self.spent.requests

    def reserve(self, tokens: int, usd: float) -> Reservation:
        """Hold room for one request, or raise BudgetExhausted."""
        if self.max_requests is not None and self.spent.requests + 1 > self.max_requests:
            raise BudgetExhausted(f"request budget of {self.max_requests} spent")
        used_tokens = self.spent.input_tokens + self.spent.output_tokens + self._held_tokens
        if self.max_tokens is not None and used_tokens + tokens > self.max_tokens:
            raise BudgetExhausted(f"token budget of {self.max_tokens} would be exceeded")
        if self.max_usd is not None and self.spent.cost_usd + self._held_usd + usd > self.max_usd:
            raise BudgetExhausted(f"budget of ${self.max_usd:.2f} would be exceeded")
        self.spent.requests += 1
        self._held_tokens += tokens
        self._held_usd += usd
        return Reservation(tokens, usd)

    def settle(self, reservation: Reservation, used: Usage) -> None:
        """Replace a reservation by what the request really used.

        The reservation held the largest reply asked for (``max_completion_tokens``),
        so a server that honours that limit can never push the total past the budget.
        """
        self._held_tokens -= reservation.tokens
        self._held_usd -= reservation.usd
        self.spent.input_tokens += used.input_tokens
        self.spent.output_tokens += used.output_tokens
        self.spent.cost_usd += used.cost_usd
