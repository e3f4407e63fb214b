"""The explorer protocol and its registry (entry-point group ``divergent.explorers``)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, AsyncIterator, Protocol

from divergent.model import Assessment, Candidate, Problem
from divergent.plugins import Registry


@dataclass
class Tally:
    """What an action's asks came to: how many went out, and why those that made nothing failed."""

    asked: int = 0
    failed: Counter = field(default_factory=Counter)  # reason -> asks
    notes: list[str] = field(default_factory=list)  # an explorer's share handed to another, and why

    def miss(self, reason: str) -> None:
        self.failed[" ".join(reason.split())[:160]] += 1

    def why(self) -> str:
        """The failures, most common first: 'reason (x3); reason'."""
        return "; ".join(f"{reason} (x{n})" if n > 1 else reason for reason, n in self.failed.most_common(3))


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
    tally: Tally = field(default_factory=Tally)  # shared by an action's explorers


class Explorer(Protocol):
    """Proposes candidates for a request, as they come.

    Optional: ``needs_model = True`` for an explorer that asks the model (it is then
    refused offline); one that leaves it out works offline (``plugins.needs_model``).
    """

    name: str

    def propose(self, request: ExploreRequest) -> AsyncIterator[Candidate]: ...


EXPLORERS: Registry[Explorer] = Registry("divergent.explorers", "explorer")
