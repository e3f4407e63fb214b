"""Small designs several test files read: one copy of each (rooms import them by name)."""

from __future__ import annotations

import textwrap


def src(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


# Three renderers in a table keyed by a type code: the registry that replaces a chain.
RENDERERS = src(
    """
    def _csv(rows):
        return ",".join(rows)


    def _ssv(rows):
        return ";".join(rows)


    def _lines(rows):
        return "|".join(rows)


    RENDERERS = {"csv": _csv, "ssv": _ssv, "lines": _lines}
    """
)


def renamed(source: str, names: dict[str, str]) -> str:
    """``source`` with each name (or string, or number) replaced: the same design in other words."""
    for old, new in names.items():
        source = source.replace(old, new)
    return source


# A function appended to a module, and small helpers to append after it: designs that
# differ by a helper or two are near-duplicates of one another (one cluster).
SUMMARISE = """

def summarise(rows, currency):
    total = 0
    count = 0
    for row in rows:
        if row.quantity > 0:
            total += row.quantity * row.unit_price
            count += 1
        else:
            continue
    while count > 100:
        count -= 1
    try:
        average = total / count
    except ZeroDivisionError:
        average = 0
    return {"total": total, "count": count, "average": average, "currency": currency}
"""
SMALL = "\n\ndef helper_{}(x):\n    return x\n"
