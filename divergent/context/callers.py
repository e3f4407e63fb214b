"""Who can use the target: its public names, its own spans, the languages that can call it,
and the uses of names in texts at hand (a design's files, for the critics).

Framing finds call sites in the repository through the symbol index
(``divergent.context.neighbours``); ``find_call_sites`` reads texts given to it.
"""

from __future__ import annotations

from tree_sitter import Node

from divergent.context.figures import scanned
from divergent.context.parsing import LANGUAGES, language_for, parse, text
from divergent.context.syntax import definitions, find_definition, identifiers, is_public, name_leaves
from divergent.model import CallSite, Target


def public_names(source: str, target: Target) -> tuple[set[str], set[str]]:
    """(plain names, attribute names) a caller could use to reach the target.

    Plain names are imported or called directly (a class, a function, a module's
    top-level names); attribute names are reached through an object (methods).
    """
    lang = language_for(target.path) or "python"
    if lang != "python":
        return _public_names(source, lang, target)
    root = parse(source).root_node
    if target.symbol is None:
        return {d.name for d in definitions(root) if is_public(d.name)}, set()
    definition = find_definition(root, target.symbol)
    if definition is None:
        return set(), set()
    head, _, last = target.symbol.rpartition(".")
    plain = set() if head else {last}  # a method is reached through an object
    attributes = {last} if head else set()
    if definition.is_class:
        attributes |= {d.name for d in definitions(definition.body) if is_public(d.name)}
        attributes.discard("__init__")
    return plain, attributes


def _public_names(source: str, lang: str, target: Target) -> tuple[set[str], set[str]]:
    """``public_names`` in the other languages, from the figures sweep's units and members."""
    found = scanned(source, lang)
    if target.symbol is None:
        return set(found.surface_names), set()
    unit = next((u for u in found.units if u.name == target.symbol), None)
    if unit is None:
        return set(), set()
    head, _, last = target.symbol.rpartition(".")
    plain = set() if head else {last}
    attributes = {last} if head else set()
    if unit.is_class:
        attributes |= unit.members - unit.hidden
        attributes |= {u.own_name for u in found.units if u.qualifier == unit.own_name and not u.is_class}
        attributes -= {"constructor", "new", unit.own_name}
    return plain, attributes


def _is_attribute_name(node: Node) -> bool:
    parent = node.parent
    return parent is not None and parent.type == "attribute" and parent.child_by_field_name("attribute") == node


def find_call_sites(
    files: dict[str, str], target: Target, plain: set[str], attributes: set[str]
) -> list[CallSite]:
    """Uses of the names in ``files`` (path -> text, parsed here) in the target's language,
    outside the target's own span. In Python a method name counts only after a dot; elsewhere any
    identifier spelled like one of the names does."""
    lang = language_for(target.path) or "python"
    own = own_spans(files.get(target.path, ""), lang, target)
    sites: list[CallSite] = []
    for path, source in sorted(files.items()):
        if family(language_for(path)) != family(lang):
            continue
        lines = source.splitlines()
        for node in _names(source, language_for(path)):
            line = node.start_point[0] + 1
            if path == target.path and any(first <= line <= last for first, last in own):
                continue
            name = text(node)
            if lang == "python":
                as_attribute = _is_attribute_name(node)
                used = (as_attribute and name in attributes) or (not as_attribute and name in plain)
            else:
                used = name in plain or name in attributes
            if used:
                sites.append(CallSite(path, line, name, lines[line - 1].strip() if line <= len(lines) else ""))
    return sites


def own_spans(source: str, lang: str, target: Target) -> list[tuple[int, int]]:
    """Lines that belong to the target: its span and, outside Python, the methods declared
    beside their type (Go's methods, Rust's impl blocks)."""
    spans = [(target.line, target.end_line)]
    if lang != "python" and target.symbol and source:
        for unit in scanned(source, lang).units:
            if unit.qualifier == target.symbol or unit.name.startswith(f"{target.symbol}."):
                spans.append((unit.node.start_point[0] + 1, unit.node.end_point[0] + 1))
    kept: list[tuple[int, int]] = []
    for first, last in sorted(spans, key=lambda span: (span[0], -span[1])):
        if not kept or last > kept[-1][1]:  # a span inside the one before is already there
            kept.append((max(first, kept[-1][1] + 1) if kept else first, last))
    return kept


def family(lang: str | None) -> str | None:
    """JavaScript, TypeScript and TSX call one another; other languages only themselves."""
    return "ecmascript" if lang in ("javascript", "typescript", "tsx") else lang


def _names(source: str, lang: str) -> list[Node]:
    root = parse(source, lang).root_node
    if lang == "python":
        return list(identifiers(root))
    return list(name_leaves(root))


def family_suffixes(lang: str | None) -> tuple[str, ...]:
    """The file suffixes whose code can call code in ``lang``."""
    return tuple(suffix for suffix, other in LANGUAGES.items() if family(other) == family(lang))
