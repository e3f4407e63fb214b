"""Framing a problem for a new session, as the new-exploration form needs it: the
repository's symbols for the target picker, the problem itself, scenarios proposed by
the model, and which language a path is in."""

from __future__ import annotations

from pathlib import Path

from collections.abc import Callable

from divergent.context import repo as gitrepo
from divergent.context.index import SymbolIndex
from divergent.context.parsing import language_for
from divergent.context.problem import frame as frame_with
from divergent.context.problem import split_scenario
from divergent.context.target import resolve, symbols
from divergent.model import Problem
from divergent.storage.store import Store
from divergent.storage.symbols import SqliteSymbols

__all__ = ["frame", "language_for", "propose", "repository_symbols", "split_scenario"]


def frame(
    spec: str,
    repo: str | None,
    cwd: Path,
    db: str | Path | None = None,
    check: Callable[[Problem], None] | None = None,
    **options,
) -> Problem:
    """The problem for ``spec``, with the symbol index kept in the sessions database ``db``
    (the default one when None), so that a file is parsed once whichever command or screen
    frames it. Bad input (a bad target, or one ``check(problem)`` refuses) is refused before
    the database is opened. Opens its own connection: call it from any thread."""
    if check is not None:  # only a check needs the target before the whole problem is framed
        target, source = resolve(spec, repo, cwd)
        check(Problem(target=target, files={target.path: source}))
    with Store(db) as store:
        return frame_with(spec, repo, cwd, index=SymbolIndex(SqliteSymbols(store)), **options)


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
