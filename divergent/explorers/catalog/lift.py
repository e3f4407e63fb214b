"""Lift methods that never use ``self`` into module functions.

The method stays as a one-line delegation, so every caller keeps working; the
logic becomes a plain function that can be tested and reused without an instance.
"""

from __future__ import annotations

import re

from tree_sitter import Node

from divergent.context.parsing import parse, text
from divergent.context.syntax import docstring, forward_arguments, parameters, walk
from divergent.explorers.catalog import edits
from divergent.explorers.catalog.moves import Move, Rewrite
from divergent.explorers.catalog.scope import Function, functions
from divergent.model import Target


def _liftable(function: Function) -> bool:
    node = function.definition.node
    name = function.definition.name
    if not function.is_method or function.definition.outer is not node or name.startswith("__"):
        return False
    if node.children[0].type == "async":
        return False
    params = parameters(node)
    if not params or params[0].kind != "plain":
        return False
    body = function.definition.body
    if edits.uses_name(body, params[0].name) or edits.has_multiline_string(body):
        return False
    return not any(
        n.type == "identifier" and (text(n) in ("super", "__class__") or re.match(r"__\w+(?<!__)$", text(n)))
        for n in walk(body)
    )


def _function_text(node: Node, data: bytes, name: str) -> str:
    params = parameters(node)[1:]
    header = f"def {name}({', '.join(text(p.node) for p in params)})"
    returns = node.child_by_field_name("return_type")
    if returns is not None:
        header += f" -> {text(returns)}"
    body = node.child_by_field_name("body")
    block = edits.node_block_text(body, data)
    return f"{header}:\n{edits.reindent(block, edits.INDENT)}"


def rewrite(source: str, target: Target) -> Rewrite | None:
    data = source.encode()
    root = parse(source).root_node
    lifted = [f for f in functions(root, target) if _liftable(f)]
    if not lifted:
        return None
    taken = edits.module_names(root)
    changes: list[edits.Edit] = []
    appended: dict[int, list[str]] = {}
    names = []
    for function in lifted:
        node = function.definition.node
        name = edits.free_name(function.definition.name, taken)
        taken.add(name)
        names.append(function.definition.name)
        appended.setdefault(function.top.end_byte, []).append(_function_text(node, data, name))
        body = function.definition.body
        keep = docstring(body)
        column = body.start_point[1]
        call = f"return {name}({forward_arguments(parameters(node)[1:])})"
        start = keep.end_byte if keep is not None else body.start_byte
        new_body = ("\n" + " " * column + call) if keep is not None else call
        changes.append(edits.Edit(start, body.end_byte, new_body))
    return Rewrite(edits.apply(source, changes + edits.after(appended)), f"{', '.join(names)} as module functions")


MOVE = Move(
    name="lift",
    title="Lift self-free methods to functions",
    rationale=(
        "Methods that never touch the instance are functions in disguise: as module "
        "functions they can be tested and reused without building the object, and the "
        "class keeps only what needs its state. Thin delegating methods keep callers working."
    ),
    rewrite=rewrite,
)
