"""Near-duplicates: a design that falls inside the cluster of an earlier one pays for nothing twice.

Clustering is leader-style (a later candidate never moves an earlier one), so the
cluster a new candidate joins is settled the moment it arrives. Every design of a
cluster but its first is marked a near-duplicate of the most alike earlier one
(``mark``, stored with the candidate and announced with ``NearDuplicate``; the read
model's documents carry it: engine/summary.py). A near-duplicate inherits verdicts
instead of paying for them: the tests' from its *twin*, the most alike earlier design
of its cluster that holds or will hold a verdict (engine/verification.py), and the
model critics' from the one member of its cluster they judged (engine/settling.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from divergent.engine.events import NearDuplicate
from divergent.model import Candidate
from divergent.storage.verdicts import set_near

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


def mark(session: Session, announce: bool = True) -> None:
    """Mark (once), store and announce each design that joined a cluster after its first design."""
    by_id = {c.id: c for c in session.candidates}
    for group in session.clusters:
        designs = sorted(m for m in group.members if not by_id[m].baseline)
        for index, number in enumerate(designs[1:], start=1):
            if number in session.near:
                continue
            found, alike = session.clusterer.nearest(by_id[number], [by_id[m] for m in designs[:index]])
            session.near[number] = (found.id, round(alike, 1))
            set_near(session.store, session.id, number, found.id, round(alike, 1))
            if announce:
                session.emit(NearDuplicate(session.id, number, found.id, round(alike, 1)))
