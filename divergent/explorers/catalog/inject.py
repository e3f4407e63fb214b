"""Inject the collaborators a constructor builds, keeping the old construction as the default.

``self.conn = sqlite3.connect(path)`` becomes
``self.conn = conn if conn is not None else sqlite3.connect(path)`` with a new
``conn=None`` parameter: tests and other callers can hand in their own.
"""

from __future__ import annotations

import builtins

from tree_sitter import Node

from divergent.context.parsing import parse, text
from divergent.context.syntax import Definition, definitions, parameters
from divergent.explorers.catalog import edits
from divergent.explorers.catalog.moves import Move, Rewrite
from divergent.explorers.catalog.scope import classes
from divergent.model import Target

BUILTINS = set(dir(builtins))


def imported_modules(root: Node) -> set[str]:
    names = set()
    for node in root.named_children:
        if node.type == "import_statement":
            for item in node.named_children:
                alias = item.child_by_field_name("alias") if item.type == "aliased_import" else None
                names.add(text(alias) if alias is not None else text(item).split(".")[0])
    return names


def builds_collaborator(call: Node, modules: set[str]) -> bool:
    """A call that constructs a concrete object: ``Client(...)`` or ``module.factory(...)``."""
    if call.type != "call":
        return False
    function = call.child_by_field_name("function")
    if function.type == "identifier":
        name = text(function)
        return name[:1].isupper() and name not in BUILTINS
    if function.type == "attribute":
        head = function.child_by_field_name("object")
        return head.type == "identifier" and text(head) in modules
    return False


def built_collaborators(init: Definition, modules: set[str]) -> list[tuple[str, Node]]:
    """(attribute, call) for each ``self.x = <construction>`` at the top of ``__init__``."""
    params = parameters(init.node)
    if not params:
        return []
    me = params[0].name
    found = []
    for statement in init.body.named_children:
        if statement.type != "expression_statement" or not statement.named_children:
            continue
        assignment = statement.named_children[0]
        if assignment.type != "assignment":
            continue
        left, right = assignment.child_by_field_name("left"), assignment.child_by_field_name("right")
        if left is None or right is None or left.type != "attribute":
            continue
        owner = left.child_by_field_name("object")
        if owner.type == "identifier" and text(owner) == me and builds_collaborator(right, modules):
            found.append((text(left.child_by_field_name("attribute")), right))
    return found


def rewrite(source: str, target: Target) -> Rewrite | None:
    root = parse(source).root_node
    modules = imported_modules(root)
    changes, injected = [], []
    for cls in classes(root, target):
        init = next((d for d in definitions(cls.body) if d.name == "__init__" and not d.is_class), None)
        if init is None:
            continue
        params = parameters(init.node)
        taken = {p.name for p in params}
        added = []
        for attribute, call in built_collaborators(init, modules):
            name = attribute.lstrip("_")
            if name in taken or edits.uses_name(init.body, name):
                continue
            taken.add(name)
            added.append(name)
            changes.append(edits.Edit(call.start_byte, call.end_byte, f"{name} if {name} is not None else {text(call)}"))
        if not added:
            continue
        real = [p for p in params if p.kind != "separator"] or params
        anchor = next((p for p in params if p.kind == "double_star"), None)
        new_params = ", ".join(f"{n}=None" for n in added)
        if anchor is not None:
            changes.append(edits.Edit(anchor.node.start_byte, anchor.node.start_byte, new_params + ", "))
        else:
            end = params[-1].node.end_byte if params else real[-1].node.end_byte
            changes.append(edits.Edit(end, end, ", " + new_params))
        injected += [f"{cls.name}.{n}" for n in added]
    if not changes:
        return None
    return Rewrite(edits.apply(source, changes), f"{', '.join(injected)} can be passed in")


MOVE = Move(
    name="inject",
    title="Inject constructed collaborators",
    rationale=(
        "A constructor that builds its own connection or client cannot be tested or "
        "reconfigured without patching. Accepting the collaborator, with the old "
        "construction as the default, opens that seam and changes nothing for callers."
    ),
    rewrite=rewrite,
)
