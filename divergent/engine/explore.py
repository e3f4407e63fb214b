"""Running an exploration: explorers propose, critics score, each candidate is stored at once."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from divergent.context.repo import safe_relative
from divergent.critics.base import CRITICS, Critic
from divergent.engine import clustering, ranking
from divergent.explorers.base import EXPLORERS, ExploreRequest
from divergent.model import Assessment, Candidate, Event, InputError, Problem
from divergent.storage.store import Store

Emit = Callable[[Event], None]
STATIC_CRITICS = ("simplicity", "extensibility", "validity")


@dataclass
class Options:
    explorers: list[str] = field(default_factory=lambda: ["catalog"])
    critics: list[str] = field(default_factory=lambda: list(STATIC_CRITICS))
    count: int = 32
    offline: bool = True
    model: str = ""
    budget: int = 0
    weights: dict[str, float] = field(default_factory=dict)


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
        self.critics = [CRITICS.create(name) for name in options.critics]
        self.candidates: list[Candidate] = []
        self.session = 0

    def _event(self, kind: str, **data) -> None:
        self.emit(Event(kind, self.session, data))

    async def _score_and_store(self, candidate: Candidate) -> None:
        reject_unsafe_paths(candidate, Path(self.problem.target.repo))
        assessments = await assess(candidate, self.problem, self.critics)
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

    async def run(self) -> int:
        o = self.options
        self.session = self.store.create_session(self.problem, o.offline, o.model, o.budget)
        self._event("session_started", target=self.problem.target.spec, commit=self.problem.target.commit, explorers=o.explorers)
        try:
            await self._score_and_store(baseline_of(self.problem))
            for name in o.explorers:
                explorer = EXPLORERS.create(name)
                request = ExploreRequest(self.problem, count=o.count)
                async for candidate in explorer.propose(request):
                    candidate.id = self.store.next_number(self.session)
                    self._event("candidate_added", number=candidate.id, title=candidate.title, explorer=name)
                    await self._score_and_store(candidate)
            clusters = clustering.cluster(self.candidates, self.problem.files)
            for c in clusters:
                for candidate in self.candidates:
                    if candidate.id in c.members:
                        candidate.cluster = c.id
            self.store.set_clusters(self.session, clusters)
            self._event("clustered", clusters=len(clusters), candidates=len(self.candidates))
        except BaseException:
            self.store.set_status(self.session, "failed")
            raise
        self.store.set_status(self.session, "done")
        self._event("finished", candidates=len(self.candidates) - 1)
        return self.session


async def explore(store: Store, problem: Problem, options: Options, emit: Emit) -> int:
    return await Exploration(store, problem, options, emit).run()
