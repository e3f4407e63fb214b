"""The sessions database on real SQLite files, and patches that real git applies."""

from __future__ import annotations

import sqlite3
import subprocess

import pytest

from conftest import git, make_repo
from divergent.model import Assessment, CallSite, Candidate, Cluster, Fidelity, InputError, Problem, Target
from divergent.storage.patch import unified_patch
from divergent.storage.store import Store

TODAY = "class Report:\n    def total(self):\n        return 1\n"
SESSION_TABLES = ("scenarios", "candidates", "clusters", "events", "llm_calls")


def make_problem(repo: str = "/repo", goal: str = "pluggable output") -> Problem:
    target = Target(
        repo=repo, path="shop/report.py", symbol="Report", kind="class", line=1, end_line=3, commit="c0ffee" * 6 + "abcd"
    )
    return Problem(
        target=target,
        goal=goal,
        constraints=["keep the public API"],
        scenarios=["add a YAML output", "make it async"],
        files={"shop/report.py": TODAY},
        source=TODAY,
        signatures=["def helper(x)"],
        call_sites=[CallSite("shop/cli.py", 7, "total", "print(report.total())")],
        used_names=["Report", "total"],
    )


def baseline() -> Candidate:
    return Candidate(title="Today's code", files={"shop/report.py": TODAY}, explorer="baseline", baseline=True, id=0)


def count(path, sql: str, args=()) -> int:
    """A count read through a plain sqlite3 connection of its own."""
    connection = sqlite3.connect(path)
    try:
        return connection.execute(sql, args).fetchone()[0]
    finally:
        connection.close()


@pytest.fixture
def store(db_path):
    s = Store(db_path)
    yield s
    s.close()


# --- schema and connection -------------------------------------------------------------


def migrations(db_path) -> list[str]:
    connection = sqlite3.connect(db_path)
    try:
        return [r[0] for r in connection.execute("select name from schema_migrations order by rowid")]
    finally:
        connection.close()


def test_a_new_database_records_its_migration_once(db_path):
    Store(db_path).close()
    applied = migrations(db_path)
    assert applied[0] == "0001_initial"
    assert applied.count("0001_initial") == 1
    assert len(set(applied)) == len(applied)
    Store(db_path).close()
    Store(db_path).close()
    assert migrations(db_path) == applied  # reopening applies nothing again
    assert count(db_path, "select count(*) from sqlite_master where type = 'table' and name = 'sessions'") == 1


def test_the_database_is_in_wal_mode(db_path):
    Store(db_path).close()
    connection = sqlite3.connect(db_path)
    try:
        assert connection.execute("pragma journal_mode").fetchone()[0] == "wal"
    finally:
        connection.close()


def test_a_directory_is_not_a_database(tmp_path):
    with pytest.raises(InputError):
        Store(tmp_path)


def test_default_path_follows_divergent_db(db_path):
    s = Store()
    try:
        assert s.path == db_path
    finally:
        s.close()
    assert db_path.is_file()


# --- sessions and candidates -------------------------------------------------------------


def test_a_candidate_is_visible_to_another_store_at_once(db_path):
    writer = Store(db_path)
    reader = Store(db_path)
    try:
        session = writer.create_session(make_problem(), offline=True)
        writer.add_candidate(session, baseline(), [], 0.5)
        # the writer is still open: what the reader sees was committed by add_candidate
        assert [c.title for c in reader.candidates(session)] == ["Today's code"]
        assert count(db_path, "select count(*) from candidate_files") == 1
    finally:
        reader.close()
        writer.close()


def test_candidate_fields_round_trip(store):
    session = store.create_session(make_problem(), offline=True)
    store.add_candidate(session, baseline(), [], 0.5)
    files = {
        "shop/report.py": "class Report:\n    pass",  # no trailing newline
        "shop/formats/__init__.py": "",
        "shop/formats/yaml.py": "NAME = 'ünïcode ✓'\r\n",
    }
    original = Candidate(
        title="Registry of formats",
        files=dict(files),
        summary="A dict of renderer functions keyed by format",
        rationale="new formats plug in without editing render()",
        explorer="catalog",
        lens="registry",
        parents=[0, 3],
        fidelity=Fidelity.SKETCH,
        choices={"dispatch": "registry", "state": "none"},
        valid=False,
        invalid_reason="does not parse; callers use names that are gone: total",
    )
    assessments = [
        Assessment("simplicity", "simplicity", 0.42, {"before": {"sloc": 3}}, "sloc 3 → 5 (+67 %)"),
        Assessment("validity", "validity", 0.0, {"problems": ["x"]}, "does not parse"),
    ]
    number = store.add_candidate(session, original, assessments, 0.0)
    assert number == 1
    assert original.id == 1

    back = store.candidate(session, 1)
    assert back.files == files
    assert back.title == "Registry of formats"
    assert back.summary == "A dict of renderer functions keyed by format"
    assert back.rationale == "new formats plug in without editing render()"
    assert back.explorer == "catalog"
    assert back.lens == "registry"
    assert back.parents == [0, 3]
    assert back.fidelity is Fidelity.SKETCH
    assert back.choices == {"dispatch": "registry", "state": "none"}
    assert back.baseline is False
    assert back.valid is False
    assert back.invalid_reason == "does not parse; callers use names that are gone: total"
    assert back.id == 1
    assert back.cluster is None
    assert store.candidate(session, 0).baseline is True

    stored = store.assessments(session, 1)[1]
    assert stored == [
        Assessment("simplicity", "simplicity", 0.42, {"before": {"sloc": 3}}, "sloc 3 → 5 (+67 %)"),
        Assessment("validity", "validity", 0.0, {"problems": ["x"]}, "does not parse"),
    ]
    assert store.overall(session) == {0: 0.5, 1: 0.0}


def test_candidates_are_numbered_in_arrival_order(store):
    session = store.create_session(make_problem(), offline=True)
    numbers = [store.add_candidate(session, Candidate(title=f"c{n}", files={}), [], 0.5) for n in range(3)]
    assert numbers == [0, 1, 2]
    assert [c.title for c in store.candidates(session)] == ["c0", "c1", "c2"]


def test_a_failed_add_leaves_nothing_behind(store, db_path):
    session = store.create_session(make_problem(), offline=True)
    twice = [Assessment("simplicity", "simplicity", 0.5), Assessment("simplicity", "simplicity", 0.6)]
    with pytest.raises(sqlite3.IntegrityError):
        store.add_candidate(session, Candidate(title="doomed", files={"a.py": "x = 1\n"}), twice, 0.5)
    assert count(db_path, "select count(*) from candidates") == 0
    assert count(db_path, "select count(*) from candidate_files") == 0
    assert count(db_path, "select count(*) from assessments") == 0


def test_the_problem_round_trips(store):
    problem = make_problem()
    session = store.create_session(problem, offline=True)
    store.add_candidate(session, baseline(), [], 0.5)
    assert store.problem(session) == problem
    row = store.session(session)
    assert row.status == "running"
    assert row.target == "shop/report.py::Report"
    store.set_status(session, "done")
    assert store.session(session).status == "done"


def test_set_clusters_updates_the_candidates(store):
    session = store.create_session(make_problem(), offline=True)
    for n in range(4):
        store.add_candidate(session, Candidate(title=f"c{n}", files={}, baseline=(n == 0)), [], 0.5)
    first = [Cluster(1, "today's code", [0], 0), Cluster(2, "registry", [1, 3], 1), Cluster(3, "strategy", [2], 2)]
    store.set_clusters(session, first)
    assert [c.cluster for c in store.candidates(session)] == [1, 2, 3, 2]
    assert store.clusters(session) == first

    again = [Cluster(1, "today's code", [0], 0), Cluster(2, "everything else", [1, 2, 3], 2)]
    store.set_clusters(session, again)
    assert [c.cluster for c in store.candidates(session)] == [1, 2, 2, 2]
    assert store.clusters(session) == again


def test_search_finds_a_candidate_by_a_word_of_its_summary(store):
    session = store.create_session(make_problem(), offline=True)
    store.add_candidate(session, baseline(), [], 0.5)
    store.add_candidate(
        session, Candidate(title="Registry", files={}, summary="Handlers live in a dictionary keyed by format"), [], 0.6
    )
    store.add_candidate(session, Candidate(title="Protocol", files={}, summary="Callers depend on an interface"), [], 0.6)
    hits = store.search("dictionary")
    assert [(h["session_id"], h["number"], h["title"]) for h in hits] == [(session, 1, "Registry")]
    assert store.search("interface")[0]["number"] == 2
    assert store.search("spreadsheet") == []


def test_resolve_session(store):
    with pytest.raises(InputError):
        store.resolve_session("last")  # no sessions yet
    first = store.create_session(make_problem(), offline=True)
    second = store.create_session(make_problem(goal="second"), offline=True)
    assert second == first + 1
    assert store.resolve_session("last") == second
    assert store.resolve_session(str(first)) == first


@pytest.mark.parametrize("ref", ["abc", "", "-1", "1.0", "99", "0", " 1", "²"])
def test_bad_session_refs_are_input_errors(store, ref):
    store.create_session(make_problem(), offline=True)
    with pytest.raises(InputError):
        store.resolve_session(ref)


def fill_session(store: Store, goal: str) -> int:
    session = store.create_session(make_problem(goal=goal), offline=True)
    store.add_candidate(session, baseline(), [Assessment("simplicity", "simplicity", 0.5)], 0.5)
    store.add_candidate(
        session,
        Candidate(title=f"{goal} candidate", files={"shop/x.py": "x = 1\n"}, summary=f"summary about {goal}"),
        [Assessment("simplicity", "simplicity", 0.7)],
        0.7,
    )
    store.set_clusters(session, [Cluster(1, "today's code", [0], 0), Cluster(2, "other", [1], 1)])
    store.add_event(session, "finished", {"candidates": 2})
    return session


def rows_of(db_path, session: int) -> dict[str, int]:
    found = {"sessions": count(db_path, "select count(*) from sessions where id = ?", [session])}
    for table in SESSION_TABLES:
        found[table] = count(db_path, f"select count(*) from {table} where session_id = ?", [session])
    for table in ("candidate_files", "assessments"):
        found[table] = count(
            db_path,
            f"select count(*) from {table} where candidate_id in (select id from candidates where session_id = ?)",
            [session],
        )
    return found


def test_delete_session_removes_its_rows_and_keeps_the_others(store, db_path):
    doomed = fill_session(store, "walrus")
    kept = fill_session(store, "pelican")
    store.delete_session(doomed)
    assert rows_of(db_path, doomed) == {
        "sessions": 0,
        "scenarios": 0,
        "candidates": 0,
        "clusters": 0,
        "events": 0,
        "llm_calls": 0,
        "candidate_files": 0,
        "assessments": 0,
    }
    assert count(db_path, "select count(*) from candidate_files") == 4 - 2
    assert count(db_path, "select count(*) from assessments") == 4 - 2
    assert store.search("walrus") == []
    assert [h["session_id"] for h in store.search("pelican")] == [kept]
    assert rows_of(db_path, kept) == {
        "sessions": 1,
        "scenarios": 2,
        "candidates": 2,
        "clusters": 2,
        "events": 1,
        "llm_calls": 0,
        "candidate_files": 2,
        "assessments": 2,
    }


def test_delete_session_removes_its_model_calls(store, db_path):
    fill_session(store, "pelican")
    session = fill_session(store, "walrus")
    store.db["llm_calls"].insert({"session_id": session, "explorer": "lens", "model": "m", "messages": "[]"})
    store.delete_session(session)
    # session ids are reused (no AUTOINCREMENT): a left-over call would belong to the next session
    assert store.create_session(make_problem(goal="next"), offline=True) == session
    assert count(db_path, "select count(*) from llm_calls where session_id = ?", [session]) == 0


# --- patches -----------------------------------------------------------------------------


def apply_in_repo(tmp_path, before: dict[str, str], after: dict[str, str]) -> None:
    """Commit `before`, apply the patch to reach `after`, and compare every file byte for byte."""
    repo = tmp_path / "repo"
    make_repo(repo, {"README.md": "a repository\n", **before})
    patch = unified_patch([(path, before.get(path), text) for path, text in after.items()])
    (tmp_path / "candidate.patch").write_bytes(patch.encode())
    for args in (["apply", "--check"], ["apply"]):
        done = subprocess.run(["git", "-C", str(repo), *args, str(tmp_path / "candidate.patch")], capture_output=True, text=True)
        assert done.returncode == 0, f"git {' '.join(args)}: {done.stderr.strip()}\n{patch!r}"
    for path, text in after.items():
        assert (repo / path).read_bytes() == text.encode(), path
    assert (repo / "README.md").read_bytes() == b"a repository\n"


def test_patch_of_a_modified_file_applies(tmp_path):
    before = "".join(f"line {n}\n" for n in range(1, 21))
    after = before.replace("line 3\n", "line three\n").replace("line 17\n", "line 17\nline 17.5\n")
    patch = unified_patch([("shop/report.py", before, after)])
    assert patch.startswith("diff --git a/shop/report.py b/shop/report.py\n--- a/shop/report.py\n+++ b/shop/report.py\n")
    assert patch.count("@@ ") == 2  # two hunks, 14 lines apart
    apply_in_repo(tmp_path, {"shop/report.py": before}, {"shop/report.py": after})


def test_patch_leaves_unchanged_files_out():
    assert unified_patch([("a.py", "x = 1\n", "x = 1\n")]) == ""


@pytest.mark.parametrize(
    "before, after",
    [
        ("a = 1\nb = 2", "a = 1\nb = 3"),  # no newline at the end, before and after
        ("a = 1\nb = 2", "a = 1\nb = 2\n"),  # a newline added at the end
        ("a = 1\nb = 2\n", "a = 1\nb = 2"),  # the last newline removed
        ("a = 1\nb = 2", "a = 0\nb = 2"),  # change above an unchanged last line without newline
    ],
    ids=["both", "added", "removed", "context"],
)
def test_patch_handles_a_missing_newline_at_the_end(tmp_path, before, after):
    apply_in_repo(tmp_path, {"m.py": before}, {"m.py": after})


def test_patch_creates_a_file_in_a_new_directory(tmp_path):
    new = "def csv(rows):\n    return ','.join(rows)\n"
    patch = unified_patch([("shop/formats/csv.py", None, new)])
    assert "new file mode 100644\n--- /dev/null\n+++ b/shop/formats/csv.py\n" in patch
    apply_in_repo(tmp_path, {}, {"shop/formats/csv.py": new, "shop/formats/__init__.py": ""})


def test_patch_of_several_files_applies_as_one(tmp_path):
    before = {"shop/report.py": TODAY, "shop/util.py": "def helper(x):\n    return x\n"}
    after = {
        "shop/report.py": TODAY.replace("return 1", "return helper(1)"),
        "shop/util.py": "def helper(x):\n    return x * 1\n",
        "shop/new/thing.py": "THING = 1",
    }
    apply_in_repo(tmp_path, before, after)


def test_patch_of_a_file_with_a_form_feed_applies(tmp_path):
    # Page breaks (^L on a line of its own) are common in older Python code, CPython's included.
    before = "import os\n\x0c\ndef f():\n    return os.sep\n"
    after = "import sys\n\x0c\ndef f():\n    return os.sep\n"
    apply_in_repo(tmp_path, {"m.py": before}, {"m.py": after})


def test_patch_of_a_file_with_crlf_line_ends_applies(tmp_path):
    apply_in_repo(tmp_path, {"w.py": "a = 1\r\nb = 2\r\n"}, {"w.py": "a = 1\r\nb = 3\r\n"})


def test_git_rejects_a_patch_against_other_text(tmp_path):
    """The check above can fail: a patch made against other text does not apply."""
    repo = make_repo(tmp_path / "repo", {"m.py": "a = 1\nb = 2\n"})
    patch = unified_patch([("m.py", "a = 7\nb = 2\n", "a = 8\nb = 2\n")])
    (tmp_path / "p.patch").write_text(patch)
    with pytest.raises(subprocess.CalledProcessError):
        git(repo, "apply", "--check", str(tmp_path / "p.patch"))
