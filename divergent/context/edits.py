"""Applying a reply's edits to the base files: the candidate's full new contents.

Edits apply in the order the reply gives them, each to the file as the edits before
it left it. SEARCH text matches exactly first, then line by line ignoring
whitespace (the replacement then takes the indentation the file has there). A
block of code for a file that exists replaces the whole file only when it holds
most of that file's other lines; a snippet that defines the target replaces the
target's span; any other snippet fails, since it would wipe the rest of the file.
An edit that cannot apply leaves its file as it was and says why in ``errors``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath

from divergent.context.callers import own_spans
from divergent.context.parsing import language_for
from divergent.context.repo import read_at
from divergent.context.target import locate_symbol
from divergent.model import Edit, Problem, Target

WHOLE_SHARE = 0.6  # a block holding this share of a file's other lines is the whole file


@dataclass
class Applied:
    files: dict[str, str] = field(default_factory=dict)  # path -> full new content
    deleted: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _squash(line: str) -> str:
    return "".join(line.split())


def _reindent(lines: list[str], found: str, wanted: str) -> list[str]:
    """``lines`` moved from the search's indentation (``wanted``) to the file's (``found``)."""
    if found == wanted:
        return lines
    if found.startswith(wanted):
        extra = found[len(wanted) :]
        return [extra + line if line.strip() else line for line in lines]
    if wanted.startswith(found):
        cut = len(wanted) - len(found)
        return [line[cut:] if line[:cut].isspace() else line.lstrip() for line in lines]
    return lines


def _indent(line: str) -> str:
    return line[: len(line) - len(line.lstrip())]


def search_replace(content: str, search: str, replacement: str) -> str | None:
    """``content`` with the first match of ``search`` replaced; None when nothing matches.

    Exact text first; then a run of lines equal to the search's lines once whitespace
    is ignored (blank lines around the search do not count)."""
    if search in content:
        return content.replace(search, replacement, 1)
    wanted = search.splitlines()
    while wanted and not wanted[0].strip():
        wanted.pop(0)
    while wanted and not wanted[-1].strip():
        wanted.pop()
    if not wanted:
        return None
    keys = [_squash(line) for line in wanted]
    lines = content.splitlines(keepends=True)
    for start in range(len(lines) - len(keys) + 1):
        if all(_squash(lines[start + k]) == key for k, key in enumerate(keys)):
            new = replacement.splitlines(keepends=True)
            if new and not new[-1].endswith("\n"):
                new[-1] += "\n"
            new = _reindent(new, _indent(lines[start]), _indent(wanted[0]))
            return "".join(lines[:start] + new + lines[start + len(keys) :])
    return None


def _target_spans(content: str, target: Target) -> list[tuple[int, int]] | None:
    """The target's spans in ``content`` as it is now; None when the target is not there."""
    lang = language_for(target.path) or "python"
    found = locate_symbol(content, lang, target.symbol) if target.symbol else None
    if found is None:
        return None
    _, line, end_line = found
    return own_spans(content, lang, replace(target, line=line, end_line=end_line))


def target_span(content: str, target: Target) -> tuple[str, int, int] | None:
    """(the target's text in ``content``, its first line, its last line); None when it is
    absent. Outside Python its spans (a type and its methods) are joined by blank lines."""
    spans = _target_spans(content, target) if target.symbol else None
    if not spans:
        return None
    lines = content.splitlines(keepends=True)
    text = "\n".join("".join(lines[first - 1 : last]) for first, last in spans)
    return text, spans[0][0], spans[-1][1]


def outside(content: str, spans: list[tuple[int, int]]) -> list[str]:
    """The lines of ``content`` outside ``spans``."""
    inside = {n for first, last in spans for n in range(first, last + 1)}
    return [line for n, line in enumerate(content.splitlines(), 1) if n not in inside]


def same_outside(content: str, base: str, target: Target) -> bool:
    """True when ``content`` and ``base`` differ inside the target's spans only."""
    mine, theirs = _target_spans(content, target), _target_spans(base, target)
    return mine is not None and theirs is not None and outside(content, mine) == outside(base, theirs)


def target_spans(files: dict[str, str], problem: Problem) -> dict[str, tuple[str, int, int]]:
    """{target's path: (the target's text, first line, last line)} when ``files`` change the
    target's file inside the target only: then the target alone shows the design."""
    target = problem.target
    content = files.get(target.path)
    if content is None or not same_outside(content, problem.files.get(target.path, ""), target):
        return {}
    span = target_span(content, target)
    return {target.path: span} if span else {}


def replace_spans(content: str, spans: list[tuple[int, int]], new: str) -> str:
    """The first span's lines become ``new``; the other spans' lines go."""
    lines = content.splitlines(keepends=True)
    if not new.endswith("\n"):
        new += "\n"
    for first, last in sorted(spans[1:], reverse=True):
        del lines[first - 1 : last]
    first, last = spans[0]
    return "".join(lines[: first - 1] + [new] + lines[last:])


def _outside_share(old: str, new: str, spans: list[tuple[int, int]]) -> tuple[int, float]:
    """(how many non-blank lines of ``old`` lie outside ``spans``, the share of them ``new`` holds)."""
    rest = [line.strip() for line in outside(old, spans) if line.strip()]
    if not rest:
        return 0, 1.0
    held = {line.strip() for line in new.splitlines()}
    return len(rest), sum(line in held for line in rest) / len(rest)


def whole_or_snippet(path: str, old: str, new: str, target: Target) -> tuple[str | None, str]:
    """(the file's new content, or None with the reason) for a block of code given for ``path``."""
    is_target_file = path == target.path and target.symbol is not None
    spans = _target_spans(old, target) if is_target_file else None
    count, share = _outside_share(old, new, spans or [])
    if count == 0 or share >= WHOLE_SHARE:
        return new, ""
    if spans is not None and _target_spans(new, target) is not None:
        return replace_spans(old, spans, new), ""
    if is_target_file:
        return None, f"a partial snippet of {path} that does not define {target.symbol} cannot replace the whole file"
    return None, f"a partial snippet of {path} cannot replace the whole file (send SEARCH/REPLACE edits)"


def apply_edits(edits: list[Edit], target: Target, base: Callable[[str], str | None]) -> Applied:
    """The files the edits write (full contents) and delete; ``base(path)`` reads today's text."""
    current: dict[str, str | None] = {}
    touched: list[str] = []
    errors: list[str] = []

    def read(path: str) -> str | None:
        if path not in current:
            current[path] = base(path)
        return current[path]

    def write(path: str, content: str | None) -> None:
        current[path] = content
        if path not in touched:
            touched.append(path)

    for edit in edits:
        path = edit.path
        old = read(path)
        if edit.kind == "target":
            if target.symbol is None:
                write(target.path, edit.content)
                continue
            now = read(target.path)
            spans = _target_spans(now, target) if now is not None else None
            if spans is None:
                errors.append(f"{target.symbol} is no longer in {target.path}: its new source has no place to go")
                continue
            write(target.path, replace_spans(now, spans, edit.content))
        elif edit.kind == "file":
            if old is None:
                write(path, edit.content)
                continue
            content, reason = whole_or_snippet(path, old, edit.content, target)
            if content is None:
                errors.append(reason)
            else:
                write(path, content)
        elif edit.kind == "replace":
            if old is None:
                if edit.search.strip():
                    errors.append(f"SEARCH/REPLACE for {path}: no such file")
                else:
                    write(path, edit.replace)
                continue
            if not edit.search.strip():
                write(path, old + ("" if not old or old.endswith("\n") else "\n") + edit.replace)
                continue
            done = search_replace(old, edit.search, edit.replace)
            if done is None:
                first = next((line.strip() for line in edit.search.splitlines() if line.strip()), "")
                errors.append(f"SEARCH text not found in {path}: {first[:80]!r}")
            else:
                write(path, done)
        elif edit.kind == "delete":
            if old is None:
                errors.append(f"cannot delete {path}: no such file")
            else:
                write(path, None)
        elif edit.kind == "move":
            if old is None:
                errors.append(f"cannot move {path}: no such file")
                continue
            write(path, None)
            write(edit.to, edit.content or old)
    files = {p: current[p] for p in touched if current[p] is not None}
    deleted = [p for p in touched if current[p] is None and base(p) is not None]
    return Applied(files=files, deleted=deleted, errors=errors)


def base_reader(problem: Problem, over: dict[str, str] | None = None) -> Callable[[str], str | None]:
    """Today's text of a path: ``over`` (a parent design's files) first, then the files the
    problem holds, then the session's commit. A path that leaves the repository reads as None."""
    cache: dict[str, str | None] = {}
    repo = Path(problem.target.repo)

    def read(path: str) -> str | None:
        if over and path in over:
            return over[path]
        if path in problem.files:
            return problem.files[path]
        if path not in cache:
            pure = PurePosixPath(path)
            inside = not pure.is_absolute() and ".." not in pure.parts and repo.is_dir()
            cache[path] = read_at(repo, problem.target.commit, path) if inside and problem.target.commit else None
        return cache[path]

    return read
