"""The catalog explorer: every applicable move, then every compatible pair."""

from __future__ import annotations

from itertools import combinations
from typing import AsyncIterator

from divergent.context.parsing import language_for, parse
from divergent.explorers.base import ExploreRequest
from divergent.explorers.catalog import (
    decompose,
    duplicates,
    extract,
    extract_protocol,
    handlers,
    inject,
    lift,
    parameter_object,
    polymorphism,
    split_phase,
    subclasses,
    table,
)
from divergent.explorers.catalog.moves import Move, Rewrite
from divergent.model import Candidate, Target

MOVES: tuple[Move, ...] = (
    handlers.MOVE,
    polymorphism.MOVE,
    subclasses.MOVE,
    table.MOVE,
    extract.MOVE,
    duplicates.MOVE,
    decompose.MOVE,
    split_phase.MOVE,
    lift.MOVE,
    inject.MOVE,
    parameter_object.MOVE,
    extract_protocol.MOVE,  # last, and alone: an interface nothing uses yet is not a first step
)


def compiles(source: str, path: str) -> bool:
    """tree-sitter forgives what Python refuses (an indentation, a stub after a comment)."""
    try:
        compile(source, path, "exec", dont_inherit=True)
    except (SyntaxError, ValueError):
        return False
    return True


def _attempt(move: Move, source: str, target: Target) -> Rewrite | None:
    result = move.rewrite(source, target)
    if result is None or result.source == source or parse(result.source).root_node.has_error:
        return None
    return result if compiles(result.source, target.path) else None


def plans(source: str, target: Target) -> list[tuple[list[Move], list[Rewrite]]]:
    """Every single move that applies, then every pair that still applies in sequence."""
    singles = [(move, r) for move in MOVES if (r := _attempt(move, source, target)) is not None]
    out: list[tuple[list[Move], list[Rewrite]]] = [([m], [r]) for m, r in singles]
    for (first, done), (second, _) in combinations([s for s in singles if s[0].pairs], 2):
        then = _attempt(second, done.source, target)
        if then is not None:
            out.append(([first, second], [done, then]))
    return out


def candidate(moves: list[Move], rewrites: list[Rewrite], target: Target) -> Candidate:
    title = " + ".join(m.title for m in moves)
    summary = "; ".join(r.detail for r in rewrites) + "."
    return Candidate(
        title=title,
        files={target.path: rewrites[-1].source},
        summary=summary,
        rationale="\n\n".join(m.rationale for m in moves),
        explorer=CatalogExplorer.name,
        lens="+".join(m.name for m in moves),
        choices={"moves": "+".join(m.name for m in moves)},
    )


def catalog_reads(path: str) -> bool:
    """The catalog's moves rewrite Python; other languages are explored with a model."""
    return language_for(path) == "python"


class CatalogExplorer:
    """Offline: no model, only refactorings whose behaviour-preservation is mechanical."""

    name = "catalog"

    async def propose(self, request: ExploreRequest) -> AsyncIterator[Candidate]:
        target = request.problem.target
        if not catalog_reads(target.path):
            return
        source = request.problem.files[target.path]
        for moves, rewrites in plans(source, target)[: request.count]:
            yield candidate(moves, rewrites, target)

