"""The symbol index: definitions and references of every file, from tree-sitter tag queries,
kept in SQLite by git blob sha so that an unchanged file is never parsed twice.

The queries are the grammar wheels' own ``TAGS_QUERY`` (TypeScript's ``queries/tags.scm``
over JavaScript's), plus ours in ``queries/{lang}-tags.scm`` where the wheel's misses
uses a caller makes (Python's attribute reads, imports, base classes, annotations).
A ``@name`` capture with ``@definition.KIND`` is a definition; with ``@reference.KIND``
a reference. A reference reached through a dot (``obj.name``) is an attribute use.

The index keeps its rows in a ``SymbolStore``: ``storage.symbols.SqliteSymbols`` in the
sessions database, or ``MemorySymbols`` here for as long as the process lives. A store
holds each blob's size, definitions and references (lines; negative: an attribute use),
which files a ``git grep`` found at a commit, and the repo map's ranked outlines under a
key made of the blobs they came from (``divergent.context.neighbours``).
Files the index lacks are parsed in parallel (processes) when there are many.
"""

from __future__ import annotations

import importlib
import multiprocessing
import os
import threading
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Protocol

from tree_sitter import Query, QueryCursor

from divergent.context.parsing import language, parse

VERSION = 1
WORKERS = 2
PARALLEL_BYTES = 1_000_000  # below this much source to parse, one process is quicker
CHUNK = 64  # files per task sent to a worker

WHEELS = {
    "python": "tree_sitter_python",
    "javascript": "tree_sitter_javascript",
    "typescript": "tree_sitter_typescript",
    "tsx": "tree_sitter_typescript",
    "go": "tree_sitter_go",
    "rust": "tree_sitter_rust",
    "java": "tree_sitter_java",
}

@dataclass(frozen=True)
class Definition:
    name: str
    kind: str  # class | function | method | interface | type | module | constant | ...
    line: int
    end_line: int
    signature: str  # the definition's first line, as indented in the file


@dataclass
class FileTags:
    blob: str
    lang: str
    defs: list[Definition] = field(default_factory=list)
    refs: dict[str, list[int]] = field(default_factory=dict)  # name -> lines (negative: through a dot)
    size: int = 0  # bytes


@cache
def tags_query(lang: str) -> Query:
    return Query(language(lang), _query_text(lang))


def _query_text(lang: str) -> str:
    wheel = WHEELS[lang]
    if lang in ("typescript", "tsx"):  # the wheel's tags.scm adds to JavaScript's
        text = importlib.import_module(WHEELS["javascript"]).TAGS_QUERY + "\n"
        text += resources.files(wheel).joinpath("queries/tags.scm").read_text()
    else:
        text = importlib.import_module(wheel).TAGS_QUERY
    ours = resources.files("divergent.context").joinpath(f"queries/{lang}-tags.scm")
    if ours.is_file():
        text += "\n" + ours.read_text()
    return text


def _through_dot(node) -> bool:
    parent = node.parent
    if parent is None:
        return False
    if parent.type == "attribute":  # Python
        return parent.child_by_field_name("attribute") == node
    return parent.type in ("member_expression", "selector_expression", "field_expression", "field_access") or (
        parent.type == "method_invocation" and parent.child_by_field_name("object") is not None
    )


def tag(blob: str, lang: str, data: bytes) -> FileTags:
    """A file's definitions and references."""
    tree = parse(data, lang)
    lines = data.split(b"\n")
    found = FileTags(blob, lang, size=len(data))
    seen_defs: set[tuple[int, str]] = set()
    refs: dict[str, set[int]] = {}
    for _, captures in QueryCursor(tags_query(lang)).matches(tree.root_node):
        names = captures.get("name")
        if not names:
            continue
        kind = next((key for key in captures if key.startswith(("definition.", "reference."))), None)
        if kind is None:
            continue
        for node in names:
            name = node.text.decode(errors="replace")
            row = node.start_point[0] + 1
            if kind.startswith("definition."):
                outer = captures[kind][0]
                if (outer.start_byte, name) in seen_defs:
                    continue
                seen_defs.add((outer.start_byte, name))
                first = outer.start_point[0]
                signature = lines[first].decode(errors="replace").rstrip() if first < len(lines) else name
                found.defs.append(Definition(name, kind.split(".", 1)[1], first + 1, outer.end_point[0] + 1, signature[:200]))
            else:
                refs.setdefault(name, set()).add(-row if _through_dot(node) else row)
    found.refs = {name: sorted(rows, key=abs) for name, rows in refs.items()}
    return found


def _tag_all(batch: list[tuple[str, str, bytes]]) -> list[FileTags]:
    return [tag(blob, lang, data) for blob, lang, data in batch]


def tag_many(work: list[tuple[str, str, bytes]]) -> Iterator[FileTags]:
    """Tags of every (blob, language, text); in worker processes when there is much to parse."""
    # forking copies only the calling thread: with others running (the app's workers), stay in one process
    alone = threading.active_count() == 1 and hasattr(os, "fork")
    if sum(len(data) for _, _, data in work) < PARALLEL_BYTES or WORKERS < 2 or not alone:
        yield from _tag_all(work)
        return
    work = sorted(work, key=lambda item: -len(item[2]))  # big files first: the workers finish together
    batches = [work[i::WORKERS * 4] for i in range(WORKERS * 4)]
    with ProcessPoolExecutor(WORKERS, mp_context=multiprocessing.get_context("fork")) as pool:
        for result in pool.map(_tag_all, [b for b in batches if b]):
            yield from result


class SymbolStore(Protocol):
    """Where the index keeps its rows, by blob sha; ``version`` is the index's."""

    def indexed(self, blobs: dict[str, str], version: int) -> set[str]:
        """Which of the blobs (sha -> language) are indexed already, at this version."""

    def put(self, tagged: list[FileTags], version: int) -> None:
        """Keep these files' tags, replacing any older ones of the same blobs."""

    def sizes(self, blobs: Iterable[str]) -> dict[str, int]:
        """The size in bytes of each of the blobs the store knows it of."""

    def refs_named(self, names: Iterable[str]) -> Iterator[tuple[str, str, list[int]]]:
        """(blob, name, lines) of every reference to one of ``names``."""

    def refs_in(self, blobs: Iterable[str]) -> Iterator[tuple[str, str, list[int]]]:
        """(blob, name, lines) of every reference the blobs make."""

    def ref_counts(self, blobs: Iterable[str]) -> Iterator[tuple[str, str, int]]:
        """(blob, name, how many lines use it) of every reference the blobs make."""

    def defs_in(self, blobs: Iterable[str], kinds: tuple[str, ...] | None = None) -> Iterator[tuple[str, Definition]]:
        """(blob, definition) of every definition in the blobs (of one of ``kinds`` when given),
        each blob's in the order ``put`` had them."""

    def spans_in(self, blobs: Iterable[str], kinds: tuple[str, ...]) -> Iterator[tuple[str, str, int, int]]:
        """(blob, name, first line, last line) of every definition of one of ``kinds`` in the blobs,
        in ``defs_in``'s order."""

    def ranking(self, key: str) -> dict | None:
        """A repo map's ranking kept under ``key`` (``divergent.context.neighbours``), if any."""

    def remember_ranking(self, key: str, ranking: dict) -> None: ...

    def mentions(self, commit: str, key: str) -> set[str] | None:
        """The paths a grep keyed ``key`` found at ``commit``, when it ran before."""

    def remember_mentions(self, commit: str, key: str, paths: set[str]) -> None: ...


class MemorySymbols:
    """A symbol store that lives only as long as the process (framing without a database)."""

    def __init__(self) -> None:
        self.files: dict[str, FileTags] = {}
        self.found: dict[tuple[str, str], set[str]] = {}
        self.rankings: dict[str, dict] = {}

    def indexed(self, blobs: dict[str, str], version: int) -> set[str]:
        return {blob for blob, lang in blobs.items() if blob in self.files and self.files[blob].lang == lang}

    def put(self, tagged: list[FileTags], version: int) -> None:
        self.files.update((t.blob, t) for t in tagged)

    def sizes(self, blobs: Iterable[str]) -> dict[str, int]:
        return {blob: self.files[blob].size for blob in set(blobs) & self.files.keys() if self.files[blob].size}

    def refs_named(self, names: Iterable[str]) -> Iterator[tuple[str, str, list[int]]]:
        wanted = set(names)
        for blob, tags in self.files.items():
            for name in wanted & tags.refs.keys():
                yield blob, name, tags.refs[name]

    def refs_in(self, blobs: Iterable[str]) -> Iterator[tuple[str, str, list[int]]]:
        for blob in set(blobs) & self.files.keys():
            for name, lines in self.files[blob].refs.items():
                yield blob, name, lines

    def ref_counts(self, blobs: Iterable[str]) -> Iterator[tuple[str, str, int]]:
        for blob, name, lines in self.refs_in(blobs):
            yield blob, name, len(lines)

    def defs_in(self, blobs: Iterable[str], kinds: tuple[str, ...] | None = None) -> Iterator[tuple[str, Definition]]:
        for blob in set(blobs) & self.files.keys():
            for definition in self.files[blob].defs:
                if kinds is None or definition.kind in kinds:
                    yield blob, definition

    def spans_in(self, blobs: Iterable[str], kinds: tuple[str, ...]) -> Iterator[tuple[str, str, int, int]]:
        for blob, d in self.defs_in(blobs, kinds):
            yield blob, d.name, d.line, d.end_line

    def ranking(self, key: str) -> dict | None:
        return self.rankings.get(key)

    def remember_ranking(self, key: str, ranking: dict) -> None:
        self.rankings[key] = ranking

    def mentions(self, commit: str, key: str) -> set[str] | None:
        return self.found.get((commit, key))

    def remember_mentions(self, commit: str, key: str, paths: set[str]) -> None:
        self.found[(commit, key)] = set(paths)


class SymbolIndex:
    """Definitions and references of a repository's files, parsed once per blob."""

    def __init__(self, store: SymbolStore | None = None) -> None:
        self.store = store if store is not None else MemorySymbols()
        self.parsed = 0  # files parsed by this index (the rest came from the store)

    def add(self, read, blobs: list[tuple[str, str]]) -> int:
        """Index the (blob, language) pairs not indexed yet; ``read(shas)`` gives their bytes.
        Returns how many files were parsed."""
        wanted = dict(blobs)
        have = self.store.indexed(wanted, VERSION)
        missing = [(blob, lang) for blob, lang in wanted.items() if blob not in have]
        if not missing:
            return 0
        contents = read([blob for blob, _ in missing])
        tagged = list(tag_many([(blob, lang, contents[blob]) for blob, lang in missing if blob in contents]))
        self.store.put(tagged, VERSION)
        self.parsed += len(tagged)
        return len(tagged)

    def mentions(self, commit: str, key: str) -> set[str] | None:
        return self.store.mentions(commit, key)

    def remember_mentions(self, commit: str, key: str, paths: set[str]) -> None:
        self.store.remember_mentions(commit, key, paths)

    def refs_to(self, names: Iterable[str], blobs: set[str] | None = None) -> Iterator[tuple[str, str, list[int]]]:
        """(blob, name, lines) of every reference to one of ``names``, in ``blobs`` when given."""
        for row in self.store.refs_named(names):
            if blobs is None or row[0] in blobs:
                yield row

    def refs_in(self, blobs: Iterable[str]) -> Iterator[tuple[str, str, list[int]]]:
        return self.store.refs_in(blobs)

    def sizes(self, blobs: Iterable[str]) -> dict[str, int]:
        return self.store.sizes(blobs)

    def spans_in(self, blobs: Iterable[str], kinds: tuple[str, ...]) -> Iterator[tuple[str, str, int, int]]:
        return self.store.spans_in(blobs, kinds)

    def ranking(self, key: str) -> dict | None:
        return self.store.ranking(key)

    def remember_ranking(self, key: str, ranking: dict) -> None:
        self.store.remember_ranking(key, ranking)

    def ref_counts(self, blobs: Iterable[str], defined: set[str]) -> Iterator[tuple[str, str, int]]:
        """(blob, name, how many lines use it) for every name in ``defined`` the blobs reference."""
        for blob, name, uses in self.store.ref_counts(blobs):
            if name in defined:
                yield blob, name, uses

    def defs_in(self, blobs: Iterable[str], kinds: tuple[str, ...] | None = None) -> Iterator[tuple[str, Definition]]:
        return self.store.defs_in(blobs, kinds)
