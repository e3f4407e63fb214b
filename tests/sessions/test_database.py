"""The sessions database: readers never write, and a file that is not ours, is damaged or
locked is refused in one line and left exactly as it was."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest
from sqlite_utils import Database

from divergent.storage.schema import MIGRATIONS

TARGET = "shop/reports.py::ReportService"
READERS = [("sessions",), ("show", "1"), ("show", "1", "1"), ("search", "registry")]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def settled(db: Path) -> Path:
    """The database with everything checkpointed into the main file (no -wal to compare)."""
    with sqlite3.connect(db) as conn:
        conn.execute("pragma wal_checkpoint(truncate)")
    return db


@pytest.fixture
def explored(sample_repo, cli, db_path) -> Path:
    code, _, err = cli("explore", sample_repo / TARGET, "--repo", sample_repo, "--offline", "--headless", "--candidates", "3")
    assert code == 0, err
    return settled(db_path)


def one_line(err: str) -> str:
    assert err.count("\n") == 1 and "Traceback" not in err, err
    return err


@pytest.mark.parametrize("command", READERS, ids=lambda c: " ".join(c))
def test_readers_never_change_the_file(explored, cli, command):
    before = digest(explored)
    code, _, err = cli(*command)
    assert code == 0, err
    assert digest(explored) == before


def test_reading_a_missing_database_creates_nothing(cli, tmp_path):
    missing = tmp_path / "nowhere" / "s.db"
    code, out, _ = cli("sessions", "--db", missing)
    assert code == 0 and "no sessions yet" in out
    code, _, err = cli("show", "1", "--db", missing)
    assert code == 2 and "no session" in one_line(err)
    assert not missing.parent.exists()


def behind(path: Path) -> Path:
    """A database at the schema of an older divergent (all but the last migration)."""
    db = Database(path)
    MIGRATIONS.apply(db, stop_before=MIGRATIONS._migrations[-1].name)
    db.close()
    return path


@pytest.mark.parametrize("command", READERS[:1] + READERS[3:4], ids=lambda c: " ".join(c))
def test_a_reader_refuses_a_database_that_needs_an_upgrade(cli, tmp_path, command):
    db = behind(tmp_path / "old.db")
    before = digest(db)
    code, _, err = cli(*command, "--db", db)
    assert code == 2 and "run a command that writes" in one_line(err)
    assert digest(db) == before


def test_a_writer_upgrades_an_older_database(sample_repo, cli, tmp_path):
    db = behind(tmp_path / "old.db")
    code, _, err = cli("explore", sample_repo / TARGET, "--repo", sample_repo, "--offline", "--headless", "--candidates", "1", "--db", db)
    assert code == 0, err
    assert not MIGRATIONS.pending(Database(db))


def future(path: Path) -> Path:
    db = Database(path)
    MIGRATIONS.apply(db)
    db["schema_migrations"].insert({"migration_set": "divergent", "name": "0999_from_the_future", "applied_at": "2030"})
    db.close()
    return path


def foreign(path: Path) -> Path:
    with sqlite3.connect(path) as conn:
        conn.execute("create table notes (id integer primary key, text)")
        conn.execute("insert into notes (text) values ('mine')")
    return path


def garbage(path: Path) -> Path:
    path.write_bytes(b"these are my notes, not a database\n" * 40)
    return path


def truncated(path: Path, explored: Path) -> Path:
    path.write_bytes(explored.read_bytes()[:6000])
    return path


def damaged(path: Path, explored: Path) -> Path:
    data = bytearray(explored.read_bytes())
    data[20000:24096] = bytes((i * 7) % 256 for i in range(4096))  # one page of a table, not the header
    path.write_bytes(bytes(data))
    return path


CASES = {
    "future": (lambda p, e: future(p), "newer divergent"),
    "foreign": (lambda p, e: foreign(p), "another program"),
    "garbage": (lambda p, e: garbage(p), "not an SQLite database"),
    "truncated": (truncated, "damaged"),
    "damaged": (damaged, "damaged"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_file_that_is_not_ours_to_use_is_refused_untouched(case, explored, sample_repo, cli, tmp_path):
    make, expected = CASES[case]
    db = make(tmp_path / f"{case}.db", explored)
    before = digest(db)
    for command in (("sessions",), ("explore", sample_repo / TARGET, "--repo", sample_repo, "--offline", "--headless")):
        code, out, err = cli(*command, "--db", db)
        assert code == 2, err
        assert expected in one_line(err) and str(db) in err
        assert digest(db) == before
    assert sorted(p.name for p in tmp_path.glob(f"{case}.db*")) == [f"{case}.db"]


def test_a_foreign_sqlite_file_gets_no_migrations_table(explored, cli, tmp_path):
    db = foreign(tmp_path / "notes.db")
    cli("sessions", "--db", db)
    with sqlite3.connect(db) as conn:
        assert [n for (n,) in conn.execute("select name from sqlite_master")] == ["notes"]


@pytest.mark.parametrize("where", ["/dev/null", "dir"])
def test_db_that_is_no_regular_file(cli, tmp_path, where):
    db = "/dev/null" if where == "/dev/null" else tmp_path
    for command in (("sessions",), ("show", "last")):
        code, _, err = cli(*command, "--db", db)
        assert code == 2 and "--db names" in one_line(err)


def immutable(path: Path) -> bool:
    return subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode == 0


def test_a_read_only_database_is_refused_for_writing_and_read_as_it_is(explored, sample_repo, cli, tmp_path):
    db = tmp_path / "ro.db"
    shutil.copy(explored, db)
    if not immutable(db):
        db.chmod(0o444)  # as root only the immutable flag stops a write
    try:
        before = digest(db)
        code, _, err = cli("explore", sample_repo / TARGET, "--repo", sample_repo, "--offline", "--headless", "--db", db)
        assert code == 2 and "read-only" in one_line(err)
        assert digest(db) == before
        code, out, err = cli("sessions", "--db", db)
        assert code == 0 and "ReportService" in out, err
    finally:
        subprocess.run(["chattr", "-i", str(db)], capture_output=True)


def test_a_locked_database_is_reported_in_one_line(explored, sample_repo, cli, monkeypatch):
    monkeypatch.setenv("DIVERGENT_BUSY_TIMEOUT", "0.1")
    holder = sqlite3.connect(explored, isolation_level=None)
    holder.execute("begin immediate")  # another program in the middle of a write
    try:
        code, _, err = cli("explore", sample_repo / TARGET, "--repo", sample_repo, "--offline", "--headless")
        assert code == 2 and "locked by another program" in one_line(err)
        code, out, err = cli("sessions")  # reading goes on meanwhile
        assert code == 0 and "ReportService" in out, err
    finally:
        holder.execute("rollback")
        holder.close()
    with sqlite3.connect(explored) as conn:
        assert conn.execute("select count(*) from sessions").fetchone()[0] == 1


def test_bad_busy_timeout_is_one_line(cli, monkeypatch):
    monkeypatch.setenv("DIVERGENT_BUSY_TIMEOUT", "soon")
    code, _, err = cli("sessions")
    assert code == 2 and "DIVERGENT_BUSY_TIMEOUT" in one_line(err)


STEERS = [
    ("expand", "99"),
    ("refine", "99"),
    ("combine", "1", "1"),
    ("combine", "1", "99"),
    ("materialize", "99"),
    ("mark", "99", "up"),
    ("mark", "1", "sideways"),
    ("rescore", "nope=1"),
    ("rescore", "simplicity=inf"),
    ("rescore", "simplicity=nan"),
    ("rescore", ""),
    ("scenario", "=>"),
    ("scenario", "  => ReportService"),
    ("new-direction", "extra"),
    ("expand", "0", "--count", "0"),
    ("expand", "0", "--count", "-2"),
    ("autopilot", "--budget", "0"),
    ("dance",),
]


@pytest.mark.parametrize("steer", STEERS, ids=lambda s: " ".join(s) or "empty")
def test_a_steering_command_with_bad_arguments_writes_nothing(explored, cli, steer):
    before = digest(explored)
    code, _, err = cli("steer", "1", *steer)
    assert code == 2, err
    one_line(err)
    assert digest(settled(explored)) == before


def test_steering_an_unknown_session_creates_no_database(cli, tmp_path):
    db = tmp_path / "fresh.db"
    code, _, err = cli("steer", "3", "mark", "1", "up", "--db", db)
    assert code == 2 and "no session" in one_line(err)
    assert not db.exists()
