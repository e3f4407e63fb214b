"""Parsing source text with tree-sitter: one grammar per language, queries cached."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache, lru_cache
from importlib import resources
from pathlib import PurePath

import tree_sitter_go
import tree_sitter_java
import tree_sitter_javascript
import tree_sitter_python
import tree_sitter_rust
import tree_sitter_typescript
from tree_sitter import Language, Node, Parser, Query, QueryCursor, Tree

# File suffix -> language name.
LANGUAGES = {
    ".py": "python",
    ".js": "javascript",
    ".mjs": "javascript",
    ".cjs": "javascript",
    ".jsx": "javascript",
    ".ts": "typescript",
    ".tsx": "tsx",
    ".go": "go",
    ".rs": "rust",
    ".java": "java",
}

# Language name -> the grammar wheel's entry point.
GRAMMARS: dict[str, Callable[[], object]] = {
    "python": tree_sitter_python.language,
    "javascript": tree_sitter_javascript.language,
    "typescript": tree_sitter_typescript.language_typescript,
    "tsx": tree_sitter_typescript.language_tsx,
    "go": tree_sitter_go.language,
    "rust": tree_sitter_rust.language,
    "java": tree_sitter_java.language,
}

# A query file whose first line is ``; inherits: LANG`` is read after LANG's file of the same name.
INHERITS = "; inherits:"


@cache
def language(name: str = "python") -> Language:
    if name not in GRAMMARS:
        raise ValueError(f"unsupported language: {name}")
    return Language(GRAMMARS[name]())


def language_for(path: str | PurePath) -> str | None:
    """The language of a file, from its suffix; None when it is not one we read."""
    return LANGUAGES.get(PurePath(path).suffix.lower())


def parse(source: str | bytes, lang: str = "python") -> Tree:
    """The syntax tree of ``source``; the last few texts' trees are kept (framing and the
    critics read one text several times). A tree is shared: read it, never ``edit`` it."""
    return _parse(source.encode() if isinstance(source, str) else source, lang)


@lru_cache(maxsize=16)
def _parse(data: bytes, lang: str) -> Tree:
    return Parser(language(lang)).parse(data)


@lru_cache(maxsize=64)
def source_lines(source: str) -> list[str]:
    """``source``'s lines with their endings; the last few texts' are kept (framing reads a
    caller's lines for its call sites, then for the functions around them). Read, never change."""
    return source.splitlines(keepends=True)


@cache
def query(lang: str, name: str) -> Query:
    """The query ``queries/{lang}-{name}.scm`` shipped with the package, compiled once."""
    return Query(language(lang), _query_text(lang, name))


def _query_text(lang: str, name: str) -> str:
    text = resources.files("divergent.context").joinpath(f"queries/{lang}-{name}.scm").read_text()
    first = text.partition("\n")[0]
    if first.startswith(INHERITS):
        return "".join(_query_text(parent.strip(), name) + "\n" for parent in first[len(INHERITS) :].split(",")) + text
    return text


def captures(q: Query, node: Node) -> dict[str, list[Node]]:
    return QueryCursor(q).captures(node)


def text(node: Node) -> str:
    return node.text.decode() if node.text is not None else ""


def has_errors(tree: Tree) -> bool:
    return tree.root_node.has_error
