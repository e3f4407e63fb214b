"""A session and the commands that steer it: the same for the TUI and headless use.

Every command runs explorers, scores what they propose (each candidate stored the
moment it is scored), then settles: clusters again, runs the model critics on
new representatives, and ranks. Each is recorded as an event with its cost in
requests. Model-only commands raise ``Unavailable`` offline, saying why.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from divergent.critics.base import CRITICS, Critic, base_text
from divergent.engine import clustering, ranking
from divergent.engine.choices import recall_choice, remember
from divergent.engine.autopilot import Observation, Policy, first_wave_size, tune
from divergent.engine.scoring import assess, baseline_of, inherited, reject_unsafe_paths
from divergent.engine.streams import merge
from divergent.explorers.base import EXPLORERS, ExploreRequest
from divergent.explorers.catalog.explorer import catalog_reads
from divergent.llm.budget import Budget, BudgetExhausted
from divergent.llm.client import ModelClient
from divergent.llm.config import Endpoint
from divergent.model import Candidate, Cluster, Event, InputError, Problem
from divergent.storage.calls import SqliteCallLog, session_usage
from divergent.storage.dialects import SqliteDialects
from divergent.storage.store import Store

Emit = Callable[[Event], None]
STATIC_CRITICS = ("simplicity", "extensibility", "validity", "change_cost")
MODEL_CRITICS = ("speculative", "judge")
FIRST_WAVE = ("lenses", "dimensions")


def check_explorable(problem: Problem, options: Options) -> None:
    """Raise InputError, before anything is stored, when this session could not make designs."""
    if not options.offline and options.endpoint is None:
        raise InputError("a model endpoint is needed unless --offline")
    if options.offline and not catalog_reads(problem.target.path):
        raise InputError(
            "offline, divergent explores with its refactoring catalog, which rewrites Python only: "
            f"configure a model endpoint to explore {problem.target.path}"
        )


class Unavailable(InputError):
    """A command that needs what this session lacks (a model endpoint, budget, candidates)."""


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


def LIMITS(candidates, judge_repeats, budget, budget_tokens, budget_usd, concurrency, verify_timeout):  # noqa: N802
    """(flag, value, least, most) for each number the engineer may type: anything else is a typo."""
    return (
        ("candidates", candidates, 1, 256),
        ("judge-repeats", judge_repeats, 1, 16),
        ("budget", budget, 1, 1_000_000),
        ("budget-tokens", budget_tokens, 1, 10**12),
        ("budget-usd", budget_usd, 0.0001, 1_000_000),
        ("concurrency", concurrency, 1, 256),
        ("verify-timeout", verify_timeout, 0.1, 86_400),
    )


def make_options(
    *,
    offline: bool,
    candidates: int = 32,
    model: str | None = None,
    concurrency: int | None = None,
    budget: int | None = None,
    budget_tokens: int | None = None,
    budget_usd: float | None = None,
    weights: str | None = None,
    verify_tests: str | None = None,
    verify_timeout: float = 300.0,
    judge_repeats: int = 2,
    explorers: str | list[str] | None = None,
    critics: str | list[str] | None = None,
) -> Options:
    """Options from what the engineer typed (flags or the new-exploration form); InputError if amiss."""
    from divergent.engine.choices import choose
    from divergent.engine.ranking import parse_weights
    from divergent.llm import config

    for flag, value, least, most in LIMITS(candidates, judge_repeats, budget, budget_tokens, budget_usd, concurrency, verify_timeout):
        if value is not None and not least <= value <= most:  # nan fails both comparisons
            raise InputError(f"--{flag} must be between {least:g} and {most:g}, not {value}")
    file = config.read_config_file()
    saved = file.get("weights", {})
    if not isinstance(saved, dict):
        raise InputError("config file: [weights] must be a table of DIMENSION = NUMBER")
    merged = {**parse_weights(",".join(f"{k}={v}" for k, v in saved.items())), **parse_weights(weights)}
    default_critics = list(STATIC_CRITICS) + ([] if offline else list(MODEL_CRITICS))
    wave, critics = choose(explorers, critics, file, offline, ["catalog"] if offline else list(FIRST_WAVE), default_critics)
    settings: dict[str, dict] = {}
    if verify_tests:
        critics.append("verify")
        settings["verify"] = {"command": verify_tests, "timeout": verify_timeout}
    if offline:
        return Options(explorers=wave, count=candidates, offline=True, critics=critics, weights=merged, critic_settings=settings)
    settings["judge"] = {"repeats": judge_repeats}
    endpoint = config.load(model, concurrency)
    requests = budget if budget is not None else 3 * candidates + 1
    return Options(
        explorers=wave,
        critics=critics,
        count=candidates,
        offline=False,
        endpoint=endpoint,
        budget=Budget(max_requests=requests, max_tokens=budget_tokens, max_usd=budget_usd),
        weights=merged,
        critic_settings=settings,
    )


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
        self.session = session
        self.client: ModelClient | None = None
        self._resuming: dict | None = None  # the interrupted action being planned again
        self._baseline_unscored = False  # today's code restored on opening, not yet scored
        self.candidates: list[Candidate] = []
        self.clusters: list[Cluster] = []
        self.clusterer = clustering.Clusterer(problem.files, read=lambda path: base_text(problem, path))
        self.critics: list[Critic] = []
        for name in options.critics:
            critic = CRITICS.create(name)
            for key, value in options.critic_settings.get(name, {}).items():
                setattr(critic, key, value)
            self.critics.append(critic)

    # opening and closing --------------------------------------------------

    @classmethod
    async def create(cls, store: Store, problem: Problem, options: Options, emit: Emit) -> Session:
        check_explorable(problem, options)
        session = store.create_session(problem, options.offline, options.model, options.budget.max_requests or 0)
        self = cls(store, problem, options, emit, session)
        self._connect()
        self._event("session_started", target=problem.target.spec, commit=problem.target.commit, explorers=options.explorers)
        remember(store, session, options.explorers, [c for c in options.critics if c != "verify"])
        # today's code is stored first: a session killed while the model matches its
        # scenarios (requests that may take long) can still be reopened
        await self._score_and_store(baseline_of(problem))
        matched = False
        for scenario in problem.scenarios:
            matched = await self._match_units(scenario) or matched
        if matched:  # the change-cost figures of today's code now count the matched units
            await self._change_cost_again(self.candidates)
        return self

    async def _change_cost_again(self, candidates: list[Candidate]) -> None:
        """Run the static change-cost critics again (the scenarios changed)."""
        static = [c for c in self._critics("each") if "change_cost" in c.dimensions]
        for candidate in candidates:
            self.store.replace_assessments(self.session, candidate.id, await assess(candidate, self.problem, static))

    async def _match_units(self, scenario: str) -> bool:
        """Ask the model once which of today's units a scenario touches, unless the engineer said.

        True when the model named some."""
        if self.client is None or self.problem.scenario_terms.get(scenario):
            return False
        from divergent.context.parsing import language_for
        from divergent.context.target import unit_names
        from divergent.explorers.model.scenarios import match_units

        path = self.problem.target.path
        today = self.problem.files[path]
        names = unit_names(today, language_for(path) or "python", functions_only=True)
        try:
            found = await match_units(self.client, self.problem, scenario, names)
        except BudgetExhausted:
            return False
        if found:
            self.problem.scenario_terms[scenario] = found
            self.store.set_scenario_units(self.session, scenario, found)
        return bool(found)

    @classmethod
    def open(cls, store: Store, session: int, options: Options, emit: Emit) -> Session:
        """A saved session, with everything scored before, ready for more commands."""
        recall_choice(store, session, options)
        self = cls(store, store.problem(session), options, emit, session)
        self.candidates = store.candidates(session)
        self.clusters = store.clusters(session)
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
                f"session {self.session} was stopped before today's code was stored, and {target.path} at "
                f"{target.commit[:8]} cannot be read from {repo}: start a new session"
            )
        self.problem.files = {target.path: text}
        self.clusterer = clustering.Clusterer(self.problem.files)
        baseline = baseline_of(self.problem)
        self.store.add_candidate(self.session, baseline, [], 0.0)
        self.candidates.insert(0, baseline)
        self._baseline_unscored = True

    def _connect(self) -> None:
        if self.options.offline:
            return
        self.client = ModelClient(
            self.options.endpoint, self.options.budget, SqliteCallLog(self.store, self.session), dialects=SqliteDialects(self.store)
        )
        for critic in self.critics:
            if getattr(critic, "needs_model", False):
                critic.client = self.client

    async def close(self, status: str = "done") -> None:
        if self.client is not None:
            await self.client.close()
            self.client = None
        self.store.set_status(self.session, status)

    # events -------------------------------------------------------------------

    def _event(self, kind: str, **data) -> None:
        self.emit(Event(kind, self.session, data))

    def _requests(self) -> int:
        return session_usage(self.store, self.session).requests

    def _critics(self, phase: str) -> list[Critic]:
        return [c for c in self.critics if getattr(c, "phase", "each") == phase]

    def _need_model(self, action: str) -> ModelClient:
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
        raise InputError(f"no candidate {number} in session {self.session}")

    def cluster(self, number: int) -> Cluster:
        for c in self.clusters:
            if c.id == number:
                return c
        raise InputError(f"no cluster {number} in session {self.session}")

    # scoring and settling ---------------------------------------------------------

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
            explorer=candidate.explorer,
            valid=candidate.valid,
            reason=candidate.invalid_reason,
            scores={**dimension_scores, "overall": overall},
        )

    def _cluster(self) -> set[int]:
        """Cluster again; the ids of clusters that hold only candidates new since the last time."""
        before = {m for c in self.clusters for m in c.members}
        clusters = self.clusterer.cluster(self.candidates)
        by_id = {c.id: c for c in self.candidates}
        for c in clusters:
            for member in c.members:
                by_id[member].cluster = c.id
        self.store.set_clusters(self.session, clusters)
        self.clusters = clusters
        fresh = {c.id for c in clusters if not set(c.members) & before}
        self._event("clustered", clusters=len(clusters), candidates=len(self.candidates), new=len(fresh))
        return fresh

    async def _representatives(self) -> None:
        """Model critics on representatives not yet judged; the other members inherit."""
        critics = self._critics("representatives") if self.client is not None else []
        if not critics:
            return
        by_id = {c.id: c for c in self.candidates}
        judged = {n for n, found in self.store.assessments(self.session).items() if any(a.critic in {c.name for c in critics} and not a.raw.get("inherited_from") for a in found)}
        medoids = sorted((c.medoid for c in self.clusters), key=lambda m: (not by_id[m].baseline, m))
        todo = [m for m in medoids if by_id[m].valid and m not in judged]
        per = sum(c.planned_requests(self.problem) for c in critics)
        left = self.options.budget.requests_left
        if left is not None and per:
            todo = todo[: max(0, left // per)]
        if todo:
            self._event("critic_plan", critics=[c.name for c in critics], representatives=len(todo), requests=per * len(todo))

        async def one(number: int) -> None:
            try:
                found = await assess(by_id[number], self.problem, critics)
            except BudgetExhausted:
                return
            self.store.replace_assessments(self.session, number, found)

        if todo:
            await one(todo[0])  # today's code first: the others are measured against it
            await asyncio.gather(*(one(m) for m in todo[1:]))
        own = self.store.assessments(self.session)
        names = {c.name for c in critics}
        for cluster in self.clusters:
            source = [a for a in own.get(cluster.medoid, []) if a.critic in names and not a.raw.get("inherited_from")]
            for member in cluster.members:
                if member != cluster.medoid and source:
                    self.store.replace_assessments(self.session, member, inherited(source, cluster.medoid))

    def rank(self) -> set[int]:
        assessments = self.store.assessments(self.session)
        vectors = {number: ranking.scores(found) for number, found in assessments.items()}
        overall = {number: ranking.overall(v, self.options.weights) for number, v in vectors.items()}
        front = ranking.pareto_front({n: v for n, v in vectors.items() if n != 0})
        self.store.set_rank(self.session, overall, front)
        self._event("ranked", pareto=sorted(front))
        return front

    async def settle(self, judge: bool = True) -> None:
        self._cluster()
        if judge:
            await self._representatives()
        self.rank()

    # running explorers -------------------------------------------------------------

    async def run(self, action: str, requests: list[tuple[str, ExploreRequest]], **detail) -> list[Candidate]:
        """Run explorers together, score what they propose, settle, and record the action."""
        spent_before = self._requests() if self.client is not None else 0
        known = {m for c in self.clusters for m in c.members}
        made: list[Candidate] = []
        seen = {self._identity(c) for c in self.candidates}
        for _, request in requests:
            request.seed = detail["seed"]
        self.store.add_event(self.session, "action_started", {"action": action, **detail})
        self._event("action_started", action=action, **detail)
        streams = [(name, EXPLORERS.create(name).propose(request)) for name, request in requests]
        finished = False
        try:
            async for name, candidate in merge(streams):
                if self._identity(candidate) in seen:  # a reply replayed from the cache after a resume
                    self._event("duplicate", title=candidate.title, explorer=name)
                    continue
                seen.add(self._identity(candidate))
                candidate.id = self.store.next_number(self.session)
                self._event("candidate_added", number=candidate.id, title=candidate.title, explorer=name)
                if self.client is not None:
                    self._event("usage", **session_usage(self.store, self.session).to_dict(), budget=self.options.budget.max_requests)
                await self._score_and_store(candidate)
                made.append(candidate)
            finished = True
        finally:
            # after a stop or a failure: cluster and rank what there is, spend nothing more
            await self.settle(judge=finished)
            cost = (self._requests() - spent_before) if self.client is not None else 0
            self._novelty(made, known)
            self.store.add_event(self.session, action, {**detail, "candidates": [c.id for c in made]}, cost)
            self._event("action_finished", action=action, candidates=len(made), requests=cost, discovery=self.discovery())
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
        self._event("novelty", asked=len(novel), misses=len(misses))

    def discovery(self) -> dict[str, int]:
        return {"requests": self._requests() if self.client is not None else 0, "clusters": len(self.clusters)}

    def _seed(self, resumed: dict | None = None) -> int:
        """A fresh seed offset per action (a resumed action keeps its own): 7919 apart."""
        if resumed is not None:
            return resumed["seed"]
        started = next(self.store.db.query("select count(*) as n from events where session_id = ? and kind = 'action_started'", [self.session]))["n"]
        return 7919 * started

    def _request(self, count: int, **fields) -> ExploreRequest:
        return ExploreRequest(self.problem, count=count, client=self.client, **fields)

    # the commands ----------------------------------------------------------------------

    async def first_wave(self, count: int | None = None) -> list[Candidate]:
        count = count or self.options.count
        counts = shares(count, self.options.explorers)
        # a resumed wave plans what it planned then: the combinations covered before it began
        known = self._resuming.get("known", len(self.candidates)) if self._resuming else len(self.candidates)
        covered = [c.choices for c in self.candidates[:known] if c.choices]
        requests = [(name, self._request(counts[name], covered=covered)) for name in self.options.explorers]
        return await self.run("first_wave", requests, count=count, known=known, seed=self._seed(self._resuming))

    async def expand(self, cluster: int, count: int = 4) -> list[Candidate]:
        self._need_model("expand")
        medoid = self.candidate(self.cluster(cluster).medoid)
        return await self.run("expand", [("expand", self._request(count, parents=[medoid]))], cluster=cluster, count=count, seed=self._seed(self._resuming))

    async def refine(self, number: int, count: int = 1) -> list[Candidate]:
        self._need_model("refine")
        parent = self.candidate(number)
        evidence = {number: self.store.assessments(self.session, number).get(number, [])}
        return await self.run("refine", [("refine", self._request(count, parents=[parent], evidence=evidence))], candidate=number, seed=self._seed(self._resuming))

    async def combine(self, first: int, second: int, count: int = 1) -> list[Candidate]:
        self._need_model("combine")
        if first == second:
            raise InputError("combine needs two different candidates")
        parents = [self.candidate(first), self.candidate(second)]
        return await self.run("combine", [("combine", self._request(count, parents=parents))], candidates=[first, second], seed=self._seed(self._resuming))

    async def new_direction(self, count: int = 1) -> list[Candidate]:
        self._need_model("new direction")
        by_id = {c.id: c for c in self.candidates}
        known = [(c.label, by_id[c.medoid].summary) for c in self.clusters if not by_id[c.medoid].baseline]
        return await self.run("new_direction", [("novelty", self._request(count, known=known))], count=count, seed=self._seed(self._resuming))

    async def materialize(self, number: int) -> list[Candidate]:
        self._need_model("materialize")
        sketch = self.candidate(number)
        if sketch.fidelity.value != "sketch":
            raise InputError(f"candidate {number} is already a full design")
        return await self.run("materialize", [("materialize", self._request(1, parents=[sketch]))], candidate=number, seed=self._seed(self._resuming))

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
        candidate.id = self.store.next_number(self.session)
        self.store.add_event(self.session, "action_started", {"action": "add-design", "title": title})
        self._event("action_started", action="add-design", title=title)
        self._event("candidate_added", number=candidate.id, title=title, explorer="engineer")
        await self._score_and_store(candidate)
        await self.settle()
        self.store.add_event(self.session, "add-design", {"title": title, "candidates": [candidate.id]}, 0)
        self._event("action_finished", action="add-design", candidates=1, requests=0, discovery=self.discovery())
        return candidate

    def rescore(self, weights: dict[str, float]) -> set[int]:
        self.options.weights = {**self.options.weights, **weights}
        front = self.rank()
        self.store.add_event(self.session, "rescore", {"weights": self.options.weights})
        return front

    async def add_scenario(self, text: str) -> None:
        from divergent.context.problem import split_scenario

        text, units = split_scenario(text)
        if not text:
            raise InputError("a scenario needs some text")
        self.problem.scenarios.append(text)
        if units:
            self.problem.scenario_terms[text] = units
        self.store.add_scenario(self.session, text, units)
        await self._match_units(text)
        await self._change_cost_again(self.candidates)
        self.store.clear_model_assessments(self.session, [c.name for c in self._critics("representatives")])
        await self._representatives()
        self.rank()
        self.store.add_event(self.session, "add_scenario", {"scenario": text})

    # the autopilot and resuming -------------------------------------------------------

    def observe(self) -> Observation:
        overall = self.store.overall(self.session)
        valid = [overall.get(c.id, 0.0) for c in self.candidates if c.valid and not c.baseline]
        spent = self._requests() if self.client is not None else 0
        return Observation(spent, max(valid, default=0.0), len(self.clusters), len(self.store.pareto(self.session)))

    def _arms(self) -> list[str]:
        designs = [c for c in self.candidates if c.valid and not c.baseline]
        arms = ["new_direction"]
        if designs:
            arms += ["expand", "refine"]
        if len({c.cluster for c in designs}) >= 2:
            arms.append("combine")
        return arms

    def _ranked(self) -> list[Candidate]:
        overall = self.store.overall(self.session)
        return sorted((c for c in self.candidates if c.valid and not c.baseline), key=lambda c: -overall.get(c.id, 0.0))

    async def _pull(self, arm: str, step: int) -> None:
        ranked = self._ranked()
        if arm == "new_direction":
            await self.new_direction(count=1)
        elif arm == "refine":
            await self.refine(ranked[0].id)
        elif arm == "expand":
            tops: list[int] = []
            for c in ranked:
                if c.cluster not in tops:
                    tops.append(c.cluster)
            await self.expand(tops[step % min(3, len(tops))], count=1)
        else:
            first = ranked[0]
            second = next(c for c in ranked if c.cluster != first.cluster)
            await self.combine(first.id, second.id)

    async def autopilot(self, budget: int | None = None) -> str:
        """Spend up to ``budget`` more requests where they pay; returns why it stopped."""
        from divergent.context.metrics import totals, unit_metrics

        self._need_model("the autopilot")
        start = self._requests()
        self.store.add_event(self.session, "autopilot_started", {"budget": budget})  # its choices are no engineer's picks

        def left() -> int | None:
            limits = [self.options.budget.requests_left]
            if budget is not None:
                limits.append(budget - (self._requests() - start))
            known = [x for x in limits if x is not None]
            return min(known) if known else None

        if not any(not c.baseline for c in self.candidates):
            figures = totals(unit_metrics(self.problem.source, self.problem.target.path))
            size = first_wave_size(int(figures["sloc"]), int(figures["cyclomatic_total"]), left())
            self._event("autopilot_plan", first_wave=size)
            await self.first_wave(size)
        overall = self.store.overall(self.session)
        policy = tune(Policy(), [overall.get(c.id, 0.0) for c in self.candidates if not c.baseline])
        policy.history.append(self.observe())
        reason, step, idle = "the budget is spent", 0, 0
        while True:
            remaining = left()
            if remaining is not None and remaining <= 0:
                break
            arm = policy.choose(self._arms())
            before = self.observe()
            try:
                await self._pull(arm, step)
            except Unavailable as why:
                reason = str(why)
                break
            step += 1
            after = self.observe()
            policy.update(arm, before, after)
            idle = idle + 1 if after.requests == before.requests else 0
            if idle >= 3:
                reason = "requests no longer produce new designs"
                break
            self._event("autopilot_step", arm=arm, requests=after.requests, best=after.best, clusters=after.clusters)
            if policy.flattened():
                reason = f"discovery and the best score flattened over the last {policy.window} requests"
                break
        self.store.add_event(self.session, "autopilot_stopped", {"reason": reason, "steps": step, "requests": self._requests() - start})
        self._event("autopilot_stopped", reason=reason, steps=step)
        return reason

    def pending(self) -> dict | None:
        """An action that was running when the process died (started, never recorded as done)."""
        rows = self.store.db.query("select kind, data from events where session_id = ? order by id", [self.session])
        open_action = None
        for row in rows:
            if row["kind"] == "action_started":
                open_action = json.loads(row["data"])
            elif open_action is not None and row["kind"] == open_action["action"]:
                open_action = None
        return open_action

    async def resume(self) -> int:
        """Plan again what was in flight when the process died; returns how many designs it added.

        Replies that had arrived come back from the call cache at no cost and are
        skipped as duplicates; only the requests that never returned are sent again.
        """
        if self._baseline_unscored:
            self.store.replace_assessments(self.session, 0, await assess(self.candidates[0], self.problem, self._critics("each")))
            self._baseline_unscored = False
        action = self.pending()
        if action is None:
            return 0
        self._event("resume", action=action["action"])
        name = action["action"]
        self._resuming = action
        try:
            return await self._replay(name, action)
        finally:
            self._resuming = None

    async def _replay(self, name: str, action: dict) -> int:
        if name == "first_wave":
            made = await self.first_wave(action.get("count"))
        elif name == "new_direction":
            made = await self.new_direction(action.get("count", 1))
        elif name == "expand":
            made = await self.expand(action["cluster"], action.get("count", 1))
        elif name == "refine":
            made = await self.refine(action["candidate"])
        elif name == "combine":
            made = await self.combine(*action["candidates"])
        else:
            made = []
        return len(made)

    def mark(self, number: int, value: int) -> None:
        if value not in (-1, 0, 1):
            raise InputError("a mark is +1, -1 or 0")
        self.candidate(number)
        self.store.set_mark(self.session, number, value)
        self.store.add_event(self.session, "mark", {"candidate": number, "mark": value})
