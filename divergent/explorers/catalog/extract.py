"""Extract functions from a long function: each commented paragraph, each big branch or
loop becomes a function named from its comment, the variable it computes, or what it tests.

What flows in (names the function bound before the block) becomes the parameters; what
flows out (names the block binds that the rest of the function reads) is returned and
assigned back. Blocks that return, yield, break out, or bind a name only on some paths
that is read later are left alone, so the function computes exactly what it did.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from divergent.explorers.catalog import flow, naming
from divergent.explorers.catalog.edits import INDENT, free_name, reindent
from divergent.explorers.catalog.moves import Move, Rewrite
from divergent.model import Target

LONG = 12  # lines in a function's body: from here on it is long
PARAGRAPH = 2  # lines of a commented paragraph worth a name
COMPOUND = 5  # lines of a branch or loop worth a name
MOST = 0.6  # a branch or loop longer than this share of the function: its insides are the steps
MAX_INPUTS = 5
MAX_OUTPUTS = 2


@dataclass(frozen=True)
class Scope:
    """A function the move reads: its node, the class it is a method of, its outer locals."""

    node: ast.FunctionDef
    owner: ast.ClassDef | None
    top: ast.stmt  # the module-level statement that holds it
    outer: frozenset[str]  # locals of enclosing functions (closures)


@dataclass(frozen=True)
class Extraction:
    scope: Scope
    statements: list[ast.stmt]
    comment: tuple[int, int] | None  # 1-based first and last line of the naming comment
    name: str
    inputs: list[str]
    outputs: list[str]
    as_method: bool


def _scopes(tree: ast.Module, target: Target) -> list[Scope]:
    wanted = target.symbol
    out: list[Scope] = []

    def nested(node: ast.FunctionDef, owner, top, outer: frozenset[str]) -> None:
        out.append(Scope(node, owner, top, outer))
        inner = outer | flow.local_names(node)
        for child in ast.walk(node):
            if isinstance(child, flow.FUNCTIONS) and child is not node and _direct_child(node, child):
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


def _direct_child(parent: ast.AST, child: ast.AST) -> bool:
    """``child`` is defined in ``parent``'s own body, not inside another nested function."""
    for node in ast.iter_child_nodes(parent):
        if node is child:
            return True
        if not isinstance(node, flow.SCOPES) and _direct_child(node, child):
            return True
    return False


def _span(statements: list[ast.stmt]) -> int:
    return statements[-1].end_lineno - statements[0].lineno + 1


def _is_docstring(statement: ast.stmt) -> bool:
    return isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant) and isinstance(statement.value.value, str)


class _Reader:
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
        """The statements own their lines: nothing before them on the first, after them on the last."""
        first, last = statements[0], statements[-1]
        if self.line(first.lineno)[: first.col_offset].strip():
            return False
        tail = self.line(last.end_lineno).encode()[last.end_col_offset :].decode(errors="replace").strip()
        return not tail or tail.startswith("#")


def _trivial(statements: list[ast.stmt]) -> bool:
    """Plain assignments of constants or names: a function would only hide them."""
    return all(
        isinstance(s, ast.Assign) and isinstance(s.value, (ast.Constant, ast.Name)) for s in statements
    )


def _plan(reader: _Reader, scope: Scope, statements: list[ast.stmt], bound: set[str], comment, hint: str) -> Extraction | None:
    if not reader.clean_lines(statements) or not flow.movable(statements) or flow.multiline_string(statements):
        return None
    if _trivial(statements):
        return None
    function = scope.node
    locals_ = flow.local_names(function) | scope.outer
    params = flow.parameters(function)
    free = [n for n in flow.free_reads(statements, set()) if n in locals_]
    if any(n not in bound for n in free):
        return None  # it may read a name that is not bound yet: leave it
    binds = flow.names(statements).binds
    inside = {id(n) for s in statements for n in ast.walk(s)}
    read_elsewhere = {
        n.id for n in ast.walk(function) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load) and id(n) not in inside
    }
    outputs = sorted(binds & read_elsewhere, key=lambda n: _first_bind(statements, n))
    certain = flow.definitely_binds(statements)
    for name in outputs:
        if name not in certain and not certain >= flow.ALL:
            if name not in bound:
                return None
            if name not in free:
                free.append(name)
    receiver = params[0] if scope.owner is not None and params and not _decorated_static(function) else None
    as_method = receiver is not None and receiver in free
    inputs = [n for n in free if n != receiver] if as_method else free
    if len(inputs) > MAX_INPUTS or len(outputs) > MAX_OUTPUTS:
        return None
    if comment is None and len(outputs) == 1 and outputs[0] in certain:
        hint = naming.from_output(outputs[0]) or hint  # it computes one value: name it for that
    return Extraction(scope, statements, comment, hint, inputs, outputs, as_method)


def _first_bind(statements: list[ast.stmt], name: str) -> tuple[int, int]:
    spots = [
        (n.lineno, n.col_offset)
        for s in statements
        for n in ast.walk(s)
        if isinstance(n, ast.Name) and n.id == name and not isinstance(n.ctx, ast.Load)
    ]
    return min(spots, default=(0, 0))


def _decorated_static(function: ast.FunctionDef) -> bool:
    return any(isinstance(d, ast.Name) and d.id in ("staticmethod", "classmethod") for d in function.decorator_list)


def _blocks(reader: _Reader, scope: Scope) -> list[Extraction]:
    function = scope.node
    if _span(function.body) < LONG:
        return []
    found: list[Extraction] = []
    whole = [s for s in function.body if not _is_docstring(s)]

    def choose(statements: list[ast.stmt], bound: set[str], loop_variable: str | None) -> None:
        index = 0
        while index < len(statements):
            statement = statements[index]
            before = bound | flow.definitely_binds(statements[:index])
            if statements is function.body and index == 0 and _is_docstring(statement):
                index += 1
                continue
            comment = reader.comment_above(statement)
            if comment is not None:
                end = index + 1
                while end < len(statements) and statements[end].lineno == statements[end - 1].end_lineno + 1:
                    end += 1
                hint = naming.from_comment(reader.line(comment[0]))
                # the start of the paragraph that can move with the fewest outputs, the longest
                runs = [statements[index:stop] for stop in range(end, index, -1)]
                plans = [
                    _plan(reader, scope, run, before, comment, hint)
                    for run in runs
                    if hint and _span(run) >= PARAGRAPH and run != whole
                ]
                plans = [p for p in plans if p is not None]
                if plans:
                    best = min(plans, key=lambda p: (len(p.outputs), -len(p.statements)))
                    found.append(best)
                    index += len(best.statements)
                    continue
            compound = list(flow._children(statement))
            big = COMPOUND <= _span([statement]) <= MOST * _span(function.body)
            if compound and big and [statement] != whole:
                plan = _plan(reader, scope, [statement], before, None, _hint(function, statement, loop_variable))
                if plan is not None:
                    found.append(plan)
                    index += 1
                    continue
            for child, extra in compound:
                variable = _loop_variable(statement) or loop_variable
                choose(child, before | extra, variable)
            index += 1

    choose(function.body, set(flow.parameters(function)) | scope.outer, None)
    return found


def _loop_variable(statement: ast.stmt) -> str | None:
    if isinstance(statement, ast.For) and isinstance(statement.target, ast.Name):
        return statement.target.id
    return None


def _hint(function: ast.FunctionDef, statement: ast.stmt, loop_variable: str | None) -> str:
    if isinstance(statement, ast.For) and isinstance(statement.target, ast.Name):
        return naming.from_loop(function.name, statement.target.id)
    if isinstance(statement, (ast.If, ast.While)):
        skip = {loop_variable} if loop_variable else set()
        return naming.from_condition(function.name, statement.test, skip | set(flow.parameters(function)[:1]))
    return naming.identifier([function.name, "step"])


def _function_text(reader: _Reader, plan: Extraction, name: str, indent: str) -> str:
    first, last = plan.statements[0], plan.statements[-1]
    body = "".join(reader.lines[first.lineno - 1 : last.end_lineno]).rstrip("\n")
    params = ([flow.parameters(plan.scope.node)[0]] if plan.as_method else []) + plan.inputs
    lines = [f"{indent}def {name}({', '.join(params)}):"]
    if plan.comment is not None:
        said = " ".join(reader.line(n).strip().lstrip("#").strip() for n in range(plan.comment[0], plan.comment[1] + 1))
        said = said.replace('"""', "'''").replace("\\", "\\\\").strip()
        if said:
            lines.append(f'{indent}{INDENT}"""{said[:1].upper()}{said[1:]}{"" if said.endswith(".") else "."}"""')
    lines.append(reindent(body, indent + INDENT))
    if plan.outputs:
        lines.append(f"{indent}{INDENT}return {', '.join(plan.outputs)}")
    return "\n".join(lines) + "\n"


def _call_text(reader: _Reader, plan: Extraction, name: str) -> str:
    first = plan.statements[0]
    pad = reader.line(first.lineno)[: first.col_offset]
    callee = f"{flow.parameters(plan.scope.node)[0]}.{name}" if plan.as_method else name
    call = f"{callee}({', '.join(plan.inputs)})"
    if plan.outputs:
        call = f"{', '.join(plan.outputs)} = {call}"
    return f"{pad}{call}\n"


def rewrite(source: str, target: Target) -> Rewrite | None:
    try:
        reader = _Reader(source)
    except SyntaxError:
        return None
    plans = [p for scope in _scopes(reader.tree, target) for p in _blocks(reader, scope)]
    if not plans:
        return None
    new, names = apply(reader, [[plan] for plan in plans])
    functions = sorted({p.scope.node.name for p in plans})
    return Rewrite(new, f"{', '.join(functions)}: {len(plans)} blocks as {', '.join(names)}")


def apply(reader: _Reader, groups: list[list[Extraction]]) -> tuple[str, list[str]]:
    """The source with one new function per group (written from its first block) and a
    call in place of every block of the group; and the new functions' names."""
    replaced: list[tuple[int, int, str]] = []  # (first line, last line, new text), 1-based
    inserted: dict[tuple[int, int], list[str]] = {}  # (after line, methods first) -> function texts
    names = []
    for group in groups:
        first = group[0]
        name = free_name(f"_{first.name.lstrip('_')}", reader.taken)
        reader.taken.add(name)
        names.append(name)
        for plan in group:
            start = plan.comment[0] if plan.comment is not None else plan.statements[0].lineno
            replaced.append((start, plan.statements[-1].end_lineno, _call_text(reader, plan, name)))
        if first.as_method:
            method = first.scope.node
            indent = reader.line(method.lineno)[: method.col_offset]
            inserted.setdefault((method.end_lineno, 0), []).append("\n" + _function_text(reader, first, name, indent))
        else:  # after the methods that go at the same line, or they would land in this function
            inserted.setdefault((first.scope.top.end_lineno, 1), []).append("\n\n" + _function_text(reader, first, name, ""))
    lines = list(reader.lines)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    at: dict[int, str] = {}
    for (after, _), texts in sorted(inserted.items()):
        at[after] = at.get(after, "") + "".join(texts)
    edits = replaced + [(after + 1, after, text) for after, text in at.items()]
    for first_line, last_line, new in sorted(edits, key=lambda e: (e[0], e[1]), reverse=True):
        lines[first_line - 1 : last_line] = [new]
    return re.sub(r"\n{4,}", "\n\n\n", "".join(lines)), names


MOVE = Move(
    name="extract-function",
    title="Extract functions from a long function",
    rationale=(
        "A long function mixes steps at several levels of detail. Each commented paragraph, "
        "big branch or loop body becomes a function named for what it does; the long function "
        "reads as the list of its steps, and each step can be read and tested alone."
    ),
    rewrite=rewrite,
)
