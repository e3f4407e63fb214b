"""Opening the sessions database, and short write transactions that wait their turn.

Several processes share one file (two headless runs and the app, say), so every
connection runs in WAL mode with a busy timeout, and every write is one short
``BEGIN IMMEDIATE`` transaction: the write lock is taken before anything is read,
so a transaction never fails halfway because another process wrote in between,
and taking the lock is retried while another process holds it.

Commands that only read open the file read-only and never change it: no WAL
switch, no migration. A file that is not ours (another program's SQLite file, a
newer divergent's schema, a damaged or unreadable file) is refused before
anything is written, with one line saying what is wrong and what to do.
"""

from __future__ import annotations

import os
import sqlite3
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from sqlite_utils import Database

from divergent.model import InputError
from divergent.storage.schema import MIGRATIONS, SchemaMigrations

BUSY_TIMEOUT = 30.0  # seconds one statement waits for another process's lock ($DIVERGENT_BUSY_TIMEOUT)
LOCK_ATTEMPTS = 4  # then taking the write lock is tried this many times in all
SQLITE_HEADER = b"SQLite format 3\x00"


def busy_timeout() -> float:
    """Seconds a statement waits while another process holds the lock."""
    value = os.environ.get("DIVERGENT_BUSY_TIMEOUT", "")
    try:
        seconds = float(value) if value else BUSY_TIMEOUT
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds <= 3600:
        raise InputError(f"DIVERGENT_BUSY_TIMEOUT must be a number of seconds from 0 to 3600, not {value!r}")
    return seconds


DatabaseError = sqlite3.Error  # what an SQLite failure under a command raises (cli explains it)


class DatabaseProblem(InputError):
    """The sessions database cannot be used as it is: what is wrong and what to do."""


class SchemaBehind(DatabaseProblem):
    """The file holds an older schema: a command that writes upgrades it; readers refuse."""


class DatabaseFailure(RuntimeError):
    """An SQLite error on the sessions database that says nothing about the file itself."""


def explain(error: sqlite3.Error, path: Path) -> DatabaseProblem | DatabaseFailure:
    """One line for an SQLite error on ``path``: a DatabaseProblem when the file is at fault."""
    text = str(error)
    lowered = text.lower()
    if "not a database" in lowered or "file is encrypted" in lowered:
        what = f"{path} is not an SQLite database (or its header is damaged): choose another --db, or restore it from a backup"
    elif "malformed" in lowered or "disk image" in lowered or "corrupt" in lowered:
        what = f"{path} is damaged ({text}): restore it from a backup, or choose another --db"
    elif "readonly" in lowered or "read-only" in lowered:
        what = f"{path} is read-only: make it and its directory writable, or choose another --db"
    elif "locked" in lowered or "busy" in lowered:
        what = f"{path} is locked by another program: wait for it to finish, then try again"
    elif "unable to open" in lowered:
        what = f"cannot open {path}: check that it and its directory exist and are readable"
    elif "disk i/o" in lowered or "full" in lowered:
        what = f"cannot write {path} ({text}): check the disk and the file's permissions"
    else:
        return DatabaseFailure(f"sessions database {path}: {text}")
    return DatabaseProblem(f"sessions database {what}")


def _check_file(path: Path) -> bool:
    """True when there is a file to open; refuse what is not a plain SQLite file."""
    if not path.exists():
        return False
    if path.is_dir():
        raise DatabaseProblem(f"--db names a directory, not a database file: {path}")
    if not path.is_file():
        raise DatabaseProblem(f"--db names {path}, which is not a regular file: name a database file")
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as error:
        raise DatabaseProblem(f"cannot read the sessions database {path}: {error.strerror}") from None
    if header and header != SQLITE_HEADER:
        raise DatabaseProblem(f"{path} is not an SQLite database: choose another --db (it was left untouched)")
    return bool(header)


def schema_state(db: Database, path: Path) -> str:
    """'new', 'current' or 'behind'; raises DatabaseProblem for a file that is not ours to use."""
    names = {row[0] for row in db.conn.execute("select name from sqlite_master where type = 'table'")}
    table = SchemaMigrations.migrations_table
    if not names:
        return "new"
    if table not in names:
        raise DatabaseProblem(
            f"{path} is an SQLite database of another program, not a divergent one: choose another --db (it was left untouched)"
        )
    applied = {row[0] for row in db.conn.execute(f"select name from [{table}] where migration_set = ?", [MIGRATIONS.name])}
    if not applied:
        raise DatabaseProblem(
            f"{path} is an SQLite database of another program, not a divergent one: choose another --db (it was left untouched)"
        )
    known = {m.name for m in MIGRATIONS._migrations}
    future = sorted(applied - known)
    if future:
        raise DatabaseProblem(
            f"{path} was written by a newer divergent (schema {future[-1]}): upgrade divergent to use it (it was left untouched)"
        )
    return "current" if known <= applied else "behind"


def _empty() -> Database:
    """Nothing stored yet: an empty database that lives in memory, so reading changes no file."""
    db = Database(sqlite3.connect(":memory:", isolation_level=None))
    MIGRATIONS.apply(db)
    return db


def connect(path: Path, readonly: bool) -> Database:
    """The database at ``path``, checked; read-only means nothing is ever written to the file."""
    try:
        return _connect(path, readonly)
    except sqlite3.Error as error:
        raise explain(error, path) from None


def _connect(path: Path, readonly: bool) -> Database:
    timeout = busy_timeout()
    exists = _check_file(path)
    if readonly:
        if not exists:
            return _empty()
        conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True, timeout=timeout, isolation_level=None)
        db = Database(conn)
        try:
            state = schema_state(db, path)
        except BaseException:
            conn.close()
            raise
        if state == "new":
            conn.close()
            return _empty()
        if state == "behind":
            conn.close()
            raise SchemaBehind(
                f"{path} was written by an older divergent: run a command that writes (explore, open, steer) once to upgrade it"
            )
        return db
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise DatabaseProblem(f"cannot create the directory for the sessions database {path.parent}: {error.strerror}") from None
    for what, where in (("it", path), ("its directory", path.parent)):
        if where.exists() and not os.access(where, os.W_OK):  # SQLite would open it read-only without a word
            raise DatabaseProblem(f"sessions database {path} is read-only ({what}): make it writable, or choose another --db")
    conn = sqlite3.connect(str(path), timeout=timeout, isolation_level=None)
    db = Database(conn)
    try:
        state = schema_state(db, path)
        damage = conn.execute("pragma quick_check(1)").fetchone()[0]  # ~0.15 s per 100 MB: never write into a damaged file
        if damage != "ok":
            damage = " ".join(damage.replace("*** in database main ***", "").split())
            raise DatabaseProblem(f"sessions database {path} is damaged ({damage}): restore it from a backup, or choose another --db")
        if conn.execute("pragma journal_mode").fetchone()[0].lower() != "wal":
            _with_lock_retries(lambda: conn.execute("pragma journal_mode = wal"))
        conn.execute("pragma foreign_keys = on")
        if state != "current":
            with transaction(db, path):
                if MIGRATIONS.pending(db):  # another process may have migrated it meanwhile
                    MIGRATIONS.apply(db)
    except BaseException:
        conn.close()
        raise
    return db


def _busy(error: sqlite3.OperationalError) -> bool:
    text = str(error).lower()
    return "locked" in text or "busy" in text


def _with_lock_retries(step) -> None:
    """Run ``step`` (one statement), again after a pause while another process holds the lock."""
    for attempt in range(LOCK_ATTEMPTS):
        try:
            step()
            return
        except sqlite3.OperationalError as error:
            if not _busy(error) or attempt == LOCK_ATTEMPTS - 1:
                raise
            time.sleep(0.05 * 2**attempt)


@contextmanager
def transaction(db: Database, path: Path) -> Iterator[Database]:
    """One write transaction holding the write lock from its start (nested ones are savepoints)."""
    conn = db.conn
    if conn.in_transaction:
        with db.atomic():
            yield db
        return
    try:
        _with_lock_retries(lambda: conn.execute("begin immediate"))
    except sqlite3.Error as error:
        raise explain(error, path) from None
    try:
        yield db
    except BaseException:
        if conn.in_transaction:
            conn.execute("rollback")
        raise
    try:
        conn.execute("commit")
    except sqlite3.Error as error:
        if conn.in_transaction:
            conn.execute("rollback")
        raise explain(error, path) from None
