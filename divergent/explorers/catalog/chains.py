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
    """A type-code chain at the top of the function's body, and whether statements follow
    it for the keys it does not know: the chain is the last statement, or every case
    leaves the function (then what follows it runs for the other keys, as before)."""
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


MOST_HANDED_ON = 2


def handing_on(function: Function, node: ast.FunctionDef) -> tuple[TypeCodeChain, tuple[str, ...], set[str]] | None:
    """A chain anywhere in the function (a loop's body too) whose cases bind one or two
    names that the rest of the function reads: each case can return them. With the
    names each case hands on and the names bound on every path to the chain."""
    for statements, bound in flow.statement_lists(node):
        for index, statement in enumerate(statements):
            if not isinstance(statement, (ast.If, ast.Match)):
                continue
            written = _tree_sitter_statement(function, statement)  # None for an ``elif``
            chain = type_code_chain(written) if written is not None else None
            if chain is None:
                continue
            before = bound | flow.definitely_binds(statements[:index])
            handed = handed_on(node, statement, chain, before)
            if handed is not None:
                return chain, handed, before
    return None


def handed_on(function: ast.FunctionDef, statement: ast.stmt, chain: TypeCodeChain, before: set[str]) -> tuple[str, ...] | None:
    """The names the cases bind that the function reads elsewhere (none, when the cases
    only act), when every case binds each of them (or raises, or it was bound before and
    passes through); None when the cases cannot move."""
    blocks = [_ast_block(statement, block) for _, block in chain.branches]
    if any(b is None or not flow.movable(b) for b in blocks):
        return None
    inside = {id(n) for b in blocks for s in b for n in ast.walk(s)}
    read_elsewhere = {
        n.id for n in ast.walk(function) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load) and id(n) not in inside
    }
    handed = sorted(set().union(*(flow.names(b).binds for b in blocks)) & read_elsewhere)
    local = flow.local_names(function)
    reads = {n for b in blocks for n in flow.free_reads(b, set()) if n in local}
    if len(handed) > MOST_HANDED_ON or not reads <= before:
        return None  # too much handed on, or a case may read a name not bound yet
    for block in blocks:
        certain = flow.definitely_binds(block)
        if not certain >= flow.ALL and not all(name in certain or name in before for name in handed):
            return None
    return tuple(handed)


def _tree_sitter_statement(function: Function, statement: ast.stmt) -> Node | None:
    row, column = statement.lineno - 1, statement.col_offset
    for node in walk(function.definition.body):
        if node.type in ("if_statement", "match_statement") and node.start_point == (row, column):
            return node
    return None


def _ast_function(tree: ast.Module, function: Function) -> ast.FunctionDef | None:
    line = function.definition.node.start_point[0] + 1
    return next((n for n in ast.walk(tree) if isinstance(n, flow.FUNCTIONS) and n.lineno == line), None)


def _ast_block(statement: ast.stmt, block: Node) -> list[ast.stmt] | None:
    """The statements of a tree-sitter block, as Python's ``ast`` reads them."""
    first = next((c for c in block.named_children if c.type != "comment"), None)
    if first is None:
        return None
    row, column = first.start_point
    for node in ast.walk(statement):
        for field in ("body", "orelse"):
            statements = getattr(node, field, None)
            if isinstance(statements, list) and statements and isinstance(statements[0], ast.stmt):
                if (statements[0].lineno, statements[0].col_offset) == (row + 1, column):
                    return statements
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
    handed: tuple[str, ...] = ()  # names the cases bind for the code after the chain: each case returns them
    inline: bool = False  # the chain is not the function's end: the call stands in its place, the else stays

    def case_body(self, code: Cases, data: bytes, block: Node) -> str:
        """A case's code as a function's body, not indented: its statements, then the
        ``return`` of the names it hands on (``x = value`` alone: ``return value``)."""
        body = edits.reindent(code.body(data, block), "")
        if not self.handed or ends_in_exit(block):
            return body
        statements = ast.parse(body).body
        only = statements[0] if len(statements) == 1 else None
        if isinstance(only, ast.Assign) and [ast.unparse(t) for t in only.targets] == [", ".join(self.handed)]:
            return f"return {ast.get_source_segment(body, only.value)}"
        return f"{body}\nreturn {', '.join(self.handed)}"


def label(key: str) -> str:
    """A case key's words for a name: ``"Aged Brie"`` -> ``aged_brie``, ``Kind.CSV`` -> ``csv``, ``str`` -> ``str``."""
    plain = re.sub(r"^[bBrRuUfF]*(['\"])(.*)\1$", r"\2", key).split(".")[-1]
    return re.sub(r"\W+", "_", plain).strip("_").lower() or "case"


def find(source: str, target: Target) -> Found | None:
    """The first function in scope whose type-code chain can move case by case."""
    root = parse(source).root_node
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    for function in functions(root, target):
        if function.definition.node.children[0].type == "async":
            continue
        found = chain_of(function)
        if found is not None and all(movable_case(block) for _, block in found[0].branches):
            chain, followed = found
            return Found(root, function, chain, followed, bound_before(source, function, chain))
        node = _ast_function(tree, function)
        handing = handing_on(function, node) if node is not None else None
        if handing is not None and all(movable_case(block) for _, block in handing[0].branches):
            chain, handed, before = handing
            return Found(root, function, chain, False, before, handed, inline=True)
    return None


def dispatched(found: Found, data: bytes, local: str, lookup: str, call: str) -> str:
    """What stands where a chain followed by other code stood: ``local = lookup``; for a
    known key, the names it hands on are assigned from ``call`` (the else stays as the
    other branch), or ``call`` is returned (what follows runs for the other keys)."""
    pad = " " * found.chain.node.start_point[1]
    step = pad + edits.INDENT
    head = f"{local} = {lookup}\n{pad}if {local} is not None:\n{step}"
    if not found.inline:
        return f"{head}return {call}"
    text = f"{head}{', '.join(found.handed)} = {call}" if found.handed else f"{head}{call}"
    otherwise = found.chain.otherwise
    if otherwise is not None:
        text += f"\n{pad}else:\n{edits.reindent(edits.node_block_text(otherwise, data), step)}"
    return text


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
    inputs = case_inputs(function, blocks, found.bound)
    inputs += [name for name in found.handed if name in found.bound and name not in inputs]  # passed through
    return Cases(inputs, me, instance)
