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
from divergent.explorers.catalog.reading import Reader, Scope, is_docstring, read, receiver, scopes, span
from divergent.model import Target

LONG = 12  # lines in a function's body: from here on it is long
PARAGRAPH = 2  # lines of a commented paragraph worth a name
COMPOUND = 5  # lines of a branch or loop worth a name
MOST = 0.6  # a branch or loop longer than this share of the function: its insides are the steps
MAX_INPUTS = 5
MAX_OUTPUTS = 2


@dataclass(frozen=True)
class Extraction:
    scope: Scope
    statements: list[ast.stmt]
    comment: tuple[int, int] | None  # 1-based first and last line of the naming comment
    name: str
    inputs: list[str]
    outputs: list[str]
    as_method: bool


def trivial(statements: list[ast.stmt]) -> bool:
    """Plain assignments of constants or names: a function would only hide them."""
    return all(
        isinstance(s, ast.Assign) and isinstance(s.value, (ast.Constant, ast.Name)) for s in statements
    )


def _plan(reader: Reader, scope: Scope, statements: list[ast.stmt], bound: set[str], comment, hint: str) -> Extraction | None:
    if not reader.clean_lines(statements) or not flow.movable(statements) or flow.multiline_string(statements):
        return None
    if trivial(statements):
        return None
    function = scope.node
    locals_ = flow.local_names(function) | scope.outer
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
    me = receiver(scope)
    as_method = me is not None and me in free
    inputs = [n for n in free if n != me] if as_method else free
    if len(inputs) > MAX_INPUTS or len(outputs) > MAX_OUTPUTS:
        return None
    if comment is None and len(outputs) == 1 and outputs[0] in certain and outputs[0] not in inputs:
        hint = naming.from_output(outputs[0]) or hint  # it computes one new value: name it for that
    return Extraction(scope, statements, comment, hint, inputs, outputs, as_method)


def _first_bind(statements: list[ast.stmt], name: str) -> tuple[int, int]:
    spots = [
        (n.lineno, n.col_offset)
        for s in statements
        for n in ast.walk(s)
        if isinstance(n, ast.Name) and n.id == name and not isinstance(n.ctx, ast.Load)
    ]
    return min(spots, default=(0, 0))


def _blocks(reader: Reader, scope: Scope) -> list[Extraction]:
    function = scope.node
    if span(function.body) < LONG:
        return []
    found: list[Extraction] = []
    whole = [s for s in function.body if not is_docstring(s)]

    def choose(statements: list[ast.stmt], bound: set[str], loop_variable: str | None) -> None:
        index = 0
        while index < len(statements):
            statement = statements[index]
            before = bound | flow.definitely_binds(statements[:index])
            if statements is function.body and index == 0 and is_docstring(statement):
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
                    if hint and span(run) >= PARAGRAPH and run != whole
                ]
                plans = [p for p in plans if p is not None]
                if plans:
                    best = min(plans, key=lambda p: (len(p.outputs), -len(p.statements)))
                    found.append(best)
                    index += len(best.statements)
                    continue
            compound = list(flow._children(statement))
            big = COMPOUND <= span([statement]) <= MOST * span(function.body)
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


def _function_text(reader: Reader, plan: Extraction, name: str, indent: str) -> str:
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


def _call_text(reader: Reader, plan: Extraction, name: str) -> str:
    first = plan.statements[0]
    pad = reader.line(first.lineno)[: first.col_offset]
    callee = f"{flow.parameters(plan.scope.node)[0]}.{name}" if plan.as_method else name
    call = f"{callee}({', '.join(plan.inputs)})"
    if plan.outputs:
        call = f"{', '.join(plan.outputs)} = {call}"
    return f"{pad}{call}\n"


def rewrite(source: str, target: Target) -> Rewrite | None:
    reader = read(source)
    if reader is None:
        return None
    plans = [p for scope in scopes(reader.tree, target) for p in _blocks(reader, scope)]
    if not plans:
        return None
    new, names = apply(reader, [[plan] for plan in plans])
    functions = sorted({p.scope.node.name for p in plans})
    return Rewrite(new, f"{', '.join(functions)}: {len(plans)} blocks as {', '.join(names)}")


def apply(reader: Reader, groups: list[list[Extraction]]) -> tuple[str, list[str]]:
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
