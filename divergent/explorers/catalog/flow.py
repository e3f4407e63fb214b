"""Which names a run of statements reads and binds, from Python's own ``ast``.

Extracting statements into a function is safe only when we know what flows in
(names read that the function bound earlier) and what flows out (names bound
here and read elsewhere in the function). tree-sitter gives the text; ``ast``
gives Python's scoping rules: comprehension variables stay inside, a walrus
binds outside, ``except ... as e`` and ``with ... as f`` bind names.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
SCOPES = (*FUNCTIONS, ast.ClassDef, ast.Lambda)
COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
# Code whose meaning depends on where it runs: not movable into another function.
UNMOVABLE_CALLS = {"locals", "vars", "exec", "eval", "globals"}


@dataclass(frozen=True)
class Names:
    reads: set[str]
    binds: set[str]


def _targets(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def names(nodes: list[ast.AST]) -> Names:
    """Names read and bound in the function's own scope by ``nodes``."""
    reads: set[str] = set()
    binds: set[str] = set()

    def visit(node: ast.AST, hidden: frozenset[str]) -> None:
        if isinstance(node, COMPREHENSIONS):
            inner = hidden | {t for g in node.generators for t in _targets(g.target)}
            for g in node.generators:
                visit(g.iter, hidden if g is node.generators[0] else inner)
                for condition in g.ifs:
                    visit(condition, inner)
            for part in ("elt", "key", "value"):
                if hasattr(node, part):
                    visit(getattr(node, part), inner)
            return
        if isinstance(node, ast.Lambda):
            args = {a.arg for a in ast.walk(node.args) if isinstance(a, ast.arg)}
            visit(node.body, hidden | args)
            return
        if isinstance(node, (*FUNCTIONS, ast.ClassDef)):
            binds.add(node.name)
            return
        if isinstance(node, ast.NamedExpr):
            binds.add(node.target.id)
            visit(node.value, hidden)
            return
        if isinstance(node, ast.Name):
            if node.id in hidden:
                return
            (reads if isinstance(node.ctx, ast.Load) else binds).add(node.id)
            if isinstance(node.ctx, ast.Del):
                reads.add(node.id)
            return
        if isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
            reads.add(node.target.id)
        if isinstance(node, ast.ExceptHandler) and node.name:
            binds.add(node.name)
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            binds.update((a.asname or a.name).split(".")[0] for a in node.names)
        if isinstance(node, (ast.MatchAs, ast.MatchStar)) and node.name:
            binds.add(node.name)
        if isinstance(node, ast.MatchMapping) and node.rest:
            binds.add(node.rest)
        for child in ast.iter_child_nodes(node):
            visit(child, hidden)

    for node in nodes:
        visit(node, frozenset())
    return Names(reads, binds)


def parameters(function: ast.FunctionDef | ast.AsyncFunctionDef) -> list[str]:
    a = function.args
    every = [*a.posonlyargs, *a.args, *([a.vararg] if a.vararg else []), *a.kwonlyargs]
    return [p.arg for p in every] + ([a.kwarg.arg] if a.kwarg else [])


def local_names(function: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    return set(parameters(function)) | names(function.body).binds


def definitely_binds(statements: list[ast.stmt]) -> set[str]:
    """Names every path through ``statements`` binds (a path that raises binds all)."""
    out: set[str] = set()
    for statement in statements:
        out |= _definitely(statement)
    return out


ALL = frozenset({"*"})  # a path that never falls through (raise): it binds everything


def _definitely(statement: ast.stmt) -> set[str]:
    if isinstance(statement, ast.Raise):
        return set(ALL)
    if isinstance(statement, (ast.Assign, ast.AnnAssign, ast.AugAssign, ast.Import, ast.ImportFrom)):
        if isinstance(statement, ast.AnnAssign) and statement.value is None:
            return set()
        return names([statement]).binds
    if isinstance(statement, (*FUNCTIONS, ast.ClassDef)):
        return {statement.name}
    if isinstance(statement, ast.Expr):
        return {n.target.id for n in ast.walk(statement) if isinstance(n, ast.NamedExpr)}
    if isinstance(statement, ast.With):
        return {t for item in statement.items if item.optional_vars for t in _targets(item.optional_vars)} | definitely_binds(statement.body)
    if isinstance(statement, ast.If):
        return _both(definitely_binds(statement.body), definitely_binds(statement.orelse))
    if isinstance(statement, ast.Try) and not statement.finalbody:
        paths = [definitely_binds(statement.body + statement.orelse)]
        paths += [definitely_binds(handler.body) for handler in statement.handlers]
        out = paths[0]
        for path in paths[1:]:
            out = _both(out, path)
        return out
    if isinstance(statement, ast.Match) and any(_is_wildcard(c) for c in statement.cases):
        out = None
        for case in statement.cases:
            path = definitely_binds(case.body)
            out = path if out is None else _both(out, path)
        return out or set()
    return set()


def _is_wildcard(case: ast.match_case) -> bool:
    return isinstance(case.pattern, ast.MatchAs) and case.pattern.pattern is None and case.guard is None


def _both(left: set[str], right: set[str]) -> set[str]:
    if left >= ALL:
        return right
    if right >= ALL:
        return left
    return left & right


def movable(statements: list[ast.stmt]) -> bool:
    """No statement leaves or depends on its place: no return, yield, await, global,
    nonlocal, break/continue of an outer loop, nested function or class, ``locals()``."""
    for statement in statements:
        if not _movable(statement, in_loop=False):
            return False
    return True


def _movable(node: ast.AST, in_loop: bool) -> bool:
    if isinstance(node, (ast.Return, ast.Yield, ast.YieldFrom, ast.Await, ast.Global, ast.Nonlocal, *SCOPES)):
        return False
    if isinstance(node, (ast.Break, ast.Continue)) and not in_loop:
        return False
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        if node.func.id in UNMOVABLE_CALLS or node.func.id == "super":
            return False
    if isinstance(node, ast.Name) and node.id == "__class__":
        return False
    if isinstance(node, ast.Delete) and any(isinstance(t, ast.Name) for t in node.targets):
        return False
    if isinstance(node, (ast.AsyncFor, ast.AsyncWith)):
        return False
    if isinstance(node, (ast.For, ast.While)):
        return all(_movable(c, True) for c in node.body) and all(_movable(c, in_loop) for c in node.orelse) and all(
            _movable(c, in_loop) for c in (node.iter if isinstance(node, ast.For) else node.test, node.target if isinstance(node, ast.For) else node.test)
        )
    return all(_movable(c, in_loop) for c in ast.iter_child_nodes(node))


def multiline_string(nodes: list[ast.AST]) -> bool:
    """Re-indenting such code would change the string's value."""
    return any(
        isinstance(n, (ast.Constant, ast.JoinedStr)) and n.end_lineno != n.lineno and (
            isinstance(n, ast.JoinedStr) or isinstance(n.value, (str, bytes))
        )
        for node in nodes
        for n in ast.walk(node)
    )


def free_reads(statements: list[ast.stmt], bound: set[str]) -> list[str]:
    """Names ``statements`` read before binding them themselves, in order of first use."""
    out: list[str] = []
    bound = set(bound)
    for statement in statements:
        for name in _free(statement, bound):
            if name not in out:
                out.append(name)
        bound |= _definitely(statement)
    return out


def _free(statement: ast.stmt, bound: set[str]) -> list[str]:
    def reads(*nodes: ast.AST | None) -> list[str]:
        return [n for n in _ordered_reads(nodes) if n not in bound]

    if isinstance(statement, (ast.For, ast.While)):
        head = reads(statement.iter) if isinstance(statement, ast.For) else reads(statement.test)
        inner = bound | (_targets(statement.target) if isinstance(statement, ast.For) else set())
        return head + free_reads(statement.body, inner) + free_reads(statement.orelse, bound)
    if isinstance(statement, ast.If):
        return reads(statement.test) + free_reads(statement.body, bound) + free_reads(statement.orelse, bound)
    if isinstance(statement, ast.With):
        head = reads(*[i.context_expr for i in statement.items])
        inner = bound | {t for i in statement.items if i.optional_vars for t in _targets(i.optional_vars)}
        return head + free_reads(statement.body, inner)
    if isinstance(statement, ast.Try):
        out = free_reads(statement.body, bound)
        for handler in statement.handlers:
            out += reads(handler.type) + free_reads(handler.body, bound | ({handler.name} if handler.name else set()))
        return out + free_reads(statement.orelse, bound) + free_reads(statement.finalbody, bound)
    if isinstance(statement, ast.Match):
        out = reads(statement.subject)
        for case in statement.cases:
            captured = names([case.pattern]).binds
            out += reads(case.pattern) + [n for n in reads(case.guard) if n not in captured]
            out += free_reads(case.body, bound | captured)
        return out
    return reads(statement)


def _ordered_reads(nodes) -> list[str]:
    wanted = names([n for n in nodes if n is not None]).reads
    seen: list[str] = []
    for node in nodes:
        if node is None:
            continue
        for n in sorted(
            (n for n in ast.walk(node) if isinstance(n, ast.Name) and n.id in wanted),
            key=lambda n: (n.lineno, n.col_offset),
        ):
            if n.id not in seen:
                seen.append(n.id)
    return seen


def statement_lists(function: ast.FunctionDef | ast.AsyncFunctionDef, outer: set[str] = frozenset()):
    """Every statement list in ``function`` (nested functions excluded) with the names
    bound on every path to its start: yields (statements, bound_at_start)."""
    yield from _lists(function.body, set(parameters(function)) | set(outer))


def _lists(body: list[ast.stmt], bound: set[str]):
    yield body, bound
    for index, statement in enumerate(body):
        before = bound | definitely_binds(body[:index])
        for child, extra in _children(statement):
            yield from _lists(child, before | extra)


def _children(statement: ast.stmt):
    if isinstance(statement, (ast.For, ast.AsyncFor)):
        yield statement.body, _targets(statement.target)
        yield statement.orelse, set()
    elif isinstance(statement, ast.While):
        yield statement.body, set()
        yield statement.orelse, set()
    elif isinstance(statement, ast.If):
        yield statement.body, set()
        yield statement.orelse, set()
    elif isinstance(statement, (ast.With, ast.AsyncWith)):
        yield statement.body, {t for i in statement.items if i.optional_vars for t in _targets(i.optional_vars)}
    elif isinstance(statement, ast.Try):
        yield statement.body, set()
        for handler in statement.handlers:
            yield handler.body, {handler.name} if handler.name else set()
        yield statement.orelse, set()
        yield statement.finalbody, set()
    elif isinstance(statement, ast.Match):
        for case in statement.cases:
            yield case.body, names([case.pattern]).binds
