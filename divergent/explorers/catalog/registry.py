"""Replace a type-code if/elif chain with a registry of handler functions.

Applies to a function whose body (after its docstring) is one if/elif chain that
compares the same discriminator with literals. Each branch becomes a module-level
handler; a dict maps each literal to its handler; the ``else`` keeps its place.
Adding a case then means adding a function and a dict entry, not a branch.
"""

from __future__ import annotations

import re

from tree_sitter import Node

from divergent.context.design import TypeCodeChain, if_chain
from divergent.context.parsing import parse, text
from divergent.context.syntax import docstring, parameters, walk
from divergent.explorers.catalog import edits
from divergent.explorers.catalog.moves import Move, Rewrite
from divergent.explorers.catalog.scope import Function, functions
from divergent.model import Target

UNSAFE = ("yield", "await", "global_statement", "nonlocal_statement")


def _chain(function: Function) -> TypeCodeChain | None:
    """The type-code chain that is the function's whole body (after its docstring)."""
    body = function.definition.body
    statements = [s for s in body.named_children if s.type != "comment" and s != docstring(body)]
    if len(statements) != 1:
        return None
    return if_chain(statements[0])


def _safe(node: Node) -> bool:
    for n in walk(node):
        if n.type in UNSAFE:
            return False
        if n.type == "identifier" and (text(n) in ("super", "__class__") or re.match(r"__\w+(?<!__)$", text(n))):
            return False
    return not edits.has_multiline_string(node)


def _handler_name(function: str, key: str, taken: set[str]) -> str:
    label = re.sub(r"\W+", "_", key.strip("'\"bBrRuU")).strip("_").lower() or "case"
    return edits.free_name(f"_{function.lstrip('_')}_{label}", taken)


def _ends_in_exit(block: Node) -> bool:
    last = block.named_children[-1] if block.named_children else None
    return last is not None and last.type in ("return_statement", "raise_statement")


def rewrite(source: str, target: Target) -> Rewrite | None:
    data = source.encode()
    root = parse(source).root_node
    for function in functions(root, target):
        found = _chain(function)
        if found is None or function.definition.node.children[0].type == "async":
            continue
        if not all(_safe(block) for _, block in found.branches):
            continue
        return _rewrite(source, data, root, function, found.node, found.discriminator, found.branches, found.otherwise)
    return None


def _rewrite(source, data, root, function, chain, discriminator, branches, otherwise) -> Rewrite:
    name = function.definition.name
    params = [p for p in parameters(function.definition.node) if p.kind != "separator"]
    self_name = params[0].name if function.is_method and params else None
    used = [p for p in params if any(edits.uses_name(block, p.name) for _, block in branches)]
    owner_var = edits.snake(function.owner.name) if function.is_method else None
    if owner_var and any(edits.uses_name(block, owner_var) for _, block in branches):
        owner_var = self_name
    taken = edits.module_names(root) | {p.name for p in params}
    registry = edits.free_name(f"_{name.lstrip('_').upper()}_BY_{discriminator.split('.')[-1].upper()}", taken)
    taken.add(registry)

    handlers, entries = [], []
    for keys, block in branches:
        handler = _handler_name(name, keys[0], taken)
        taken.add(handler)
        base = edits.line_start(data, block.start_byte)
        body = edits.rename_identifiers(block, data, self_name, owner_var, base) if self_name else data[base : block.end_byte].decode()
        signature = ", ".join(owner_var if p.name == self_name else p.name for p in used)
        handlers.append(f"def {handler}({signature}):\n{edits.reindent(body, edits.INDENT)}")
        entries += [f"{edits.INDENT}{key}: {handler}," for key in keys]

    column = chain.start_point[1]
    pad = " " * column
    local = edits.free_name("handler", {p.name for p in params})
    fallback = "return None"
    if otherwise is not None:
        block_text = data[edits.line_start(data, otherwise.start_byte) : otherwise.end_byte].decode()
        fallback = edits.reindent(block_text, pad + edits.INDENT).lstrip()
        if not _ends_in_exit(otherwise):
            fallback += f"\n{pad}{edits.INDENT}return None"
    call_args = ", ".join(p.name for p in used)
    dispatch = (
        f"{local} = {registry}.get({discriminator})\n"
        f"{pad}if {local} is None:\n{pad}{edits.INDENT}{fallback}\n"
        f"{pad}return {local}({call_args})"
    )
    top = function.owner.outer if function.is_method else function.definition.outer
    table = f"{registry} = {{\n" + "\n".join(entries) + "\n}"
    appended = "\n\n\n" + "\n\n\n".join(handlers) + "\n\n\n" + table
    new = edits.apply(source, [edits.Edit(chain.start_byte, chain.end_byte, dispatch), edits.Edit(top.end_byte, top.end_byte, appended)])
    detail = f"{name}({discriminator}): {len(branches)} handlers in {registry}"
    return Rewrite(new, detail)


MOVE = Move(
    name="registry",
    title="Registry of handlers",
    rationale=(
        "A type-code if/elif chain grows a branch for every new case and ties all cases "
        "to one function. A registry turns each case into its own function: a new case is "
        "a new function and one dict entry, and the dispatch stays constant."
    ),
    rewrite=rewrite,
)
