"""Design features of Python code that the catalog rewrites.

If/elif chains on a type code and constructors that build concrete collaborators,
with the nodes a rewrite needs. Critics count features in every language through
``divergent.context.structure`` instead.
"""

from __future__ import annotations

import ast
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


SUBJECTS = ("identifier", "attribute", "subscript")
# Names whose identity is their equality: builtin types (``valtype is str``).
BUILTIN_TYPES = frozenset({"str", "int", "float", "bytes", "bool", "list", "dict", "tuple", "set", "frozenset",
                           "complex", "bytearray", "type"})


def is_enum_member(node: Node) -> bool:
    """``Kind.CSV``, ``SpecialOfferType.THREE_FOR_TWO``: a member of a class named in CapWords."""
    if node.type != "attribute":
        return False
    head = node.child_by_field_name("object")
    return head.type == "identifier" and text(head)[:1].isupper() and not text(head).isupper()


def _key(node: Node, operator: str) -> bool:
    if operator == "is":
        return is_enum_member(node) or (node.type == "identifier" and text(node) in BUILTIN_TYPES)
    return node.type in LITERALS or is_enum_member(node)


def literal_keys(condition: Node | None) -> tuple[str, list[str]] | None:
    """(discriminator, keys) of ``d == "x"``, ``d in ("x", "y")``, ``d == Kind.X``, ``t is str``."""
    if condition is None or condition.type != "comparison_operator" or len(condition.named_children) != 2:
        return None
    left, right = condition.named_children
    operator = text(condition)[left.end_byte - condition.start_byte : right.start_byte - condition.start_byte]
    operator = " ".join(operator.split())
    if operator in ("==", "is"):
        if _key(right, operator) and left.type in SUBJECTS and not _key(left, operator):
            return text(left), [text(right)]
        if _key(left, operator) and right.type in SUBJECTS and not _key(right, operator):
            return text(right), [text(left)]
    if operator == "in" and left.type in SUBJECTS and right.type in ("tuple", "list", "set"):
        items = right.named_children
        if items and all(_key(i, "==") for i in items):
            return text(left), [text(i) for i in items]
    return None


def _value(key: str) -> object:
    try:
        return ("literal", ast.literal_eval(key))
    except (ValueError, SyntaxError):
        return ("name", key)


def _distinct(branches: list[tuple[list[str], Node]]) -> bool:
    """Enough cases, and no two keys equal ("a" and 'a' are the same key)."""
    keys = [_value(k) for ks, _ in branches for k in ks]
    return len(branches) >= MIN_TYPE_CODE_CASES and len(set(keys)) == len(keys)


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
    if not _distinct(branches):
        return None
    return TypeCodeChain(node, discriminator, branches, otherwise)


def _case_keys(pattern: Node) -> list[str] | None:
    """The keys of ``case "a" | "b":`` or ``case Kind.X:``; None for captures, classes, guards."""
    inner = pattern.named_children
    if len(inner) != 1:
        return None
    node = inner[0]
    options = node.named_children if node.type == "union_pattern" else [node]
    keys = []
    for option in options:
        if option.type in LITERALS:
            keys.append(text(option))
        elif option.type == "dotted_name" and len(option.named_children) == 2 and text(option)[:1].isupper():
            keys.append(text(option))
        else:
            return None
    return keys


def match_chain(node: Node) -> TypeCodeChain | None:
    """A ``match`` on one subject whose cases are literals or enum members (``case _`` the else)."""
    if node.type != "match_statement":
        return None
    subject = node.child_by_field_name("subject")
    if subject is None or subject.type not in SUBJECTS:
        return None
    branches, otherwise = [], None
    cases = [c for c in node.child_by_field_name("body").named_children if c.type == "case_clause"]
    for index, case in enumerate(cases):
        if case.child_by_field_name("guard") is not None:
            return None
        pattern = next(c for c in case.named_children if c.type == "case_pattern")
        block = case.child_by_field_name("consequence")
        if text(pattern) == "_" and index == len(cases) - 1:
            otherwise = block
            continue
        keys = _case_keys(pattern)
        if keys is None:
            return None
        branches.append((keys, block))
    if not _distinct(branches):
        return None
    return TypeCodeChain(node, text(subject), branches, otherwise)


def type_code_chain(node: Node) -> TypeCodeChain | None:
    """An if/elif chain or a ``match`` on one discriminator, if ``node`` is one."""
    return if_chain(node) or match_chain(node)


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
