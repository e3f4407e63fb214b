"""What a session runs with: explorers, critics, weights, the endpoint and the budget.

Built here and nowhere else, for a new session (from the flags or the
new-exploration form) and for a saved one (from what the session recorded).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from divergent.engine.choices import choose, recall_choice, remember
from divergent.engine.ranking import parse_weights
from divergent.engine.verification import make_runner
from divergent.explorers.catalog.explorer import catalog_reads
from divergent.llm import config
from divergent.llm.budget import Budget
from divergent.llm.config import Endpoint
from divergent.model import InputError, Problem
from divergent.storage.calls import session_usage
from divergent.storage.store import Store

STATIC_CRITICS = ("simplicity", "extensibility", "validity", "change_cost")
MODEL_CRITICS = ("speculative", "judge")
FIRST_WAVE = ("lenses", "dimensions")


@dataclass(frozen=True)
class Verifying:
    """How candidates are verified, as typed: --verify-tests CMD, --verify-timeout, --verify-jobs, --verify-on."""

    command: str
    timeout: float = 300.0
    jobs: int | None = None
    on: str | None = None


@dataclass
class Options:
    explorers: list[str] = field(default_factory=lambda: ["catalog"])
    critics: list[str] = field(default_factory=lambda: list(STATIC_CRITICS))
    count: int = 32
    offline: bool = True
    endpoint: Endpoint | None = None  # required unless offline
    budget: Budget = field(default_factory=Budget)
    weights: dict[str, float] = field(default_factory=dict)
    critic_settings: dict[str, dict] = field(default_factory=dict)  # critic name -> constructor arguments
    sketch: bool = False  # the first wave asks for API sketches (signatures, types, docstrings)
    verifying: Verifying | None = None  # None: no --verify-tests

    @property
    def model(self) -> str:
        return "" if self.offline or self.endpoint is None else self.endpoint.model


def LIMITS(candidates, judge_repeats, budget, budget_tokens, budget_usd, concurrency, verify_timeout, verify_jobs=None):  # noqa: N802
    """(flag, value, least, most) for each number the engineer may type: anything else is a typo."""
    return (
        ("candidates", candidates, 1, 256),
        ("judge-repeats", judge_repeats, 1, 16),
        ("budget", budget, 1, 1_000_000),
        ("budget-tokens", budget_tokens, 1, 10**12),
        ("budget-usd", budget_usd, 0.0001, 1_000_000),
        ("concurrency", concurrency, 1, 256),
        ("verify-timeout", verify_timeout, 0.1, 86_400),
        ("verify-jobs", verify_jobs, 1, 1024),
    )


def make_options(
    *,
    offline: bool,
    candidates: int = 32,
    model: str | None = None,
    concurrency: int | str | None = None,  # or "auto"
    budget: int | None = None,
    budget_tokens: int | None = None,
    budget_usd: float | None = None,
    weights: str | None = None,
    verify_tests: str | None = None,
    verify_timeout: float = 300.0,
    verify_jobs: int | None = None,
    verify_on: str | None = None,
    judge_repeats: int = 2,
    explorers: str | list[str] | None = None,
    critics: str | list[str] | None = None,
    sketch: bool = False,
) -> Options:
    """Options from what the engineer typed (flags or the new-exploration form); InputError if amiss."""
    number = None if concurrency == "auto" else concurrency
    for flag, value, least, most in LIMITS(candidates, judge_repeats, budget, budget_tokens, budget_usd, number, verify_timeout, verify_jobs):
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
    verifying = Verifying(verify_tests, verify_timeout, verify_jobs, verify_on) if verify_tests else None
    if verify_tests:
        critics.append("verify")
        settings["verify"] = {"command": verify_tests, "timeout": verify_timeout, "runner": make_runner(verify_on, verify_jobs)}
    elif verify_on or verify_jobs is not None:
        raise InputError("--verify-jobs and --verify-on go with --verify-tests CMD")
    if offline:
        if sketch:
            raise InputError("--sketch asks the model for API sketches: it cannot run offline")
        return Options(
            explorers=wave, count=candidates, offline=True, critics=critics, weights=merged, critic_settings=settings, verifying=verifying
        )
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
        sketch=sketch,
        verifying=verifying,
    )


def record(store: Store, session: int, options: Options) -> None:
    """What ``saved_options`` reads back: the first wave's explorers, the critics, how it verifies."""
    remember(store, session, options.explorers, [c for c in options.critics if c != "verify"])
    store.set_verify(session, asdict(options.verifying) if options.verifying else None)


def saved_options(store: Store, session: int, more: int | None = None, *, need_model: bool = False) -> Options:
    """Options to continue a saved session: its model, if an endpoint is configured, its budget,
    and its verification (the tests it was started with, as many at once, on the same runner).

    The budget is the session's own, never below what it has spent (what was in flight
    can finish); ``more`` (a --budget N typed now) allows N requests past what is spent.
    ``need_model``: a session that used a model cannot continue without one (InputError).
    """
    if more is not None and more <= 0:
        raise InputError("--budget must be positive")
    row = store.session(session)
    online = not row.offline and config.configured()
    if not row.offline and not online and need_model:
        raise InputError(f"session {session} uses a model: configure OPENAI_API_KEY / OPENAI_BASE_URL to continue it")
    verify = row.verify or {}
    options = make_options(
        offline=not online,
        model=row.model or None,
        verify_tests=verify.get("command"),
        verify_timeout=verify.get("timeout", 300.0),
        verify_jobs=verify.get("jobs"),
        verify_on=verify.get("on"),
    )
    recall_choice(store, session, options)  # its first wave's explorers and its critics, as it was started
    if online:
        spent = session_usage(store, session).requests
        options.budget.max_requests = spent + more if more is not None else max(row.budget_requests, spent)
    return options


def allow_more(store: Store, session: int, options: Options, more: int) -> None:
    """Let ``more`` requests past what the session has spent (the autopilot's --budget N)."""
    options.budget.max_requests = session_usage(store, session).requests + more


def check_explorable(problem: Problem, options: Options) -> None:
    """Raise InputError, before anything is stored, when this session could not make designs."""
    if not options.offline and options.endpoint is None:
        raise InputError("a model endpoint is needed unless --offline")
    if options.offline and not catalog_reads(problem.target.path):
        raise InputError(
            "offline, divergent explores with its refactoring catalog, which rewrites Python only: "
            f"configure a model endpoint to explore {problem.target.path}"
        )
