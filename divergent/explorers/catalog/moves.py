"""What a catalog move is: a named rewrite of one Python source file."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from divergent.model import Target


@dataclass(frozen=True)
class Rewrite:
    source: str
    detail: str  # what was done, in a few words: "render(kind): 3 handlers in a registry"


@dataclass(frozen=True)
class Move:
    name: str
    title: str
    rationale: str
    rewrite: Callable[[str, Target], Rewrite | None]
    pairs: bool = True  # False: offered alone, never combined with another move
