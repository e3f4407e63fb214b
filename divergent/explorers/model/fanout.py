"""Many requests at once; each reply that holds a design becomes a candidate as it lands."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import AsyncIterator

from divergent.context.edits import apply_edits, base_reader
from divergent.llm.budget import BudgetExhausted
from divergent.llm.client import ChatRequest, ChatResult, ModelClient
from divergent.llm.parsing import ReplyError, parse_candidate
from divergent.explorers.base import Tally
from divergent.model import Candidate, Fidelity, InputError, Problem


@dataclass
class Ask:
    """One request for one candidate, and what to record on the candidate it yields."""

    request: ChatRequest
    explorer: str
    lens: str = ""
    choices: dict[str, str] = field(default_factory=dict)
    parents: list[int] = field(default_factory=list)
    fidelity: Fidelity = Fidelity.FULL
    base: dict[str, str] = field(default_factory=dict)  # the files the edits apply to, over today's (a parent's)


def require_client(client: ModelClient | None, explorer: str) -> ModelClient:
    if client is None:
        raise InputError(f"the {explorer} explorer needs a model endpoint (it is unavailable with --offline)")
    return client


def to_candidate(text: str, ask: Ask, problem: Problem) -> Candidate:
    """The reply's edits applied to the base files; an edit that cannot apply marks it invalid."""
    reply = parse_candidate(text, problem.target.path)
    applied = apply_edits(reply.edits, problem.target, base_reader(problem, ask.base))
    candidate = Candidate(
        title=reply.title or f"Untitled {ask.lens or ask.explorer} design",
        files=applied.files,
        deleted=applied.deleted,
        summary=reply.summary,
        rationale=reply.rationale,
        explorer=ask.explorer,
        lens=ask.lens,
        parents=list(ask.parents),
        fidelity=ask.fidelity,
        choices={**reply.choices, **ask.choices},
    )
    for error in applied.errors:
        candidate.invalidate(error)
    return candidate


def missed(result: ChatResult | None) -> str:
    """Why a reply made no candidate before it was read ("" when it may hold one)."""
    if result is None:
        return "the budget was spent before it was sent"
    if not result.ok:
        return f"the request failed: {result.error}"
    if result.truncated:
        return f"the reply was cut at the cap of {result.usage.output_tokens} tokens (finish_reason length)"
    return ""


async def fan_out(client: ModelClient, problem: Problem, asks: list[Ask], tally: Tally | None = None) -> AsyncIterator[Candidate]:
    """Send every ask concurrently (the client's semaphore bounds it); yield in arrival order.

    Asks the budget cannot fit, failed requests, replies cut at the cap and replies
    without a design yield nothing; ``tally`` counts them with the reason (the call
    log keeps each call). An EndpointError ends the fan-out at once.
    """
    tally = tally if tally is not None else Tally()
    tally.asked += len(asks)

    async def run(ask: Ask) -> tuple[Ask, ChatResult | None]:
        try:
            return ask, await client.complete(ask.request)
        except BudgetExhausted:
            return ask, None

    tasks = [asyncio.create_task(run(ask)) for ask in asks]
    try:
        for next_done in asyncio.as_completed(tasks):
            ask, result = await next_done
            if why := missed(result):
                tally.miss(why)
                continue
            try:
                candidate = to_candidate(result.text, ask, problem)
            except ReplyError as error:
                tally.miss(f"the reply held no design ({error})")
                continue
            candidate.call = result.key
            yield candidate
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
