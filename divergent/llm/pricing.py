"""Dollars per million tokens, per model: a small default table the config file extends."""

from __future__ import annotations

from divergent.tokens import estimate_tokens

__all__ = ["DEFAULT_PRICES", "cost", "estimate_tokens", "price"]

# (input, output) in USD per million tokens, list prices as published by the vendors
DEFAULT_PRICES: dict[str, tuple[float, float]] = {
    "gpt-4o-mini": (0.15, 0.60),
    "gpt-4o": (2.50, 10.00),
    "gpt-4.1": (2.00, 8.00),
    "gpt-4.1-mini": (0.40, 1.60),
    "gpt-4.1-nano": (0.10, 0.40),
    "o4-mini": (1.10, 4.40),
}


def price(model: str, overrides: dict[str, dict[str, float]] | None = None) -> tuple[float, float] | None:
    """(input, output) USD per million tokens, or None when unknown (cost then counts 0)."""
    if overrides and model in overrides:
        entry = overrides[model]
        return float(entry.get("input", 0.0)), float(entry.get("output", 0.0))
    return DEFAULT_PRICES.get(model)


def cost(model: str, input_tokens: int, output_tokens: int, overrides=None) -> float:
    known = price(model, overrides)
    if known is None:
        return 0.0
    return (input_tokens * known[0] + output_tokens * known[1]) / 1_000_000
