"""From score vectors to one overall figure and a Pareto front, with the engineer's weights.

Validity is a gate, not a weight: an invalid candidate's overall is 0 and it is
never on the front.
"""

from __future__ import annotations

from divergent.model import Assessment, InputError

GATES = ("validity",)
DEFAULT_WEIGHTS = {"simplicity": 1.0, "extensibility": 1.0, "change_cost": 1.0, "judge": 1.0}


def weighable() -> list[str]:
    """The dimensions a weight can name: every registered critic's, less the gates."""
    from divergent.critics.base import CRITICS

    found = {d for name in CRITICS.names() for d in CRITICS.create(name).dimensions}
    return sorted(found - set(GATES))


MAX_WEIGHT = 1000.0


def parse_weights(text: str | None) -> dict[str, float]:
    """``simplicity=2,extensibility=1`` -> {"simplicity": 2.0, ...}; InputError on anything else."""
    weights: dict[str, float] = {}
    known: list[str] | None = None
    for part in (text or "").split(","):
        if not part.strip():
            continue
        name, sep, value = part.partition("=")
        try:
            weight = float(value)
        except ValueError:
            weight = -1.0
        if not sep or not name.strip() or not 0 <= weight <= MAX_WEIGHT:  # nan fails both comparisons
            raise InputError(f"bad weight {part.strip()!r}: expected DIMENSION=NUMBER (0 to {MAX_WEIGHT:g}), e.g. simplicity=2")
        known = known if known is not None else weighable()
        if name.strip() not in known:
            raise InputError(f"no dimension {name.strip()!r} to weigh (one of: {', '.join(known)})")
        weights[name.strip()] = weight
    return weights


def scores(assessments: list[Assessment]) -> dict[str, float]:
    """One score per dimension (the mean when several critics score the same one)."""
    by_dimension: dict[str, list[float]] = {}
    for a in assessments:
        by_dimension.setdefault(a.dimension, []).append(a.score)
    return {d: round(sum(v) / len(v), 4) for d, v in by_dimension.items()}


def contributions(dimension_scores: dict[str, float], weights: dict[str, float] | None = None) -> dict[str, float]:
    """Each dimension's share of overall under ``weights``: weight x score / the sum of weights.
    They add up to overall; all 0 when a gate (validity) fails."""
    weights = effective_weights(weights)
    dimensions = {d: s for d, s in dimension_scores.items() if d not in GATES and d != "overall"}
    if any(dimension_scores.get(g, 1.0) < 1.0 for g in GATES):
        return {d: 0.0 for d in dimensions}
    total = sum(weights.get(d, 1.0) for d in dimensions)
    return {d: (weights.get(d, 1.0) * s / total if total else 0.0) for d, s in dimensions.items()}


def effective_weights(weights: dict[str, float] | None = None) -> dict[str, float]:
    """The weights overall uses: the defaults, overridden by the engineer's."""
    return {**DEFAULT_WEIGHTS, **(weights or {})}


def overall(dimension_scores: dict[str, float], weights: dict[str, float] | None = None) -> float:
    return round(sum(contributions(dimension_scores, weights).values()), 4)


def explain_overall(dimension_scores: dict[str, float], stored: float | None = None, weights: dict[str, float] | None = None) -> str:
    """How ``overall`` follows from the dimension scores: the gate, then the weighted mean."""
    if any(dimension_scores.get(g, 1.0) < 1.0 for g in GATES):
        return "overall 0: invalid (validity is a gate, not a weight)"
    used = {**DEFAULT_WEIGHTS, **(weights or {})}
    terms = [(used.get(d, 1.0), d, s) for d, s in sorted(dimension_scores.items()) if d not in GATES and d != "overall"]
    total = sum(w for w, _, _ in terms)
    value = overall(dimension_scores, weights)
    text = (
        f"overall {value:.3f} = (" + " + ".join(f"{w:g} × {d} {s:.3f}" for w, d, s in terms) + f") / {total:g}"
        + "; validity passed (a gate)"
    )
    if stored is not None and abs(stored - value) > 5e-4:
        text += f"; stored {stored:.3f} under the session's own weights (--weights)"
    return text


def dominates(a: dict[str, float], b: dict[str, float], dimensions: list[str]) -> bool:
    return all(a[d] >= b[d] for d in dimensions) and any(a[d] > b[d] for d in dimensions)


def pareto_front(vectors: dict[int, dict[str, float]]) -> set[int]:
    """Ids whose score vector no other valid vector dominates (over the dimensions all share)."""
    valid = {i: v for i, v in vectors.items() if all(v.get(g, 1.0) >= 1.0 for g in GATES)}
    if not valid:
        return set()
    shared = set.intersection(*(set(v) for v in valid.values())) - set(GATES) - {"overall"}
    dimensions = sorted(shared)
    if not dimensions:
        return set(valid)
    return {i for i, v in valid.items() if not any(dominates(o, v, dimensions) for j, o in valid.items() if j != i)}


def agreement_with_marks(judge_scores: dict[int, float], marks: dict[int, int]) -> dict[str, float | int] | None:
    """How often the judge sides with the engineer's thumbs: above 0.5 for up, below for down."""
    pairs = [(judge_scores[n], m) for n, m in marks.items() if n in judge_scores and m]
    if not pairs:
        return None
    agree = sum(1 for score, mark in pairs if (score > 0.5) == (mark > 0))
    return {"marked": len(pairs), "agreement": round(agree / len(pairs), 4)}
