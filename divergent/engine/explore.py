"""Running an exploration: explorers propose, critics score, each candidate is stored at once."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from divergent.context.repo import safe_relative
from divergent.critics.base import CRITICS, Critic
from divergent.engine import clustering, ranking
from divergent.engine.streams import merge
from divergent.explorers.base import EXPLORERS, ExploreRequest
from divergent.llm.budget import Budget, BudgetExhausted
from divergent.llm.client import EndpointError, ModelClient
from divergent.llm.config import Endpoint
from divergent.model import Assessment, Candidate, Event, InputError, Problem
from divergent.storage.calls import SqliteCallLog, session_usage
from divergent.storage.store import Store

Emit = Callable[[Event], None]
STATIC_CRITICS = ("simplicity", "extensibility", "validity", "change_cost")
MODEL_CRITICS = ("speculative", "judge")
FIRST_WAVE = ("lenses", "dimensions")


@dataclass
class Options:
    explorers: list[str] = field(default_factory=lambda: ["catalog"])
    critics: list[str] = field(default_factory=lambda: list(STATIC_CRITICS))
    count: int = 32
    offline: bool = True
    endpoint: Endpoint | None = None  # required unless offline
    budget: Budget = field(default_factory=Budget)
    weights: dict[str, float] = field(default_factory=dict)
    critic_settings: dict[str, dict] = field(default_factory=dict)  # critic name -> attributes to set

    @property
    def model(self) -> str:
        return "" if self.offline or self.endpoint is None else self.endpoint.model


def shares(count: int, explorers: list[str]) -> dict[str, int]:
    """Split a wave's candidates across its explorers as evenly as whole numbers allow."""
    base, extra = divmod(count, len(explorers))
    return {name: base + (1 if i < extra else 0) for i, name in enumerate(explorers)}


def baseline_of(problem: Problem) -> Candidate:
    return Candidate(
        title="Today's code",
        files=dict(problem.files),
        summary="The code as it is at the session's commit.",
        explorer="baseline",
        baseline=True,
        id=0,
    )


def reject_unsafe_paths(candidate: Candidate, repo: Path) -> None:
    """Drop files whose paths leave the repository; the candidate stays, marked invalid."""
    for path in list(candidate.files):
        try:
            safe = safe_relative(repo, path)
        except InputError as error:
            candidate.files.pop(path)
            candidate.invalidate(f"rejected file: {error}")
            continue
        if safe != path:
            candidate.files[safe] = candidate.files.pop(path)


def inherited(found: list[Assessment], representative: int) -> list[Assessment]:
    return [
        Assessment(a.critic, a.dimension, a.score, {"inherited_from": representative}, f"as #{representative}, its cluster's representative: {a.evidence}")
        for a in found
    ]


async def assess(candidate: Candidate, problem: Problem, critics: list[Critic]) -> list[Assessment]:
    results = await asyncio.gather(*(critic.assess(candidate, problem) for critic in critics))
    assessments = [a for result in results for a in result]
    for a in assessments:
        if a.dimension == "validity" and a.score < 1.0:
            candidate.invalidate(a.evidence)
    return assessments


class Exploration:
    """One session's run: owns the store writes and the events for that session."""

    def __init__(self, store: Store, problem: Problem, options: Options, emit: Emit) -> None:
        self.store = store
        self.problem = problem
        self.options = options
        self.emit = emit
        self.critics = []
        for name in options.critics:
            critic = CRITICS.create(name)
            for key, value in options.critic_settings.get(name, {}).items():
                setattr(critic, key, value)
            self.critics.append(critic)
        self.candidates: list[Candidate] = []
        self.session = 0
        self.client: ModelClient | None = None
        self.clusters: list = []

    def _event(self, kind: str, **data) -> None:
        self.emit(Event(kind, self.session, data))

    def _critics(self, phase: str) -> list[Critic]:
        return [c for c in self.critics if getattr(c, "phase", "each") == phase]

    async def _score_and_store(self, candidate: Candidate) -> None:
        reject_unsafe_paths(candidate, Path(self.problem.target.repo))
        assessments = await assess(candidate, self.problem, self._critics("each"))
        dimension_scores = ranking.scores(assessments)
        overall = ranking.overall(dimension_scores, self.options.weights)
        number = self.store.add_candidate(self.session, candidate, assessments, overall)
        self.candidates.append(candidate)
        self._event(
            "candidate_scored",
            number=number,
            title=candidate.title,
            valid=candidate.valid,
            reason=candidate.invalid_reason,
            scores={**dimension_scores, "overall": overall},
        )

    def _cluster(self) -> None:
        clusters = clustering.cluster(self.candidates, self.problem.files)
        for c in clusters:
            for candidate in self.candidates:
                if candidate.id in c.members:
                    candidate.cluster = c.id
        self.store.set_clusters(self.session, clusters)
        self.clusters = clusters
        self._event("clustered", clusters=len(clusters), candidates=len(self.candidates))

    async def _representatives(self) -> None:
        """Model critics on each cluster's representative; the other members inherit."""
        critics = [c for c in self._critics("representatives") if self.client is not None]
        if not critics:
            return
        by_id = {c.id: c for c in self.candidates}
        medoids = sorted((c.medoid for c in self.clusters), key=lambda m: (not by_id[m].baseline, m))
        medoids = [m for m in medoids if by_id[m].valid]
        per = sum(c.planned_requests(self.problem) for c in critics)
        left = self.options.budget.requests_left
        if left is not None and per:
            medoids = medoids[: max(0, left // per)]
        self._event("critic_plan", critics=[c.name for c in critics], representatives=len(medoids), requests=per * len(medoids))

        async def one(number: int) -> None:
            try:
                found = await assess(by_id[number], self.problem, critics)
            except BudgetExhausted:
                return
            self.store.replace_assessments(self.session, number, found)
            for cluster in self.clusters:
                if cluster.medoid == number:
                    for member in cluster.members:
                        if member != number:
                            self.store.replace_assessments(self.session, member, inherited(found, number))

        if medoids:
            await one(medoids[0])  # today's code first: the others are measured against it
            await asyncio.gather(*(one(m) for m in medoids[1:]))

    def _rank(self) -> None:
        assessments = self.store.assessments(self.session)
        vectors = {number: ranking.scores(found) for number, found in assessments.items()}
        overall = {number: ranking.overall(v, self.options.weights) for number, v in vectors.items()}
        front = ranking.pareto_front({n: v for n, v in vectors.items() if n != 0})
        self.store.set_rank(self.session, overall, front)
        self._event("ranked", pareto=sorted(front))

    async def _wave(self) -> None:
        o = self.options
        counts = shares(o.count, o.explorers)
        streams = []
        for name in o.explorers:
            request = ExploreRequest(self.problem, count=counts[name], client=self.client)
            streams.append((name, EXPLORERS.create(name).propose(request)))
        async for name, candidate in merge(streams):
            candidate.id = self.store.next_number(self.session)
            self._event("candidate_added", number=candidate.id, title=candidate.title, explorer=name)
            if self.client is not None:
                self._event("usage", **session_usage(self.store, self.session).to_dict(), budget=o.budget.max_requests)
            await self._score_and_store(candidate)

    async def run(self) -> int:
        o = self.options
        self.session = self.store.create_session(self.problem, o.offline, o.model, o.budget.max_requests or 0)
        if not o.offline:
            if o.endpoint is None:
                raise InputError("a model endpoint is needed unless --offline")
            self.client = ModelClient(o.endpoint, o.budget, SqliteCallLog(self.store, self.session))
            for critic in self.critics:
                if getattr(critic, "needs_model", False):
                    critic.client = self.client
        self._event("session_started", target=self.problem.target.spec, commit=self.problem.target.commit, explorers=o.explorers)
        status = "failed"
        try:
            await self._score_and_store(baseline_of(self.problem))
            await self._wave()
            status = "done"
        except EndpointError:
            status = "stopped"  # keep what was found, then say why
            raise
        finally:
            try:
                if status != "failed":
                    self._cluster()
                    if status == "done":
                        await self._representatives()
                    self._rank()
            finally:
                if self.client is not None:
                    await self.client.close()
                self.store.set_status(self.session, status)
        self._event("finished", candidates=len(self.candidates) - 1)
        return self.session


async def explore(store: Store, problem: Problem, options: Options, emit: Emit) -> int:
    return await Exploration(store, problem, options, emit).run()
