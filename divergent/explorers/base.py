"""The explorer protocol and the registry that finds explorers by name.

Built-in explorers register exactly as a third party would: through the
``divergent.explorers`` entry-point group, or by calling ``register``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import AsyncIterator, Callable, Protocol

from divergent.model import Candidate, Cluster, InputError, Problem

GROUP = "divergent.explorers"


@dataclass
class ExploreRequest:
    problem: Problem
    count: int = 8  # how many candidates are wanted (an upper bound)
    clusters: list[Cluster] = field(default_factory=list)  # what exists so far
    parents: list[Candidate] = field(default_factory=list)


class Explorer(Protocol):
    name: str

    def propose(self, request: ExploreRequest) -> AsyncIterator[Candidate]: ...


_FACTORIES: dict[str, Callable[[], Explorer]] = {}


def register(name: str, factory: Callable[[], Explorer]) -> None:
    _FACTORIES[name] = factory


def _load_entry_points() -> None:
    for ep in entry_points(group=GROUP):
        if ep.name not in _FACTORIES:
            _FACTORIES[ep.name] = ep.load()


def names() -> list[str]:
    _load_entry_points()
    return sorted(_FACTORIES)


def create(name: str) -> Explorer:
    _load_entry_points()
    try:
        return _FACTORIES[name]()
    except KeyError:
        raise InputError(f"no explorer named {name!r} (available: {', '.join(names())})") from None
