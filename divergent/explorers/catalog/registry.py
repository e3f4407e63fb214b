"""Replace a type-code conditional with a registry of handler functions.

Applies to an if/elif chain or a ``match`` in a function's body that compares one
discriminator with literals or enum members (``kind == "csv"``, ``offer.type ==
OfferType.BULK``, ``valtype is str``, ``case "a" | "b":``). Statements may come before
it; it must be the last statement, or every case must return or raise (then what
follows is the fallback). Each case becomes a module-level handler taking the names
it reads; a dict maps each key to its handler; the ``else`` keeps its place.
Adding a case then means adding a function and a dict entry, not a branch.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from tree_sitter import Node

from divergent.context.design import TypeCodeChain, type_code_chain
from divergent.context.parsing import parse, text
from divergent.context.syntax import docstring, parameters, walk
from divergent.explorers.catalog import edits, flow
from divergent.explorers.catalog.moves import Move, Rewrite
from divergent.explorers.catalog.scope import Function, functions
from divergent.model import Target

UNSAFE = ("yield", "await", "global_statement", "nonlocal_statement")


def chain_of(function: Function) -> tuple[TypeCodeChain, bool] | None:
    """The type-code chain of the function's body, and whether statements follow it.

    The chain is the last statement, or every case leaves the function (then what
    follows it runs for the keys it does not know, as before)."""
    body = function.definition.body
    statements = [s for s in body.named_children if s.type != "comment" and s != docstring(body)]
    for index, statement in enumerate(statements):
        found = type_code_chain(statement)
        if found is None:
            continue
        if index == len(statements) - 1:
            return found, False
        if found.otherwise is None and all(ends_in_exit(block) for _, block in found.branches):
            return found, True
    return None


def movable_case(node: Node) -> bool:
    for n in walk(node):
        if n.type in UNSAFE:
            return False
        if n.type == "identifier" and (text(n) in ("super", "__class__") or re.match(r"__\w+(?<!__)$", text(n))):
            return False
    return not edits.has_multiline_string(node)


def _handler_name(function: str, key: str, taken: set[str]) -> str:
    """``"text"`` -> ``_render_text``; ``Kind.CSV`` -> ``_render_csv``; ``str`` -> ``_format_str``."""
    plain = re.sub(r"^[bBrRuUfF]*(['\"])(.*)\1$", r"\2", key).split(".")[-1]
    label = re.sub(r"\W+", "_", plain).strip("_").lower() or "case"
    return edits.free_name(f"_{function.lstrip('_')}_{label}", taken)


def ends_in_exit(block: Node) -> bool:
    last = block.named_children[-1] if block.named_children else None
    return last is not None and last.type in ("return_statement", "raise_statement")


def bound_before(source: str, function: Function, chain: TypeCodeChain) -> set[str]:
    """Parameters and the names the statements before the chain bind (from Python's ``ast``)."""
    line = function.definition.node.start_point[0] + 1
    first = chain.node.start_point[0] + 1
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, flow.FUNCTIONS) and node.lineno == line:
            before = [s for s in node.body if s.end_lineno < first]
            return set(flow.parameters(node)) | flow.names(before).binds
    return set()


@dataclass(frozen=True)
class Found:
    """A type-code chain a move can take apart, with what the rewrite needs around it."""

    root: Node
    function: Function
    chain: TypeCodeChain
    followed: bool  # statements after the chain run for the keys it does not know
    bound: set[str]  # names bound before the chain


def find(source: str, target: Target) -> Found | None:
    """The first function in scope whose type-code chain can move case by case."""
    root = parse(source).root_node
    for function in functions(root, target):
        found = chain_of(function)
        if found is None or function.definition.node.children[0].type == "async":
            continue
        chain, followed = found
        if all(movable_case(block) for _, block in chain.branches):
            return Found(root, function, chain, followed, bound_before(source, function, chain))
    return None


def replace_chain(source: str, found: Found, dispatch: str, definitions: list[str]) -> str:
    """The chain replaced by ``dispatch``; ``definitions`` after the module-level statement that holds it."""
    chain = found.chain.node
    dispatched = edits.Edit(chain.start_byte, chain.end_byte, dispatch)
    return edits.apply(source, [dispatched, *edits.after({found.function.top.end_byte: definitions})])


def rewrite(source: str, target: Target) -> Rewrite | None:
    found = find(source, target)
    if found is None:
        return None
    return _rewrite(source, source.encode(), found)


def case_inputs(function: Function, blocks: list[Node], local: set[str]) -> list[str]:
    """The names ``blocks`` read that the function bound: parameters first, then locals in order of use."""
    params = [p.name for p in parameters(function.definition.node) if p.kind != "separator"]
    used = [p for p in params if any(edits.uses_name(b, p) for b in blocks)]
    for block in blocks:
        for n in walk(block):
            name = text(n)
            if n.type == "identifier" and name in local and name not in used and not edits.is_member_or_keyword(n):
                used.append(name)
    return used


@dataclass(frozen=True)
class Cases:
    """How the cases' code reads once it leaves the function: a method's instance becomes
    a named argument (``shapes`` for ``Shapes``), the names they read become parameters."""

    inputs: list[str]  # what the cases read that the function bound: the call's arguments
    me: str | None  # the method's instance parameter
    instance: str | None  # its name outside the method

    @property
    def signature(self) -> str:
        return ", ".join(self.instance if p == self.me else p for p in self.inputs)

    def body(self, data: bytes, block: Node) -> str:
        if self.me:
            return edits.rename_identifiers(block, data, self.me, self.instance, edits.line_start(data, block.start_byte))
        return edits.node_block_text(block, data)


def cases(found: Found, blocks: list[Node]) -> Cases:
    function = found.function
    params = [p for p in parameters(function.definition.node) if p.kind != "separator"]
    me = params[0].name if function.is_method and params else None
    instance = edits.snake(function.owner.name) if function.is_method else None
    if instance and any(edits.uses_name(block, instance) for block in blocks):
        instance = me
    return Cases(case_inputs(function, blocks, found.bound), me, instance)


def _rewrite(source: str, data: bytes, found: Found) -> Rewrite:
    root, function, chain, followed, local = found.root, found.function, found.chain, found.followed, found.bound
    name = function.definition.name
    discriminator, branches, otherwise = chain.discriminator, chain.branches, chain.otherwise
    code = cases(found, [block for _, block in branches])
    taken = edits.module_names(root) | local
    label = re.sub(r"\W+", "_", discriminator.split(".")[-1]).strip("_").upper()
    registry = edits.free_name(f"_{name.lstrip('_').upper()}_BY_{label}", taken)
    taken.add(registry)

    handlers, entries = [], []
    for keys, block in branches:
        handler = _handler_name(name, keys[0], taken)
        taken.add(handler)
        handlers.append(f"def {handler}({code.signature}):\n{edits.reindent(code.body(data, block), edits.INDENT)}")
        entries += [f"{edits.INDENT}{key}: {handler}," for key in keys]

    column = chain.node.start_point[1]
    pad = " " * column
    local_name = edits.free_name("handler", local)
    call_args = ", ".join(code.inputs)
    if followed:
        dispatch = (
            f"{local_name} = {registry}.get({discriminator})\n"
            f"{pad}if {local_name} is not None:\n{pad}{edits.INDENT}return {local_name}({call_args})"
        )
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
