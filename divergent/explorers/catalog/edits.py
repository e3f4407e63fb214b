"""Text edits over source, by byte range, and the small rewrites moves share."""

from __future__ import annotations

import re
from dataclasses import dataclass

from tree_sitter import Node

from divergent.context.parsing import text
from divergent.context.syntax import walk

INDENT = "    "


@dataclass(frozen=True)
class Edit:
    start: int  # byte offsets into the UTF-8 source
    end: int
    new: str


def apply(source: str, edits: list[Edit]) -> str:
    data = source.encode()
    for edit in sorted(edits, key=lambda e: (e.start, e.end), reverse=True):
        data = data[: edit.start] + edit.new.encode() + data[edit.end :]
    return data.decode()


def after(appended: dict[int, list[str]]) -> list[Edit]:
    """Edits that put new module-level definitions after the statement ending at each byte,
    two blank lines apart."""
    return [Edit(end, end, "\n\n\n" + "\n\n\n".join(texts)) for end, texts in appended.items()]


def header(node: Node) -> str:
    """A ``def``'s or ``class``'s text up to its colon (a comment may follow the colon)."""
    colon = next(c for c in node.children if c.type == ":")
    return node.text[: colon.end_byte - node.start_byte].decode()


def dataclass_text(name: str, doc: str, fields: list[str], frozen: bool = False) -> str:
    """A dataclass's text: ``fields`` are written as given ("total: Any = 0")."""
    decorator = "@dataclass(frozen=True)" if frozen else "@dataclass"
    rows = "\n".join(INDENT + field for field in fields)
    return f'{decorator}\nclass {name}:\n{INDENT}"""{doc}"""\n\n{rows}\n'


def with_dataclass_imports(source: str, fields: list[str]) -> str:
    """``source`` with the imports a ``dataclass_text`` of ``fields`` needs."""
    source = add_import(source, "from dataclasses import dataclass")
    return add_import(source, "from typing import Any") if any(": Any" in f for f in fields) else source


def line_start(source: bytes, byte: int) -> int:
    return source.rfind(b"\n", 0, byte) + 1


def node_block_text(node: Node, source: bytes) -> str:
    """The node's text from the start of its first line, so indentation is kept."""
    return source[line_start(source, node.start_byte) : node.end_byte].decode()


def reindent(block: str, to: str) -> str:
    """Strip the common indentation of ``block`` and indent it by ``to``."""
    lines = block.splitlines()
    widths = [len(line) - len(line.lstrip()) for line in lines if line.strip()]
    cut = min(widths, default=0)
    return "\n".join((to + line[cut:]) if line.strip() else "" for line in lines)


def has_multiline_string(node: Node) -> bool:
    """Moving such code would change the string's value when it is re-indented."""
    return any(n.type == "string" and n.start_point[0] != n.end_point[0] for n in walk(node))


def rename_identifiers(node: Node, source: bytes, old: str, new: str, base: int) -> str:
    """The node's text (from its line start, offset ``base``) with ``old`` renamed to ``new``.

    Attribute names after a dot and keyword-argument names are left alone.
    """
    edits = [
        Edit(n.start_byte - base, n.end_byte - base, new)
        for n in walk(node)
        if n.type == "identifier" and text(n) == old and not is_member_or_keyword(n)
    ]
    return apply(source[base : node.end_byte].decode(), edits)


def qualify(root: Node, data: bytes, start: int, end: int, names: set[str], owner: str) -> str:
    """The text of bytes ``start..end`` with every use of ``names`` written ``owner.<name>``
    (attribute names after a dot and keyword-argument names are left alone)."""
    changes = [
        Edit(n.start_byte - start, n.end_byte - start, f"{owner}.{text(n)}")
        for n in walk(root)
        if n.type == "identifier" and start <= n.start_byte < end and text(n) in names and not is_member_or_keyword(n)
    ]
    return apply(data[start:end].decode(), changes)


def is_member_or_keyword(node: Node) -> bool:
    parent = node.parent
    if parent is None:
        return False
    if parent.type == "attribute" and parent.child_by_field_name("attribute") == node:
        return True
    return parent.type == "keyword_argument" and parent.child_by_field_name("name") == node


def uses_name(node: Node, name: str) -> bool:
    return any(
        n.type == "identifier" and text(n) == name and not is_member_or_keyword(n) for n in walk(node)
    )


def snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def camel(name: str) -> str:
    return "".join(part.capitalize() for part in name.strip("_").split("_") if part)


def add_import(source: str, line: str) -> str:
    """Add ``line`` after the module's last top-level import (or its docstring)."""
    if re.search(rf"^{re.escape(line)}$", source, re.M):
        return source
    import ast

    lines = source.splitlines(keepends=True)
    try:
        body = ast.parse(source).body
    except SyntaxError:
        return source
    imports = [n for n in body if isinstance(n, (ast.Import, ast.ImportFrom))]
    docstring = body[:1] if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str) else []
    anchor = imports[-1] if imports else (docstring[0] if docstring else None)
    insert_at = anchor.end_lineno if anchor is not None else 0  # an import may span lines: after its last
    follows = lines[insert_at] if insert_at < len(lines) else ""
    if anchor is None:  # the module's first line: keep it apart from the code below
        added = line + "\n" + ("\n\n" if follows.strip() else "")
    elif not imports:  # after the docstring
        added = "\n" + line + "\n"
    else:
        added = line + "\n"
    lines.insert(insert_at, added)
    return "".join(lines)


def module_names(root: Node) -> set[str]:
    """Names bound at module level: definitions, assignments and imports."""
    names: set[str] = set()
    for child in root.named_children:
        node = child.child_by_field_name("definition") if child.type == "decorated_definition" else child
        if node is None:
            continue
        if node.type in ("class_definition", "function_definition"):
            names.add(text(node.child_by_field_name("name")))
        elif node.type == "expression_statement":
            for n in node.named_children:
                if n.type == "assignment":
                    names |= {text(i) for i in walk(n.child_by_field_name("left")) if i.type == "identifier"}
        elif node.type in ("import_statement", "import_from_statement"):
            names |= {text(i) for i in walk(node) if i.type == "identifier"}
    return names


def free_name(wanted: str, taken: set[str]) -> str:
    name, n = wanted, 2
    while name in taken:
        name, n = f"{wanted}_{n}", n + 1
    return name
