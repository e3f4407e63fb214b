"""Ask the model once and read its reply, falling back to a default.

The one place that does complete-then-parse: a failed request or a reply with
nothing usable in it gives ``default`` (the call log keeps the failure).
``BudgetExhausted`` and ``EndpointError`` still propagate: they stop a run.
"""

from __future__ import annotations

from typing import Any, Callable, TypeVar

from divergent.llm.client import ChatRequest, ModelClient
from divergent.llm.parsing import Reply, ReplyError, parse_candidate, parse_object

T = TypeVar("T")


async def ask(client: ModelClient, request: ChatRequest, read: Callable[[str], T], default: T) -> T:
    """``read`` of the reply's text, or ``default`` when the request failed or ``read`` raised ReplyError."""
    result = await client.complete(request)
    if not result.ok:
        return default
    try:
        return read(result.text)
    except ReplyError:
        return default


async def ask_json(client: ModelClient, request: ChatRequest, key: str, default: Any) -> Any:
    """The value under ``key`` of the reply's JSON object, or ``default``."""
    return await ask(client, request, lambda text: parse_object(text, key), default)


async def ask_candidate(client: ModelClient, request: ChatRequest, target_path: str) -> Reply | None:
    """The design in the reply (JSON or markdown), or None."""
    return await ask(client, request, lambda text: parse_candidate(text, target_path), None)
