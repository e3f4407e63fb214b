"""Helpers for the catalog's tests: a target in a one-file module, and running rewritten code."""

from __future__ import annotations

import textwrap

from divergent.model import Target


def target(symbol: str | None, kind: str) -> Target:
    return Target(repo="/nowhere", path="m.py", symbol=symbol, kind=kind)


def load(source: str) -> dict:
    namespace: dict = {}
    exec(compile(source, "m.py", "exec"), namespace)
    return namespace


def dedent(source: str) -> str:
    return textwrap.dedent(source).lstrip()


SHAPES = dedent(
    '''
    class Shapes:
        """Areas of shapes."""

        def __init__(self, scale=1):
            self.scale = scale

        def area(self, kind, size):
            """The area of one shape."""
            if kind == "square":
                return size * size * self.scale
            elif kind in ("circle", "disc"):
                return round(3.14159 * size * size, 2)
            elif kind == "triangle":
                half = size / 2
                return half * size
            else:
                raise ValueError(kind)
    '''
)
