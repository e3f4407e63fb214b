"""Replace a chain of literal lookups with a table.

A type-code chain (if/elif or ``match``) whose every case only returns a literal, or
only assigns a literal to the same name, is data written as code. It becomes a
module-level dict and one lookup; the ``else`` (or ``case _``) stays as the default.
Only immutable literals move into the table, so every call still gets the same value.
"""

from __future__ import annotations

import ast
import re

from tree_sitter import Node

from divergent.context.design import TypeCodeChain, type_code_chain
from divergent.context.parsing import parse, text
from divergent.context.syntax import walk
from divergent.explorers.catalog import edits
from divergent.explorers.catalog.moves import Move, Rewrite
from divergent.explorers.catalog.scope import functions
from divergent.model import Target


def _literal(node: Node) -> bool:
    """An immutable constant: a string, number, True/False/None, or a tuple of them."""
    try:
        value = ast.literal_eval(text(node))
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return False
    return _immutable(value)


def _immutable(value: object) -> bool:
    if isinstance(value, tuple):
        return all(_immutable(v) for v in value)
    return value is None or isinstance(value, (str, bytes, int, float, complex, bool))


def _only(block: Node) -> Node | None:
    statements = [s for s in block.named_children if s.type != "comment"]
    return statements[0] if len(statements) == 1 else None


def _returned(block: Node | None) -> Node | None:
    """The literal of a block that is ``return <literal>``."""
    statement = _only(block) if block is not None else None
    if statement is None or statement.type != "return_statement" or len(statement.named_children) != 1:
        return None
    value = statement.named_children[0]
    return value if _literal(value) else None


def _assigned(block: Node | None) -> tuple[str, Node] | None:
    """(name, literal) of a block that is ``name = <literal>``."""
    statement = _only(block) if block is not None else None
    if statement is None or statement.type != "expression_statement" or len(statement.named_children) != 1:
        return None
    assignment = statement.named_children[0]
    if assignment.type != "assignment":
        return None
    left, right = assignment.child_by_field_name("left"), assignment.child_by_field_name("right")
    if left is None or right is None or left.type != "identifier" or assignment.child_by_field_name("type"):
        return None
    return (text(left), right) if _literal(right) else None


def _shape(chain: TypeCodeChain) -> tuple[str, str | None, list[tuple[list[str], str]]] | None:
    """("return" | "assign", assigned name, [(keys, value)]) when every case is a literal lookup."""
    returns = [_returned(block) for _, block in chain.branches]
    if all(r is not None for r in returns):
        return "return", None, [(keys, text(r)) for (keys, _), r in zip(chain.branches, returns)]
    assigns = [_assigned(block) for _, block in chain.branches]
    if all(a is not None for a in assigns) and len({a[0] for a in assigns}) == 1:
        return "assign", assigns[0][0], [(keys, text(a[1])) for (keys, _), a in zip(chain.branches, assigns)]
    return None


def _dispatch(chain: TypeCodeChain, kind: str, name: str | None, table: str, pad: str, last: bool, data: bytes) -> str | None:
    key, otherwise, step = chain.discriminator, chain.otherwise, pad + edits.INDENT
    if kind == "return":
        default = _returned(otherwise)
        if default is not None:
            return f"return {table}.get({key}, {text(default)})"
        if otherwise is None and last:
            return f"return {table}.get({key})"
        found = f"if {key} in {table}:\n{step}return {table}[{key}]"
        if otherwise is None:
            return found
        rest = edits.node_block_text(otherwise, data)
        return f"{found}\n{edits.reindent(rest, pad)}"
    default = _assigned(otherwise)
    if default is not None and default[0] == name:
        return f"{name} = {table}.get({key}, {text(default[1])})"
    if otherwise is None:
        return None  # the name keeps its old value for other keys: no plain lookup
    rest = edits.node_block_text(otherwise, data)
    return f"if {key} in {table}:\n{step}{name} = {table}[{key}]\n{pad}else:\n{edits.reindent(rest, step)}"


def rewrite(source: str, target: Target) -> Rewrite | None:
    data = source.encode()
    root = parse(source).root_node
    taken = edits.module_names(root) | {text(n) for n in walk(root) if n.type == "identifier"}
    changes, appended, done = [], {}, []
    for function in functions(root, target):
        body = function.definition.body
        statements = [s for s in body.named_children if s.type != "comment"]
        for node in walk(body):
            chain = type_code_chain(node)
            if chain is None or chain.node in [c for c, _ in done]:
                continue
            shape = _shape(chain)
            if shape is None:
                continue
            kind, name, entries = shape
            label = re.sub(r"\W+", "_", chain.discriminator.split(".")[-1]).strip("_").upper()
            what = (name or function.definition.name.lstrip("_")).upper()
            table = edits.free_name(f"_{what}_BY_{label}", taken)
            pad = " " * chain.node.start_point[1]
            last = chain.node == statements[-1] if statements else False
            dispatch = _dispatch(chain, kind, name, table, pad, last, data)
            if dispatch is None:
                continue
            taken.add(table)
            done.append((chain.node, table))
            rows = [f"{edits.INDENT}{key}: {value}," for keys, value in entries for key in keys]
            appended.setdefault(function.top.end_byte, []).append(f"{table} = {{\n" + "\n".join(rows) + "\n}")
            changes.append(edits.Edit(chain.node.start_byte, chain.node.end_byte, dispatch))
    if not changes:
        return None
    return Rewrite(edits.apply(source, changes + edits.after(appended)), f"{', '.join(t for _, t in done)} in place of literal lookups")


MOVE = Move(
    name="table",
    title="A table in place of literal lookups",
    rationale=(
        "A chain whose every case returns or assigns a constant is data written as code. "
        "A dict says the same in one place: a new case is a new row, and the lookup "
        "reads at a glance."
    ),
    rewrite=rewrite,
)
