"""The target's neighbourhood, read from the symbol index: who uses it, what it uses.

Only the files that can matter are indexed: the target's file, the files that mention
the target's names (in Python its class or function names, for a method the method's
name; elsewhere its members' names too),
and the files the target's file uses: in Python the modules it imports, elsewhere the
files that define a name it uses. ``git grep`` finds the mentions and definitions
(whole words, fixed strings), and its answer is kept per commit in the index's
database, so framing the same target again parses nothing and greps nothing.
Call sites are the index's references to the target's names in those files. The repo
map's ranked outlines are kept in the index too, under the blobs they came from.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from divergent.context import repo as gitrepo
from divergent.context.callers import family, family_suffixes, own_spans
from divergent.context.index import VERSION, Definition, SymbolIndex
from divergent.context.parsing import language_for, parse, source_lines, text
from divergent.context.repomap import RANKING, graph, map_parts, outlines, pagerank
from divergent.model import CallSite, ContextPart, Target

IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]{2,}")
MAX_USED_NAMES = 300
DEFINING = {  # keywords that start a definition, per language family
    "python": ("def", "class"),
    "ecmascript": ("function", "class", "interface", "type", "enum"),
    "go": ("func", "type"),
    "rust": ("fn", "struct", "enum", "trait", "type", "mod"),
    "java": ("class", "interface", "enum", "record"),
}
FUNCTION_KINDS = ("function", "method")


@dataclass
class Neighbourhood:
    paths: dict[str, str]  # path -> blob sha, every file of the target's language family
    users: set[str] = field(default_factory=set)  # files mentioning the target's names
    used: set[str] = field(default_factory=set)  # files defining names the target's file uses

    _by_blob: dict[str, list[str]] = field(default_factory=dict)

    def blobs(self, paths) -> set[str]:
        return {self.paths[p] for p in paths if p in self.paths}

    def paths_of(self, blob: str) -> list[str]:
        """The paths holding this blob (identical files share one)."""
        if not self._by_blob:
            for path, sha in sorted(self.paths.items()):
                self._by_blob.setdefault(sha, []).append(path)
        return self._by_blob.get(blob, [])


def _grep(index: SymbolIndex, top: Path, commit: str, strings: list[str], suffixes: tuple[str, ...]) -> set[str]:
    """``git grep`` for whole-word fixed strings, answered from the index's database when asked before."""
    key = hashlib.sha1(json.dumps([sorted(set(strings)), list(suffixes)]).encode()).hexdigest()
    found = index.mentions(commit, key)
    if found is None:
        found = gitrepo.grep_files(top, commit, sorted(set(strings)), suffixes)
        index.remember_mentions(commit, key, found)
    return found


def _used_names(index: SymbolIndex, blob: str) -> list[str]:
    """Names the target's file uses and does not define, most used first."""
    own = {d.name for _, d in index.defs_in([blob])}
    uses: Counter = Counter()
    for _, name, lines in index.refs_in([blob]):
        if name not in own and IDENTIFIER.fullmatch(name) and not name.startswith("__"):
            uses[name] = len(lines)
    return [name for name, _ in uses.most_common(MAX_USED_NAMES)]


def _modules(source: str) -> list[tuple[int, str, list[str]]]:
    """A Python file's imports: (leading dots, module, names imported from it)."""
    out = []
    for node in parse(source).root_node.named_children:
        if node.type == "import_statement":
            for name in node.children_by_field_name("name"):
                dotted = name.child_by_field_name("name") if name.type == "aliased_import" else name
                out.append((0, text(dotted), []))
        elif node.type == "import_from_statement":
            module = node.child_by_field_name("module_name")
            if module is None:
                continue
            dots, dotted = 0, text(module)
            if module.type == "relative_import":
                dots = len(text(module)) - len(text(module).lstrip("."))
                dotted = text(module).lstrip(".")
            names = []
            for name in node.children_by_field_name("name"):
                dotted_name = name.child_by_field_name("name") if name.type == "aliased_import" else name
                names.append(text(dotted_name))
            out.append((dots, dotted, names))
    return out


def imported_paths(source: str, path: str, paths: dict[str, str]) -> set[str]:
    """The repository's files a Python file imports: ``a.b`` is ``a/b.py`` or ``a/b/__init__.py``
    (under any folder, for ``src/`` layouts); ``from a import b`` may also mean ``a/b.py``."""
    found = set()
    by_ending: dict[str, list[str]] = {}
    for known in paths:
        parts = known.split("/")
        by_ending.setdefault("/".join(parts[-2:]), []).append(known)
        by_ending.setdefault(parts[-1], []).append(known)
    here = PurePosixPath(path).parent
    for dots, module, names in _modules(source):
        base = here
        for _ in range(max(0, dots - 1)):
            base = base.parent
        parts = [p for p in module.split(".") if p]
        stems = [parts + [n] for n in names if "." not in n] + [parts]
        for stem in stems:
            if not stem:
                continue
            rel = "/".join(stem)
            for ending in (f"{rel}.py", f"{rel}/__init__.py"):
                if dots:
                    full = str(base / ending) if str(base) != "." else ending
                    if full in paths:
                        found.add(full)
                else:
                    short = "/".join(ending.split("/")[-2:])
                    found |= {p for p in by_ending.get(short, ()) if p == ending or p.endswith("/" + ending)}
    found.discard(path)
    return found


def neighbourhood(index: SymbolIndex, target: Target, source: str, plain: set[str], attributes: set[str]) -> Neighbourhood:
    """The files that use the target's names and the files its file uses, indexed."""
    top, lang = Path(target.repo), language_for(target.path) or "python"
    suffixes = family_suffixes(lang)
    paths = gitrepo.blob_shas(top, target.commit, suffixes)
    found = Neighbourhood(paths)
    index_paths(index, top, found, [target.path])
    # Python reaches a class's methods through objects that name the class somewhere (an import,
    # a call, an annotation); Go and Rust build them with functions named otherwise (NewT)
    names = (plain or attributes) if family(lang) == "python" else plain | attributes
    mentioned = sorted(n for n in names if n.isidentifier())
    found.users = _grep(index, top, target.commit, mentioned, suffixes) & set(paths)
    if family(lang) == "python":
        found.used = imported_paths(source, target.path, paths)
    else:
        used = _used_names(index, paths[target.path]) if target.path in paths else []
        keywords = DEFINING.get(family(lang) or "", ())
        found.used = _grep(index, top, target.commit, [f"{k} {n}" for n in used for k in keywords], suffixes) & set(paths)
    found.used.discard(target.path)
    big = _oversized(index, top, sorted({paths[p] for p in found.users | found.used}))
    if big:  # a file over the size limit is never parsed nor shown, whatever it mentions
        found.users = {p for p in found.users if paths[p] not in big}
        found.used = {p for p in found.used if paths[p] not in big}
    index_paths(index, top, found, sorted(found.users | found.used))
    return found


def _oversized(index: SymbolIndex, top: Path, shas: list[str]) -> set[str]:
    """Which blobs are over the size limit: by the sizes the index keeps, git telling the rest."""
    limit, known = gitrepo.max_file_bytes(), index.sizes(shas)
    return {sha for sha, size in known.items() if size > limit} | gitrepo.oversized(top, [sha for sha in shas if sha not in known])


def index_paths(index: SymbolIndex, top: Path, found: Neighbourhood, paths: list[str]) -> None:
    pairs = [(found.paths[p], language_for(p)) for p in paths if p in found.paths]
    index.add(lambda shas: gitrepo.read_blobs(top, shas), pairs)


def call_sites(
    index: SymbolIndex, found: Neighbourhood, target: Target, plain: set[str], attributes: set[str], texts: dict[str, str]
) -> list[CallSite]:
    """Uses of the names in the files that mention them, outside the target's own span. In
    Python a method name counts only after a dot and a plain name only without one;
    elsewhere any use spelled like one of the names does. ``texts`` gets each file's text."""
    lang = language_for(target.path) or "python"
    python = family(lang) == "python"
    where = found.blobs(found.users | {target.path})
    lines_of: dict[str, list[tuple[int, str]]] = {}
    for blob, name, lines in index.refs_to(plain | attributes, where):
        for line in lines:
            dotted = line < 0
            if python and not ((dotted and name in attributes) or (not dotted and name in plain)):
                continue
            lines_of.setdefault(blob, []).append((abs(line), name))
    own = own_spans(texts.get(target.path, ""), lang, target)
    wanted = [p for blob in lines_of for p in found.paths_of(blob) if p in found.users or p == target.path]
    texts.update(gitrepo.read_many_blobs(Path(target.repo), {p: found.paths[p] for p in wanted if p not in texts}))
    sites = set()
    for path in wanted:
        rows = source_lines(texts.get(path, ""))  # a line's ending is whitespace: strip() drops it
        for line, name in lines_of[found.paths[path]]:
            if path == target.path and any(first <= line <= last for first, last in own):
                continue
            sites.add(CallSite(path, line, name, rows[line - 1].strip() if line <= len(rows) else ""))
    return sorted(sites, key=lambda s: (s.path, s.line, s.name))


def function_spans(index: SymbolIndex, found: Neighbourhood, paths: set[str]):
    """``spans(path)``: (name, first, last) of each function and method the index knows in
    one of ``paths`` (read in one query)."""
    by_path: dict[str, list[tuple[str, int, int]]] = {}
    for blob, name, first, last in index.spans_in(found.blobs(paths), FUNCTION_KINDS):
        for path in found.paths_of(blob):
            by_path.setdefault(path, []).append((name, first, last))
    return lambda path: by_path.get(path, [])


def repo_map(index: SymbolIndex, found: Neighbourhood, target: Target, focus: set[str], tokens):
    """``map(room, shown)``: the map's parts for the neighbourhood, in ``room`` tokens. The
    ranked outlines are kept in the index under the neighbourhood's blobs, the target and
    ``focus``: framing the same neighbourhood again (at any commit) reads them back."""
    paths = found.users | found.used | {target.path}

    def build(room: int, shown: set[str]) -> list[ContextPart]:
        key = _ranking_key(found, paths, target, focus)
        kept = index.ranking(key)
        if kept is None:
            ranks, wanted, rows = _rank(index, found, paths, target, focus)
            kept = {"outlines": outlines(ranks, lambda path: rows.get(path, []), wanted, {target.path})}
            index.remember_ranking(key, kept)
        return map_parts([(path, rank, text) for path, rank, text in kept["outlines"]], room, tokens)

    return build


def _ranking_key(found: Neighbourhood, paths: set[str], target: Target, focus: set[str]) -> str:
    """What a ranking follows from: each file's blob, the target's path, the focus names, the
    index's and the ranking's versions."""
    files = sorted((p, found.paths[p]) for p in paths if p in found.paths)
    return hashlib.sha1(json.dumps([VERSION, RANKING, target.path, sorted(focus), files]).encode()).hexdigest()


def _rank(index: SymbolIndex, found: Neighbourhood, paths: set[str], target: Target, focus: set[str]):
    """(rank of each file, names the target's file uses or the focus, definitions by path)."""
    blobs = found.blobs(paths)
    held = {blob: [path for path in found.paths_of(blob) if path in paths] for blob in blobs}  # identical files share a blob
    rows: dict[str, list[Definition]] = {}
    defines: dict[str, set[str]] = {}
    for blob, definition in index.defs_in(blobs):
        for path in held[blob]:
            rows.setdefault(path, []).append(definition)
            if not definition.name.startswith("__"):  # __init__ and the like name no file in particular
                defines.setdefault(definition.name, set()).add(path)
    refs: dict[str, dict[str, int]] = {}
    for blob, name, uses in index.ref_counts(blobs, set(defines)):
        for path in held[blob]:
            refs.setdefault(path, {})[name] = uses
    ranks = pagerank(graph(refs, defines, focus), {target.path: 1.0})
    return ranks, set(refs.get(target.path, {})) | focus, rows
