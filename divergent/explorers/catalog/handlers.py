"""Replace a type-code conditional with a registry of handler functions.

Each case of the chain (see ``chains``) becomes a module-level handler taking the names
it reads; a dict maps each key to its handler; the ``else`` keeps its place. Adding a
case then means adding a function and a dict entry, not a branch.
"""

from __future__ import annotations

import re

from divergent.explorers.catalog import edits
from divergent.explorers.catalog.chains import Found, cases, dispatched, ends_in_exit, find, label, replace_chain
from divergent.explorers.catalog.moves import Move, Rewrite
from divergent.model import Target


def _handler_name(function: str, key: str, taken: set[str]) -> str:
    """``"text"`` -> ``_render_text``; ``Kind.CSV`` -> ``_render_csv``; ``str`` -> ``_format_str``."""
    return edits.free_name(f"_{function.lstrip('_')}_{label(key)}", taken)


def rewrite(source: str, target: Target) -> Rewrite | None:
    found = find(source, target)
    if found is None:
        return None
    return _rewrite(source, source.encode(), found)


def _rewrite(source: str, data: bytes, found: Found) -> Rewrite:
    root, function, chain, followed, local = found.root, found.function, found.chain, found.followed, found.bound
    name = function.definition.name
    discriminator, branches, otherwise = chain.discriminator, chain.branches, chain.otherwise
    code = cases(found, [block for _, block in branches])
    taken = edits.module_names(root) | local
    suffix = re.sub(r"\W+", "_", discriminator.split(".")[-1]).strip("_").upper()
    registry = edits.free_name(f"_{name.lstrip('_').upper()}_BY_{suffix}", taken)
    taken.add(registry)

    handlers, entries = [], []
    for keys, block in branches:
        handler = _handler_name(name, keys[0], taken)
        taken.add(handler)
        body = edits.reindent(found.case_body(code, data, block), edits.INDENT)
        handlers.append(f"def {handler}({code.signature}):\n{body}")
        entries += [f"{edits.INDENT}{key}: {handler}," for key in keys]

    column = chain.node.start_point[1]
    pad = " " * column
    local_name = edits.free_name("handler", local)
    call_args = ", ".join(code.inputs)
    if found.inline or followed:
        dispatch = dispatched(found, data, local_name, f"{registry}.get({discriminator})", f"{local_name}({call_args})")
    else:
        fallback = "return None"
        if otherwise is not None:
            block_text = edits.node_block_text(otherwise, data)
            fallback = edits.reindent(block_text, pad + edits.INDENT).lstrip()
            if not ends_in_exit(otherwise):
                fallback += f"\n{pad}{edits.INDENT}return None"
        dispatch = (
            f"{local_name} = {registry}.get({discriminator})\n"
            f"{pad}if {local_name} is None:\n{pad}{edits.INDENT}{fallback}\n"
            f"{pad}return {local_name}({call_args})"
        )
    table = f"{registry} = {{\n" + "\n".join(entries) + "\n}"
    new = replace_chain(source, found, dispatch, [*handlers, table])
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
