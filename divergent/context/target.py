"""Resolving ``PATH`` or ``PATH::Symbol`` to a Target at the repository's HEAD commit."""

from __future__ import annotations

from pathlib import Path

from divergent.context import repo as gitrepo
from divergent.context.figures import scanned
from divergent.context.parsing import LANGUAGES, language_for, parse
from divergent.context.syntax import all_definitions, find_definition
from divergent.model import InputError, Target


def split_spec(spec: str) -> tuple[str, str | None]:
    path, sep, symbol = spec.partition("::")
    if not path:
        raise InputError(f"no path in target: {spec!r} (expected PATH or PATH::Symbol)")
    if sep and not symbol:
        raise InputError(f"no symbol after '::' in target: {spec!r}")
    return path, symbol or None


def _locate(path: str, top: Path, cwd: Path, repo_given: bool) -> Path:
    """A relative path is read against --repo when one is given, else the current directory."""
    given = Path(path).expanduser()
    if given.is_absolute():
        candidates = [given]
    else:
        candidates = [top / given, cwd / given] if repo_given else [cwd / given, top / given]
    for candidate in candidates:
        if candidate.exists():
            return candidate
    raise InputError(f"no such file: {path}")


def resolve(spec: str, repo_arg: str | None, cwd: Path) -> tuple[Target, str]:
    """The target and its file's text at HEAD. Raises InputError on anything amiss."""
    path, symbol = split_spec(spec)
    top = gitrepo.find_top_level(repo_arg, cwd)
    found = _locate(path, top, cwd, repo_arg is not None)
    try:
        rel = found.resolve().relative_to(top).as_posix()
    except ValueError:
        raise InputError(f"{path} is not inside the repository {top}") from None
    if found.is_dir():
        raise InputError(f"{path} is a directory: name a source file, optionally with ::Symbol")
    lang = language_for(rel)
    if lang is None:
        known = ", ".join(sorted(set(LANGUAGES)))
        raise InputError(f"{path} is not a source file divergent reads ({known})")
    found_file = gitrepo.head_file(top, rel)
    if found_file is None:  # git did not answer in one go: ask step by step, and say why
        commit = gitrepo.head_commit(top)
        found_file = commit, gitrepo.blob_size(top, commit, rel), None
    commit, size, source = found_file
    if size is None:
        raise InputError(f"{rel} is not in the last commit: commit it first, divergent explores committed code")
    limit = gitrepo.max_file_bytes()
    if size > limit:
        raise InputError(f"{rel} is {size:,} bytes, over the {limit:,}-byte limit for a target: name a smaller file (DIVERGENT_MAX_TARGET_BYTES sets the limit)")
    if source is None:
        source = gitrepo.read_at(top, commit, rel) or ""
    if "\x00" in source:
        raise InputError(f"{rel} is binary (it holds NUL bytes): name a source file")
    if not source.strip():
        raise InputError(f"{rel} is empty at {commit[:8]}: there is no design to explore")
    if symbol is None:
        lines = source.count("\n") + (0 if source.endswith("\n") else 1)
        return Target(str(top), rel, None, "module", 1, max(lines, 1), commit), source
    found_symbol = locate_symbol(source, lang, symbol)
    if found_symbol is None:
        raise InputError(f"no symbol {symbol!r} in {rel} (expected Class, Class.method or function)")
    kind, line, end_line = found_symbol
    return Target(str(top), rel, symbol, kind, line, end_line, commit), source


def unparseable(source: str, lang: str) -> int | None:
    """The first line the grammar cannot read, or None when the file parses cleanly."""
    root = parse(source, lang).root_node
    if not root.has_error:
        return None
    stack = [root]
    while stack:
        node = stack.pop()
        if node.is_error or node.is_missing:
            return node.start_point[0] + 1
        stack.extend(reversed([c for c in node.children if c.has_error or c.is_error or c.is_missing]))
    return root.start_point[0] + 1


def locate_symbol(source: str, lang: str, symbol: str) -> tuple[str, int, int] | None:
    """(kind, first line, last line) of ``Class``, ``Class.method`` or ``function`` in a file."""
    if lang == "python":  # decorators belong to the definition
        definition = find_definition(parse(source).root_node, symbol)
        if definition is None:
            return None
        node, is_class = definition.outer, definition.is_class
    else:
        unit = next((u for u in scanned(source, lang).units if u.name == symbol), None)
        if unit is None:
            return None
        node, is_class = unit.node, unit.is_class
    kind = "class" if is_class else ("method" if "." in symbol else "function")
    return kind, node.start_point[0] + 1, node.end_point[0] + 1


def unit_names(source: str, lang: str, functions_only: bool = False) -> list[str]:
    """Dotted names of a file's classes and functions (``Class``, ``Class.method``, ``function``)."""
    if lang == "python":
        return [name for name, d in all_definitions(parse(source).root_node) if not (functions_only and d.is_class)]
    return [u.name for u in scanned(source, lang).units if not (functions_only and u.is_class)]


def symbols(top: Path, commit: str) -> list[str]:
    """Every ``path::Class``, ``path::Class.method`` and ``path::function`` at a commit, for pickers."""
    out = []
    paths = gitrepo.tracked_files(top, commit, tuple(LANGUAGES))
    for path, source in gitrepo.read_many(top, commit, paths).items():
        out.append(path)
        out += [f"{path}::{name}" for name in unit_names(source, language_for(path))]
    return out
