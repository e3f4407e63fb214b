"""Calibration on real refactorings: does divergent prefer the human's after over the before?

The pairs are the manifest ``tests/corpus/pairs.toml`` (released versions of public
projects, fetched from their registries by ``tests/corpus/loader.py``; only the top-level
units the refactoring commits changed are compared). Each pair is scored as a session
scores a candidate: the before is today's code, the after the candidate, through the
static critics. Two agreement figures are printed: the after preferred overall, and
preferred on the dimension the refactoring aimed at. A corpus that cannot be fetched
fails the tests; they never skip.

Print the figures: ``python -m pytest tests/unit/test_corpus.py -q -s``.
"""

from __future__ import annotations

import asyncio
from functools import lru_cache

from corpus.loader import Pair, load_pairs, pair_files

from divergent.critics.base import CRITICS
from divergent.engine import ranking
from divergent.engine.options import STATIC_CRITICS
from divergent.model import Candidate, Problem, Target

THRESHOLD = 0.85


def verdict(pair: Pair) -> tuple[dict[str, float], str]:
    """The after's dimension scores and overall against the before, and its evidence."""
    before, after = pair_files(pair)
    path = pair.files[0]
    problem = Problem(target=Target(repo="", path=path), files=before, source=before[path])
    # a file of the before that the after no longer has was deleted (moved code lives elsewhere)
    candidate = Candidate(title=pair.id, files=after, deleted=sorted(set(before) - set(after)))
    critics = [CRITICS.create(name) for name in STATIC_CRITICS]

    async def run():
        return await asyncio.gather(*(c.assess(candidate, problem) for c in critics))

    assessments = [a for found in asyncio.run(run()) for a in found]
    scores = ranking.scores(assessments)
    scores["overall"] = ranking.overall(scores)
    evidence = " | ".join(f"{a.dimension}: {a.evidence}" for a in assessments)
    return scores, evidence


@lru_cache(maxsize=1)
def agreement() -> tuple[int, int, int, tuple[str, ...], tuple[str, ...]]:
    """(pairs counted, preferred overall, preferred on the aimed-at dimension, report lines,
    invalid ids). An ambiguous pair is scored and printed ("?") but not counted."""
    pairs = load_pairs()
    counted = overall = aimed = 0
    lines, invalid = [], []
    for pair in pairs:
        scores, evidence = verdict(pair)
        won = scores["overall"] > 0.5
        hit = scores.get(pair.aimed_at, 0.5) > 0.5
        if not pair.ambiguous:
            counted += 1
            overall += won
            aimed += hit
            if scores.get("validity", 0) < 1:
                invalid.append(pair.id)
        mark = "??" if pair.ambiguous else f"{'+' if won else '-'}{'+' if hit else '-'}"
        lines.append(
            f"{mark} {pair.language[:2]} {pair.id:<42} overall {scores['overall']:.3f}  "
            f"{pair.aimed_at} {scores.get(pair.aimed_at, 0):.3f}  valid {scores.get('validity', 0):.0f}"
        )
        lines.append(f"      {evidence[:600]}")
        if pair.ambiguous:
            lines.append(f"      not counted: {pair.ambiguous}")
    return counted, overall, aimed, tuple(lines), tuple(invalid)


def by_language() -> str:
    """Each language's counted pairs and agreement, from the report lines."""
    _, _, _, lines, _ = agreement()
    tally: dict[str, list[int]] = {}
    for line in lines:
        mark, rest = line[:2], line[3:]
        if mark in ("++", "+-", "-+", "--"):
            row = tally.setdefault(rest[:2], [0, 0, 0])
            row[0] += 1
            row[1] += mark[0] == "+"
            row[2] += mark[1] == "+"
    return ", ".join(f"{lang} {o}/{n} overall {a}/{n} aimed" for lang, (n, o, a) in sorted(tally.items()))


def summary() -> str:
    n, overall, aimed, _, _ = agreement()
    ambiguous = sum(1 for pair in load_pairs() if pair.ambiguous)
    return (
        f"corpus: {n} pairs counted ({ambiguous} ambiguous, printed with '??', not counted), the human's after "
        f"preferred overall {overall}/{n} ({overall / n:.0%}), on the aimed-at dimension {aimed}/{n} ({aimed / n:.0%}); "
        f"by language: {by_language()}"
    )


def test_every_human_refactoring_is_scored_and_valid(capsys):
    n, _, _, lines, invalid = agreement()
    with capsys.disabled():
        print("\n" + "\n".join(lines) + "\n" + summary())
    assert n >= 20, f"only {n} pairs counted: the corpus needs at least 20 unambiguous pairs"
    assert not invalid, f"real refactorings judged invalid: {invalid}"


def test_corpus_agreement_reaches_85_percent():
    n, overall, aimed, _, _ = agreement()
    assert overall / n >= THRESHOLD and aimed / n >= THRESHOLD, summary()
