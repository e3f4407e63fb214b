"""Validity over the whole design: the candidate changes the target, every file it writes
parses (Python files also ``compile()``), and nothing that callers or tests use is gone.

A name counts as gone only when no file of the candidate and no other file of the
repository at the session commit declares it any more, so methods moved into new files or
subclasses are found where they went. A target that moved or was renamed is valid when
its callers are migrated (every caller file rewritten so none uses the old name) or the
target's file still exposes it (an import or re-export); a Python module's name counts as
declared by its file. Files the candidate writes that are empty and new are junk (package
markers such as ``__init__.py`` aside), and a candidate that changes neither the target nor a caller
is invalid: "does not change the target".
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from divergent.context import repo as gitrepo
from divergent.context.callers import family_suffixes, find_call_sites
from divergent.context.figures import scanned
from divergent.context.parsing import language_for, parse, text
from divergent.context.structure import declared_names, read
from divergent.context.syntax import name_leaves, walk
from divergent.model import Assessment, Candidate, Problem, Target

SPACE = re.compile(r"\s+")
# Files whose emptiness is their meaning: package markers and placeholders, never junk.
MARKERS = frozenset({"__init__.py", "py.typed", ".gitkeep", ".keep"})
# What an older interpreter says of syntax a newer Python accepts (PEP 701 f-strings, 3.12):
# tree-sitter parsed the file cleanly, so the file is written for a newer Python, not broken.
NEWER_SYNTAX = ("f-string",)
WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def error_lines(root) -> list[int]:
    return sorted({n.start_point[0] + 1 for n in walk(root) if n.type == "ERROR" or n.is_missing})


def unit_text(source: str, lang: str, symbol: str) -> str | None:
    """The whitespace-free text of the unit named ``symbol`` (``Class.method``...), or None."""
    for unit in scanned(source, lang).units:
        if unit.name == symbol:
            return SPACE.sub("", text(unit.node))
    return None


def still_defined(source: str, target: Target, lang: str) -> bool:
    """The target's symbol (``Class``, ``Class.method``, ``function``) is still a unit of the file."""
    return target.symbol is None or unit_text(source, lang, target.symbol) is not None


def names_used(source: str, lang: str) -> set[str]:
    """Every identifier-like word of a file's syntax tree (strings and comments aside)."""
    return {text(n) for n in name_leaves(parse(source, lang).root_node)}


def top_level_names(source: str, lang: str) -> set[str]:
    """Functions, classes and types a file declares at its top level."""
    return {u.own_name for u in scanned(source, lang).units if u.parent is None and not u.qualifier}


def compile_error(source: str, path: str) -> str | None:
    """Python's own verdict: tree-sitter accepts some files the interpreter rejects."""
    try:
        compile(source, path, "exec", dont_inherit=True)
    except SyntaxError as error:
        if error.msg.startswith(NEWER_SYNTAX) and not isinstance(error, IndentationError):
            return None
        return f"{path} does not compile: {error.msg} (line {error.lineno})"
    except ValueError as error:  # null bytes
        return f"{path} does not compile: {error}"
    return None


@lru_cache(maxsize=8)
def repo_files(repo: str, commit: str, suffixes: tuple[str, ...]) -> dict[str, str]:
    """Every tracked file in the target's language family at the session commit ({} when the
    repository cannot be read)."""
    top = Path(repo)
    if not repo or not commit or not (top / ".git").exists():
        return {}
    try:
        return gitrepo.read_many(top, commit, gitrepo.tracked_files(top, commit, suffixes))
    except Exception:  # noqa: BLE001 - a repository we cannot read checks nothing more
        return {}


def _in_a_subclass(owner: str, method: str, files: dict[str, str], lang: str) -> bool:
    """Some class extending ``owner`` (directly or not) in ``files`` declares ``method``."""
    found = [read(t, lang) for p, t in files.items() if language_for(p) == lang]
    parents = {child: base for f in found for child, base in f.extends}
    members: dict[str, set[str]] = {}
    for f in found:
        for name, names in f.members.items():
            members.setdefault(name, set()).update(names)

    def descends(name: str, seen: int = 0) -> bool:
        base = parents.get(name)
        return base is not None and seen < 20 and (base == owner or descends(base, seen + 1))

    return any(method in names and descends(name) for name, names in members.items())


def module_names(path: str) -> set[str]:
    """The names a Python file makes importable as modules: its stem and its package folders
    (``a/b/statement.py`` gives ``statement``, ``b`` and ``a``; a package's ``__init__`` adds none)."""
    parts = Path(path).with_suffix("").parts
    return {part for part in parts if part.isidentifier() and part != "__init__"}


def caller_paths(problem: Problem, name: str | None = None) -> set[str]:
    return {s.path for s in problem.call_sites if (name is None or s.name == name) and s.path != problem.target.path}


IMPORTS = ("import", "use_declaration")  # node types holding imports, in every grammar we read


def imported_names(source: str, lang: str) -> set[str]:
    """The words of a file's top-level import (or Rust ``use``) statements."""
    root = parse(source, lang).root_node
    return {
        word
        for node in root.children
        if any(kind in node.type for kind in IMPORTS)
        for word in WORD.findall(text(node))
    }


def defined_names(source: str, lang: str) -> set[str]:
    """What a file defines itself (imports aside): what a caller of it could use."""
    return declared_names(source, lang) - imported_names(source, lang)


def migrated(name: str, candidate: Candidate, problem: Problem, moved_from: str = "") -> bool:
    """True when the candidate rewrites every caller of ``name`` so that none uses it any more,
    or (a target moved out of ``moved_from``) none imports it from its old module."""
    callers = caller_paths(problem, name)
    if not callers or not callers <= set(candidate.files):
        return False
    stem = Path(moved_from).stem

    def done(path: str) -> bool:
        lang = language_for(path) or "python"
        source = candidate.files[path]
        return name not in names_used(source, lang) or bool(stem) and stem not in imported_names(source, lang)

    return all(done(path) for path in callers)


class Validity:
    name = "validity"
    dimensions = ("validity",)

    async def assess(self, candidate: Candidate, problem: Problem) -> list[Assessment]:
        target = problem.target
        repo = repo_files(target.repo, target.commit, family_suffixes(language_for(target.path)))
        today = {**repo, **problem.files}
        written = {p: new for p, new in candidate.files.items() if new != today.get(p)}
        written.update({p: "" for p in candidate.deleted})  # a deleted file defines nothing
        sources = {p: new for p, new in written.items() if language_for(p) is not None}
        problems: list[str] = []
        junk = sorted(p for p, new in written.items() if not new.strip() and p not in today and Path(p).name not in MARKERS)
        if junk:
            problems.append(f"writes empty files: {', '.join(junk)}")
        if not candidate.baseline and not self._changes_target(sources, problem):
            problems.append("does not change the target")
        parsed = {}
        for path, new in sorted(sources.items()):
            if not new.strip():
                continue  # a deleted file
            lang = language_for(path)
            root = parse(new, lang).root_node
            if root.has_error:
                lines = ", ".join(map(str, error_lines(root)[:5]))
                problems.append(f"{path} does not parse (line {lines})")
                continue
            if lang == "python" and (error := compile_error(new, path)):
                problems.append(error)
                continue
            parsed[path] = new
        design = {**{p: t for p, t in today.items() if p not in written}, **parsed}
        problems += self._target_gone(candidate, problem, design, parsed)
        missing = self._missing(candidate, problem, sources, design)
        if missing:
            problems.append(f"callers use names that are gone: {', '.join(missing)}")
        return [
            Assessment(
                critic=self.name,
                dimension="validity",
                score=0.0 if problems else 1.0,
                raw={
                    "problems": problems,
                    "missing_names": missing,
                    "explain": "validity is a gate: 1 when there is no problem, else 0 (overall 0, never on the front)"
                    + ("" if not problems else "; problems: " + "; ".join(problems)),
                },
                evidence="; ".join(problems) or "parses; every name callers use is still there",
            )
        ]

    @staticmethod
    def _changes_target(sources: dict[str, str], problem: Problem) -> bool:
        """The candidate rewrites the target's file or a caller's."""
        return problem.target.path in sources or bool(caller_paths(problem) & set(sources))

    @staticmethod
    def _target_gone(candidate: Candidate, problem: Problem, design: dict[str, str], parsed: dict[str, str]) -> list[str]:
        target = problem.target
        if target.symbol is None or target.path not in candidate.files:
            return []
        lang = language_for(target.path)
        here = design.get(target.path, "")
        if here and still_defined(here, target, lang):
            return []
        owner, dot, last = target.symbol.rpartition(".")
        if dot and _in_a_subclass(owner, last, parsed, lang):
            return []  # a method moved into the subclasses of its class: callers reach it there
        if not dot and here and last in declared_names(here, lang):
            return []  # still reachable from its file: kept as a name, or imported and re-exported
        if migrated(last, candidate, problem, moved_from=target.path):
            return []
        moved = [p for p, t in parsed.items() if p != target.path and language_for(p) == lang and still_defined(t, target, lang)]
        where = f" (moved to {', '.join(moved)}; callers not migrated)" if moved else ""
        return [f"{target.symbol} is gone from {target.path}{where}"]

    @staticmethod
    def _missing(candidate: Candidate, problem: Problem, sources: dict[str, str], design: dict[str, str]) -> list[str]:
        """Names the changed files declared that callers or tests use and no file declares now."""
        declared: set[str] = set()
        for path, source in design.items():
            lang = language_for(path)
            if lang is not None and source.strip():
                declared |= defined_names(source, lang)
            if lang == "python":
                declared |= module_names(path)
        removed_members: set[str] = set()
        removed_top: dict[str, set[str]] = {}
        today = {**problem.files}
        for path in sources:
            old = today.get(path)
            if not old:
                continue
            lang = language_for(path)
            gone = declared_names(old, lang) - declared
            removed_members |= gone
            top = top_level_names(old, lang) & gone
            if top:
                removed_top[path] = top
        missing = {name for name in problem.used_names if name in removed_members}
        # top-level names of the changed files that other files of the repository still use
        others = {p: t for p, t in design.items() if p not in removed_top and language_for(p) is not None}
        for path, names in removed_top.items():
            where = Target(problem.target.repo, path, None)
            missing |= {site.name for site in find_call_sites(others, where, names, set())}
        return sorted(name for name in missing if not migrated(name, candidate, problem))
