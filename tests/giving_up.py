"""Giving up on a request midway, as Ctrl-C or the end of a run does, and waiting for a server to notice."""

from __future__ import annotations

import asyncio
import time
from typing import Callable

from divergent.llm.client import ChatRequest, ModelClient


def give_up_midway(client: ModelClient, request: ChatRequest, streamed_for: float) -> None:
    """Ask, wait until the reply streams, let it stream a while, then cancel the ask and close the client."""

    async def run() -> None:
        task = asyncio.ensure_future(client.complete(request))
        while not client.pace.streaming:  # the server is answering
            await asyncio.sleep(0.01)
        await asyncio.sleep(streamed_for)
        task.cancel()
        try:
            await task
        except asyncio.CancelledError:
            pass
        else:
            raise AssertionError("the ask ended before it was given up")
        finally:
            await client.close()

    asyncio.run(run())


def eventually(condition: Callable[[], bool], seconds: float = 30.0) -> bool:
    """Wait for a server to reach a state (a deadline against hangs, not a measurement)."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True
