"""One pass over a file's query captures: its code units and their figures.

Each language's query ``queries/{lang}-figures.scm`` marks nodes with capture
names; this module gives the names their meaning, the same in every language.
Captures are visited in source order (outer before inner) with a stack of the
regions still open, so each figure is read in one sweep, with no tree walk in
Python.

Units
    ``@function``, ``@class``: a unit (a class-like unit: class, interface,
    struct, enum, trait, impl block).  Its name is its ``name`` field, or the
    ``name``/``key``/``left``/``property`` field of its parent (``const f = () =>``),
    or for a nameless class-like unit its header (``impl<T> Tr for S<T>``).
    ``@qualifier``: inside a unit, the type it belongs to (a Go receiver, the
    type of a Rust impl block); a function so qualified is a method named
    ``Type.name``, a qualified class's members are named ``Type.member``.
    ``@static``: a function unit whose first parameter is not a receiver.
Cyclomatic (the innermost unit's figure)
    ``@cyclomatic`` adds 1; ``@cyclomatic.try`` / ``.match`` / ``.arms`` add a
    figure computed from the node (see ``WEIGHTS``); nothing inside a
    ``@cyclomatic.opaque`` node counts.
Cognitive (every enclosing unit's figure: a function's includes its nested ones)
    ``@cognitive.structural`` adds 1 + the nesting level; ``@cognitive.hybrid``
    adds 1; ``@cognitive.nest`` raises the level of what it holds by one;
    ``@cognitive.else`` adds 1 and raises the level of what it holds;
    ``@elseif`` marks an ``if`` that continues an ``else`` (and that ``else``):
    together they add 1, and neither nests nor counts as a block; ``@cognitive.logical`` is a logical
    operator whose run of like operators adds 1, and 1 more at each change of
    operator; ``@cognitive.recursion`` is a callee's name, adding 1 when it
    names the enclosing function.  A nested function sits one level deeper
    than its parent's current level (a decorator-style wrapper, in a language
    with ``WRAPPERS``, keeps the level); a class resets the level to 0.
Other figures
    ``@block``: a block statement, one level of ``max_nesting`` (nested units
    are not looked into).  ``@param``: a declared parameter of the innermost
    unit; ``@param.self``: a receiver-like first parameter, not counted for a
    method unless the method is ``@static``.  ``@comment``: a comment (SLOC).
    ``@surface``: the name of a public top-level declaration; ``@member`` /
    ``@member.hidden``: the name of a member of the innermost class-like unit,
    public / not public after all.  Names count once each.  ``@type``: a type
    declaration.  Captures whose names start with ``_`` are helpers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from tree_sitter import Node, Tree

from divergent.context.parsing import captures, parse, query, text

# --- Per-language rules that no query can say -----------------------------------

# Node types that wrap a definition and belong to it (decorators).
EXTENT_WRAPPERS = frozenset({"decorated_definition"})
# Languages whose functions' cyclomatic figure reads their body only (radon),
# not their signature, decorators and defaults as well (lizard).  A class-like
# unit's reads its body only in every language.
BODY_ONLY = frozenset({"python"})
# Languages whose nested function keeps its parent's level when the parent
# does nothing but return it (SonarQube's Python analyser).
WRAPPERS = frozenset({"python"})
# Languages where parentheses do not break a run of logical operators.
TRANSPARENT_PARENTHESES = frozenset({"javascript", "typescript", "tsx", "go", "java", "rust"})
# Languages where each recursive call adds 1 (gocognit); elsewhere a recursive
# function adds 1 once (the white paper), and Python adds nothing (the query
# has no recursion capture).
RECURSION_PER_CALL = frozenset({"go"})

LOGICAL_OPERATORS = frozenset({"and", "or", "&&", "||", "??"})
COMMENTS = frozenset({"comment", "line_comment", "block_comment"})
NAMING_FIELDS = ("name", "key", "left", "property")

ROLES = {
    name: 1 << bit
    for bit, name in enumerate(
        (
            "function",
            "class",
            "static",
            "qualifier",
            "cyclomatic",
            "cyclomatic.try",
            "cyclomatic.match",
            "cyclomatic.arms",
            "cyclomatic.opaque",
            "cognitive.structural",
            "cognitive.hybrid",
            "cognitive.nest",
            "cognitive.else",
            "elseif",
            "cognitive.logical",
            "cognitive.recursion",
            "block",
            "param",
            "param.self",
            "member",
            "member.hidden",
        )
    )
}
UNIT = ROLES["function"] | ROLES["class"]
WEIGHED = ROLES["cyclomatic.try"] | ROLES["cyclomatic.match"] | ROLES["cyclomatic.arms"]
COGNITIVE = (
    ROLES["cognitive.structural"]
    | ROLES["cognitive.hybrid"]
    | ROLES["cognitive.nest"]
    | ROLES["cognitive.else"]
    | ROLES["cognitive.logical"]
    | ROLES["cognitive.recursion"]
)
OTHER = ROLES["block"] | ROLES["param"] | ROLES["param.self"] | ROLES["member"] | ROLES["member.hidden"]


@dataclass(eq=False)
class Unit:
    """A unit as the sweep sees it; `metrics` turns it into a UnitMetrics."""

    node: Node
    parent: int | None
    is_class: bool
    own_name: str
    name_start: int
    outer_class: int | None  # the class-like unit around it
    line: int  # of its name: annotations and decorators above it are not the unit's
    body_start: int
    qualifier: str = ""
    static: bool = False
    decisions: int = 0
    cognitive: int = 0
    params: int = 0
    self_params: int = 0
    max_nesting: int = 0
    recursive: bool = False
    members: set[str] = field(default_factory=set)
    hidden: set[str] = field(default_factory=set)
    name: str = ""
    scope: str = ""


@dataclass
class FileScan:
    units: list[Unit]
    lines: list[bytes]
    comment_rows: set[int]
    types: int
    surface_names: frozenset[str] = frozenset()
    tree: Tree | None = None

    @property
    def surface(self) -> int:
        """How many public top-level names the file has."""
        return len(self.surface_names)


def scan(source: str | bytes, lang: str, tree: Tree | None = None) -> FileScan:
    """Parse `source` once (unless its `tree` is given), run its language's figures
    query once, sweep the captures."""
    data = source.encode() if isinstance(source, str) else source
    tree = tree or parse(data, lang)
    root = tree.root_node
    found = captures(query(lang, "figures"), root)
    lines = data.split(b"\n")
    units = _Sweep(lang).run(_entries(found))
    _name_units(units, data)
    return FileScan(
        units=units,
        lines=lines,
        comment_rows=_comment_rows(found.get("comment", ()), lines),
        types=len({node.id for node in found.get("type", ())}),
        surface_names=frozenset(text(node) for node in found.get("surface", ())),
        tree=tree,
    )


@lru_cache(maxsize=64)
def scanned(source: str, lang: str) -> FileScan:
    """``scan``, kept for the files read last: every critic of a candidate reads the same
    texts. What it returns is shared: read it, never change it."""
    return scan(source, lang)


def _entries(found: dict[str, list[Node]]) -> list[list]:
    """Captured nodes with their roles, in source order, outer nodes first."""
    entries: dict[int, list] = {}
    for name, nodes in found.items():
        bit = ROLES.get(name, 0)
        if not bit:
            continue
        for node in nodes:
            entry = entries.get(node.id)
            if entry is None:
                start = node.start_byte
                if bit & UNIT and (parent := node.parent) is not None and parent.type in EXTENT_WRAPPERS:
                    start = parent.start_byte
                entries[node.id] = [start, -node.end_byte, len(entries), node, bit]
            else:
                entry[4] |= bit
    ordered = sorted(entries.values())
    for i in range(1, len(ordered)):
        if ordered[i][:2] == ordered[i - 1][:2]:
            _order_ties(ordered, i - 1)
    return ordered


def _order_ties(ordered: list[list], first: int) -> None:
    """Nodes over the same bytes (a block holding one statement): outer first."""
    if first > 0 and ordered[first - 1][:2] == ordered[first][:2]:
        return  # the run was ordered from its start
    last = first
    while last + 1 < len(ordered) and ordered[last + 1][:2] == ordered[first][:2]:
        last += 1

    def depth(entry: list) -> int:
        count, node = 0, entry[3].parent
        while node is not None and node.start_byte == entry[0] and -node.end_byte == entry[1]:
            count, node = count + 1, node.parent
        return count

    ordered[first : last + 1] = sorted(ordered[first : last + 1], key=depth)


class _Sweep:
    """Visits captured nodes in source order, with the stack of open regions.

    A region's state: (innermost unit, innermost class unit, inside an opaque
    node, the cognitive level relative to each enclosing unit, block depth)."""

    def __init__(self, lang: str) -> None:
        self.body_only = lang in BODY_ONLY
        self.wrappers = lang in WRAPPERS
        self.transparent = lang in TRANSPARENT_PARENTHESES
        self.per_call = lang in RECURSION_PER_CALL
        self.units: list[Unit] = []
        self.counted: set[int] = set()  # logical operators already in a counted run
        self.deferred: list[tuple[int, str]] = []  # members of a qualified type

    def run(self, entries: list[list]) -> list[Unit]:
        stack: list[tuple[int, tuple]] = []
        root = (None, None, False, (), 0)
        for start, _, _, node, roles in entries:
            while stack and stack[-1][0] <= start:
                stack.pop()
            state = stack[-1][1] if stack else root
            if roles & UNIT:
                new = self._enter_unit(node, roles, state)
            else:
                new = self._visit(node, roles, start, state)
            if new is not state:
                stack.append((node.end_byte, new))
        self._resolve_deferred()
        return self.units

    # --- Units ---------------------------------------------------------------

    def _enter_unit(self, node: Node, roles: int, state: tuple) -> tuple:
        parent, klass, _, levels, _ = state
        is_class = bool(roles & ROLES["class"])
        body = node.child_by_field_name("body")
        name = node.child_by_field_name("name")
        index = len(self.units)
        self.units.append(
            Unit(
                node=node,
                parent=parent,
                is_class=is_class,
                own_name=text(name) if name is not None else "",
                name_start=name.start_byte if name is not None else -1,
                outer_class=klass,
                line=(name if name is not None else node).start_point.row + 1,
                body_start=body.start_byte if body is not None and (is_class or self.body_only) else 0,
                static=bool(roles & ROLES["static"]),
            )
        )
        if is_class or parent is None or self.units[parent].is_class:
            outer = tuple((unit, 0) for unit, _ in levels)
        else:
            step = 0 if self.wrappers and _is_wrapper(self.units[parent].node, node) else 1
            outer = tuple((unit, level + step) for unit, level in levels)
        return (index, index if is_class else klass, False, ((index, 0),) + outer, 0)

    # --- Everything else --------------------------------------------------------

    def _visit(self, node: Node, roles: int, start: int, state: tuple) -> tuple:
        unit, klass, opaque, levels, depth = state
        if roles & (ROLES["cyclomatic"] | WEIGHED) and unit is not None and not opaque:
            current = self.units[unit]
            if start >= current.body_start:
                current.decisions += 1 if roles & ROLES["cyclomatic"] else _weight(node, roles)
        if roles & COGNITIVE:
            levels = self._cognitive(node, roles, levels)
        if roles & ROLES["block"] and not roles & ROLES["elseif"]:
            depth += 1
            if unit is not None and depth > self.units[unit].max_nesting:
                self.units[unit].max_nesting = depth
        if roles & OTHER and unit is not None:
            self._other(node, roles, unit, klass)
        if roles & ROLES["qualifier"] and unit is not None:
            self.units[unit].qualifier = text(node)
        if roles & ROLES["cyclomatic.opaque"]:
            opaque = True
        if opaque is state[2] and levels is state[3] and depth == state[4]:
            return state
        return (unit, klass, opaque, levels, depth)

    def _cognitive(self, node: Node, roles: int, levels: tuple) -> tuple:
        units = self.units
        elseif = roles & ROLES["elseif"]
        if roles & ROLES["cognitive.else"] and not elseif:
            for unit, _ in levels:
                units[unit].cognitive += 1
            levels = tuple((unit, level + 1) for unit, level in levels)
        if roles & ROLES["cognitive.structural"]:
            for unit, level in levels:
                units[unit].cognitive += 1 if elseif else 1 + level
        if roles & ROLES["cognitive.hybrid"]:
            for unit, _ in levels:
                units[unit].cognitive += 1
        if roles & ROLES["cognitive.logical"] and node.id not in self.counted:
            runs = self._runs(node)
            for unit, _ in levels:
                units[unit].cognitive += runs
        if roles & ROLES["cognitive.recursion"]:
            self._recursion(text(node), levels)
        if roles & ROLES["cognitive.nest"] and not elseif:
            levels = tuple((unit, level + 1) for unit, level in levels)
        return levels

    def _runs(self, node: Node) -> int:
        """Runs of like operators along the flattened chain that `node` heads."""
        operators: list[str] = []
        self._flatten(node, operators)
        return sum(1 for i, operator in enumerate(operators) if i == 0 or operator != operators[i - 1])

    def _flatten(self, node: Node, operators: list[str]) -> None:
        self.counted.add(node.id)
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        if (inner := self._logical(left)) is not None:
            self._flatten(inner, operators)
        operators.append(node.child_by_field_name("operator").type)
        if (inner := self._logical(right)) is not None:
            self._flatten(inner, operators)

    def _logical(self, node: Node | None) -> Node | None:
        while self.transparent and node is not None and node.type == "parenthesized_expression":
            node = next((child for child in node.named_children if child.type not in COMMENTS), None)
        if node is None or node.type not in ("boolean_operator", "binary_expression"):
            return None
        operator = node.child_by_field_name("operator")
        return node if operator is not None and operator.type in LOGICAL_OPERATORS else None

    def _recursion(self, callee: str, levels: tuple) -> None:
        """The function so named adds 1, and so does each unit holding it."""
        for position, (unit, _) in enumerate(levels):
            current = self.units[unit]
            if current.is_class or current.own_name != callee or (current.recursive and not self.per_call):
                continue
            current.recursive = True
            for outer, _ in levels[position:]:
                self.units[outer].cognitive += 1

    def _other(self, node: Node, roles: int, unit: int, klass: int | None) -> None:
        current = self.units[unit]
        if roles & ROLES["param"] and not current.is_class:
            current.params += 1
        if roles & ROLES["param.self"]:
            current.self_params = 1
        if roles & (ROLES["member"] | ROLES["member.hidden"]):
            name = text(node)
            hidden = bool(roles & ROLES["member.hidden"])
            if klass is not None and self.units[klass].name_start == node.start_byte:
                klass = self.units[klass].outer_class  # a nested type's name: a member of the type around it
            if klass is not None:
                (self.units[klass].hidden if hidden else self.units[klass].members).add(name)
            elif not hidden:
                self.deferred.append((unit, name))

    def _resolve_deferred(self) -> None:
        """Members declared outside their type (Go methods) join the type's unit."""
        if not self.deferred:
            return
        types = {unit.own_name: unit for unit in self.units if unit.is_class and unit.parent is None}
        for index, name in self.deferred:
            owner = types.get(self.units[index].qualifier)
            if owner is not None:
                owner.members.add(name)


def _weight(node: Node, roles: int) -> int:
    for role, weigh in WEIGHTS.items():
        if roles & ROLES[role]:
            return weigh(node)
    return 0


def _is_wrapper(parent: Node, node: Node) -> bool:
    """Whether `parent` does nothing but define `node` and return a name."""
    extent = node.parent if node.parent is not None and node.parent.type in EXTENT_WRAPPERS else node
    body = parent.child_by_field_name("body")
    for statement in body.named_children if body is not None else ():
        if statement.type in COMMENTS or statement == extent:
            continue
        returned = statement.named_children
        if statement.type != "return_statement" or len(returned) != 1 or returned[0].type != "identifier":
            return False
    return True


# --- Cyclomatic weights of single nodes (radon's try and match, lizard's match arms) ---


def _has_child(node: Node, kind: str) -> bool:
    return any(child.type == kind for child in node.children)


def _try_weight(node: Node) -> int:
    """One per handler plus one for ``else``; radon counts nothing for ``except*``."""
    handlers = [child for child in node.children if child.type == "except_clause"]
    if any(_has_child(handler, "*") for handler in handlers):
        return 0
    return len(handlers) + _has_child(node, "else_clause")


def _match_weight(node: Node) -> int:
    """The number of cases, less one when a case is a bare ``_`` or capture name."""
    cases = [child for child in node.child_by_field_name("body").children if child.type == "case_clause"]
    return max(0, len(cases) - any(_is_catch_all(case) for case in cases))


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


def _arms_weight(node: Node) -> int:
    """lizard counts each arm of a Rust ``match`` after the first."""
    return max(0, sum(child.type == "match_arm" for child in node.named_children) - 1)


WEIGHTS: dict[str, Callable[[Node], int]] = {
    "cyclomatic.try": _try_weight,
    "cyclomatic.match": _match_weight,
    "cyclomatic.arms": _arms_weight,
}


# --- Names, lines ---------------------------------------------------------------


def _own_name(unit: Unit, data: bytes) -> str:
    if unit.own_name:
        return unit.own_name
    parent = unit.node.parent
    for name in NAMING_FIELDS if parent is not None else ():
        child = parent.child_by_field_name(name)
        if child is not None and child != unit.node and b"\n" not in (child.text or b"\n"):
            return text(child)
    body = unit.node.child_by_field_name("body")
    if unit.is_class and body is not None:
        return " ".join(data[unit.node.start_byte : body.start_byte].decode(errors="replace").split())
    return "(anonymous)"


def _name_units(units: list[Unit], data: bytes) -> None:
    """Qualified names: ``Class.method``, ``outer.inner``, Go's ``Type.method``,
    a Rust impl's functions as ``Type.function``."""
    for unit in units:  # parents come before their children
        own = _own_name(unit, data)
        if unit.qualifier and not unit.is_class:
            own = f"{unit.qualifier}.{own}"
        prefix = f"{units[unit.parent].scope}." if unit.parent is not None else ""
        unit.name = prefix + own
        unit.scope = prefix + unit.qualifier if unit.is_class and unit.qualifier else unit.name


def _comment_rows(comments, lines: list[bytes]) -> set[int]:
    """0-based rows that hold nothing but comments and blanks."""
    spans: dict[int, list[tuple[int, int]]] = {}
    for comment in comments:
        (first, start), (last, end) = comment.start_point, comment.end_point
        for row in range(first, last + 1):
            spans.setdefault(row, []).append((start if row == first else 0, end if row == last else len(lines[row])))
    rows = set()
    for row, taken in spans.items():
        line, position, rest = lines[row], 0, []
        for start, end in sorted(taken):
            rest.append(line[position:start])
            position = max(position, end)
        rest.append(line[position:])
        if not b"".join(rest).strip():
            rows.add(row)
    return rows


def code_rows(lines: list[bytes], comment_rows: set[int]) -> list[int]:
    """1 for each row that holds code (neither blank nor comment-only), else 0."""
    code = [1 if line.strip() else 0 for line in lines]
    for row in comment_rows:
        code[row] = 0
    return code
