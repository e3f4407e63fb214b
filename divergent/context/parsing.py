"""Parsing source text with tree-sitter: one parser per language, cached."""

from __future__ import annotations

from functools import cache
from importlib import resources

import tree_sitter_python
from tree_sitter import Language, Node, Parser, Query, QueryCursor, Tree

LANGUAGES = {".py": "python"}


@cache
def language(name: str = "python") -> Language:
    if name != "python":
        raise ValueError(f"unsupported language: {name}")
    return Language(tree_sitter_python.language())


def parse(source: str | bytes, lang: str = "python") -> Tree:
    data = source.encode() if isinstance(source, str) else source
    return Parser(language(lang)).parse(data)


@cache
def query(lang: str, name: str) -> Query:
    """The query ``queries/{lang}-{name}.scm`` shipped with the package."""
    text = resources.files("divergent.context").joinpath(f"queries/{lang}-{name}.scm").read_text()
    return Query(language(lang), text)


def captures(q: Query, node: Node) -> dict[str, list[Node]]:
    return QueryCursor(q).captures(node)


def text(node: Node) -> str:
    return node.text.decode() if node.text is not None else ""


def has_errors(tree: Tree) -> bool:
    return tree.root_node.has_error
