"""Decompose conditional: a compound condition becomes a predicate named for what it tests.

``if item.name != "Aged Brie" and item.name != "Backstage passes":`` becomes
``if _neither_aged_brie_nor_backstage_passes(item):``. The predicate returns the very
expression, evaluated once where the condition was, so short-circuits and errors are
unchanged; the same condition in several places shares one predicate.
"""

from __future__ import annotations

import ast

from divergent.explorers.catalog import flow, naming
from divergent.explorers.catalog.edits import INDENT, free_name
from divergent.explorers.catalog.reading import Reader, Scope, read, receiver, scopes
from divergent.explorers.catalog.moves import Move, Rewrite
from divergent.model import Target

MIN_LENGTH = 30  # characters: shorter conditions read well as they are
MAX_PREDICATES = 6
MAX_INPUTS = 4
UNSAFE = (ast.NamedExpr, ast.Await, ast.Yield, ast.YieldFrom, ast.Lambda, *flow.COMPREHENSIONS)


def _worth_naming(test: ast.expr, length: int) -> bool:
    compound = isinstance(test, ast.BoolOp) or (
        isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not) and isinstance(test.operand, ast.BoolOp)
    )
    return compound and length >= MIN_LENGTH


def _safe(test: ast.expr) -> bool:
    for n in ast.walk(test):
        if isinstance(n, UNSAFE):
            return False
        if isinstance(n, ast.Name) and n.id in ("super", "__class__", "locals", "vars"):
            return False
    return True


def _tests(function: ast.FunctionDef) -> list[ast.expr]:
    """The conditions of the function's own if/elif/while statements, in order."""
    out: list[ast.expr] = []

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, flow.SCOPES):
                continue
            if isinstance(child, (ast.If, ast.While)):
                out.append(child.test)
            visit(child)

    visit(function)
    return out


class _Offsets:
    def __init__(self, source: str) -> None:
        self.data = source.encode()
        self.starts = [0]
        for index, byte in enumerate(self.data):
            if byte == 0x0A:
                self.starts.append(index + 1)

    def span(self, node: ast.expr) -> tuple[int, int]:
        start = self.starts[node.lineno - 1] + node.col_offset
        end = self.starts[node.end_lineno - 1] + node.end_col_offset
        # ``if (a or\n b):``: the parentheses go with the condition
        before = self.data[:start].rstrip()
        after = self.data[end:].lstrip()
        if before.endswith(b"(") and after.startswith(b")") and after[1:].lstrip(b" \t").startswith(b":"):
            head = before[:-1].rstrip()
            if head.endswith((b"if", b"elif", b"while")):
                start = len(before) - 1
                end = len(self.data) - len(after) + 1
        return start, end


def rewrite(source: str, target: Target) -> Rewrite | None:
    reader = read(source)
    if reader is None:
        return None
    offsets = _Offsets(source)
    replaced: list[tuple[int, int, str]] = []
    inserted: dict[tuple[int, int], list[str]] = {}  # (after line, methods first) -> texts
    made: dict[str, str] = {}  # ast.dump of a condition -> its predicate's call
    for scope in scopes(reader.tree, target):
        for test in _tests(scope.node):
            start, end = offsets.span(test)
            original = offsets.data[start:end].decode()
            if not _worth_naming(test, len(" ".join(original.split()))) or not _safe(test):
                continue
            key = f"{id(scope.node)}:{ast.dump(test)}"
            call = made.get(key)
            if call is None:
                call = _predicate(reader, scope, test, inserted)
                if call is None:
                    continue
                made[key] = call
            replaced.append((start, end, call))
            if len(made) >= MAX_PREDICATES:
                break
    if not replaced:
        return None
    data = offsets.data
    at: dict[int, str] = {}
    for (after, _), texts in sorted(inserted.items()):
        at[after] = at.get(after, "") + "".join(texts)
    added = [(offsets.starts[after] if after < len(offsets.starts) else len(data), text) for after, text in at.items()]
    if not data.endswith(b"\n"):
        data += b"\n"
    for start, end, new in sorted(replaced + [(at, at, text) for at, text in added], reverse=True):
        data = data[:start] + new.encode() + data[end:]
    lines = [data.decode()]
    names = sorted({c.split("(")[0].split(".")[-1] for c in made.values()})
    return Rewrite("".join(lines), f"{len(replaced)} conditions named: {', '.join(names)}")


def _predicate(reader: Reader, scope: Scope, test: ast.expr, inserted: dict[tuple[int, int], list[str]]) -> str | None:
    function = scope.node
    local = flow.local_names(function) | scope.outer
    reads = [n for n in flow._ordered_reads([test]) if n in local]
    me = receiver(scope)
    as_method = me is not None and me in reads
    inputs = [n for n in reads if n != me] if as_method else reads
    if len(inputs) > MAX_INPUTS:
        return None
    name = free_name(f"_{naming.from_test(test)}", reader.taken)
    reader.taken.add(name)
    span = reader.line(test.lineno)
    expression = span.encode()[test.col_offset : test.end_col_offset].decode() if test.lineno == test.end_lineno else ast.unparse(test)
    signature = ", ".join(([me] if as_method else []) + inputs)
    if as_method:
        indent = reader.line(function.lineno)[: function.col_offset]
        text = f"\n{indent}def {name}({signature}):\n{indent}{INDENT}return {expression}\n"
        inserted.setdefault((function.end_lineno, 0), []).append(text)
        return f"{me}.{name}({', '.join(inputs)})"
    text = f"\n\ndef {name}({signature}):\n{INDENT}return {expression}\n"
    inserted.setdefault((scope.top.end_lineno, 1), []).append(text)  # after methods at the same line
    return f"{name}({', '.join(inputs)})"


MOVE = Move(
    name="decompose-conditional",
    title="Name compound conditions",
    rationale=(
        "A condition of several clauses makes the reader work out what it means every "
        "time. A predicate named for what it tests says it once, and the branch reads as "
        "the rule it implements."
    ),
    rewrite=rewrite,
)
