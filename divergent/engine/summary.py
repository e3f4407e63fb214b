"""A session as one JSON-ready document (the stable ``--json`` shape)."""

from __future__ import annotations

import json
from typing import Any

from divergent.engine import ranking
from divergent.model import Target
from divergent.storage.calls import session_usage
from divergent.storage.store import Store


def session_document(store: Store, session: int) -> dict[str, Any]:
    row = store.session(session)
    assessments = store.assessments(session)
    overall = store.overall(session)
    front = store.pareto(session)
    candidates = []
    for c in store.candidates(session):
        scores = ranking.scores(assessments.get(c.id, []))
        scores["overall"] = overall.get(c.id, 0.0)
        candidates.append(
            {
                "id": c.id,
                "title": c.title,
                "explorer": c.explorer,
                "baseline": c.baseline,
                "valid": c.valid,
                "cluster": c.cluster,
                "pareto": c.id in front,
                "scores": scores,
            }
        )
    return {
        "session": session,
        "status": row["status"],
        "target": Target(**json.loads(row["target_json"])).to_dict(),
        "goal": row["goal"],
        "candidates": candidates,
        "clusters": [
            {"id": c.id, "label": c.label, "medoid": c.medoid, "members": c.members} for c in store.clusters(session)
        ],
        "usage": session_usage(store, session).to_dict(),
        "judge_agreement": ranking.agreement_with_marks(
            {c["id"]: c["scores"]["judge"] for c in candidates if "judge" in c["scores"]}, store.marks(session)
        ),
    }


def candidate_document(store: Store, session: int, number: int) -> dict[str, Any]:
    c = store.candidate(session, number)
    assessments = store.assessments(session, number).get(number, [])
    scores = ranking.scores(assessments)
    scores["overall"] = store.overall(session).get(number, 0.0)
    return {
        "session": session,
        "id": c.id,
        "title": c.title,
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
        "pareto": number in store.pareto(session),
        "scores": scores,
        "assessments": [
            {"critic": a.critic, "dimension": a.dimension, "score": a.score, "evidence": a.evidence, "raw": a.raw}
            for a in assessments
        ],
        "files": c.files,
    }


def discovery(store: Store, session: int) -> list[int]:
    """1 for each candidate (in arrival order) that founded a new cluster, else 0."""
    founders = {min(c.members) for c in store.clusters(session)}
    numbers = sorted(store.overall(session))
    return [1 if n in founders else 0 for n in numbers if n != 0]
