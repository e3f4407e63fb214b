"""Who uses the target: call sites of its public names in the repository's other code."""

from __future__ import annotations

from tree_sitter import Node

from divergent.context.parsing import parse, text
from divergent.context.syntax import definitions, find_definition, identifiers, is_public
from divergent.model import CallSite, Target


def public_names(source: str, target: Target) -> tuple[set[str], set[str]]:
    """(plain names, attribute names) a caller could use to reach the target.

    Plain names are imported or called directly (a class, a function, a module's
    top-level names); attribute names are reached through an object (methods).
    """
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


def _is_attribute_name(node: Node) -> bool:
    parent = node.parent
    return parent is not None and parent.type == "attribute" and parent.child_by_field_name("attribute") == node


def find_call_sites(
    files: dict[str, str], target: Target, plain: set[str], attributes: set[str]
) -> list[CallSite]:
    """Uses of the names in ``files`` (path -> text), outside the target's own span."""
    sites: list[CallSite] = []
    for path, source in sorted(files.items()):
        lines = source.splitlines()
        for node in identifiers(parse(source).root_node):
            line = node.start_point[0] + 1
            if path == target.path and target.line <= line <= target.end_line:
                continue
            name = text(node)
            as_attribute = _is_attribute_name(node)
            if (as_attribute and name in attributes) or (not as_attribute and name in plain):
                sites.append(CallSite(path, line, name, lines[line - 1].strip() if line <= len(lines) else ""))
    return sites
