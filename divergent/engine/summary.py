"""A session as one JSON-ready document (the stable ``--json`` shape)."""

from __future__ import annotations

import json
from collections import Counter
from typing import TYPE_CHECKING, Any

from divergent.engine import ranking
from divergent.model import Assessment, Candidate, Cluster, Target
from divergent.storage.calls import calls_at, session_usage
from divergent.storage.store import Store
from divergent.storage import verdicts

if TYPE_CHECKING:
    from divergent.engine.session import Session


Near = dict[int, tuple[int, float]]  # near-duplicate -> (the earlier design it is most like, % alike)


def candidate_row(c: Candidate, found: list[Assessment], overall: dict[int, float], front: set[int], near: Near) -> dict[str, Any]:
    """A candidate as a line of the session's table: what it is and its scores."""
    scores = ranking.scores(found)
    twin = near.get(c.id)
    scores["overall"] = overall.get(c.id, 0.0)
    return {
        "id": c.id,
        "title": c.title,
        "explorer": c.explorer,
        "baseline": c.baseline,
        "valid": c.valid,
        "cluster": c.cluster,
        "pareto": c.id in front,
        "near_duplicate": None if twin is None else {"of": twin[0], "alike": twin[1]},
        "scores": scores,
    }


def cluster_rows(clusters: list[Cluster]) -> list[dict[str, Any]]:
    return [{"id": c.id, "label": c.label, "medoid": c.medoid, "members": c.members} for c in clusters]


def session_document(store: Store, session: int) -> dict[str, Any]:
    row = store.session(session)
    assessments = store.assessments(session)
    overall = store.overall(session)
    front = store.pareto(session)
    twins = verdicts.near(store, session)
    candidates = [candidate_row(c, assessments.get(c.id, []), overall, front, twins) for c in store.candidates(session)]
    return {
        "session": session,
        "status": row.status,
        "target": Target(**json.loads(row.target_json)).to_dict(),
        "goal": row.goal,
        "candidates": candidates,
        "clusters": cluster_rows(store.clusters(session)),
        "usage": session_usage(store, session).to_dict(),
        "asks": asks_outcome(store, session),
        "failed_calls": failed_calls(store, session),
        "judge_agreement": ranking.agreement_with_marks(
            {c["id"]: c["scores"]["judge"] for c in candidates if "judge" in c["scores"]}, store.marks(session)
        ),
    }


def live_document(live: Session) -> dict[str, Any]:
    """The candidates and clusters of ``session_document``, from the read model the engine keeps
    in memory for a running session: no database read."""
    return {
        "session": live.id,
        "candidates": [candidate_row(c, live.assessments.get(c.id, []), live.overall, live.front, live.near) for c in live.candidates],
        "clusters": cluster_rows(live.clusters),
    }


def candidate_document(store: Store, session: int, number: int) -> dict[str, Any]:
    found = store.assessments(session, number).get(number, [])
    return candidate_detail(session, store.candidate(session, number), found, store.overall(session), store.pareto(session), verdicts.near(store, session))


def live_candidate(live: Session, number: int) -> dict[str, Any]:
    """``candidate_document`` from the running session's memory (InputError for an unknown number)."""
    return candidate_detail(live.id, live.candidate(number), live.assessments.get(number, []), live.overall, live.front, live.near)


def candidate_detail(
    session: int, c: Candidate, assessments: list[Assessment], overall: dict[int, float], front: set[int], near: Near
) -> dict[str, Any]:
    """One candidate in full: the table's line, its story, every assessment explained, its files.

    ``inherited``: the verdicts it took from another design instead of paying for them (a
    near-duplicate's tests, a cluster member's model critics)."""
    row = candidate_row(c, assessments, overall, front, near)
    scores = row["scores"]
    return {
        "session": session,
        **{k: row[k] for k in ("id", "title")},
        "summary": c.summary,
        "rationale": c.rationale,
        "explorer": c.explorer,
        "lens": c.lens,
        "parents": c.parents,
        "fidelity": c.fidelity.value,
        "choices": c.choices,
        "baseline": c.baseline,
        "valid": c.valid,
        "invalid_reason": c.invalid_reason,
        "cluster": c.cluster,
        "pareto": row["pareto"],
        "near_duplicate": row["near_duplicate"],
        "inherited": [
            {"critic": a.critic, "dimension": a.dimension, "from": a.raw["inherited_from"]}
            for a in assessments if a.raw.get("inherited_from") is not None
        ],
        "scores": scores,
        "assessments": [
            {
                "critic": a.critic, "dimension": a.dimension, "score": a.score, "evidence": a.evidence, "raw": a.raw,
                "explain": a.raw.get("explain") or a.evidence,
            }
            for a in assessments
        ],
        "explain": {
            **{a.dimension: a.raw.get("explain") or a.evidence for a in assessments},
            "overall": ranking.explain_overall({k: v for k, v in scores.items() if k != "overall"}, scores["overall"]),
        },
        "files": c.files,
        "deleted": c.deleted,
    }


def discovery(store: Store, session: int) -> list[int]:
    """New clusters per request, in the order the requests were sent: 1 for a request whose
    candidate founded a cluster (is its cluster's first member), else 0, so a request that
    failed, brought no design or a duplicate, or was a critic's, counts 0. A candidate made
    without a request (the offline catalog's) counts as one request of its own.

    Calls are not linked to candidates in the database: an explorer's successful design
    requests are matched with its candidates in order (a reply that did not parse shifts the
    match by one request); requests and request-less candidates are merged by time.
    """
    founders = {min(c.members) for c in store.clusters(session)}
    queues: dict[str, list[int]] = {}
    made: dict[int, str] = {}
    for row in store.made_at(session):
        queues.setdefault(row.explorer, []).append(row.number)
        made[row.number] = row.created_at
    points: list[tuple[str, int, int, int]] = []  # (when, requests first, order, new clusters)
    for call in calls_at(store, session):
        value = 0
        queue = queues.get(call.explorer)
        if queue and not call.error and call.schema in ("candidate", None):
            number = queue.pop(0)
            del made[number]
            value = int(number in founders)
        points.append((call.created_at, 0, call.id, value))
    points += [(at, 1, number, int(number in founders)) for number, at in made.items()]  # no request behind them
    return [point[-1] for point in sorted(points)]


ACTIONS = ("first_wave", "expand", "refine", "combine", "new_direction", "materialize")


def last_event(store: Store, session: int) -> int:
    """The id of the session's latest event (0 when none): what a command started after."""
    return store.last_event_id(session)


def asks_outcome(store: Store, session: int, after: int = 0) -> dict[str, Any]:
    """Over the actions recorded after event ``after``: designs asked for, made, failed, and why."""
    asked = made = 0
    reasons: Counter = Counter()
    notes: list[str] = []
    for event in store.events(session, ACTIONS):
        if event.id <= after:
            continue
        asked += event.data.get("asked", 0)
        made += len(event.data.get("candidates", []))
        reasons.update(event.data.get("failed", {}))
        notes += event.data.get("notes", [])
    return {"asked": asked, "made": made, "failed": sum(reasons.values()), "reasons": dict(reasons.most_common()), "notes": notes}


def failed_calls(store: Store, session: int) -> list[dict[str, Any]]:
    """The session's failed model calls, grouped by purpose and error (the server's own words)."""
    return store.failed_calls(session)


def nothing_made(outcome: dict[str, Any], what: str) -> str:
    """The one line for a command whose asks made no candidate ("" when it made some or asked none)."""
    if not outcome["asked"] or outcome["made"]:
        return ""
    why = "; ".join(f"{reason} (x{n})" if n > 1 else reason for reason, n in list(outcome["reasons"].items())[:2])
    return f"{what} made no candidate: {outcome['asked']} asked, {outcome['failed']} failed" + (f": {why}" if why else "")
