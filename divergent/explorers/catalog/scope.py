"""Which classes and functions of the target a move may touch."""

from __future__ import annotations

from dataclasses import dataclass

from tree_sitter import Node

from divergent.context.syntax import Definition, definitions, find_definition
from divergent.model import Target


@dataclass(frozen=True)
class Function:
    definition: Definition
    owner: Definition | None  # the class, for a method

    @property
    def is_method(self) -> bool:
        return self.owner is not None

    @property
    def top(self) -> Node:
        """The module-level statement that holds it: new module definitions go after it."""
        return self.owner.outer if self.owner is not None else self.definition.outer


def classes(root: Node, target: Target) -> list[Definition]:
    if target.symbol is None:
        return [d for d in definitions(root) if d.is_class]
    if target.kind != "class":
        return []
    found = find_definition(root, target.symbol)
    return [found] if found is not None else []


def functions(root: Node, target: Target) -> list[Function]:
    """Functions and methods in scope: the target's own, or every one of a module."""
    if target.kind in ("function", "method"):
        found = find_definition(root, target.symbol)
        if found is None or found.is_class:
            return []
        owner = find_definition(root, target.symbol.rpartition(".")[0]) if target.kind == "method" else None
        return [Function(found, owner)]
    out = [] if target.symbol else [Function(d, None) for d in definitions(root) if not d.is_class]
    for cls in classes(root, target):
        out += [Function(d, cls) for d in definitions(cls.body) if not d.is_class]
    return out
