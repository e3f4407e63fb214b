"""Extract a Protocol of a class's public methods.

Callers can then depend on the interface rather than the concrete class, and a
second implementation (a fake in tests, another backend) needs no inheritance.
"""

from __future__ import annotations

from divergent.context.parsing import parse, text
from divergent.context.syntax import definitions, docstring
from divergent.explorers.catalog import edits
from divergent.explorers.catalog.moves import Move, Rewrite
from divergent.explorers.catalog.scope import classes
from divergent.context.syntax import is_public
from divergent.model import Target

KEPT_DECORATORS = ("@property", "@staticmethod", "@classmethod")


def _stub(definition) -> str:
    header = edits.header(definition.node)
    decorators = [
        text(d) for d in definition.outer.named_children if d.type == "decorator" and text(d) in KEPT_DECORATORS
    ]
    lines = [edits.INDENT + d for d in decorators]
    lines.append(edits.INDENT + " ".join(header.split()).replace("( ", "(").replace(" )", ")") + " ...")
    return "\n".join(lines)


def rewrite(source: str, target: Target) -> Rewrite | None:
    root = parse(source).root_node
    taken = edits.module_names(root)
    changes, names = [], []
    for cls in classes(root, target):
        methods = [d for d in definitions(cls.body) if not d.is_class and is_public(d.name) and not d.name.startswith("__")]
        if not methods:
            continue
        name = edits.free_name(f"{cls.name}Protocol", taken)
        taken.add(name)
        names.append(name)
        doc = docstring(cls.body)
        summary = f"What callers need of {cls.name}."
        if doc is not None:
            said = text(doc).strip("\"' \n").rstrip(".")
            summary = f"The interface of {cls.name}: {said[:1].lower()}{said[1:]}."
        block = [f"class {name}(Protocol):", f'{edits.INDENT}"""{summary}"""', ""]
        block += [_stub(m) for m in methods]
        changes.append(edits.Edit(cls.outer.start_byte, cls.outer.start_byte, "\n".join(block) + "\n\n\n"))
    if not changes:
        return None
    new = edits.add_import(edits.apply(source, changes), "from typing import Protocol")
    return Rewrite(new, f"{', '.join(names)} for callers to depend on")


MOVE = Move(
    name="protocol",
    title="Extract a Protocol",
    rationale=(
        "Callers depend on a small structural interface instead of the concrete class, "
        "so a second implementation or a test double plugs in without inheritance."
    ),
    rewrite=rewrite,
    pairs=False,  # an interface nothing uses yet: worth seeing, not worth adding to every other design
)
