"""Type-code conditionals that a move can take apart case by case, and how a case's code
reads once it leaves its function; shared by ``handlers`` (a registry of functions) and
``polymorphism`` (a subclass per case).

A chain is an if/elif chain or a ``match`` in a function's body that compares one
discriminator with literals or enum members (``kind == "csv"``, ``offer.type ==
OfferType.BULK``, ``valtype is str``, ``case "a" | "b":``). Statements may come before
it; it must be the last statement, or every case must return or raise (then what
follows is the fallback).
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
