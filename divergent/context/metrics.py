"""Static figures of Python code units, read from a tree-sitter parse.

A *unit* is a function, a method (a function whose nearest enclosing definition
is a class), a nested function or a class.  Module-level code is not a unit.
Units are named by their enclosing definitions: ``func``, ``Class``,
``Class.method``, ``outer.inner``, ``Class.method.inner``.

Figures of a unit:

``line`` / ``end_line``
    1-based lines of the ``def``/``class`` keyword (never the decorator) and of
    the last line holding code (comments trailing the body are not counted).
``cyclomatic``
    McCabe's figure, computed as radon 6.0.1 computes it.  A function starts at
    1 and adds, over its body only (decorators, defaults and annotations of the
    signature are unseen):

    * 1 per ``if``, ``elif`` and conditional expression;
    * 1 per ``for``/``while`` loop (``async`` too), 1 more when it has ``else``;
    * 1 per ``except`` handler of a ``try`` and 1 for its ``else``
      (``finally`` adds 0; a ``try`` with ``except*`` handlers adds 0);
    * 1 per ``and``/``or`` operator;
    * 1 per ``for`` and per ``if`` of a comprehension or generator expression;
    * 1 per ``assert``, whose expressions are not looked into;
    * for a ``match``, its number of cases, less 1 when one case is a bare
      ``_`` or a bare capture name (guarded or not);
    * 0 for ``with``, lambdas (their bodies do count for the enclosing unit)
      and nested functions and classes, which are units of their own.

    A class's real figure is 1 + the decisions in its body outside its methods
    + the figures of its methods; with ``n`` methods it reports
    ``real // n + (n > 1)``, or the real figure when it has no method.
``sloc``
    Lines from ``line`` to ``end_line`` that are neither blank nor comment-only.
``params``
    Declared parameters; ``*args`` and ``**kwargs`` count 1 each, the bare ``*``
    and ``/`` separators count 0, and a method's first parameter (``self`` or
    ``cls``) is not counted unless the method is a ``staticmethod``.
``max_nesting``
    Deepest nesting of ``if``/``for``/``while``/``try``/``with``/``match``
    blocks in the body: each adds one level, their ``elif``/``else``/
    ``except``/``finally``/``case`` clauses add none, and nested definitions
    are not looked into.  A body without such blocks has 0.
"""

from __future__ import annotations

import os
import pathlib
from collections.abc import Iterator
from dataclasses import asdict, dataclass

from tree_sitter import Node

from divergent.context.parsing import captures, parse, query, text

FUNCTION = "function_definition"
CLASS = "class_definition"
DECORATED = "decorated_definition"
DEFINITIONS = frozenset({FUNCTION, CLASS, DECORATED})

# Nodes whose insides never count for the unit being measured.
OPAQUE = DEFINITIONS | {"assert_statement"}

# Decision points worth exactly one each.
BRANCHES = frozenset({"if_statement", "elif_clause", "conditional_expression", "boolean_operator"})
LOOPS = frozenset({"for_statement", "while_statement"})
COMPREHENSIONS = frozenset(
    {"list_comprehension", "set_comprehension", "dictionary_comprehension", "generator_expression"}
)
HANDLERS = frozenset({"except_clause", "except_group_clause"})

# Statements that open a nesting level, and the parts of them that do not.
BLOCK_STATEMENTS = frozenset(
    {"if_statement", "for_statement", "while_statement", "try_statement", "with_statement", "match_statement"}
)
CLAUSES = frozenset(
    {"block", "elif_clause", "else_clause", "except_clause", "except_group_clause", "finally_clause", "case_clause"}
)

PARAMETERS = frozenset(
    {
        "identifier",
        "typed_parameter",
        "default_parameter",
        "typed_default_parameter",
        "list_splat_pattern",
        "dictionary_splat_pattern",
    }
)

SKIPPED_DIRECTORIES = frozenset({"__pycache__", "venv", ".venv", "node_modules", "site-packages"})


@dataclass(frozen=True)
class UnitMetrics:
    path: str
    name: str
    kind: str
    line: int
    end_line: int
    cyclomatic: int
    sloc: int
    params: int
    max_nesting: int

    def to_dict(self) -> dict:
        return asdict(self)


# --- Public API -------------------------------------------------------------


def unit_metrics(source: str, path: str = "") -> list[UnitMetrics]:
    """Every function, method, nested function and class of `source`, in source order."""
    data = source.encode()
    root = parse(data).root_node
    lines = data.split(b"\n")
    comment_rows = _comment_only_rows(root, lines)
    found = captures(query("python", "units"), root)
    nodes = sorted(found.get("function", []) + found.get("class", []), key=lambda node: node.start_byte)
    figures: dict[int, int] = {}
    units = []
    # Inner units first: a class's figure needs its methods' figures.
    for node in reversed(nodes):
        figures[node.id] = _cyclomatic(node, figures)
        units.append(_unit(node, path, figures[node.id], lines, comment_rows))
    return units[::-1]


def metrics_for_path(root: pathlib.Path) -> list[UnitMetrics]:
    """Units of a .py file (path: its name) or of every .py file below a directory
    (path: relative to it, POSIX); files that are not UTF-8 are skipped."""
    root = pathlib.Path(root)
    if root.is_file():
        return _file_metrics(root, root.name)
    units = []
    for relative in sorted(_python_files(root)):
        units.extend(_file_metrics(root / relative, relative))
    return units


def totals(units: list[UnitMetrics]) -> dict:
    """Summary of `units`.  Cyclomatic figures and parameters are over functions
    and methods only (a class's figure is an average of its methods'); ``sloc``
    adds up outermost units only, so that no line is counted twice."""
    callables = [unit for unit in units if unit.kind != "class"]
    figures = [unit.cyclomatic for unit in callables]
    return {
        "units": len(units),
        "cyclomatic_total": sum(figures),
        "cyclomatic_max": max(figures, default=0),
        "cyclomatic_mean": _mean(figures),
        "sloc": sum(unit.sloc for unit in units if "." not in unit.name),
        "params_mean": _mean([unit.params for unit in callables]),
        "max_nesting": max((unit.max_nesting for unit in units), default=0),
    }


# --- Units --------------------------------------------------------------------


def _unit(node: Node, path: str, cyclomatic: int, lines: list[bytes], comment_rows: set[int]) -> UnitMetrics:
    kind = _kind(node)
    line = node.start_point.row + 1
    end_line = _end_line(node)
    return UnitMetrics(
        path=path,
        name=_qualified_name(node),
        kind=kind,
        line=line,
        end_line=end_line,
        cyclomatic=cyclomatic,
        sloc=_sloc(lines, comment_rows, line, end_line),
        params=_params(node) if kind != "class" else 0,
        max_nesting=_max_nesting(_body(node)),
    )


def _body(node: Node) -> Node:
    return node.child_by_field_name("body")


def _name(node: Node) -> str:
    return text(node.child_by_field_name("name"))


def _enclosing_definition(node: Node) -> Node | None:
    """The nearest function or class definition around `node`, if any."""
    parent = node.parent
    while parent is not None and parent.type not in (FUNCTION, CLASS):
        parent = parent.parent
    return parent


def _qualified_name(node: Node) -> str:
    names = []
    current: Node | None = node
    while current is not None:
        names.append(_name(current))
        current = _enclosing_definition(current)
    return ".".join(reversed(names))


def _kind(node: Node) -> str:
    if node.type == CLASS:
        return "class"
    parent = _enclosing_definition(node)
    return "method" if parent is not None and parent.type == CLASS else "function"


def _definition(node: Node) -> Node:
    """The function or class definition itself, under its decorators if any."""
    return node.child_by_field_name("definition") if node.type == DECORATED else node


def _end_line(node: Node) -> int:
    """Last line holding code: tree-sitter keeps comments that trail a body in it."""
    while code := [child for child in node.children if child.type != "comment"]:
        node = code[-1]
    return node.end_point.row + 1


# --- Cyclomatic complexity ----------------------------------------------------


def _scope(block: Node) -> Iterator[Node]:
    """Nodes under `block` that belong to its unit.  Nested definitions and
    asserts are yielded but not entered."""
    stack = list(block.children)
    while stack:
        node = stack.pop()
        yield node
        if node.type not in OPAQUE:
            stack.extend(node.children)


def _decisions(block: Node) -> int:
    return sum(_weight(node) for node in _scope(block))


def _cyclomatic(node: Node, figures: dict[int, int]) -> int:
    """Radon's figure for `node`; `figures` must hold those of its methods."""
    if node.type == FUNCTION:
        return 1 + _decisions(_body(node))
    methods = _methods(node)
    real = 1 + _decisions(_body(node)) + sum(figures[method.id] for method in methods)
    return real // len(methods) + (len(methods) > 1) if methods else real


def _methods(class_node: Node) -> list[Node]:
    definitions = (_definition(node) for node in _scope(_body(class_node)) if node.type in DEFINITIONS)
    return [node for node in definitions if node.type == FUNCTION]


def _weight(node: Node) -> int:
    """Decision points `node` adds on its own (its children are weighed apart)."""
    kind = node.type
    if kind in BRANCHES or kind == "assert_statement":
        return 1
    if kind in LOOPS:
        return 1 + _has_child(node, "else_clause")
    if kind in COMPREHENSIONS:
        return sum(child.type in ("for_in_clause", "if_clause") for child in node.children)
    if kind == "try_statement":
        return _try_weight(node)
    if kind == "match_statement":
        return _match_weight(node)
    return 0


def _has_child(node: Node, kind: str) -> bool:
    return any(child.type == kind for child in node.children)


def _try_weight(node: Node) -> int:
    """One per handler plus one for ``else``; radon counts nothing for ``except*``."""
    handlers = [child for child in node.children if child.type in HANDLERS]
    if any(_is_group_handler(handler) for handler in handlers):
        return 0
    return len(handlers) + _has_child(node, "else_clause")


def _is_group_handler(handler: Node) -> bool:
    return handler.type == "except_group_clause" or _has_child(handler, "*")


def _match_weight(node: Node) -> int:
    cases = [child for child in _body(node).children if child.type == "case_clause"]
    catch_all = any(_is_catch_all(case) for case in cases)
    return max(0, len(cases) - catch_all)


def _is_catch_all(case: Node) -> bool:
    """Whether the case's pattern is a bare ``_`` or a bare capture name, maybe
    parenthesized.  Its guard is not considered (as radon does)."""
    patterns = [child for child in case.children if child.type == "case_pattern"]
    if len(patterns) != 1 or _has_child(case, ","):
        return False
    pattern = _unparenthesized(patterns[0])
    if [child.type for child in pattern.children] == ["_"]:
        return True
    inner = pattern.named_children
    return len(inner) == 1 and inner[0].type == "dotted_name" and inner[0].named_child_count == 1


def _unparenthesized(pattern: Node) -> Node:
    """``(p)`` is ``p``; ``(p,)`` is a sequence and stays."""
    while (
        pattern.named_child_count == 1
        and (group := pattern.named_children[0]).type == "tuple_pattern"
        and group.named_child_count == 1
        and not _has_child(group, ",")
    ):
        pattern = group.named_children[0]
    return pattern


# --- Other figures ------------------------------------------------------------


def _comment_only_rows(root: Node, lines: list[bytes]) -> set[int]:
    """0-based rows whose first non-blank character starts a comment."""
    rows = set()
    for comment in captures(query("python", "comments"), root).get("comment", []):
        row, column = comment.start_point
        line = lines[row]
        if len(line) - len(line.lstrip()) == column:
            rows.add(row)
    return rows


def _sloc(lines: list[bytes], comment_rows: set[int], line: int, end_line: int) -> int:
    return sum(1 for row in range(line - 1, end_line) if lines[row].strip() and row not in comment_rows)


def _params(function: Node) -> int:
    declared = [child for child in function.child_by_field_name("parameters").children if child.type in PARAMETERS]
    if declared and _kind(function) == "method" and _is_plain(declared[0]) and not _is_staticmethod(function):
        declared = declared[1:]
    return len(declared)


def _is_plain(parameter: Node) -> bool:
    """A named positional parameter, as ``self``/``cls`` are (not ``*args``)."""
    if parameter.type == "typed_parameter":
        return parameter.named_children[0].type == "identifier"
    return parameter.type in ("identifier", "default_parameter", "typed_default_parameter")


def _is_staticmethod(function: Node) -> bool:
    parent = function.parent
    if parent is None or parent.type != DECORATED:
        return False
    decorators = (child for child in parent.children if child.type == "decorator")
    return any(text(decorator).removeprefix("@").strip() == "staticmethod" for decorator in decorators)


def _max_nesting(node: Node, depth: int = 0) -> int:
    deepest = depth
    for child in node.children:
        if child.type in BLOCK_STATEMENTS:
            deepest = max(deepest, _max_nesting(child, depth + 1))
        elif child.type in CLAUSES:
            deepest = max(deepest, _max_nesting(child, depth))
    return deepest


def _mean(values: list[int]) -> float:
    return round(sum(values) / len(values), 3) if values else 0.0


# --- Files --------------------------------------------------------------------


def _python_files(root: pathlib.Path) -> Iterator[str]:
    """POSIX paths, relative to `root`, of the .py files below it."""
    for directory, subdirectories, files in os.walk(root):
        subdirectories[:] = [name for name in subdirectories if not _skipped(name)]
        here = pathlib.Path(directory).relative_to(root)
        for name in files:
            if name.endswith(".py") and (pathlib.Path(directory) / name).is_file():
                yield (here / name).as_posix()


def _skipped(directory: str) -> bool:
    return directory.startswith(".") or directory in SKIPPED_DIRECTORIES


def _file_metrics(file: pathlib.Path, path: str) -> list[UnitMetrics]:
    try:
        source = file.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        return []
    return unit_metrics(source, path)
