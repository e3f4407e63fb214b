"""The explorer protocol and its registry (entry-point group ``divergent.explorers``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import AsyncIterator, Protocol

from divergent.model import Candidate, Cluster, Problem
from divergent.plugins import Registry


@dataclass
class ExploreRequest:
    problem: Problem
    count: int = 8  # how many candidates are wanted (an upper bound)
    clusters: list[Cluster] = field(default_factory=list)  # what exists so far
    parents: list[Candidate] = field(default_factory=list)


class Explorer(Protocol):
    name: str

    def propose(self, request: ExploreRequest) -> AsyncIterator[Candidate]: ...


EXPLORERS: Registry[Explorer] = Registry("divergent.explorers", "explorer")
register = EXPLORERS.register
