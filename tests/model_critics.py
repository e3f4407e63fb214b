"""Running a model critic against the fake server with our real client."""

from __future__ import annotations

from divergent.llm.budget import Budget
from divergent.llm.client import MemoryCallLog, ModelClient
from divergent.llm.config import Endpoint
from divergent.model import Assessment, Candidate, Problem


async def assess_with(server, critic, pairs: list[tuple[Candidate, Problem]], max_requests: int = 10) -> list[list[Assessment]]:
    """``critic.assess`` of each (candidate, problem) in turn, through one client on ``server``."""
    client = ModelClient(
        Endpoint(base_url=server.base_url, api_key="sk", model="m"), Budget(max_requests=max_requests), MemoryCallLog()
    )
    critic.client = client
    try:
        return [await critic.assess(candidate, problem) for candidate, problem in pairs]
    finally:
        await client.close()
