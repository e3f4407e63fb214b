"""Extract the blocks that are duplicated across functions or methods into one function.

The same run of statements (equal syntax trees, at least three lines) in two or more
places of the target becomes one function, and each place calls it. Each place must
read and bind the same names, so that one function, with one signature, serves them
all; the checks of ``extract`` (nothing that returns, yields, breaks out, or leaves a
name half bound) hold at every place.
"""

from __future__ import annotations

import ast
from dataclasses import replace

from divergent.explorers.catalog import flow, naming
from divergent.explorers.catalog.extract import Extraction, _plan, apply
from divergent.explorers.catalog.reading import Reader, is_docstring, read, scopes, span
from divergent.explorers.catalog.moves import Move, Rewrite
from divergent.model import Target

MIN_LINES = 3


def _places(reader: Reader, target: Target) -> dict[tuple[str, ...], list[tuple]]:
    """Every run of statements of at least MIN_LINES lines, by its syntax trees."""
    found: dict[tuple[str, ...], list[tuple]] = {}
    for scope in scopes(reader.tree, target):
        for statements, bound in flow.statement_lists(scope.node, scope.outer):
            dumps = [ast.dump(s) for s in statements]
            for i in range(len(statements)):
                if statements is scope.node.body and i == 0 and is_docstring(statements[0]):
                    continue
                before = bound | flow.definitely_binds(statements[:i])
                for j in range(i + 1, len(statements) + 1):
                    run = statements[i:j]
                    if span(run) >= MIN_LINES:
                        key = tuple(dumps[i:j])
                        found.setdefault(key, []).append((scope, run, before))
    return found


def _lines(run: list[ast.stmt]) -> set[int]:
    return set(range(run[0].lineno, run[-1].end_lineno + 1))


def _name(reader: Reader, plan: Extraction) -> str:
    comment = reader.comment_above(plan.statements[0])
    said = naming.from_comment(reader.line(comment[0])) if comment is not None else None
    if said:
        return said
    if len(plan.outputs) == 1:
        said = naming.from_output(plan.outputs[0])
        if said:
            return said
    return naming.from_statement(plan.statements[0], plan.scope.node.name)


def groups(reader: Reader, target: Target) -> list[list[Extraction]]:
    """Groups of places with the same code, longest code first, no place in two groups."""
    used: set[int] = set()
    out: list[list[Extraction]] = []
    found = _places(reader, target)
    for key in sorted(found, key=lambda k: -span(found[k][0][1])):
        places = []
        for scope, run, before in found[key]:
            if not (_lines(run) & used) and not any(_lines(run) & _lines(r) for _, r, _ in places):
                places.append((scope, run, before))
        if len(places) < 2:
            continue
        plans = [_plan(reader, scope, run, before, None, "shared") for scope, run, before in places]
        if any(p is None for p in plans):
            continue
        if len({(tuple(p.inputs), tuple(p.outputs), p.as_method) for p in plans}) != 1:
            continue
        if plans[0].as_method and len({id(p.scope.owner) for p in plans}) != 1:
            continue
        name = _name(reader, plans[0])
        out.append([replace(p, name=name) for p in plans])
        for _, run, _ in places:
            used |= _lines(run)
    return out


def rewrite(source: str, target: Target) -> Rewrite | None:
    reader = read(source)
    if reader is None:
        return None
    found = groups(reader, target)
    if not found:
        return None
    new, names = apply(reader, found)
    said = ", ".join(f"{name} ({len(group)} places)" for name, group in zip(names, found))
    return Rewrite(new, f"duplicated blocks as {said}")


MOVE = Move(
    name="extract-duplicates",
    title="Extract duplicated blocks",
    rationale=(
        "The same statements written in several places must be changed in all of them, "
        "and drift apart when one is forgotten. One function, called from each place, "
        "says it once."
    ),
    rewrite=rewrite,
)
