"""Near-duplicates: a design that falls inside the cluster of an earlier one pays for nothing twice.

Clustering is leader-style (a later candidate never moves an earlier one), so the
cluster a new candidate joins is settled the moment it arrives. Its *twin* is the most
alike earlier design of that cluster (today's code aside) among those that hold, or
will hold, the verdict in question; the candidate inherits that verdict, marked with
where it came from, instead of running the tests (engine/verification.py) or asking
the model critics (engine/settling.py) again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from divergent.model import Candidate

if TYPE_CHECKING:
    from divergent.engine.session import Session


def twin(session: Session, candidate: Candidate, eligible: Callable[[int], bool]) -> tuple[int, float] | None:
    """(number, similarity 0..100) of ``candidate``'s most alike earlier cluster-mate that is
    ``eligible``; None when it founds a cluster or no mate is eligible."""
    mine = next((cl for cl in session.clusterer.cluster(session.candidates) if candidate.id in cl.members), None)
    if mine is None:
        return None
    by_id = {c.id: c for c in session.candidates}
    mates = [by_id[m] for m in mine.members if m != candidate.id and not by_id[m].baseline and eligible(m)]
    found, alike = session.clusterer.nearest(candidate, mates)
    return None if found is None else (found.id, round(alike, 1))
