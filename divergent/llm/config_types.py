"""The config file's shape: each known key's type and range, checked once when it is read.

A wrong type is refused in one line naming the key, before any session is stored
(``concurrency = "many"``, ``endpoint = 5``, ``lenses = "x"``, a price as text).
Keys we do not know are left alone.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from divergent.model import InputError

STRUCTURED = ("auto", "json_schema", "json_object", "text")


def _whole(least: int, most: int, *also: str):
    def check(value: Any) -> str | None:
        if isinstance(value, str) and value in also:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not least <= value <= most:
            extra = "".join(f" or {a!r}" for a in also)
            return f"a whole number from {least} to {most}{extra}"
        return None

    return check


def _number(least: float, most: float):
    def check(value: Any) -> str | None:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or not least <= value <= most:
            return f"a number from {least:g} to {most:g}"
        return None

    return check


def _text(value: Any) -> str | None:
    return None if isinstance(value, str) else "text"


def _one_of(*allowed: str):
    def check(value: Any) -> str | None:
        return None if value in allowed else "one of " + ", ".join(allowed)

    return check


def _names(value: Any) -> str | None:
    if isinstance(value, str) or (isinstance(value, list) and all(isinstance(v, str) for v in value)):
        return None
    return "a list of names"


ENDPOINT = {
    "base_url": _text,
    "api_key": _text,
    "model": _text,
    "concurrency": _whole(1, 256, "auto"),
    "timeout": _number(0.1, 86_400),
    "structured": _one_of(*STRUCTURED),
    "max_output_tokens": _whole(16, 10**7),
    "context_tokens": _whole(0, 10**8),
}
EXPLORE = {"explorers": _names, "critics": _names}


def check(found: dict[str, Any], path: Path) -> dict[str, Any]:
    """``found`` as read from ``path``; InputError naming the first key of the wrong type."""

    def refuse(key: str, wanted: str, value: Any) -> InputError:
        return InputError(f"config file {path}: {key} must be {wanted}, not {value!r}")

    for section, fields in (("endpoint", ENDPOINT), ("explore", EXPLORE)):
        table = found.get(section, {})
        if not isinstance(table, dict):
            raise refuse(f"[{section}]", "a table", table)
        for key, rule in fields.items():
            if key in table and (wanted := rule(table[key])):
                raise refuse(f"[{section}] {key}", wanted, table[key])
    prices = found.get("prices", {})
    if not isinstance(prices, dict):
        raise refuse("[prices]", "a table of models", prices)
    for model, price in prices.items():
        if not isinstance(price, dict):
            raise refuse(f"[prices.{model!r}]", "a table with input and output", price)
        for key in ("input", "output"):
            if key in price and (wanted := _number(0, 10_000)(price[key])):
                raise refuse(f"[prices.{model!r}] {key}", f"{wanted} (dollars per million tokens)", price[key])
    lenses = found.get("lenses", [])
    if not isinstance(lenses, list) or not all(isinstance(lens, dict) for lens in lenses):
        raise refuse("[[lenses]]", "a list of tables with name and instruction", lenses)
    for lens in lenses:
        for key in ("name", "instruction"):
            if not isinstance(lens.get(key), str) or not lens.get(key).strip():
                raise refuse(f"[[lenses]] {key}", "some text", lens.get(key))
    weights = found.get("weights", {})
    if not isinstance(weights, dict):
        raise refuse("[weights]", "a table of DIMENSION = NUMBER", weights)
    for name, value in weights.items():
        if wanted := _number(0, 1000)(value):
            raise refuse(f"[weights] {name}", wanted, value)
    return found
