"""A headless run: create a session, run its first wave (or the autopilot), settle, close.

Its progress goes to whatever ``emit`` is given: the CLI gives ``reporter.ProgressReporter``.
"""

from __future__ import annotations

from divergent.engine.events import Finished
from divergent.engine.options import Options
from divergent.engine.session import Emit, Session
from divergent.llm.client import EndpointError
from divergent.model import Problem
from divergent.storage.store import Store


async def explore(store: Store, problem: Problem, options: Options, emit: Emit, autopilot: bool = False) -> int:
    """Returns the session id. On EndpointError the session is kept ("stopped") and the error raised."""
    session = await Session.create(store, problem, options, emit)
    status = "failed"
    try:
        if autopilot:
            await session.autopilot()
        else:
            await session.first_wave()
        status = "done"
    except EndpointError:
        status = "stopped"
        raise
    finally:
        await session.close(status)
    session.emit(Finished(session.id, len(session.candidates) - 1))
    return session.id
