"""The critic protocol, its registry, and how figures become relative scores."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol

from divergent.context.parsing import language_for
from divergent.context.repo import read_at
from divergent.model import Assessment, Candidate, Problem
from divergent.plugins import Registry

if TYPE_CHECKING:
    from divergent.llm.client import ModelClient

Phase = Literal["each", "representatives", "verify"]


@dataclass(frozen=True)
class CriticContext:
    """What the engine builds a critic with: the session's model client (None offline)
    and the critic's own settings (``--verify-tests`` gives verify its command)."""

    client: ModelClient | None = None
    settings: dict[str, Any] = field(default_factory=dict)


class Critic(Protocol):
    """Scores candidates on ``dimensions``; ``assess`` returns one Assessment per dimension it can judge.

    Optional, with these defaults when a critic leaves them out: ``phase = "each"``
    (every candidate, as it arrives; "representatives": each cluster's medoid once the
    session settles, the other members inherit; "verify": beside the stream, many at once,
    a near-duplicate inheriting its twin's verdict) and ``needs_model = False``. A critic
    built from settings or a client has a classmethod ``from_context(context)``; the
    engine calls it with a ``CriticContext``, and the class with no arguments otherwise.
    """

    name: str
    dimensions: tuple[str, ...]

    async def assess(self, candidate: Candidate, problem: Problem) -> list[Assessment]: ...


class ModelCritic(Critic, Protocol):
    """A critic that asks the model: run on representatives, refused offline, budgeted ahead."""

    phase: Phase
    needs_model: bool
    client: ModelClient | None

    @classmethod
    def from_context(cls, context: CriticContext) -> ModelCritic: ...

    def planned_requests(self, problem: Problem) -> int:
        """Requests one ``assess`` will send for this problem (the engine plans the budget with it)."""
        ...


CRITICS: Registry[Critic] = Registry("divergent.critics", "critic")


def phase(critic: Critic) -> Phase:
    """The critic's declared phase ("each" unless it says otherwise)."""
    return getattr(critic, "phase", "each")


def build(name: str, context: CriticContext) -> Critic:
    """The critic named ``name``, built from ``context`` when it takes one."""
    factory = CRITICS.factory(name)
    from_context = getattr(factory, "from_context", None)
    return from_context(context) if from_context is not None else factory()


def base_text(problem: Problem, path: str) -> str | None:
    """Today's text of ``path``: the problem's copy, else the session commit's; None when the
    commit has no such file (the candidate adds it)."""
    if path in problem.files:
        return problem.files[path]
    return _read_at(problem.target.repo, problem.target.commit, path)


@lru_cache(maxsize=512)
def _read_at(repo: str, commit: str, path: str) -> str | None:
    if not commit or not Path(repo).is_dir():
        return None
    return read_at(Path(repo), commit, path)


def changed_sources(candidate: Candidate, problem: Problem) -> list[tuple[str, str, str]]:
    """(path, today's text, the candidate's text) for each file in a language we read
    (``parsing.LANGUAGES``) that the candidate writes or deletes ("" for a file it adds,
    and for one it deletes). A changed file is compared with its version at the commit."""
    written = [(path, base_text(problem, path) or "", new) for path, new in sorted(candidate.files.items()) if language_for(path)]
    gone = [(path, base_text(problem, path), "") for path in sorted(candidate.deleted) if language_for(path)]
    return written + [(path, old, new) for path, old, new in gone if old is not None]


def change(before: float, after: float) -> str:
    """'12 → 9 (−25 %)': a figure today, in the candidate, and the relative change."""
    def fmt(x: float) -> str:
        return f"{x:g}" if float(x).is_integer() else f"{x:.2f}"

    if before == after:
        return f"{fmt(after)} (same)"
    if before == 0:
        return f"{fmt(before)} → {fmt(after)}"
    pct = (after - before) / abs(before) * 100
    sign = "+" if pct > 0 else "−"
    return f"{fmt(before)} → {fmt(after)} ({sign}{abs(pct):.0f} %)"


SHARPNESS = 3  # a cost ratio of 0.8 scores 0.66, 0.5 scores 0.89, 2 scores 0.11


def cost_ratio(before: float, after: float) -> float:
    """after / before, for a figure where lower is better (0 → 0 is no change)."""
    if before:
        return after / before
    return 1.0 if not after else 1.0 + after


CURVE = "a ratio r = (candidate + 1) / (today + 1); ratios' geometric mean m scores 1 / (1 + m³), today 0.5"


def smoothed_ratio(before: float, after: float, offset: float = 1.0) -> float:
    """(after + offset) / (before + offset): a cost ratio that small counts cannot blow up."""
    return (after + offset) / (before + offset)


def ratio_score(ratios: list[float]) -> float:
    """Cost ratios (candidate / today, lower is better) to a 0..1 score; today is 0.5.

    The ratios' geometric mean ``m`` maps to ``1 / (1 + m ** SHARPNESS)``.
    """
    if not ratios:
        return 0.5
    mean = math.exp(sum(math.log(max(r, 1e-6)) for r in ratios) / len(ratios))
    return round(1 / (1 + mean**SHARPNESS), 4)


def balance_score(difference: float, scale: float = 2.0) -> float:
    """A signed count difference against today (more is better) to 0..1; today is 0.5."""
    return round(0.5 + 0.5 * math.tanh(difference / scale), 4)
