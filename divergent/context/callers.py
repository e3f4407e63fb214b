"""Who can use the target: its public names, its own spans, the languages that can call it.

The call sites themselves come from the symbol index (``divergent.context.neighbours``).
"""

from __future__ import annotations

from divergent.context.figures import scanned
from divergent.context.parsing import LANGUAGES, language_for, parse
from divergent.context.syntax import definitions, find_definition, is_public
from divergent.model import Target


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


def family_suffixes(lang: str | None) -> tuple[str, ...]:
    """The file suffixes whose code can call code in ``lang``."""
    return tuple(suffix for suffix, other in LANGUAGES.items() if family(other) == family(lang))
