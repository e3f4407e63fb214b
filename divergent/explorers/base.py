"""The explorer protocol and its registry (entry-point group ``divergent.explorers``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, AsyncIterator, Protocol

from divergent.model import Assessment, Candidate, Problem
from divergent.plugins import Registry


@dataclass
class ExploreRequest:
    problem: Problem
    count: int = 8  # how many candidates are wanted (an upper bound)
    parents: list[Candidate] = field(default_factory=list)
    evidence: dict[int, list[Assessment]] = field(default_factory=dict)  # candidate id -> its assessments
    known: list[tuple[str, str]] = field(default_factory=list)  # (cluster label, representative's summary)
    covered: list[dict[str, str]] = field(default_factory=list)  # design choices already explored
    sketch: bool = False  # ask for public API only
    client: Any = None  # llm.client.ModelClient; None when offline
    seed: int = 0  # added to every request's seed: each action asks anew, a resumed one asks the same


class Explorer(Protocol):
    name: str

    def propose(self, request: ExploreRequest) -> AsyncIterator[Candidate]: ...


EXPLORERS: Registry[Explorer] = Registry("divergent.explorers", "explorer")
