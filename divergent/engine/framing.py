"""Framing a problem for a new session, as the new-exploration form needs it: the
repository's symbols for the target picker, the problem itself, scenarios proposed by
the model, and which language a path is in."""

from __future__ import annotations

from pathlib import Path

from divergent.context import repo as gitrepo
from divergent.context.parsing import language_for
from divergent.context.problem import frame, split_scenario
from divergent.context.target import symbols
from divergent.model import Problem

__all__ = ["frame", "language_for", "propose", "repository_symbols", "split_scenario"]


def repository_symbols(repo: str | None, cwd: Path) -> list[str]:
    """Every ``path::Class``, ``path::Class.method`` and ``path::function`` at the head of the
    repository ``repo`` names (or that holds ``cwd``); InputError when there is none."""
    top = gitrepo.find_top_level(repo or None, cwd)
    return symbols(top, gitrepo.head_commit(top))


async def propose(problem: Problem, model: str | None) -> list[str]:
    """Likely future changes for ``problem``'s target, proposed by the model in one request
    (its budget leaves room for the retries after a 429 or a 5xx)."""
    from divergent.explorers.model.scenarios import propose_scenarios
    from divergent.llm import config
    from divergent.llm.budget import Budget
    from divergent.llm.client import MAX_ATTEMPTS, ModelClient

    client = ModelClient(config.load(model), Budget(max_requests=MAX_ATTEMPTS))
    try:
        return await propose_scenarios(client, problem)
    finally:
        await client.close()
