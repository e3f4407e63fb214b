"""From score vectors to one overall figure, with the engineer's weights.

Validity is a gate, not a weight: an invalid candidate's overall is 0.
"""

from __future__ import annotations

from divergent.model import Assessment

GATES = ("validity",)
DEFAULT_WEIGHTS = {"simplicity": 1.0, "extensibility": 1.0}


def scores(assessments: list[Assessment]) -> dict[str, float]:
    """One score per dimension (the mean when several critics score the same one)."""
    by_dimension: dict[str, list[float]] = {}
    for a in assessments:
        by_dimension.setdefault(a.dimension, []).append(a.score)
    return {d: round(sum(v) / len(v), 4) for d, v in by_dimension.items()}


def overall(dimension_scores: dict[str, float], weights: dict[str, float] | None = None) -> float:
    weights = weights or DEFAULT_WEIGHTS
    if any(dimension_scores.get(g, 1.0) < 1.0 for g in GATES):
        return 0.0
    weighted = [(weights.get(d, 1.0), s) for d, s in dimension_scores.items() if d not in GATES]
    total = sum(w for w, _ in weighted)
    return round(sum(w * s for w, s in weighted) / total, 4) if total else 0.0
