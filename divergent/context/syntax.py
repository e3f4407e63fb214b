"""Small helpers over tree-sitter's Python syntax tree: definitions, signatures, names."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from tree_sitter import Node

from divergent.context.parsing import text

DEFINITIONS = ("class_definition", "function_definition")


@dataclass(frozen=True)
class Definition:
    name: str
    node: Node  # the class_definition / function_definition
    outer: Node  # the same node, or the decorated_definition around it

    @property
    def is_class(self) -> bool:
        return self.node.type == "class_definition"

    @property
    def body(self) -> Node:
        return self.node.child_by_field_name("body")


def definitions(block: Node) -> Iterator[Definition]:
    """The classes and functions defined directly in a module or a class body."""
    for child in block.named_children:
        node = child
        if child.type == "decorated_definition":
            node = child.child_by_field_name("definition")
        if node is not None and node.type in DEFINITIONS:
            yield Definition(text(node.child_by_field_name("name")), node, child)


def find_definition(root: Node, dotted: str) -> Definition | None:
    """``Class``, ``Class.method``, ``function`` (or deeper, through class bodies)."""
    block = root
    found = None
    for part in dotted.split("."):
        if found is not None:
            if not found.is_class:
                return None
            block = found.body
        found = next((d for d in definitions(block) if d.name == part), None)
        if found is None:
            return None
    return found


def signature(definition: Definition) -> str:
    """The header line(s) of a definition, up to the colon, decorators included."""
    node = definition.node
    body = node.child_by_field_name("body")
    head = node.text[: body.start_byte - node.start_byte].decode().rstrip()
    decorators = [text(d) for d in definition.outer.named_children if d.type == "decorator"]
    return "\n".join([*decorators, head])


def identifiers(node: Node) -> Iterator[Node]:
    """Every identifier node below ``node`` (depth first, in source order)."""
    return (n for n in walk(node) if n.type == "identifier")


def name_leaves(node: Node) -> Iterator[Node]:
    """Every identifier-like leaf below ``node`` in any grammar (``identifier``,
    ``property_identifier``, ``field_identifier``, ``type_identifier``...)."""
    return (n for n in walk(node) if n.type.endswith("identifier") and not n.children)


def walk(node: Node) -> Iterator[Node]:
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(current.children))


def is_public(name: str) -> bool:
    return not name.startswith("_") or (name.startswith("__") and name.endswith("__"))


@dataclass(frozen=True)
class Param:
    name: str
    kind: str  # plain | star | double_star | keyword_only | separator
    default: str | None
    annotation: str | None
    node: Node


def parameters(function: Node) -> list[Param]:
    """The parameters of a function_definition, in order, with their kinds."""
    out: list[Param] = []
    after_star = False
    for p in function.child_by_field_name("parameters").named_children:
        if p.type in ("keyword_separator", "positional_separator"):
            after_star = after_star or p.type == "keyword_separator"
            out.append(Param(text(p), "separator", None, None, p))
            continue
        if p.type in ("list_splat_pattern", "dictionary_splat_pattern"):
            name = text(p.named_children[0])
            kind = "star" if p.type == "list_splat_pattern" else "double_star"
            after_star = after_star or kind == "star"
            out.append(Param(name, kind, None, None, p))
            continue
        if p.type == "typed_parameter":
            inner = p.named_children[0]
            annotation = p.child_by_field_name("type")
            if inner.type in ("list_splat_pattern", "dictionary_splat_pattern"):
                kind = "star" if inner.type == "list_splat_pattern" else "double_star"
                after_star = after_star or kind == "star"
                out.append(Param(text(inner.named_children[0]), kind, None, text(annotation), p))
                continue
            out.append(Param(text(inner), "keyword_only" if after_star else "plain", None, text(annotation), p))
            continue
        name_node = p.child_by_field_name("name") if p.type != "identifier" else p
        default = p.child_by_field_name("value")
        annotation = p.child_by_field_name("type")
        out.append(
            Param(
                text(name_node),
                "keyword_only" if after_star else "plain",
                text(default) if default is not None else None,
                text(annotation) if annotation is not None else None,
                p,
            )
        )
    return out


def forward_arguments(params: list[Param]) -> str:
    """The argument list that passes a function's parameters on unchanged."""
    args = []
    for p in params:
        if p.kind == "plain":
            args.append(p.name)
        elif p.kind == "keyword_only":
            args.append(f"{p.name}={p.name}")
        elif p.kind == "star":
            args.append(f"*{p.name}")
        elif p.kind == "double_star":
            args.append(f"**{p.name}")
    return ", ".join(args)


def docstring(body: Node) -> Node | None:
    first = body.named_children[0] if body.named_children else None
    if first is not None and first.type == "expression_statement" and first.named_children:
        if first.named_children[0].type == "string":
            return first
    return None


def all_definitions(root: Node, prefix: str = "") -> list[tuple[str, Definition]]:
    """Every class and function at any depth, with its dotted name (``Class.method``)."""
    out = []
    for d in definitions(root):
        name = f"{prefix}{d.name}"
        out.append((name, d))
        out += all_definitions(d.body, name + ".")
    return out


def words(identifier: str) -> list[str]:
    """``renderYamlReport`` / ``render_yaml_report`` -> ["render", "yaml", "report"]."""
    import re

    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", identifier)
    return [w.lower() for w in re.split(r"[_\W]+", spaced) if w]
