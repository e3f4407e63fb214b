"""The symbol index in SQLite: implements ``context.index.SymbolStore``.

Tables (migration ``0009_symbol_index``): ``symbol_cache`` marks an indexed blob, the
index version it was parsed at and its size; ``symbol_defs`` holds its definitions;
``symbol_refs`` one row per name it references, with the lines (negative: an attribute
use); ``symbol_mentions`` which files a ``git grep`` found at a commit;
``symbol_rankings`` (``0014``) repo-map rankings under a key made of the blobs they were
computed from. Every table is keyed by git blob sha (or commit, or such a key), so an
unchanged file is never parsed twice.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

from divergent.context.index import Definition, FileTags
from divergent.storage.store import Store

CHUNK = 500  # keys per statement: SQLite's limit on bound parameters is well above


def _encode(rows: list[int]) -> str:
    return ",".join(map(str, rows))


def _decode(text: str) -> list[int]:
    return [int(x) for x in text.split(",") if x]


class SqliteSymbols:
    """Definitions and references by blob sha, in the sessions database (or any Store)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def _rows(self, sql: str, keys: Iterable[str], more: tuple = ()) -> Iterator[tuple]:
        """Rows of ``sql`` for the keys, CHUNK at a time in its ``{marks}``; ``more`` binds after them."""
        keys = sorted(set(keys))
        for i in range(0, len(keys), CHUNK):
            part = keys[i : i + CHUNK]
            yield from self.store.db.execute(sql.format(marks=",".join("?" * len(part))), [*part, *more])

    def indexed(self, blobs: dict[str, str], version: int) -> set[str]:
        sql = "select blob_sha, language, data from symbol_cache where blob_sha in ({marks})"
        return {
            blob
            for blob, lang, data in self._rows(sql, blobs)
            if blobs.get(blob) == lang and json.loads(data or "{}").get("v") == version
        }

    def put(self, tagged: list[FileTags], version: int) -> None:
        db = self.store.db
        with self.store.write():
            shas = [t.blob for t in tagged]
            for i in range(0, len(shas), CHUNK):
                part = shas[i : i + CHUNK]
                marks = ",".join("?" * len(part))
                for table in ("symbol_defs", "symbol_refs", "symbol_cache"):
                    db.execute(f"delete from {table} where blob_sha in ({marks})", part)
            db.conn.executemany(
                "insert into symbol_defs (blob_sha, name, kind, line, end_line, signature) values (?, ?, ?, ?, ?, ?)",
                ((t.blob, d.name, d.kind, d.line, d.end_line, d.signature) for t in tagged for d in t.defs),
            )
            db.conn.executemany(
                "insert into symbol_refs (blob_sha, name, lines) values (?, ?, ?)",
                ((t.blob, name, _encode(rows)) for t in tagged for name, rows in t.refs.items()),
            )
            db.conn.executemany(
                "insert into symbol_cache (blob_sha, language, data) values (?, ?, ?)",
                ((t.blob, t.lang, json.dumps({"v": version, "size": t.size})) for t in tagged),
            )

    def sizes(self, blobs: Iterable[str]) -> dict[str, int]:
        found = {}
        for blob, data in self._rows("select blob_sha, data from symbol_cache where blob_sha in ({marks})", blobs):
            size = json.loads(data or "{}").get("size")
            if isinstance(size, int) and size > 0:
                found[blob] = size
        return found

    def refs_named(self, names: Iterable[str]) -> Iterator[tuple[str, str, list[int]]]:
        for blob, name, lines in self._rows("select blob_sha, name, lines from symbol_refs where name in ({marks})", names):
            yield blob, name, _decode(lines)

    def refs_in(self, blobs: Iterable[str]) -> Iterator[tuple[str, str, list[int]]]:
        for blob, name, lines in self._rows("select blob_sha, name, lines from symbol_refs where blob_sha in ({marks})", blobs):
            yield blob, name, _decode(lines)

    def ref_counts(self, blobs: Iterable[str]) -> Iterator[tuple[str, str, int]]:
        sql = "select blob_sha, name, length(lines) - length(replace(lines, ',', '')) + 1 from symbol_refs where blob_sha in ({marks})"
        yield from self._rows(sql, blobs)

    def defs_in(self, blobs: Iterable[str], kinds: tuple[str, ...] | None = None) -> Iterator[tuple[str, Definition]]:
        sql = "select blob_sha, name, kind, line, end_line, signature from symbol_defs where blob_sha in ({marks})"
        if kinds is not None:
            sql += f" and kind in ({','.join('?' * len(kinds))})"
        for row in self._rows(sql + " order by blob_sha, rowid", blobs, tuple(kinds or ())):
            yield row[0], Definition(*row[1:])

    def spans_in(self, blobs: Iterable[str], kinds: tuple[str, ...]) -> Iterator[tuple[str, str, int, int]]:
        sql = "select blob_sha, name, line, end_line from symbol_defs where blob_sha in ({marks})"
        sql += f" and kind in ({','.join('?' * len(kinds))}) order by blob_sha, rowid"
        return self._rows(sql, blobs, kinds)

    def ranking(self, key: str) -> dict | None:
        row = self.store.db.execute("select ranking_json from symbol_rankings where key = ?", [key]).fetchone()
        return json.loads(row[0]) if row else None

    def remember_ranking(self, key: str, ranking: dict) -> None:
        with self.store.write():
            self.store.db.execute("insert or replace into symbol_rankings (key, ranking_json) values (?, ?)", [key, json.dumps(ranking)])

    def mentions(self, commit: str, key: str) -> set[str] | None:
        row = self.store.db.execute("select paths from symbol_mentions where commit_sha = ? and key = ?", [commit, key]).fetchone()
        return set(json.loads(row[0])) if row else None

    def remember_mentions(self, commit: str, key: str, paths: set[str]) -> None:
        with self.store.write():
            self.store.db.execute(
                "insert or replace into symbol_mentions (commit_sha, key, paths) values (?, ?, ?)", [commit, key, json.dumps(sorted(paths))]
            )
