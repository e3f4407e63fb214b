"""The symbol index: definitions and references of every file, from tree-sitter tag queries,
kept in SQLite by git blob sha so that an unchanged file is never parsed twice.

The queries are the grammar wheels' own ``TAGS_QUERY`` (TypeScript's ``queries/tags.scm``
over JavaScript's), plus ours in ``queries/{lang}-tags.scm`` where the wheel's misses
uses a caller makes (Python's attribute reads, imports, base classes, annotations).
A ``@name`` capture with ``@definition.KIND`` is a definition; with ``@reference.KIND``
a reference. A reference reached through a dot (``obj.name``) is an attribute use.

Tables (created when missing, in the sessions database or in memory):
``symbol_cache(blob_sha, language, data)`` marks an indexed blob (``data`` holds the
index version), ``symbol_defs`` its definitions, ``symbol_refs`` one row per name it
references, with the lines (negative: an attribute use); ``symbol_mentions`` keeps
which files a ``git grep`` found at a commit (``divergent.context.neighbours``).
Files the index lacks are parsed in parallel (processes) when there are many.
"""

from __future__ import annotations

import importlib
import json
import multiprocessing
import os
import threading
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from sqlite_utils import Database
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

TABLES = """
create table if not exists symbol_cache (blob_sha text primary key, language text, data text);
create table if not exists symbol_defs (
    blob_sha text not null, name text not null, kind text, line integer, end_line integer, signature text
);
create index if not exists symbol_defs_blob on symbol_defs (blob_sha);
create index if not exists symbol_defs_name on symbol_defs (name);
create table if not exists symbol_refs (
    blob_sha text not null, name text not null, lines text, primary key (blob_sha, name)
) without rowid;
create index if not exists symbol_refs_name on symbol_refs (name);
create table if not exists symbol_mentions (commit_sha text not null, key text not null, paths text, primary key (commit_sha, key));
"""


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
    found = FileTags(blob, lang)
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


def _encode(rows: list[int]) -> str:
    return ",".join(map(str, rows))


def _decode(text: str) -> list[int]:
    return [int(x) for x in text.split(",") if x]


class SymbolIndex:
    """Definitions and references by blob sha, over a sqlite-utils ``Database``."""

    def __init__(self, db: Database | None = None, write=None) -> None:
        self.db = db if db is not None else Database(memory=True)
        self.db.executescript(TABLES)
        self._write = write  # a context manager factory for one write transaction (Store.write)
        self.parsed = 0  # files parsed by this index (the rest came from the cache)

    def _transaction(self):
        return self._write() if self._write is not None else self.db.atomic()

    def known(self, blobs: Iterable[tuple[str, str]]) -> set[str]:
        """Which of the (blob, language) pairs are indexed already, at this version."""
        wanted = dict(blobs)
        have = set()
        items = list(wanted)
        for i in range(0, len(items), 500):
            part = items[i : i + 500]
            marks = ",".join("?" * len(part))
            for row in self.db.execute(f"select blob_sha, language, data from symbol_cache where blob_sha in ({marks})", part):
                if row[1] == wanted[row[0]] and json.loads(row[2] or "{}").get("v") == VERSION:
                    have.add(row[0])
        return have

    def add(self, read, blobs: list[tuple[str, str]]) -> int:
        """Index the (blob, language) pairs not indexed yet; ``read(shas)`` gives their bytes.
        Returns how many files were parsed."""
        wanted = dict(blobs)
        have = self.known(wanted.items())
        missing = [(blob, lang) for blob, lang in wanted.items() if blob not in have]
        if not missing:
            return 0
        contents = read([blob for blob, _ in missing])
        work = [(blob, lang, contents[blob]) for blob, lang in missing if blob in contents]
        tagged = list(tag_many(work))
        with self._transaction():
            shas = [t.blob for t in tagged]
            for i in range(0, len(shas), 500):
                part = shas[i : i + 500]
                marks = ",".join("?" * len(part))
                for table in ("symbol_defs", "symbol_refs", "symbol_cache"):
                    self.db.execute(f"delete from {table} where blob_sha in ({marks})", part)
            self.db.conn.executemany(
                "insert into symbol_defs (blob_sha, name, kind, line, end_line, signature) values (?, ?, ?, ?, ?, ?)",
                ((t.blob, d.name, d.kind, d.line, d.end_line, d.signature) for t in tagged for d in t.defs),
            )
            self.db.conn.executemany(
                "insert into symbol_refs (blob_sha, name, lines) values (?, ?, ?)",
                ((t.blob, name, _encode(rows)) for t in tagged for name, rows in t.refs.items()),
            )
            self.db.conn.executemany(
                "insert into symbol_cache (blob_sha, language, data) values (?, ?, ?)",
                ((t.blob, t.lang, json.dumps({"v": VERSION})) for t in tagged),
            )
        self.parsed += len(tagged)
        return len(tagged)

    def mentions(self, commit: str, key: str) -> set[str] | None:
        """The paths a grep keyed ``key`` found at ``commit``, when it ran before."""
        row = self.db.execute("select paths from symbol_mentions where commit_sha = ? and key = ?", [commit, key]).fetchone()
        return set(json.loads(row[0])) if row else None

    def remember_mentions(self, commit: str, key: str, paths: set[str]) -> None:
        with self._transaction():
            self.db.execute(
                "insert or replace into symbol_mentions (commit_sha, key, paths) values (?, ?, ?)", [commit, key, json.dumps(sorted(paths))]
            )

    def _select(self, sql: str, key_values: list, blobs: set[str] | None) -> Iterator[tuple]:
        for i in range(0, len(key_values), 500):
            part = key_values[i : i + 500]
            marks = ",".join("?" * len(part))
            for row in self.db.execute(sql.format(marks=marks), part):
                if blobs is None or row[0] in blobs:
                    yield row

    def refs_to(self, names: Iterable[str], blobs: set[str] | None = None) -> Iterator[tuple[str, str, list[int]]]:
        """(blob, name, lines) of every reference to one of ``names``."""
        sql = "select blob_sha, name, lines from symbol_refs where name in ({marks})"
        for blob, name, lines in self._select(sql, sorted(set(names)), blobs):
            yield blob, name, _decode(lines)

    def refs_in(self, blobs: Iterable[str]) -> Iterator[tuple[str, str, list[int]]]:
        sql = "select blob_sha, name, lines from symbol_refs where blob_sha in ({marks})"
        for blob, name, lines in self._select(sql, sorted(set(blobs)), None):
            yield blob, name, _decode(lines)

    def ref_counts(self, blobs: Iterable[str], defined: set[str]) -> Iterator[tuple[str, str, int]]:
        """(blob, name, how many lines use it) for every name in ``defined`` the blobs reference."""
        blobs = sorted(set(blobs))
        for blob, name, lines in self._select("select blob_sha, name, lines from symbol_refs where blob_sha in ({marks})", blobs, None):
            if name in defined:
                yield blob, name, lines.count(",") + 1

    def def_rows(self, blobs: Iterable[str]) -> Iterator[tuple]:
        """(blob, name, kind, line, end_line, signature) of every definition in the blobs."""
        sql = "select blob_sha, name, kind, line, end_line, signature from symbol_defs where blob_sha in ({marks})"
        yield from self._select(sql, sorted(set(blobs)), None)

    def defs_in(self, blobs: Iterable[str]) -> Iterator[tuple[str, Definition]]:
        for row in self.def_rows(blobs):
            yield row[0], Definition(*row[1:])
