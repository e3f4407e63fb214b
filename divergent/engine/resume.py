"""Resuming: plan again the action that was in flight when the process died.

Replies that had arrived come back from the call cache at no cost and are skipped
as duplicates; only the requests that never returned are sent again. The action is
replayed through the steering table with the arguments its event recorded.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from divergent.engine.events import Resumed
from divergent.engine.scoring import assess
from divergent.engine.settling import put
from divergent.engine.steering import COMMANDS

if TYPE_CHECKING:
    from divergent.engine.session import Session

REPLAYED = ("first_wave", "new_direction", "expand", "refine", "combine")


def pending(session: Session) -> dict | None:
    """An action that was running when the process died (started, never recorded as done)."""
    open_action = None
    for event in session.store.events(session.id):
        if event.kind == "action_started":
            open_action = event.data
        elif open_action is not None and event.kind == open_action["action"]:
            open_action = None
    return open_action


async def resume(session: Session) -> int:
    """Plan again what was in flight; returns how many designs it added."""
    if session.baseline_unscored:  # restored on opening: today's code is scored before anything is planned
        put(session, 0, await assess(session.candidates[0], session.problem, session.critics_in("each")))
        session.baseline_unscored = False
    action = pending(session)
    if action is None:
        return 0
    session.emit(Resumed(session.id, action["action"]))
    session.resuming = action
    try:
        return len(await replay(session, action))
    finally:
        session.resuming = None


async def replay(session: Session, action: dict) -> list:
    name = action["action"]
    if name not in REPLAYED:
        return []
    if name == "first_wave":
        return await session.first_wave(action.get("count"))
    return await COMMANDS[name].run(session, action)
