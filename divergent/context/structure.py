"""Design structure of a file in any language we read, from one query per language.

Each language's ``queries/{lang}-design.scm`` marks nodes with the capture names
below; this module gives them the same meaning in every language.  The units
(functions, methods, classes and their dotted names) come from the figures
sweep (``divergent.context.figures``), so a method is ``Type.method`` in every
language, Go's and Rust's included.

Extension points (where new behaviour plugs in without editing what exists), each
counted only when it is used
    ``@interface`` + ``@interface.name``: a protocol, ABC, interface, trait or
    abstract class; a point when something implements it (``@extends``, or for a
    Python protocol or Go interface two or more types with all its members) or
    names it elsewhere (a parameter, field or variable typed with it).
    ``@extends.child`` + ``@extends.base``: a class extending or implementing a
    base (a Rust ``impl Trait for Type``); a base that two or more children
    override (a method of the base's or a hook its body reads that the children
    define, Python class attributes included; for a base outside the files a method
    the children share) is a point.  ``@callable.name``: a named function type (Go's ``type F
    func(...)``): not a point itself, but a type an injected collaborator may have.
    ``@registry.name`` + ``@registry.table``: a module-level table; it is a
    registry when it holds at least two ``@registry.entry`` (direct children of the
    table), every one is also a ``@registry.handler`` (its value is a function), and
    its name is read somewhere else in the files.
    ``@injected.name``: a collaborator a constructor takes from outside, named
    ``Owner.name (injected)``.  With ``@injected.type`` it counts when the type
    names an interface or function type of the files read together, or, in a language
    where subclasses override (a stand-in can replace it), a class of the files whose
    behaviour (a method that is more than an accessor) the owner calls on it; with
    ``@injected.callable`` (a function type) it always counts; with
    ``@injected.param`` that name must be one of the unit's ``@param.name``.
    ``@injected.owner`` names the owner when the unit's name does not (Go's ``NewT``).
    A factory method (Fowler's): an overridable method (not private, static or final,
    in a language where subclasses override: Python, JavaScript, TypeScript, Java) that
    returns a new object of another type (not one built from literals only, not a
    built-in or an error) and that another method of its class calls: a subclass
    changes the collaborator by overriding it.
Type-code branching
    ``@case.subject`` + ``@case.literal``: one comparison of a discriminator with a
    constant or an enum member (``==``, ``!=``, ``equals``, a switch or match case).  Per function and
    subject, three or more distinct constants make one type-code branch.
Built collaborators
    ``@built.type`` (+ ``@built.field``, ``@built.owner``): a constructor building a
    concrete object and keeping it (not one built from literals only, ``Money(0)``: a
    value given its first state); with ``@built.module`` the call goes through
    that module, which must be one of the file's ``@import`` names.
Coupling and cohesion
    ``@call``: a callee's name; a function's fan-out is its distinct callees.
    ``@member.name`` (+ ``@member.object``): a member used through the receiver
    (``self``, ``this``, or a ``@receiver`` of the method); ``@member.bare``: a
    name that is a member when the class declares it (``@field``) and it is not
    ``@member.dotted``.  LCOM4 of a class with instance state: the connected
    groups of its methods that touch a member (constructors aside), two methods
    joined when they share a field or one calls the other (through the receiver, or
    through a parameter declared with the class's own type: ``helper: Help``, JSDoc
    ``@param {Help} helper``); accessors (at most
    ``ACCESSOR_LINES`` code lines, one decision and no call) are left out, as SonarQube's LCOM4
    leaves getters and setters out.  A class whose methods touch no field (stateless,
    static helpers) has no LCOM4.
Names
    ``@name``: every name a declaration introduces (what callers can reach).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from tree_sitter import Node, QueryCursor

from divergent.context.figures import Unit, scanned
from divergent.context.metrics import units_from_scan
from divergent.context.parsing import language_for, query, text
from divergent.context.syntax import name_leaves

CONSTRUCTORS = frozenset({"__init__", "constructor", "new"})
RECEIVERS = frozenset({"self", "this"})
MIN_TYPE_CODE_CASES = 3
ACCESSOR_LINES = 5  # a method this short, with at most one decision, that calls nothing is an accessor
STRUCTURAL = frozenset({"python", "go"})  # a type with an interface's members implements it
WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass
class FileStructure:
    """What one file holds; ``combine`` reads files together."""

    interfaces: list[str] = field(default_factory=list)
    callables: set[str] = field(default_factory=set)
    registries: list[str] = field(default_factory=list)
    injected: list[tuple[str, set[str] | None, set[str]]] = field(default_factory=list)  # (label, type words or None, methods called on it)
    branches: list[str] = field(default_factory=list)  # "path line N"
    built: list[str] = field(default_factory=list)
    fan_out: dict[str, int] = field(default_factory=dict)  # function -> distinct callees
    lcom4: dict[str, int] = field(default_factory=dict)  # class -> connected groups of methods
    names: set[str] = field(default_factory=set)
    extends: list[tuple[str, str]] = field(default_factory=list)  # (child, base)
    members: dict[str, set[str]] = field(default_factory=dict)  # type -> its methods and fields
    overridable: dict[str, set[str]] = field(default_factory=dict)  # members, and Python's _private attributes
    reads: dict[str, set[str]] = field(default_factory=dict)  # type -> the words its body reads
    mentions: Counter = field(default_factory=Counter)  # identifier-like leaf -> occurrences
    structural: bool = False  # interfaces are met by shape (Python protocols, Go interfaces)
    sloc: int = 0  # lines of the file's functions, for coupling relative to size
    callees: set[str] = field(default_factory=set)  # every name the file's functions call
    defined: set[str] = field(default_factory=set)  # the file's own functions and types
    factories: list[str] = field(default_factory=list)  # overridable methods that build a collaborator, used
    behaviours: dict[str, set[str]] = field(default_factory=dict)  # class -> its methods that are more than accessors
    overriding: bool = False  # a subclass can stand in for a class (a concrete class injected is a seam)


@dataclass(frozen=True)
class Structure:
    extension_points: list[str]
    type_code_branches: list[str]
    built_collaborators: list[str]
    fan_out: dict[str, int]
    lcom4: dict[str, int]
    sloc: int = 0
    unused: list[str] = field(default_factory=list)  # interfaces and tables nothing uses
    external_callees: int = 0  # distinct names called that the files do not define

    @property
    def max_fan_out(self) -> int:
        return max(self.fan_out.values(), default=0)

    @property
    def coupling(self) -> float:
        """Efferent coupling relative to size: distinct names called that the files do not
        define, per line of function code."""
        return round(self.external_callees / self.sloc, 4) if self.sloc else 0.0

    @property
    def split_classes(self) -> int:
        """How many classes fall apart into groups (LCOM4 above 1): one design problem each,
        as a type-code chain is one, however many pieces a big class splits into."""
        return sum(1 for n in self.lcom4.values() if n > 1)


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
        if _literal_value(m["built.type"][0]):
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
        name = text(m["injected.name"][0])
        found.injected.append((f"{owner}.{name} (injected)", words, _called_on(name, owner, units)))
    found.extends = [(text(m["extends.child"][0]), text(m["extends.base"][0])) for m in one.having("extends.base")]
    found.structural = lang in STRUCTURAL
    found.members = _members(units)
    found.overridable = {name: set(found) for name, found in found.members.items()}
    for unit in units:
        if unit.is_class:
            owner = unit.qualifier or unit.own_name
            found.reads[owner] = set(WORD.findall(text(unit.node)))
            if lang == "python":  # class attributes, _private ones too: subclasses set such hooks
                found.overridable.setdefault(owner, set()).update(_class_attributes(unit.node))
    found.mentions = Counter(text(n) for n in name_leaves(tree.root_node))
    figures = units_from_scan(scanned_file)
    found.sloc = sum(u.sloc for u in _outermost_functions(figures))
    found.callees = {text(n) for n in one.all("call") if located.innermost(n) is not None}
    found.defined = {u.own_name for u in units}
    found.branches = [f"{label}line {line}" for line in _type_codes(one, located)]
    # an interface's methods have no state to share: cohesion is a question for its implementations
    found.fan_out = _fan_out(one, located)
    accessors = {
        id(u) for u, f in zip(units, figures)
        if not u.is_class and f.cyclomatic <= 2 and f.sloc <= ACCESSOR_LINES and not found.fan_out.get(u.name)
    }
    aliases = _self_typed(units, lang)
    found.lcom4 = {
        k: v for k, v in _lcom4(one, located, accessors, aliases).items() if k.rsplit(".", 1)[-1] not in found.interfaces
    }
    found.factories = _factory_methods(one, located, lang, aliases)
    found.overriding = lang in OVERRIDING
    for u in units:
        if _is_method(u, units) and u.own_name not in CONSTRUCTORS and id(u) not in accessors:
            found.behaviours.setdefault(_owner(u).rsplit(".", 1)[-1], set()).add(u.own_name)
    return found


def combine(files: list[FileStructure]) -> Structure:
    """Files read together: an interface, a base or a table may be used in another file."""
    declared = _unique(name for f in files for name in f.interfaces)
    by_shape = {name for f in files if f.structural for name in f.interfaces}
    interfaces = set(declared) | {name for f in files for name in f.callables}
    mentions = sum((f.mentions for f in files), Counter())
    members: dict[str, set[str]] = defaultdict(set)
    for f in files:
        for name, found in f.members.items():
            members[name] |= found
    overridable: dict[str, set[str]] = defaultdict(set)
    reads: dict[str, set[str]] = defaultdict(set)
    for f in files:
        for name, found in f.overridable.items():
            overridable[name] |= found
        for name, found in f.reads.items():
            reads[name] |= found
    extends = _unique(pair for f in files for pair in f.extends)
    behaviours: dict[str, set[str]] = defaultdict(set)
    for f in files:
        for name, found in f.behaviours.items():
            behaviours[name] |= found
    points, unused = [], []
    for name in declared:
        children = [c for c, b in extends if b == name]
        if name in by_shape:
            # by shape only a family counts: a protocol cut from one class fits that class alone
            shaped = [
                t for t, found in members.items()
                if t != name and t not in interfaces and t not in children and members[name] and members[name] <= found
            ]
            children += shaped if len(shaped) >= 2 else []
        named_elsewhere = mentions[name] - 1 - sum(1 for _, b in extends if b == name)
        if children:
            points.append(f"{name} (implemented by {', '.join(children)})")
        elif named_elsewhere > 0:
            points.append(f"{name} (used as a type)")
        else:
            unused.append(name)
    points += _overridden_bases(extends, members, interfaces, overridable, reads)
    for f in files:
        for table in f.registries:
            (points if mentions[table] >= 2 else unused).append(table if mentions[table] >= 2 else f"{table} (never read)")
        # typed with an interface or a function type; or (where a subclass can stand in) with
        # a concrete class whose behaviour, not just its accessors, the class calls on it
        points += [
            label for label, words, called in f.injected
            if words is None or words & interfaces
            or f.overriding and any(called & behaviours.get(w, set()) for w in words)
        ]
        points += f.factories
    return Structure(
        extension_points=_unique(points),
        type_code_branches=[b for f in files for b in f.branches],
        built_collaborators=[b for f in files for b in f.built],
        fan_out={k: v for f in files for k, v in f.fan_out.items()},
        lcom4={k: v for f in files for k, v in f.lcom4.items()},
        sloc=sum(f.sloc for f in files),
        unused=unused,
        external_callees=len(set().union(*(f.callees for f in files)) - set().union(*(f.defined for f in files))) if files else 0,
    )


def _overridden_bases(
    extends: list[tuple[str, str]],
    members: dict[str, set[str]],
    interfaces: set[str],
    overridable: dict[str, set[str]] | None = None,
    reads: dict[str, set[str]] | None = None,
) -> list[str]:
    """Bases that two or more children override: a method the base declares or a hook it
    reads that the children define (a base in the files: ``self._number_class(value)``
    with ``_number_class = int`` in one child and ``float`` in another), or a method the
    children share (a base declared elsewhere)."""
    overridable = overridable if overridable is not None else members
    reads = reads or {}
    children: dict[str, list[str]] = defaultdict(list)
    for child, base in extends:
        if base not in interfaces and child not in children[base]:
            children[base].append(child)
    found = []
    for base, kids in children.items():
        own = {m for m in members.get(base, set()) if m not in CONSTRUCTORS and m != "__init__"}
        if base in members:
            defined = Counter(m for k in kids for m in overridable.get(k, members.get(k, set())) - CONSTRUCTORS - {"__init__"})
            hooks = {m for m, n in defined.items() if n >= 2} & reads.get(base, set())
            overriding = [k for k in kids if overridable.get(k, members.get(k, set())) & (own | hooks)]
        else:
            counts = Counter(m for k in kids for m in members.get(k, set()) - CONSTRUCTORS - {"__init__"})
            shared = {m for m, n in counts.items() if n >= 2}
            overriding = [k for k in kids if members.get(k, set()) & shared]
        if len(overriding) >= 2:
            found.append(f"{base} (overridden in {', '.join(overriding)})")
    return found


def _class_attributes(node: Node) -> set[str]:
    """Names a Python class body assigns at its top level (``_number_class = int``)."""
    body = node.child_by_field_name("body")
    found = set()
    for statement in body.named_children if body is not None else ():
        if statement.type == "expression_statement" and statement.named_children:
            assignment = statement.named_children[0]
            left = assignment.child_by_field_name("left") if assignment.type == "assignment" else None
            if left is not None and left.type == "identifier":
                found.add(text(left))
    return found


def _members(units: list[Unit]) -> dict[str, set[str]]:
    """Each type's methods and fields, whether declared in its body or beside it (Go, Rust impls)."""
    found: dict[str, set[str]] = defaultdict(set)
    for unit in units:
        if unit.is_class:
            owner = unit.qualifier or unit.own_name
            found[owner] |= unit.members
        elif unit.qualifier:
            found[unit.qualifier].add(unit.own_name)
        elif unit.parent is not None and units[unit.parent].is_class:
            parent = units[unit.parent]
            found[parent.qualifier or parent.own_name].add(unit.own_name)
    return dict(found)


def _outermost_functions(units):
    """Functions and methods no other function holds (their lines counted once)."""
    callables = [u for u in units if u.kind != "class"]
    kept, last = [], (None, 0)
    for u in sorted(callables, key=lambda u: (u.line, -u.end_line)):
        if u.line > last[1]:
            kept.append(u)
            last = (u, u.end_line)
    return kept


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


CONSTRUCTIONS = frozenset({"call", "call_expression", "new_expression", "object_creation_expression", "composite_literal"})
LITERAL_WORDS = ("literal", "string", "integer", "float", "number", "true", "false", "none", "null", "escape", "char")


def _literal_value(type_node: Node) -> bool:
    """A construction whose arguments are all literals (``Money(0)``, ``new Point(0, 0)``):
    state given its first value, not a collaborator wired in. A construction with no
    argument, or with one taken from elsewhere, is a collaborator."""
    node = type_node
    while node is not None and node.type not in CONSTRUCTIONS:
        node = node.parent
    if node is None:
        return False
    arguments = node.child_by_field_name("arguments") or node.child_by_field_name("body")
    leaves = [n for n in _named_leaves(arguments)] if arguments is not None else []
    keywords = {k.id for n in (arguments.named_children if arguments is not None else ()) if n.type == "keyword_argument"
                for k in [n.child_by_field_name("name")] if k is not None}
    values = [n for n in leaves if n.id not in keywords]
    return bool(values) and all(any(word in n.type for word in LITERAL_WORDS) for n in values)


def _named_leaves(node: Node):
    for child in node.named_children:
        if child.named_child_count == 0 or child.type in ("string", "string_literal", "interpreted_string_literal", "raw_string_literal"):
            yield child
        else:
            yield from _named_leaves(child)


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


def _member_uses(one: _Matches, located: _Units, aliases: dict[int, set[str]]) -> dict[int, set[str]]:
    """Per method (by ``id``), the members it uses through its receiver or a parameter of its own class."""
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
        if unit is not None and (not objects or text(objects[0]) in RECEIVERS | receivers[id(unit)] | aliases.get(id(unit), set())):
            uses[id(unit)].add(text(node))
    return uses


def _bare_uses(one: _Matches, located: _Units) -> dict[int, set[str]]:
    """Per method (by ``id``), the bare names it uses that may be members (Java's ``count``)."""
    dotted = {n.id for n in one.all("member.dotted")}
    bare: dict[int, set[str]] = defaultdict(set)
    for node in one.all("member.bare"):
        unit = located.innermost(node, methods_only=True)
        if unit is not None and node.id not in dotted:
            bare[id(unit)].add(text(node))
    return bare


def _called_on(name: str, owner: str, units: list[Unit]) -> set[str]:
    """Methods the owner's class calls on ``name`` (``self.name.m(``, ``this._name.m(``, ``name.m(``)."""
    pattern = re.compile(rf"(?<![\w$])_?{re.escape(name)}\s*\.\s*([A-Za-z_$][\w$]*)\s*\(")
    bodies = [text(u.node) for u in units if u.is_class and (u.qualifier or u.own_name) == owner.rsplit(".", 1)[-1]]
    bodies += [text(u.node) for u in units if not u.is_class and _owner(u) == owner]
    return {m.group(1) for body in bodies for m in pattern.finditer(body)}


def _self_typed(units: list[Unit], lang: str) -> dict[int, set[str]]:
    """Per method (by ``id``), its parameters declared with the method's own class as their type
    (``helper: Help``, ``Help helper``, a JSDoc ``@param {Help} helper``): a call through one is
    a call among the class's own methods, as LCOM4 joins methods that call each other."""
    found: dict[int, set[str]] = {}
    for unit in units:
        if not _is_method(unit, units):
            continue
        owner = _owner(unit).rsplit(".", 1)[-1]
        names = set()
        params = unit.node.child_by_field_name("parameters")
        for param in params.named_children if params is not None else ():
            kind = param.child_by_field_name("type")
            name = param.child_by_field_name("name") or param.child_by_field_name("pattern")
            if name is None:
                name = next((c for c in param.named_children if c.type == "identifier"), None)
            if kind is not None and name is not None and WORD.findall(text(kind)) == [owner]:
                names.add(text(name))
        comment = unit.node.prev_named_sibling
        if lang in ("javascript", "typescript", "tsx") and comment is not None and comment.type == "comment":
            names |= {n for t, n in JSDOC_PARAM.findall(text(comment)) if t == owner}
        if names:
            found[id(unit)] = names
    return found


JSDOC_PARAM = re.compile(r"@param\s+\{\s*([A-Za-z_$][\w$]*)\s*\}\s+\[?([A-Za-z_$][\w$]*)")
NOT_OVERRIDABLE = frozenset({"private", "static", "final"})
OVERRIDING = frozenset({"python", "javascript", "typescript", "tsx", "java"})  # languages whose methods a subclass overrides
BUILT_IN = re.compile(r"^(Map|Set|Array|Object|Date|WeakMap|WeakSet|Promise|RegExp|URL|String|Number|Boolean|\w*(Error|Exception))$")


def _factory_methods(one: _Matches, located: _Units, lang: str, aliases: dict[int, set[str]]) -> list[str]:
    """Factory methods (Fowler's Factory Method): an overridable method (not private, static
    or final; a language with subclass overriding) that returns a new object of another
    type, not one built from literals only, and that another method of its class calls.
    A subclass changes what the class works with by overriding it."""
    if lang not in OVERRIDING:
        return []
    units = located.units
    uses = _member_uses(one, located, aliases)
    for unit_id, names in _bare_uses(one, located).items():
        uses[unit_id] = uses.get(unit_id, set()) | names
    found = []
    for unit in units:
        if not _is_method(unit, units) or unit.static or unit.own_name in CONSTRUCTORS:
            continue
        owner = _owner(unit)
        klass = units[unit.outer_class] if unit.outer_class is not None else None
        if klass is not None and unit.own_name in klass.hidden or unit.own_name.startswith(("#", "__")):
            continue
        head = text(unit.node)[: unit.name_start - unit.node.start_byte]
        if set(WORD.findall(head)) & NOT_OVERRIDABLE:
            continue
        built = _returned_type(unit.node, lang)
        if built is None or built == owner.rsplit(".", 1)[-1] or BUILT_IN.match(built):
            continue
        callers = [u for u in units if u is not unit and _is_method(u, units) and _owner(u) == owner]
        if any(unit.own_name in uses.get(id(u), ()) for u in callers):
            found.append(f"{owner}.{unit.own_name} (factory method of {built})")
    return found


def _returned_type(function: Node, lang: str) -> str | None:
    """The type a function's return statement constructs (``return new Help()``,
    ``return Object.assign(new Help(), ...)``, Python's ``return Help(...)``), not a value
    built from literals only; nested functions are not looked into."""
    stack = [function.child_by_field_name("body")]
    while stack:
        node = stack.pop()
        if node is None or node.type in ("function_definition", "function_declaration", "arrow_function",
                                         "function_expression", "method_definition", "lambda", "class_definition",
                                         "class_declaration", "method_declaration"):
            continue
        if node.type == "return_statement":
            for built in _constructions(node, lang):
                return built
            continue
        stack.extend(reversed(node.named_children))
    return None


def _constructions(node: Node, lang: str):
    stack = [node]
    while stack:
        current = stack.pop()
        name = None
        if current.type in ("new_expression", "object_creation_expression"):
            kind = current.child_by_field_name("constructor") or current.child_by_field_name("type")
            name = WORD.findall(text(kind))[-1] if kind is not None and WORD.findall(text(kind)) else None
        elif lang == "python" and current.type == "call":
            function = current.child_by_field_name("function")
            words = WORD.findall(text(function)) if function is not None else []
            name = words[-1] if words and words[-1][:1].isupper() else None
        if name is not None and not _literal_value(current.named_children[0] if current.named_children else current):
            yield name
        stack.extend(reversed(current.named_children))


def _lcom4(
    one: _Matches, located: _Units, accessors: set[int] = frozenset(), aliases: dict[int, set[str]] | None = None
) -> dict[str, int]:
    units = located.units
    methods = [u for u in units if _is_method(u, units)]
    by_class: dict[str, list[Unit]] = defaultdict(list)
    for unit in methods:
        by_class[_owner(unit)].append(unit)
    uses = _member_uses(one, located, aliases or {})
    fields = {text(n) for n in one.all("field")}
    bare = _bare_uses(one, located)
    found = {}
    for owner, members in by_class.items():
        own_names = {u.own_name for u in members}
        kept = [u for u in members if u.own_name not in CONSTRUCTORS and u.own_name != owner.rsplit(".", 1)[-1]]
        if not kept:
            continue
        # a bare name is a member only when the class declares it (a field or a method)
        touched = [uses[id(u)] | (bare[id(u)] & (fields | own_names)) for u in kept]
        # accessors (getters, setters, fluent setters, predicates: a few lines, at most one
        # decision, no call) are left out, as SonarQube's LCOM4 leaves them: a data holder does not split
        plain = [i for i, (u, t) in enumerate(zip(kept, touched)) if not (id(u) in accessors and not t & own_names)]
        kept, touched = [kept[i] for i in plain], [touched[i] for i in plain]
        if not kept:
            continue
        # no instance state, no cohesion to lose; a method that touches no member and that
        # no sibling calls (a static or pure helper) holds no state apart
        reached = set().union(*touched)
        if not reached - own_names:
            continue
        keep = [i for i, (u, t) in enumerate(zip(kept, touched)) if t or u.own_name in reached]
        kept, touched = [kept[i] for i in keep], [touched[i] for i in keep]
        group = list(range(len(kept)))

        def root(i: int) -> int:
            while group[i] != i:
                group[i] = group[group[i]]
                i = group[i]
            return i

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
