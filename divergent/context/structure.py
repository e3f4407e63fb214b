"""Design structure of a file in any language we read, from one query per language.

Each language's ``queries/{lang}-design.scm`` marks nodes with the capture names
below; this module gives them the same meaning in every language.  The units
(functions, methods, classes and their dotted names) come from the figures
sweep (``divergent.context.figures``), so a method is ``Type.method`` in every
language, Go's and Rust's included.

Extension points (where new behaviour plugs in without editing what exists)
    ``@interface`` + ``@interface.name``: a protocol, ABC, interface, trait or
    abstract class.  ``@callable.name``: a named function type (Go's ``type F
    func(...)``): not a point itself, but a type an injected collaborator may have.
    ``@registry.name`` + ``@registry.table``: a module-level table; it is a
    registry when it holds at least two ``@registry.entry`` (direct children of the
    table) and every one is also a ``@registry.handler`` (its value is a function).
    ``@injected.name``: a collaborator a constructor takes from outside, named
    ``Owner.name (injected)``.  With ``@injected.type`` it counts only when the type
    names an interface or function type of the files read together; with
    ``@injected.callable`` (a function type) it always counts; with
    ``@injected.param`` that name must be one of the unit's ``@param.name``.
    ``@injected.owner`` names the owner when the unit's name does not (Go's ``NewT``).
Type-code branching
    ``@case.subject`` + ``@case.literal``: one comparison of a discriminator with a
    constant (``==``, ``equals``, a switch or match case).  Per function and
    subject, three or more distinct constants make one type-code branch.
Built collaborators
    ``@built.type`` (+ ``@built.field``, ``@built.owner``): a constructor building a
    concrete object and keeping it; with ``@built.module`` the call goes through
    that module, which must be one of the file's ``@import`` names.
Coupling and cohesion
    ``@call``: a callee's name; a function's fan-out is its distinct callees.
    ``@member.name`` (+ ``@member.object``): a member used through the receiver
    (``self``, ``this``, or a ``@receiver`` of the method); ``@member.bare``: a
    name that is a member when the class declares it (``@field``) and it is not
    ``@member.dotted``.  LCOM4 of a class: the connected groups of its methods
    (constructors aside), two methods joined when they share a field or one
    calls the other.
Names
    ``@name``: every name a declaration introduces (what callers can reach).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass, field

from tree_sitter import Node, QueryCursor

from divergent.context.figures import Unit, scanned
from divergent.context.metrics import units_from_scan
from divergent.context.parsing import language_for, query, text

CONSTRUCTORS = frozenset({"__init__", "constructor", "new"})
RECEIVERS = frozenset({"self", "this"})
MIN_TYPE_CODE_CASES = 3
WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass
class FileStructure:
    """What one file holds; ``combine`` reads files together."""

    interfaces: list[str] = field(default_factory=list)
    callables: set[str] = field(default_factory=set)
    registries: list[str] = field(default_factory=list)
    injected: list[tuple[str, set[str] | None]] = field(default_factory=list)  # (label, type words or None)
    branches: list[str] = field(default_factory=list)  # "path line N"
    built: list[str] = field(default_factory=list)
    fan_out: dict[str, int] = field(default_factory=dict)  # function -> distinct callees
    lcom4: dict[str, int] = field(default_factory=dict)  # class -> connected groups of methods
    names: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class Structure:
    extension_points: list[str]
    type_code_branches: list[str]
    built_collaborators: list[str]
    fan_out: dict[str, int]
    lcom4: dict[str, int]

    @property
    def max_fan_out(self) -> int:
        return max(self.fan_out.values(), default=0)

    @property
    def split_classes(self) -> int:
        """How many more groups the classes fall into than one each: sum of (LCOM4 - 1)."""
        return sum(max(0, n - 1) for n in self.lcom4.values())


def read(source: str, lang: str, label: str = "") -> FileStructure:
    """The structure of one file; ``label`` prefixes its branch lines when several files are read."""
    scanned_file = scanned(source, lang)
    tree, units = scanned_file.tree, scanned_file.units
    located = _Units(units)
    found = FileStructure()
    matches = [m for _, m in QueryCursor(query(lang, "design")).matches(tree.root_node)]
    one = _Matches(matches)
    found.names = {text(n) for n in one.all("name")}
    found.interfaces = _unique(text(m["interface.name"][0]) for m in one.having("interface.name"))
    found.callables = {text(n) for n in one.all("callable.name")}
    found.registries = _registries(one)
    imports = {text(n).strip("\"'`").rsplit("/", 1)[-1] for n in one.all("import")}
    for m in one.having("built.type"):
        module = m.get("built.module")
        if module and text(module[0]) not in imports:
            continue
        owner = _first(m, "built.owner") or _owner(located.innermost(m["built.type"][0]))
        part = _first(m, "built.field") or text(m["built.type"][0])
        found.built.append(f"{owner}.{part}")
    found.built = _unique(found.built)
    for m in one.having("injected.name"):
        unit = located.innermost(m["injected.name"][0])
        if "injected.param" in m and text(m["injected.param"][0]) not in _params(one, unit):
            continue
        owner = _first(m, "injected.owner") or _owner(unit)
        words = None if "injected.callable" in m or "injected.type" not in m else set(WORD.findall(text(m["injected.type"][0])))
        found.injected.append((f"{owner}.{text(m['injected.name'][0])} (injected)", words))
    found.branches = [f"{label}line {line}" for line in _type_codes(one, located)]
    found.fan_out = _fan_out(one, located)
    # an interface's methods have no state to share: cohesion is a question for its implementations
    found.lcom4 = {k: v for k, v in _lcom4(one, located).items() if k.rsplit(".", 1)[-1] not in found.interfaces}
    return found


def combine(files: list[FileStructure]) -> Structure:
    """Files read together: an injected type may be an interface declared in another."""
    interfaces = {name for f in files for name in f.interfaces} | {name for f in files for name in f.callables}
    points: list[str] = []
    for f in files:
        points += f.registries + f.interfaces
        points += [label for label, words in f.injected if words is None or words & interfaces]
    return Structure(
        extension_points=_unique(points),
        type_code_branches=[b for f in files for b in f.branches],
        built_collaborators=[b for f in files for b in f.built],
        fan_out={k: v for f in files for k, v in f.fan_out.items()},
        lcom4={k: v for f in files for k, v in f.lcom4.items()},
    )


def structure(sources: list[tuple[str, str]]) -> Structure:
    """The structure of (path, text) files in languages we read (others are skipped)."""
    read_files = []
    labelled = len(sources) > 1
    for path, source in sources:
        lang = language_for(path)
        if lang is not None:
            read_files.append(read(source, lang, f"{path} " if labelled else ""))
    return combine(read_files)


def declared_names(source: str, lang: str) -> set[str]:
    """Every name a declaration in ``source`` introduces: what a caller could use."""
    root = scanned(source, lang).tree.root_node
    return {text(n) for _, m in QueryCursor(query(lang, "design")).matches(root) for n in m.get("name", ())}


# --- reading the matches ----------------------------------------------------------


class _Matches:
    """A file's matches, by capture name: the matches holding it and its nodes."""

    def __init__(self, matches: list[dict[str, list[Node]]]) -> None:
        self.by_name: dict[str, list[dict[str, list[Node]]]] = defaultdict(list)
        for m in matches:
            for name in m:
                self.by_name[name].append(m)

    def having(self, name: str) -> list[dict[str, list[Node]]]:
        return self.by_name.get(name, [])

    def all(self, name: str) -> list[Node]:
        return [n for m in self.by_name.get(name, ()) for n in m[name]]


def _unique(items) -> list[str]:
    return list(dict.fromkeys(items))


def _first(match: dict[str, list[Node]], name: str) -> str | None:
    nodes = match.get(name)
    return text(nodes[0]) if nodes else None


def _contains(unit: Unit, node: Node) -> bool:
    return unit.node.start_byte <= node.start_byte and node.end_byte <= unit.node.end_byte


class _Units:
    """A file's units (source order, outer before inner) and where each starts."""

    def __init__(self, units: list[Unit]) -> None:
        self.units = units
        self.starts = [u.node.start_byte for u in units]

    def innermost(self, node: Node, methods_only: bool = False) -> Unit | None:
        """The innermost function unit around ``node`` (a method's, with ``methods_only``).

        A unit that holds the node holds the last unit starting before it, so only that
        one and its enclosing units need a look.
        """
        index = bisect_right(self.starts, node.start_byte) - 1
        while index is not None and index >= 0:
            unit = self.units[index]
            if _contains(unit, node) and not unit.is_class and (not methods_only or _is_method(unit, self.units)):
                return unit
            index = unit.parent
        return None


def _is_method(unit: Unit, units: list[Unit]) -> bool:
    if unit.is_class or "." not in unit.name:
        return False
    return unit.parent is None or units[unit.parent].is_class


def _owner(unit: Unit | None) -> str:
    """The type a constructor or method belongs to (``Type`` of ``Type.method``), else the unit."""
    if unit is None:
        return "<module>"
    head, dot, _ = unit.name.rpartition(".")
    return head if dot else unit.name


def _params(one: _Matches, unit: Unit | None) -> set[str]:
    if unit is None:
        return set()
    return {text(n) for n in one.all("param.name") if _contains(unit, n)}


def _registries(one: _Matches) -> list[str]:
    handlers = {n.id for n in one.all("registry.handler")}
    entries = one.all("registry.entry")
    found = []
    for m in one.having("registry.table"):
        table = m["registry.table"][0]
        mine = [e for e in entries if e.parent is not None and e.parent.id == table.id]
        if len({e.id for e in mine}) >= 2 and all(e.id in handlers for e in mine):
            found.append(text(m["registry.name"][0]))
    return _unique(found)


def _type_codes(one: _Matches, located: _Units) -> list[int]:
    """The line of the first comparison of each (function, subject) with enough constants."""
    groups: dict[tuple[int, str], tuple[int, set[str]]] = {}
    for m in one.having("case.subject"):
        subject = m["case.subject"][0]
        unit = located.innermost(subject)
        key = (id(unit), re.sub(r"\s+", "", text(subject)))
        line, constants = groups.get(key, (subject.start_point[0] + 1, set()))
        constants |= {text(n) for n in m.get("case.literal", ())}
        groups[key] = (min(line, subject.start_point[0] + 1), constants)
    return sorted(line for line, constants in groups.values() if len(constants) >= MIN_TYPE_CODE_CASES)


def _fan_out(one: _Matches, located: _Units) -> dict[str, int]:
    callees: dict[str, set[str]] = defaultdict(set)
    for node in one.all("call"):
        unit = located.innermost(node)
        if unit is not None:
            callees[unit.name].add(text(node))
    return {name: len(names) for name, names in callees.items()}


def _lcom4(one: _Matches, located: _Units) -> dict[str, int]:
    units = located.units
    methods = [u for u in units if _is_method(u, units)]
    by_class: dict[str, list[Unit]] = defaultdict(list)
    for unit in methods:
        by_class[_owner(unit)].append(unit)
    receivers: dict[int, set[str]] = defaultdict(set)
    for node in one.all("receiver"):
        unit = located.innermost(node, methods_only=True)
        if unit is not None:
            receivers[id(unit)].add(text(node))
    uses: dict[int, set[str]] = defaultdict(set)
    for m in one.having("member.name"):
        node = m["member.name"][0]
        unit = located.innermost(node, methods_only=True)
        objects = m.get("member.object")
        if unit is not None and (not objects or text(objects[0]) in RECEIVERS | receivers[id(unit)]):
            uses[id(unit)].add(text(node))
    fields = {text(n) for n in one.all("field")}
    dotted = {n.id for n in one.all("member.dotted")}
    bare: dict[int, set[str]] = defaultdict(set)
    for node in one.all("member.bare"):
        unit = located.innermost(node, methods_only=True)
        if unit is not None and node.id not in dotted:
            bare[id(unit)].add(text(node))
    found = {}
    for owner, members in by_class.items():
        own_names = {u.own_name for u in members}
        kept = [u for u in members if u.own_name not in CONSTRUCTORS and u.own_name != owner.rsplit(".", 1)[-1]]
        if not kept:
            continue
        group = list(range(len(kept)))

        def root(i: int) -> int:
            while group[i] != i:
                group[i] = group[group[i]]
                i = group[i]
            return i

        # a bare name is a member only when the class declares it (a field or a method)
        touched = [uses[id(u)] | (bare[id(u)] & (fields | own_names)) for u in kept]
        for i, a in enumerate(kept):
            for j in range(i + 1, len(kept)):
                b = kept[j]
                shared = (touched[i] & touched[j]) - own_names
                if shared or b.own_name in touched[i] or a.own_name in touched[j]:
                    group[root(i)] = root(j)
        found[owner] = len({root(i) for i in range(len(kept))})
    return found


def public_units(source: str, lang: str) -> dict[str, int]:
    """Dotted names of the units a caller can reach, with their parameter counts (-1 for a
    class-like unit): top-level names the language makes public, public members of public
    types, and the constructors of public types."""
    found = scanned(source, lang)
    figures = units_from_scan(found)
    units = found.units
    types = {u.name: u for u in units if u.is_class}
    reachable: dict[int, bool] = {}
    out = {}
    for index, unit in enumerate(units):
        if unit.parent is not None and units[unit.parent].is_class:
            owner = units[unit.parent]
            ok = reachable.get(unit.parent, False) and (
                unit.own_name in owner.members - owner.hidden or unit.own_name in CONSTRUCTORS
            )
        elif unit.parent is not None:
            ok = False  # a function inside a function
        elif unit.qualifier and unit.qualifier in types:  # declared beside their type (Go, Rust)
            owner = types[unit.qualifier]
            public_type = reachable.get(units.index(owner), False)
            ok = public_type if unit.is_class else unit.own_name in owner.members - owner.hidden
        else:
            ok = unit.own_name in found.surface_names
        reachable[index] = ok
        if ok:
            out[unit.name] = -1 if unit.is_class else figures[index].params
    return out
