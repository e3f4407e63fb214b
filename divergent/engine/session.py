"""A session and the commands that steer it: the same for the TUI and headless use.

Every command runs explorers, scores what they propose (each candidate stored the
moment it is scored), then settles: clusters again, runs the model critics on
new representatives, and ranks (engine/settling.py). The session keeps what it
knows in memory (candidates, clusters, assessments, overall scores, the front),
writes it through the Store, and emits typed events (engine/events.py). Each
command is recorded with its cost in requests. Model-only commands raise
``Unavailable`` offline, saying why.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from divergent.critics.base import Critic, CriticContext, ModelCritic, base_text, build, phase
from divergent.engine import clustering, near_duplicates, scenarios, settling
from divergent.engine.autopilot import drive
from divergent.engine.events import (
    ActionFinished,
    ActionStarted,
    CandidateAdded,
    Duplicate,
    NoveltyChecked,
    SessionStarted,
    UsageChanged,
)
from divergent.engine.options import Options, check_explorable, record
from divergent.engine.resume import resume
from divergent.engine.scoring import baseline_of
from divergent.engine.steering import Unavailable
from divergent.engine.streams import merge
from divergent.engine.verification import VerifyQueue
from divergent.explorers.base import EXPLORERS, ExploreRequest, Tally
from divergent.llm.client import EndpointError, ModelClient
from divergent.model import Assessment, Candidate, Cluster, Event, InputError, Problem
from divergent.storage.calls import SqliteCallLog, session_usage
from divergent.storage.dialects import SqliteDialects
from divergent.storage.store import Store
from divergent.storage.verdicts import near

Emit = Callable[[Event], None]


def shares(count: int, explorers: list[str]) -> dict[str, int]:
    """Split a wave's candidates across its explorers as evenly as whole numbers allow."""
    base, extra = divmod(count, len(explorers))
    return {name: base + (1 if i < extra else 0) for i, name in enumerate(explorers)}


class Session:
    def __init__(self, store: Store, problem: Problem, options: Options, emit: Emit, session: int = 0) -> None:
        self.store = store
        self.problem = problem
        self.options = options
        self.emit = emit
        self.id = session
        self.client: ModelClient | None = None
        self.resuming: dict | None = None  # the interrupted action being planned again (engine/resume.py)
        self.baseline_unscored = False  # today's code restored on opening, not yet scored (resume scores it)
        self.candidates: list[Candidate] = []
        self.clusters: list[Cluster] = []
        self.assessments: dict[int, list[Assessment]] = {}  # candidate number -> its assessments
        self.overall: dict[int, float] = {}
        self.front: set[int] = set()  # the Pareto front's candidate numbers
        self.near: dict[int, tuple[int, float]] = {}  # near-duplicate -> (the earlier design it is most like, % alike): near_duplicates.py
        self.clusterer = clustering.Clusterer(problem.files, read=lambda path: base_text(problem, path))
        self.critics: list[Critic] = []

    # opening and closing --------------------------------------------------

    @classmethod
    async def create(cls, store: Store, problem: Problem, options: Options, emit: Emit) -> Session:
        check_explorable(problem, options)
        session = store.create_session(problem, options.offline, options.model, options.budget.max_requests or 0)
        self = cls(store, problem, options, emit, session)
        self._connect()
        self.emit(SessionStarted(session, problem.target.spec, problem.target.commit, list(options.explorers)))
        record(store, session, options)  # what reopening it runs with (engine/options.py saved_options)
        # today's code is stored first: a session killed while the model matches its
        # scenarios (requests that may take long) can still be reopened
        await settling.score_and_store(self, baseline_of(problem))
        await scenarios.match_all(self)  # today's change-cost figures count the matched units
        await self.verify([self.candidates[0]])  # today's tests first: what a failure means depends on it
        return self

    async def verify(self, candidates: list[Candidate]) -> None:
        """Run the verify-phase critics on these candidates now (engine/verification.py)."""
        queue = VerifyQueue(self)
        for candidate in candidates:
            queue.submit(candidate)
        await queue.drain()

    @classmethod
    def open(cls, store: Store, session: int, options: Options, emit: Emit) -> Session:
        """A saved session, with everything scored before, ready for more commands."""
        self = cls(store, store.problem(session), options, emit, session)
        self.candidates = store.candidates(session)
        self.clusters = store.clusters(session)
        self.clusterer.keep(self.clusters)  # their labels stay as they were shown
        self.assessments = store.assessments(session)
        self.overall = store.overall(session)
        self.front = store.pareto(session)
        self.near = near(store, session)
        near_duplicates.mark(self, announce=False)  # marked when they arrived (said then, not again); older sessions now
        if not any(c.baseline for c in self.candidates):
            self._restore_baseline()
        if not options.offline:
            spent = session_usage(store, session)
            options.budget.spent.requests = spent.requests
            options.budget.spent.input_tokens = spent.input_tokens
            options.budget.spent.output_tokens = spent.output_tokens
            options.budget.spent.cost_usd = spent.cost_usd
        self._connect()
        return self

    def _restore_baseline(self) -> None:
        """A session killed before today's code was stored: read it again at the session's commit.

        Stored unscored here (opening is synchronous); ``resume`` scores it."""
        from divergent.context.repo import read_at

        target = self.problem.target
        repo = Path(target.repo)
        text = read_at(repo, target.commit, target.path) if repo.is_dir() else None
        if text is None:
            raise InputError(
                f"session {self.id} was stopped before today's code was stored, and {target.path} at "
                f"{target.commit[:8]} cannot be read from {repo}: start a new session"
            )
        self.problem.files = {target.path: text}
        self.clusterer = clustering.Clusterer(self.problem.files)
        baseline = baseline_of(self.problem)
        self.store.add_candidate(self.id, baseline, [], 0.0)
        self.candidates.insert(0, baseline)
        self.baseline_unscored = True

    def _connect(self) -> None:
        """The model client (online), then the critics, each built with a context holding it."""
        if not self.options.offline:
            self.client = ModelClient(
                self.options.endpoint, self.options.budget, SqliteCallLog(self.store, self.id), dialects=SqliteDialects(self.store)
            )
        self.critics = [
            build(name, CriticContext(self.client, self.options.critic_settings.get(name, {}))) for name in self.options.critics
        ]

    async def close(self, status: str = "done") -> None:
        if self.client is not None:
            await self.client.close()
            self.client = None
        self.store.set_status(self.id, status)

    # state -------------------------------------------------------------------

    def spent(self) -> int:
        """Requests this session has sent (0 offline)."""
        return session_usage(self.store, self.id).requests if self.client is not None else 0

    def critics_in(self, which: str) -> list[Critic]:
        return [c for c in self.critics if phase(c) == which]

    def model_critics(self) -> list[ModelCritic]:
        return self.critics_in("representatives")  # type: ignore[return-value]  # the protocol says so

    def need_model(self, action: str) -> ModelClient:
        if self.client is None:
            raise Unavailable(f"{action} needs a model endpoint: this session runs offline (catalog and static critics)")
        left = self.options.budget.requests_left
        if left is not None and left <= 0:
            raise Unavailable(f"{action}: the request budget of {self.options.budget.max_requests} is spent")
        return self.client

    def candidate(self, number: int) -> Candidate:
        for c in self.candidates:
            if c.id == number:
                return c
        raise InputError(f"no candidate {number} in session {self.id}")

    def cluster(self, number: int) -> Cluster:
        for c in self.clusters:
            if c.id == number:
                return c
        raise InputError(f"no cluster {number} in session {self.id}")

    def rank(self) -> set[int]:
        return settling.rank(self)

    async def settle(self, judge: bool = True) -> None:
        await settling.settle(self, judge)

    # running explorers -------------------------------------------------------------

    async def run(self, action: str, requests: list[tuple[str, ExploreRequest]], **detail) -> list[Candidate]:
        """Run explorers together, score what they propose, settle, and record the action."""
        spent_before = self.spent()
        known = {m for c in self.clusters for m in c.members}
        made: list[Candidate] = []
        seen = {self._identity(c) for c in self.candidates}
        tally = Tally()
        for _, request in requests:
            request.seed = detail["seed"]
            request.tally = tally
        self.store.add_event(self.id, "action_started", {"action": action, **detail})
        self.emit(ActionStarted(self.id, action, dict(detail)))
        streams = [(name, EXPLORERS.create(name).propose(request)) for name, request in requests]
        finished = lost = False
        verifying = VerifyQueue(self)  # tests run beside the stream, many at once
        try:
            async for name, candidate in merge(streams):
                if self._identity(candidate) in seen:  # a reply replayed from the cache after a resume
                    self.emit(Duplicate(self.id, candidate.title, name))
                    continue
                seen.add(self._identity(candidate))
                candidate.id = self.store.next_number(self.id)
                self.emit(CandidateAdded(self.id, candidate.id, candidate.title, name))
                if self.client is not None:
                    self.emit(UsageChanged.of(self.id, session_usage(self.store, self.id), self.options.budget.max_requests))
                await settling.score_and_store(self, candidate)
                verifying.submit(candidate)
                made.append(candidate)
            await verifying.drain()
            finished = True
        except EndpointError:
            lost = True  # asks never answered stay open: the action is not recorded as done, and resumes
            raise
        finally:
            await verifying.stop()  # after a stop or a failure: no test run left behind
            # after a stop or a failure: cluster and rank what there is, spend nothing more
            await self.settle(judge=finished)
            cost = self.spent() - spent_before
            self._novelty(made, known)
            outcome = {"asked": tally.asked, "failed": dict(tally.failed), "notes": list(tally.notes)}
            if not lost:  # asks never answered stay open, so that `open` resumes them
                self.store.add_event(self.id, action, {**detail, "candidates": [c.id for c in made], **outcome}, cost)
            self.emit(ActionFinished(self.id, action, len(made), cost, self.discovery(), **outcome))
        return made

    @staticmethod
    def _identity(candidate: Candidate) -> tuple:
        return (candidate.explorer, candidate.lens, tuple(sorted(candidate.files.items())))

    def _novelty(self, made: list[Candidate], known: set[int]) -> None:
        """A novelty candidate that joined a cluster of earlier candidates is a miss."""
        novel = [c for c in made if c.explorer == "novelty"]
        if not novel:
            return
        members = {m: cl for cl in self.clusters for m in cl.members}
        misses = [c.id for c in novel if set(members[c.id].members) & known]
        self.emit(NoveltyChecked(self.id, len(novel), len(misses)))

    def discovery(self) -> dict[str, int]:
        return {"requests": self.spent(), "clusters": len(self.clusters)}

    def _seed(self, resumed: dict | None = None) -> int:
        """A fresh seed offset per action (a resumed action keeps its own): 7919 apart."""
        if resumed is not None:
            return resumed["seed"]
        return 7919 * self.store.count_events(self.id, "action_started")

    def _request(self, count: int, **fields) -> ExploreRequest:
        return ExploreRequest(self.problem, count=count, client=self.client, **fields)

    # the commands (engine/steering.py names them for the CLI, the palette, the autopilot, resume) ------

    async def first_wave(self, count: int | None = None, sketch: bool | None = None) -> list[Candidate]:
        """``sketch``: ask for API sketches (None: as the options say)."""
        count = count or self.options.count
        counts = shares(count, self.options.explorers)
        # a resumed wave plans what it planned then: the combinations covered before it began
        known = self.resuming.get("known", len(self.candidates)) if self.resuming else len(self.candidates)
        covered = [c.choices for c in self.candidates[:known] if c.choices]
        if self.resuming:
            sketch = self.resuming.get("sketch", False)
        elif sketch is None:
            sketch = self.options.sketch
        requests = [(name, self._request(counts[name], covered=covered, sketch=sketch)) for name in self.options.explorers]
        return await self.run("first_wave", requests, count=count, known=known, sketch=sketch, seed=self._seed(self.resuming))

    async def expand(self, cluster: int, count: int = 4) -> list[Candidate]:
        self.need_model("expand")
        medoid = self.candidate(self.cluster(cluster).medoid)
        return await self.run("expand", [("expand", self._request(count, parents=[medoid]))], cluster=cluster, count=count, seed=self._seed(self.resuming))

    async def refine(self, number: int, count: int = 1) -> list[Candidate]:
        self.need_model("refine")
        parent = self.candidate(number)
        evidence = {number: list(self.assessments.get(number, []))}
        return await self.run("refine", [("refine", self._request(count, parents=[parent], evidence=evidence))], candidate=number, seed=self._seed(self.resuming))

    async def combine(self, first: int, second: int, count: int = 1) -> list[Candidate]:
        self.need_model("combine")
        if first == second:
            raise InputError("combine needs two different candidates")
        parents = [self.candidate(first), self.candidate(second)]
        return await self.run("combine", [("combine", self._request(count, parents=parents))], candidates=[first, second], seed=self._seed(self.resuming))

    async def new_direction(self, count: int = 1) -> list[Candidate]:
        self.need_model("new direction")
        by_id = {c.id: c for c in self.candidates}
        known = [(c.label, by_id[c.medoid].summary) for c in self.clusters if not by_id[c.medoid].baseline]
        return await self.run("new_direction", [("novelty", self._request(count, known=known))], count=count, seed=self._seed(self.resuming))

    async def materialize(self, number: int) -> list[Candidate]:
        self.need_model("materialize")
        sketch = self.candidate(number)
        if sketch.fidelity.value != "sketch":
            raise InputError(f"candidate {number} is already a full design")
        return await self.run("materialize", [("materialize", self._request(1, parents=[sketch]))], candidate=number, seed=self._seed(self.resuming))

    def rescore(self, weights: dict[str, float]) -> set[int]:
        self.options.weights = {**self.options.weights, **weights}
        front = self.rank()
        self.store.add_event(self.id, "rescore", {"weights": self.options.weights})
        return front

    async def add_scenario(self, text: str) -> None:
        await scenarios.add_scenario(self, text)

    async def add_design_from(self, spec: str, title: str | None = None, cwd: Path | None = None) -> Candidate:
        """``add_design`` of a git branch or commit, or a folder (relative to ``cwd``)."""
        from divergent.context.designs import read_design

        target = self.problem.target
        files, deleted = read_design(Path(target.repo), target.commit, spec, cwd or Path.cwd())
        return await self.add_design(files, title or f"Engineer's design: {spec}", deleted)

    async def add_design(self, files: dict[str, str], title: str, deleted: list[str] | None = None) -> Candidate:
        """The engineer's own design (a branch's or a folder's files) as a candidate: scored,
        clustered, ranked and exported like any other."""
        if not files and not deleted:
            raise InputError("a design needs at least one changed file")
        candidate = Candidate(
            title=title, files=dict(files), summary="The engineer's own design.", explorer="engineer", deleted=list(deleted or [])
        )
        candidate.id = self.store.next_number(self.id)
        self.store.add_event(self.id, "action_started", {"action": "add-design", "title": title})
        self.emit(ActionStarted(self.id, "add-design", {"title": title}))
        self.emit(CandidateAdded(self.id, candidate.id, title, "engineer"))
        await settling.score_and_store(self, candidate)
        await self.verify([candidate])
        await self.settle()
        self.store.add_event(self.id, "add-design", {"title": title, "candidates": [candidate.id]}, 0)
        self.emit(ActionFinished(self.id, "add-design", 1, 0, self.discovery()))
        return candidate

    async def autopilot(self, budget: int | None = None) -> str:
        """Spend up to ``budget`` more requests where they pay (engine/autopilot.py); returns why it stopped."""
        return await drive(self, budget)

    async def resume(self) -> int:
        """Plan again what was in flight when the process died (engine/resume.py); how many designs it added."""
        return await resume(self)

    def mark(self, number: int, value: int) -> None:
        if value not in (-1, 0, 1):
            raise InputError("a mark is +1, -1 or 0")
        self.candidate(number)
        self.store.set_mark(self.id, number, value)
        self.store.add_event(self.id, "mark", {"candidate": number, "mark": value})
