"""Design features of Python code that the catalog rewrites.

If/elif chains on a type code and constructors that build concrete collaborators,
with the nodes a rewrite needs. Critics count features in every language through
``divergent.context.structure`` instead.
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass

from tree_sitter import Node

from divergent.context.parsing import text
from divergent.context.structure import MIN_TYPE_CODE_CASES
from divergent.context.syntax import Definition, definitions, parameters

BUILTINS = set(dir(builtins))
LITERALS = ("string", "integer")


@dataclass(frozen=True)
class TypeCodeChain:
    node: Node  # the if_statement or match_statement
    discriminator: str
    branches: list[tuple[list[str], Node]]  # (literal keys, block) per case
    otherwise: Node | None  # the else block


def literal_keys(condition: Node | None) -> tuple[str, list[str]] | None:
    """(discriminator, literal keys) of ``d == "x"`` or ``d in ("x", "y")``."""
    if condition is None or condition.type != "comparison_operator" or len(condition.named_children) != 2:
        return None
    left, right = condition.named_children
    operator = text(condition)[left.end_byte - condition.start_byte : right.start_byte - condition.start_byte]
    operator = operator.strip()
    subject = ("identifier", "attribute")
    if operator == "==":
        if right.type in LITERALS and left.type in subject:
            return text(left), [text(right)]
        if left.type in LITERALS and right.type in subject:
            return text(right), [text(left)]
    if operator == "in" and left.type in subject and right.type in ("tuple", "list", "set"):
        items = right.named_children
        if items and all(i.type in LITERALS for i in items):
            return text(left), [text(i) for i in items]
    return None


def if_chain(node: Node) -> TypeCodeChain | None:
    """An if/elif chain comparing one discriminator with distinct literals, if ``node`` is one."""
    if node.type != "if_statement":
        return None
    clauses = [(node.child_by_field_name("condition"), node.child_by_field_name("consequence"))]
    otherwise = None
    for alt in node.children_by_field_name("alternative"):
        if alt.type == "elif_clause":
            clauses.append((alt.child_by_field_name("condition"), alt.child_by_field_name("consequence")))
        else:
            otherwise = alt.child_by_field_name("body")
    discriminator, branches = None, []
    for condition, block in clauses:
        found = literal_keys(condition)
        if found is None or (discriminator is not None and found[0] != discriminator):
            return None
        discriminator = found[0]
        branches.append((found[1], block))
    keys = [k for ks, _ in branches for k in ks]
    if len(branches) < MIN_TYPE_CODE_CASES or len(set(keys)) != len(keys):
        return None
    return TypeCodeChain(node, discriminator, branches, otherwise)


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


def self_assignments(init: Definition) -> list[tuple[str, Node]]:
    """(attribute, value) of each ``self.x = value`` statement at the top of a method."""
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
        if owner.type == "identifier" and text(owner) == me:
            found.append((text(left.child_by_field_name("attribute")), right))
    return found


def constructor(cls: Definition) -> Definition | None:
    return next((d for d in definitions(cls.body) if d.name == "__init__" and not d.is_class), None)


def built_collaborators(init: Definition, modules: set[str]) -> list[tuple[str, Node]]:
    """(attribute, call) for each ``self.x = <construction>`` at the top of ``__init__``."""
    return [(a, v) for a, v in self_assignments(init) if builds_collaborator(v, modules)]
