"""Inject the collaborators a constructor builds, keeping the old construction as the default.

``self.conn = sqlite3.connect(path)`` becomes
``self.conn = conn if conn is not None else sqlite3.connect(path)`` with a new
``conn=None`` parameter: tests and other callers can hand in their own.
"""

from __future__ import annotations

from divergent.context.parsing import parse, text
from divergent.context.design import built_collaborators, constructor, imported_modules
from divergent.context.syntax import parameters
from divergent.explorers.catalog import edits
from divergent.explorers.catalog.moves import Move, Rewrite
from divergent.explorers.catalog.scope import classes
from divergent.model import Target

def rewrite(source: str, target: Target) -> Rewrite | None:
    root = parse(source).root_node
    modules = imported_modules(root)
    changes, injected = [], []
    for cls in classes(root, target):
        init = constructor(cls)
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
