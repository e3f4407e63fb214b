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
