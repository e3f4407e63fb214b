"""Checking and scoring one candidate: safe paths first, then every critic at once."""

from __future__ import annotations

import asyncio
from pathlib import Path

from divergent.context.repo import safe_relative
from divergent.critics.base import Critic
from divergent.model import Assessment, Candidate, InputError, Problem


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
    """Drop files (and deletions) whose paths leave the repository; the candidate stays, marked invalid."""
    for path in list(candidate.files):
        try:
            safe = safe_relative(repo, path)
        except InputError as error:
            candidate.files.pop(path)
            candidate.invalidate(f"rejected file: {error}")
            continue
        if safe != path:
            candidate.files[safe] = candidate.files.pop(path)
    kept = []
    for path in candidate.deleted:
        try:
            kept.append(safe_relative(repo, path))
        except InputError as error:
            candidate.invalidate(f"rejected deletion: {error}")
    candidate.deleted = kept


def inherited(found: list[Assessment], source: int, why: str = "its cluster's representative", **raw) -> list[Assessment]:
    """Assessments of candidate ``source`` as another member of its cluster carries them
    (``why``: the source is its representative, or it is a near-duplicate of the source)."""
    return [
        Assessment(a.critic, a.dimension, a.score, {**a.raw, **raw, "inherited_from": source}, f"as #{source}, {why}: {a.evidence}")
        for a in found
    ]


async def assess(candidate: Candidate, problem: Problem, critics: list[Critic]) -> list[Assessment]:
    results = await asyncio.gather(*(critic.assess(candidate, problem) for critic in critics))
    assessments = [a for result in results for a in result]
    for a in assessments:
        if a.dimension == "validity" and a.score < 1.0:
            candidate.invalidate(a.evidence)
    return assessments
