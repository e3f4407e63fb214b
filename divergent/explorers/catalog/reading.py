"""How the Python moves read a module: its text by line, its functions in scope, and
which of their statements are which (Python's own ``ast``; tree-sitter gives bytes)."""

from __future__ import annotations

import ast
from dataclasses import dataclass

from divergent.explorers.catalog import flow
from divergent.model import Target


@dataclass(frozen=True)
class Scope:
    """A function the move reads: its node, the class it is a method of, its outer locals."""

    node: ast.FunctionDef
    owner: ast.ClassDef | None
    top: ast.stmt  # the module-level statement that holds it
    outer: frozenset[str]  # locals of enclosing functions (closures)


def scopes(tree: ast.Module, target: Target) -> list[Scope]:
    wanted = target.symbol
    out: list[Scope] = []

    def nested(node: ast.FunctionDef, owner, top, outer: frozenset[str]) -> None:
        out.append(Scope(node, owner, top, outer))
        inner = outer | flow.local_names(node)
        for child in ast.walk(node):
            if isinstance(child, flow.FUNCTIONS) and child is not node and direct_child(node, child):
                nested(child, None, top, inner)

    for top in tree.body:
        if isinstance(top, flow.FUNCTIONS):
            if wanted is None or wanted == top.name:
                nested(top, None, top, frozenset())
        elif isinstance(top, ast.ClassDef):
            for member in top.body:
                if not isinstance(member, flow.FUNCTIONS):
                    continue
                dotted = f"{top.name}.{member.name}"
                if wanted is None or wanted in (top.name, dotted):
                    nested(member, top, top, frozenset())
    return out


def direct_child(parent: ast.AST, child: ast.AST) -> bool:
    """``child`` is defined in ``parent``'s own body, not inside another nested function."""
    for node in ast.iter_child_nodes(parent):
        if node is child:
            return True
        if not isinstance(node, flow.SCOPES) and direct_child(node, child):
            return True
    return False


def span(statements: list[ast.stmt]) -> int:
    return statements[-1].end_lineno - statements[0].lineno + 1


def is_docstring(statement: ast.stmt) -> bool:
    return isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant) and isinstance(statement.value.value, str)


class Reader:
    """One module's text and tree, and every name it uses (new names avoid them all)."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.lines = source.splitlines(keepends=True)
        self.tree = ast.parse(source)
        self.taken = {n.id for n in ast.walk(self.tree) if isinstance(n, ast.Name)}
        self.taken |= {n.attr for n in ast.walk(self.tree) if isinstance(n, ast.Attribute)}
        self.taken |= {n.name for n in ast.walk(self.tree) if isinstance(n, (*flow.FUNCTIONS, ast.ClassDef))}
        self.taken |= {a.arg for a in ast.walk(self.tree) if isinstance(a, ast.arg)}

    def line(self, number: int) -> str:
        return self.lines[number - 1] if 0 < number <= len(self.lines) else ""

    def comment_above(self, statement: ast.stmt) -> tuple[int, int] | None:
        """The comment lines right above ``statement``, at its indentation."""
        indent = self.line(statement.lineno)[: statement.col_offset]
        last = statement.lineno - 1
        first = last + 1
        while first > 1 and self.line(first - 1).startswith(indent + "#"):
            first -= 1
        return (first, last) if first <= last else None

    def clean_lines(self, statements: list[ast.stmt]) -> bool:
        """The statements own their lines: nothing before them on the first, after them on the
        last; and the first is a statement of its own, not the ``elif`` of an ``if``."""
        first, last = statements[0], statements[-1]
        if self.line(first.lineno)[: first.col_offset].strip() or self.line(first.lineno).lstrip().startswith("elif"):
            return False
        tail = self.line(last.end_lineno).encode()[last.end_col_offset :].decode(errors="replace").strip()
        return not tail or tail.startswith("#")


def read(source: str) -> Reader | None:
    """The module's reader, or None when Python cannot parse it."""
    try:
        return Reader(source)
    except SyntaxError:
        return None


def receiver(scope: Scope) -> str | None:
    """The instance (or class) parameter of a method, which moved code reaches through."""
    function = scope.node
    params = flow.parameters(function)
    static = any(isinstance(d, ast.Name) and d.id in ("staticmethod", "classmethod") for d in function.decorator_list)
    return params[0] if scope.owner is not None and params and not static else None
