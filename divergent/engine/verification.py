"""Verification beside the stream: candidates' tests run while others still arrive.

A session hands each scored candidate to its ``VerifyQueue``; the critics of phase
``verify`` run on it at once, as many at a time as their runner allows (parallel
worktrees here, or Ray), and each verdict is stored and announced (``Verified``) the
moment it lands. ``drain`` waits for the rest before the session settles.
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING

from divergent.critics.verify import Worktrees
from divergent.engine import settling
from divergent.engine.events import Verified
from divergent.engine.near_duplicates import twin
from divergent.engine.scoring import assess, inherited
from divergent.model import Assessment, Candidate, Fidelity, InputError
from divergent.storage.verdicts import set_validity

if TYPE_CHECKING:
    from divergent.engine.session import Session


def make_runner(on: str | None, jobs: int | None):
    """``None`` or ``local``: parallel worktrees here; ``ray`` or ``ray://HOST:PORT``: a Ray cluster."""
    if on in (None, "", "local"):
        return Worktrees(jobs)
    if on == "ray" or on.startswith("ray://"):
        from divergent.engine.verify_ray import RayRunner

        return RayRunner(None if on == "ray" else on, jobs)
    raise InputError(f"--verify-on takes ray or ray://HOST:PORT, not {on!r}")


class VerifyQueue:
    """The verify-phase critics of one session, run on each candidate as it is handed over.

    A near-duplicate (it falls inside the cluster of a design already verified or being
    verified, today's code aside) pays for nothing: it waits for its twin's verdict and
    inherits it, marked with where it came from.
    """

    def __init__(self, session: Session) -> None:
        self.session = session
        self.critics = session.critics_in("verify")
        self.names = {c.name for c in self.critics}
        self.tasks: list[asyncio.Task] = []
        self.own: dict[int, asyncio.Task] = {}  # candidate -> its own verification, this queue's
        # verified by an earlier action, with a verdict of its own (inherited ones left out)
        self.earlier = {
            number for number, found in session.assessments.items()
            if any(a.critic in self.names and not a.raw.get("inherited_from") for a in found)
        }

    def submit(self, candidate: Candidate) -> None:
        if not (self.critics and candidate.valid) or candidate.fidelity is Fidelity.SKETCH:
            return  # a sketch's bodies are elided: its tests wait until it is materialized
        found = twin(self.session, candidate, lambda m: m in self.own or m in self.earlier)
        if found is not None:
            self.tasks.append(asyncio.create_task(self._inherit(candidate, *found)))
            return
        task = asyncio.create_task(self._verify(candidate))
        self.own[candidate.id] = task
        self.tasks.append(task)

    async def _inherit(self, candidate: Candidate, of: int, alike: float) -> None:
        s = self.session
        if of in self.own:
            await asyncio.shield(self.own[of])
        source = [a for a in s.assessments.get(of, []) if a.critic in self.names]
        if not source:
            return
        found = inherited(source, of, "a near-duplicate", alike=alike)
        for a in found:
            if a.dimension == "validity" and a.score < 1.0:
                candidate.invalidate(a.evidence)
        self._store(candidate, found, 0.0)

    async def _verify(self, candidate: Candidate) -> None:
        started = time.perf_counter()
        found = await assess(candidate, self.session.problem, self.critics)
        if found:
            self._store(candidate, found, time.perf_counter() - started)

    def _store(self, candidate: Candidate, found: list[Assessment], seconds: float) -> None:
        s = self.session
        settling.put(s, candidate.id, found)
        if not candidate.valid:  # the tests failed
            set_validity(s.store, s.id, candidate.id, False, candidate.invalid_reason)
        settling.rank(s)
        passed = all(a.score >= 1.0 for a in found)
        s.emit(Verified(s.id, candidate.id, passed, round(seconds, 2), found[0].evidence, found[0].raw.get("inherited_from")))

    async def drain(self) -> None:
        """Wait for every verification handed over."""
        try:
            await asyncio.gather(*self.tasks)
        finally:
            await self.stop()

    async def stop(self) -> None:
        """Cancel what still runs (verdicts already stored stay)."""
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        self.tasks = []
