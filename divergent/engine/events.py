"""What the engine tells its listeners (the headless reporter, the app), one class a kind.

Every event is an ``Event`` (model.py): ``session``, a ``kind`` naming it, and ``data``,
its plain fields as a dict. Fields marked ``payload`` carry the engine's own objects
(candidates, clusters, assessments) so a listener redraws from the event itself,
without reading SQLite; they are left out of ``data``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from divergent.model import Assessment, Candidate, Cluster, Event, Usage


def payload(default: Any = None, factory: Any = None) -> Any:
    if factory is not None:
        return field(default_factory=factory, metadata={"payload": True}, compare=False)
    return field(default=default, metadata={"payload": True}, compare=False)


@dataclass(frozen=True)
class SessionStarted(Event):
    kind = "session_started"
    target: str
    commit: str
    explorers: list[str]


@dataclass(frozen=True)
class ActionStarted(Event):
    """A command began; ``detail`` is what it was given (cluster, candidate, count, seed...)."""

    kind = "action_started"
    action: str
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def data(self) -> dict[str, Any]:
        return {"action": self.action, **self.detail}


@dataclass(frozen=True)
class CandidateAdded(Event):
    """An explorer proposed a design; it is scored next."""

    kind = "candidate_added"
    number: int
    title: str
    explorer: str


@dataclass(frozen=True)
class Duplicate(Event):
    """A proposal identical to one the session holds (a cached reply after a resume): dropped."""

    kind = "duplicate"
    title: str
    explorer: str


@dataclass(frozen=True)
class UsageChanged(Event):
    """What the session has spent so far, against its request budget (None: no limit)."""

    kind = "usage"
    requests: int
    input_tokens: int
    output_tokens: int
    cost_usd: float
    budget: int | None

    @classmethod
    def of(cls, session: int, usage: Usage, budget: int | None) -> UsageChanged:
        return cls(session, usage.requests, usage.input_tokens, usage.output_tokens, round(usage.cost_usd, 6), budget)


@dataclass(frozen=True)
class CandidateScored(Event):
    """A candidate is stored with its static critics' scores (dimension -> 0..1, and overall)."""

    kind = "candidate_scored"
    number: int
    title: str
    explorer: str
    valid: bool
    reason: str
    scores: dict[str, float]
    candidate: Candidate | None = payload()
    assessments: list[Assessment] = payload(factory=list)


@dataclass(frozen=True)
class Clustered(Event):
    """The session's candidates were grouped again; ``new`` clusters hold only new candidates."""

    kind = "clustered"
    clusters: int
    candidates: int
    new: int
    groups: list[Cluster] = payload(factory=list)


@dataclass(frozen=True)
class Verified(Event):
    """A candidate's tests ran (beside the stream) or it took a near-duplicate's verdict."""

    kind = "verified"
    number: int
    passed: bool
    seconds: float
    evidence: str
    inherited_from: int | None = None  # the near-duplicate whose verdict it took, instead of running


@dataclass(frozen=True)
class NearDuplicate(Event):
    """A candidate falls inside an earlier design's cluster: it inherits that design's verdicts."""

    kind = "near_duplicate"
    number: int
    of: int
    alike: float  # 0..100, skeleton similarity


@dataclass(frozen=True)
class CriticPlan(Event):
    """The model critics are about to judge these many representatives."""

    kind = "critic_plan"
    critics: list[str]
    representatives: int
    requests: int


@dataclass(frozen=True)
class Ranked(Event):
    """Overall scores and the Pareto front were computed again."""

    kind = "ranked"
    pareto: list[int]
    overall: dict[int, float] = payload(factory=dict)
    assessments: dict[int, list[Assessment]] = payload(factory=dict)


@dataclass(frozen=True)
class NoveltyChecked(Event):
    """Of the novelty explorer's designs, how many joined an earlier cluster (misses)."""

    kind = "novelty"
    asked: int
    misses: int


@dataclass(frozen=True)
class ActionFinished(Event):
    """A command ended (done, stopped or failed): what it made and what it cost."""

    kind = "action_finished"
    action: str
    candidates: int
    requests: int
    discovery: dict[str, int]
    asked: int = 0  # designs the explorers were asked for
    failed: dict[str, int] = field(default_factory=dict)  # reason -> designs that could not be made
    notes: list[str] = field(default_factory=list)  # e.g. a share handed to another explorer


@dataclass(frozen=True)
class AutopilotPlanned(Event):
    kind = "autopilot_plan"
    first_wave: int
    sketch: bool = False  # the first wave asks for API sketches


@dataclass(frozen=True)
class AutopilotStepped(Event):
    kind = "autopilot_step"
    arm: str
    requests: int
    best: float
    clusters: int


@dataclass(frozen=True)
class AutopilotStopped(Event):
    kind = "autopilot_stopped"
    reason: str
    steps: int


@dataclass(frozen=True)
class Resumed(Event):
    """An action that was in flight when the process died is planned again."""

    kind = "resume"
    action: str


@dataclass(frozen=True)
class Finished(Event):
    """A headless run is over; ``candidates`` excludes today's code."""

    kind = "finished"
    candidates: int
