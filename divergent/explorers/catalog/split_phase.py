"""Split phase: a function that computes its data and then renders it becomes two
functions and the record that passes between them.

``statement(invoice, plays)`` that totals the performances and then builds its text
becomes ``_render_statement(_statement_data(invoice, plays))``: the first phase is the
statements before the output is started, and returns the values the rest reads as a
frozen dataclass; the second phase is the rest, reading ``data.total`` where it read
``total``. Nothing is reordered: the same statements run in the same order, so the
function returns and raises exactly what it did. The second phase must build text (a
string, or a list it joins) from at least two computed values. Guard clauses at the
top (``if not rows: return ""``) stay in the function, before both phases.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from divergent.context.parsing import parse
from divergent.explorers.catalog import edits, flow
from divergent.explorers.catalog.extract import trivial
from divergent.explorers.catalog.moves import Move, Rewrite
from divergent.explorers.catalog.reading import Reader, Scope, is_docstring, read, receiver, scopes, span
from divergent.model import Target

MIN_FIELDS, MAX_FIELDS = 2, 6  # values the record carries: one is an argument, not a record
MAX_INPUTS = 5  # parameters of either phase besides the receiver and the record
RENDER_UNSAFE = (ast.Yield, ast.YieldFrom, ast.Await, ast.Global, ast.Nonlocal)
IMPORTS = {"dataclass": "dataclasses", "Any": "typing"}


@dataclass(frozen=True)
class Split:
    scope: Scope
    guards: list[ast.stmt]  # stay in the function
    compute: list[ast.stmt]
    render: list[ast.stmt]  # ends with the function's return
    fields: list[str]  # what the first phase binds and the second reads, in order of binding
    data_inputs: list[str]
    render_inputs: list[str]
    me: str | None  # the method's instance parameter
    data_method: bool
    render_method: bool


def _guard(statement: ast.stmt) -> bool:
    """``if <test>: return/raise ...`` with no else, binding nothing: it can stay where it is."""
    return (
        isinstance(statement, ast.If)
        and not statement.orelse
        and isinstance(statement.body[-1], (ast.Return, ast.Raise))
        and not flow.names(statement.body).binds
        and not any(isinstance(n, ast.NamedExpr) for n in ast.walk(statement.test))
    )


def _outputs(function: ast.FunctionDef, last: ast.stmt) -> set[str]:
    """The locals (not parameters) the final ``return`` reads: the output being built."""
    if not isinstance(last, ast.Return) or last.value is None:
        return set()
    reads = flow.names([last.value]).reads
    return (reads & flow.names(function.body).binds) - set(flow.parameters(function))


def _renders_text(start: ast.stmt, last: ast.Return, outputs: set[str]) -> bool:
    """The output is text: started as a string and returned, or started as a list and joined."""
    if not isinstance(start, ast.Assign) or not any(isinstance(t, ast.Name) and t.id in outputs for t in start.targets):
        return False
    value, returned = start.value, last.value
    if isinstance(value, ast.JoinedStr) or (isinstance(value, ast.Constant) and isinstance(value.value, str)):
        return True
    joined = (
        isinstance(returned, ast.Call)
        and isinstance(returned.func, ast.Attribute)
        and returned.func.attr == "join"
        and isinstance(returned.func.value, (ast.Constant, ast.Name))
    )
    return isinstance(value, (ast.List, ast.ListComp)) and joined


def _rebinds(statements: list[ast.stmt], names: set[str]) -> bool:
    """Any binding of ``names`` in any scope of ``statements``: their reads could not all become ``data.x``."""
    for node in (n for s in statements for n in ast.walk(s)):
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load) and node.id in names:
            return True
        if isinstance(node, ast.arg) and node.arg in names:
            return True
        if isinstance(node, (*flow.FUNCTIONS, ast.ClassDef)) and node.name in names:
            return True
        if isinstance(node, (ast.Import, ast.ImportFrom)) and any((a.asname or a.name) in names for a in node.names):
            return True
        if isinstance(node, (ast.MatchAs, ast.MatchStar)) and node.name in names:
            return True
        if isinstance(node, ast.ExceptHandler) and node.name in names:
            return True
    return False


def _ordered_binds(statements: list[ast.stmt], wanted: set[str]) -> list[str]:
    spots = sorted(
        (n.lineno, n.col_offset, n.id)
        for s in statements
        for n in ast.walk(s)
        if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load) and n.id in wanted
    )
    out: list[str] = []
    for _, _, name in spots:
        if name not in out:
            out.append(name)
    return out + sorted(wanted - set(out))


def find(reader: Reader, scope: Scope) -> Split | None:
    function = scope.node
    own = scope.top is function or (scope.owner is not None and function in scope.owner.body)
    if not own or isinstance(function, ast.AsyncFunctionDef):
        return None
    body = [s for i, s in enumerate(function.body) if not (i == 0 and is_docstring(s))]
    if len(body) < 3:
        return None
    outputs = _outputs(function, body[-1])
    guards = []
    while body and _guard(body[0]):
        guards.append(body.pop(0))
    start = next((i for i, s in enumerate(body) if (flow.names([s]).reads | flow.names([s]).binds) & outputs), None)
    if not outputs or not start or not _renders_text(body[start], body[-1], outputs):
        return None
    compute, render = body[:start], body[start:]
    if span(compute) < 2 or trivial(compute) or not flow.movable(compute) or not flow.movable(render[:-1]):
        return None
    if not reader.clean_lines(compute) or not reader.clean_lines(render):
        return None
    if flow.multiline_string(compute + render) or any(isinstance(n, RENDER_UNSAFE) for s in render for n in ast.walk(s)):
        return None
    params = flow.parameters(function)
    reads = flow.free_reads(render, set())
    certain = flow.definitely_binds(compute) | set(params)
    binds = flow.names(compute).binds
    fields = _ordered_binds(compute, {n for n in reads if n in binds})
    if not MIN_FIELDS <= len(fields) <= MAX_FIELDS or any(f not in certain for f in fields) or _rebinds(render, set(fields)):
        return None
    if flow.names(guards).reads & binds:
        return None
    me = receiver(scope)
    needed = flow.free_reads(compute, set())
    data_inputs = [p for p in params if p in needed]
    render_inputs = [p for p in params if p in reads and p not in fields]
    data_method, render_method = me in data_inputs, me in render_inputs
    data_inputs = [p for p in data_inputs if p != me or not data_method]
    render_inputs = [p for p in render_inputs if p != me or not render_method]
    if len(data_inputs) > MAX_INPUTS or len(render_inputs) > MAX_INPUTS:
        return None
    return Split(scope, guards, compute, render, fields, data_inputs, render_inputs, me, data_method, render_method)


def _first_line(reader: Reader, statement: ast.stmt) -> int:
    """Where a statement's block starts: the comment right above it, or the statement."""
    comment = reader.comment_above(statement)
    return comment[0] if comment is not None else statement.lineno


def _block(reader: Reader, first: int, last: int, indent: str) -> str:
    lines = reader.lines[first - 1 : last]
    while lines and not lines[-1].strip():
        lines.pop()
    return edits.reindent("".join(lines).rstrip("\n"), indent)


def _renamed(source: str, reader: Reader, first: int, last: int, fields: list[str], data: str) -> str:
    """Lines ``first..last`` with every read of a field written ``data.<field>`` (tree-sitter
    knows f-strings' insides)."""
    start = len("".join(reader.lines[: first - 1]).encode())
    end = len("".join(reader.lines[:last]).encode())
    return edits.qualify(parse(source).root_node, source.encode(), start, end, set(fields), data)


def _names(reader: Reader, function: ast.FunctionDef, module: set[str]) -> tuple[str, str, str, str]:
    """(record class, data function, render function, record variable), free in the module."""
    base = function.name.strip("_") or "step"
    taken = reader.taken | module
    record = edits.free_name(f"_{edits.camel(base)}Data", taken)
    data_function = edits.free_name(f"_{base}_data", taken | {record})
    render = f"_{base}_output" if base.startswith("render") else f"_render_{base}"
    render_function = edits.free_name(render, taken | {record, data_function})
    variable = edits.free_name("data", flow.local_names(function) | taken)
    return record, data_function, render_function, variable


def rewrite(source: str, target: Target) -> Rewrite | None:
    reader = read(source)
    if reader is None:
        return None
    module = edits.module_names(parse(source).root_node)
    if any(name in module and not _imported(reader.tree, name) for name in IMPORTS):
        return None
    for scope in scopes(reader.tree, target):
        split = find(reader, scope)
        if split is not None:
            return _rewrite(source, reader, split, module)
    return None


def _imported(tree: ast.Module, name: str) -> bool:
    return any(
        isinstance(n, ast.ImportFrom) and n.module == IMPORTS[name] and any(a.name == name and not a.asname for a in n.names)
        for n in tree.body
    )


def _rewrite(source: str, reader: Reader, split: Split, module: set[str]) -> Rewrite:
    function = split.scope.node
    record, data_function, render_function, data = _names(reader, function, module)
    def_indent = reader.line(function.lineno)[: function.col_offset]
    body_indent = def_indent + edits.INDENT
    compute_first = _first_line(reader, split.compute[0])
    render_first = _first_line(reader, split.render[0])
    render_last = split.render[-1].end_lineno
    me = [split.me] if split.me else []

    data_params = (me if split.data_method else []) + split.data_inputs
    compute = _block(reader, compute_first, render_first - 1, body_indent)
    data_text = (
        f"{def_indent}def {data_function}({', '.join(data_params)}):\n{compute}\n"
        f"{body_indent}return {record}({', '.join(split.fields)})\n"
    )
    render_params = (me if split.render_method else []) + [data] + split.render_inputs
    rendered = edits.reindent(_renamed(source, reader, render_first, render_last, split.fields, data), body_indent)
    render_text = f"{def_indent}def {render_function}({', '.join(render_params)}):\n{rendered}\n"

    def call(name: str, method: bool, args: list[str]) -> str:
        return f"{split.me}.{name}({', '.join(args)})" if method else f"{name}({', '.join(args)})"

    pad = reader.line(split.compute[0].lineno)[: split.compute[0].col_offset]
    calls = (
        f"{pad}{data} = {call(data_function, split.data_method, split.data_inputs)}\n"
        f"{pad}return {call(render_function, split.render_method, [data, *split.render_inputs])}\n"
    )
    fields = [f"{name}: Any" for name in split.fields]
    record_text = edits.dataclass_text(record, f"What {function.name} computes before it renders.", fields, frozen=True)
    top = split.scope.top
    top_first = min([top.lineno, *(d.lineno for d in top.decorator_list)])
    comment = reader.comment_above(top) if not top.decorator_list else None
    top_first = comment[0] if comment is not None else top_first

    lines = list(reader.lines)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    if split.scope.owner is not None and function in split.scope.owner.body:
        after, added = function.end_lineno, "\n" + data_text + "\n" + render_text
    else:
        after, added = top.end_lineno, "\n\n" + data_text + "\n\n" + render_text
    lines[after:after] = [added]
    lines[compute_first - 1 : render_last] = [calls]
    lines[top_first - 1 : top_first - 1] = [record_text + "\n\n"]
    new = edits.with_dataclass_imports("".join(lines), fields)
    detail = f"{function.name}: {data_function} computes {', '.join(split.fields)}; {render_function} renders them"
    return Rewrite(new, detail)


MOVE = Move(
    name="split-phase",
    title="Split phase: compute the data, then render it",
    rationale=(
        "A function that works out its figures and formats them in one body mixes two "
        "reasons to change. The first phase computes a small record; the second renders "
        "it. A new output format is a new render function over the same record, and the "
        "computation can be tested without parsing text."
    ),
    rewrite=rewrite,
)
