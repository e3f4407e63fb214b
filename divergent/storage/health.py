"""The sessions database as ``divergent doctor`` sees it: read without changing anything.

The file is opened read-only and never migrated, so a file another divergent wrote,
or one that is damaged, can be described rather than refused.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from sqlite_utils import Database

from divergent.storage.schema import MIGRATIONS


@dataclass(frozen=True)
class Health:
    """What a database file says about itself; ``error`` when it could not be read."""

    error: str = ""
    integrity: str = ""  # "ok", or SQLite's first complaint
    applied: list[str] = field(default_factory=list)  # migrations recorded in the file, in order
    pending: list[str] = field(default_factory=list)  # ours the file has not had yet
    unknown: list[str] = field(default_factory=list)  # recorded there, unknown here: a newer divergent's


def _open(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)


def health(path: Path) -> Health:
    """Integrity and schema version of the file at ``path`` (which exists)."""
    try:
        with closing(_open(path)) as connection:
            verdict = connection.execute("pragma integrity_check").fetchall()
            db = Database(connection)
            applied = [m.name for m in MIGRATIONS.applied(db)]
            pending = [m.name for m in MIGRATIONS.pending(db)]
    except sqlite3.DatabaseError as error:
        return Health(error=str(error))
    known = {m.name for m in MIGRATIONS._migrations}
    return Health(
        integrity="ok" if verdict == [("ok",)] else str(verdict[0][0]),
        applied=applied,
        pending=pending,
        unknown=[name for name in applied if name not in known],
    )


def learned_dialect(path: Path, base_url: str, model: str) -> dict | None:
    """What the file remembers of an endpoint's dialect, or None (nothing learned, or unreadable)."""
    if not path.exists():
        return None
    try:
        with closing(_open(path)) as db:
            if not db.execute("select 1 from sqlite_master where name = 'endpoint_dialects'").fetchone():
                return None
            cursor = db.execute("select * from endpoint_dialects where base_url = ? and model = ?", [base_url, model])
            row = cursor.fetchone()
            names = [column[0] for column in cursor.description]
    except sqlite3.DatabaseError:  # the database check says what is wrong with it
        return None
    return dict(zip(names, row)) if row else None  # a file from before 0013 has no pace
