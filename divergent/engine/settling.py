"""Scoring and settling a session: the read model the engine keeps, written through the Store.

The session holds its candidates, clusters, every assessment, the overall scores and
the Pareto front in memory; each step here changes them, writes the change through
the Store, and says so with a typed event. Listeners redraw from the events and the
session's own state: nothing polls SQLite.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING

from divergent.critics.base import Critic, ModelCritic
from divergent.engine import near_duplicates, ranking
from divergent.engine.events import CandidateScored, Clustered, CriticPlan, Ranked
from divergent.engine.scoring import assess, inherited, reject_unsafe_paths
from divergent.engine.sketches import applies
from divergent.llm.budget import BudgetExhausted
from divergent.model import Assessment, Candidate, Cluster

if TYPE_CHECKING:
    from divergent.engine.session import Session


def put(session: Session, number: int, found: list[Assessment]) -> None:
    """Add or replace a candidate's assessments, by critic and dimension, as the Store does."""
    if not found:
        return
    session.store.replace_assessments(session.id, number, found)
    replaced = {(a.critic, a.dimension) for a in found}
    kept = [a for a in session.assessments.get(number, []) if (a.critic, a.dimension) not in replaced]
    session.assessments[number] = sorted(kept + found, key=lambda a: (a.critic, a.dimension))


def forget(session: Session, critics: list[str]) -> None:
    """Drop these critics' verdicts everywhere (their inputs changed), so they run again."""
    session.store.clear_model_assessments(session.id, critics)
    for number, found in session.assessments.items():
        session.assessments[number] = [a for a in found if a.critic not in critics]


async def score_and_store(session: Session, candidate: Candidate) -> None:
    reject_unsafe_paths(candidate, Path(session.problem.target.repo))
    found = await assess(candidate, session.problem, [c for c in session.critics_in("each") if applies(c, candidate)])
    dimension_scores = ranking.scores(found)
    overall = ranking.overall(dimension_scores, session.options.weights)
    number = session.store.add_candidate(session.id, candidate, found, overall)
    session.candidates.append(candidate)
    session.assessments[number] = sorted(found, key=lambda a: (a.critic, a.dimension))
    session.overall[number] = overall
    session.emit(
        CandidateScored(
            session.id, number, candidate.title, candidate.explorer, candidate.valid, candidate.invalid_reason,
            {**dimension_scores, "overall": overall}, candidate=candidate, assessments=list(found),
        )
    )


def cluster(session: Session) -> set[int]:
    """Cluster again; the ids of clusters that hold only candidates new since the last time."""
    before = {m for c in session.clusters for m in c.members}
    clusters = session.clusterer.cluster(session.candidates)
    by_id = {c.id: c for c in session.candidates}
    for c in clusters:
        for member in c.members:
            by_id[member].cluster = c.id
    session.store.set_clusters(session.id, clusters)
    session.clusters = clusters
    near_duplicates.mark(session)
    fresh = {c.id for c in clusters if not set(c.members) & before}
    session.emit(Clustered(session.id, len(clusters), len(session.candidates), len(fresh), groups=list(clusters)))
    return fresh


def _own(found: list[Assessment], critics: list[ModelCritic]) -> list[Assessment]:
    """The assessments these critics made of this very candidate (not inherited)."""
    names = {c.name for c in critics}
    return [a for a in found if a.critic in names and not a.raw.get("inherited_from")]


def _judged(session: Session, group: Cluster, critics: list[ModelCritic]) -> int | None:
    """The member of ``group`` these critics judged (its representative first), if any: a
    cluster is judged once, however its representative moves as members join."""
    for member in (group.medoid, *group.members):
        if _own(session.assessments.get(member, []), critics):
            return member
    return None


def _unjudged(session: Session, critics: list[ModelCritic]) -> list[int]:
    """Valid representatives of clusters these critics have not judged yet, today's code first."""
    by_id = {c.id: c for c in session.candidates}
    todo = [g.medoid for g in session.clusters if by_id[g.medoid].valid and _judged(session, g, critics) is None]
    return sorted(todo, key=lambda m: (not by_id[m].baseline, m))


async def _judge(session: Session, number: int, critics: list[Critic]) -> None:
    candidate = session.candidate(number)
    try:
        found = await assess(candidate, session.problem, [c for c in critics if applies(c, candidate)])
    except BudgetExhausted:
        return
    put(session, number, found)


def _inherit(session: Session, critics: list[ModelCritic]) -> None:
    """Every member of a cluster without verdicts of its own takes those of the member judged:
    its representative, or the design its near-duplicates joined (engine/near_duplicates.py)."""
    for group in session.clusters:
        judged = _judged(session, group, critics)
        if judged is None:
            continue
        source = _own(session.assessments[judged], critics)
        why = "its cluster's representative" if judged == group.medoid else "a near-duplicate"
        for member in group.members:
            if member != judged and not _own(session.assessments.get(member, []), critics):
                put(session, member, inherited(source, judged, why))


async def representatives(session: Session) -> None:
    """Model critics on representatives not yet judged; the other members inherit."""
    critics = session.model_critics() if session.client is not None else []
    if not critics:
        return
    todo = _unjudged(session, critics)
    per = sum(c.planned_requests(session.problem) for c in critics)
    left = session.options.budget.requests_left
    if left is not None and per:
        todo = todo[: max(0, left // per)]
    if todo:
        session.emit(CriticPlan(session.id, [c.name for c in critics], len(todo), per * len(todo)))
        await _judge(session, todo[0], critics)  # today's code first: the others are measured against it
        await asyncio.gather(*(_judge(session, m, critics) for m in todo[1:]))
    _inherit(session, critics)


def rank(session: Session) -> set[int]:
    vectors = {number: ranking.scores(found) for number, found in session.assessments.items() if found}
    session.overall = {number: ranking.overall(v, session.options.weights) for number, v in vectors.items()}
    session.front = ranking.pareto_front({n: v for n, v in vectors.items() if n != 0})
    session.store.set_rank(session.id, session.overall, session.front)
    session.emit(Ranked(session.id, sorted(session.front), overall=dict(session.overall), assessments=dict(session.assessments)))
    return session.front


async def settle(session: Session, judge: bool = True) -> None:
    cluster(session)
    if judge:
        await representatives(session)
    rank(session)
