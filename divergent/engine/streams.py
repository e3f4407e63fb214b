"""Merging several explorers' candidate streams so they run at the same time."""

from __future__ import annotations

import asyncio
from typing import AsyncIterator, TypeVar

T = TypeVar("T")
_DONE = object()


async def merge(streams: list[tuple[str, AsyncIterator[T]]]) -> AsyncIterator[tuple[str, T]]:
    """(name, item) from every stream as items arrive; an error in one stream ends all."""
    queue: asyncio.Queue = asyncio.Queue()

    async def drain(name: str, stream: AsyncIterator[T]) -> None:
        try:
            async for item in stream:
                await queue.put((name, item))
        finally:
            await queue.put(_DONE)

    tasks = [asyncio.create_task(drain(name, stream)) for name, stream in streams]
    try:
        pending = len(tasks)
        while pending:
            item = await queue.get()
            if item is _DONE:
                pending -= 1
                for task in tasks:
                    if task.done() and not task.cancelled() and task.exception() is not None:
                        raise task.exception()
                continue
            yield item
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
