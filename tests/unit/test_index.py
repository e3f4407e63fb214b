"""The symbol index: tags from tree-sitter queries, kept by git blob sha in SQLite, built
in processes; call sites and the repo map read from it."""

from __future__ import annotations

import os
import sqlite3
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from conftest import git, make_repo
from divergent.context import index as index_module
from divergent.context.index import SymbolIndex, tag, tag_many
from divergent.context.parsing import language_for
from divergent.context.problem import frame
from divergent.context.repomap import Graph, pagerank
from divergent.storage.store import Store
from divergent.storage.symbols import SqliteSymbols

LANGUAGES = Path(__file__).resolve().parent.parent / "languages"

CORE = '''import os
from pkg.util import clamp


class Engine(Base):
    speed: Gear

    def start(self) -> Gear:
        self.gear = Gear()
        return clamp(self.speed)

    @property
    def running(self):
        return True


def helper(a):
    return os.path.join(a)
'''

FILES = {
    "pkg/__init__.py": "",
    "pkg/util.py": "def clamp(x):\n    return max(0, x)\n\n\nclass Base:\n    pass\n\n\nclass Gear:\n    pass\n",
    "pkg/core.py": CORE,
    "pkg/use.py": "from pkg.core import Engine\n\n\ndef run():\n    e = Engine()\n    e.start()\n    return e.running\n",
    "pkg/other.py": "def unrelated():\n    return 1\n",
    "tests/test_core.py": "from pkg.core import Engine\n\n\ndef test_start():\n    assert Engine().start() is not None\n",
}


def test_python_tags_hold_definitions_and_every_kind_of_use():
    found = tag("sha", "python", CORE.encode())
    assert [(d.name, d.kind, d.line, d.end_line) for d in found.defs] == [
        ("Engine", "class", 5, 14), ("start", "function", 8, 10), ("running", "function", 13, 14), ("helper", "function", 17, 18),
    ]
    assert found.defs[1].signature == "    def start(self) -> Gear:"
    refs = found.refs
    assert refs["clamp"] == [2, 10]  # imported, then called
    assert refs["Base"] == [5] and refs["Gear"] == [6, 8, 9]  # a base class, annotations, a call
    assert refs["join"] == [-18] and refs["gear"] == [-9]  # through a dot: negative
    assert refs["property"] == [12]  # a decorator


@pytest.mark.parametrize("name", ["before.go", "before.js", "before.ts", "before.rs", "Before.java"])
def test_the_other_languages_tag_their_types_methods_and_calls(name):
    source = (LANGUAGES / name).read_bytes()
    found = tag("sha", language_for(name), source)
    names = {d.name.lower() for d in found.defs}
    assert {"reportservice", "render", "heading"} <= names
    assert "join" in {n.lower() for n in found.refs}  # strings.Join, rows.join(...), String.join


def test_work_spread_over_processes_tags_the_same_as_one_process(monkeypatch):
    work = [(f"sha{i}", language_for(p.name), p.read_bytes()) for i, p in enumerate(sorted(LANGUAGES.iterdir()))]
    alone = {t.blob: (t.defs, t.refs) for t in tag_many(work)}
    monkeypatch.setattr(index_module, "PARALLEL_BYTES", 0)
    monkeypatch.setattr(index_module.threading, "active_count", lambda: 1)  # as in the CLI: no other thread
    pools = []

    class Pool(ProcessPoolExecutor):  # a real pool, counted
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            pools.append(self)

    monkeypatch.setattr(index_module, "ProcessPoolExecutor", Pool)
    spread = {t.blob: (t.defs, t.refs) for t in tag_many(work)}
    assert len(pools) == 1 and pools[0]._max_workers == 2
    assert spread == alone and len(spread) == len(work)


@pytest.fixture
def repo(tmp_path) -> Path:
    return make_repo(tmp_path / "repo", FILES)


def test_an_unchanged_file_is_never_parsed_twice(repo, tmp_path):
    db = tmp_path / "index.db"
    first = SymbolIndex(SqliteSymbols(Store(db)))
    frame("pkg/core.py::Engine", str(repo), Path.cwd(), index=first)
    assert first.parsed == 4  # the target's file, the two that mention Engine, the module it imports
    again = SymbolIndex(SqliteSymbols(Store(db)))  # another run on the same database
    problem = frame("pkg/core.py::Engine", str(repo), Path.cwd(), index=again)
    assert again.parsed == 0 and problem.call_sites
    (repo / "pkg/use.py").write_text(FILES["pkg/use.py"] + "\n\ndef more():\n    return Engine().start()\n")
    git(repo, "commit", "-qam", "more")
    after = SymbolIndex(SqliteSymbols(Store(db)))
    problem = frame("pkg/core.py::Engine", str(repo), Path.cwd(), index=after)
    assert after.parsed == 1  # only the changed blob
    assert ("pkg/use.py", 11, "start") in {(s.path, s.line, s.name) for s in problem.call_sites}


def test_call_sites_come_from_the_index_and_respect_dots(repo):
    problem = frame("pkg/core.py::Engine", str(repo), Path.cwd())
    assert {(s.path, s.line, s.name) for s in problem.call_sites} == {
        ("pkg/use.py", 1, "Engine"), ("pkg/use.py", 5, "Engine"), ("pkg/use.py", 6, "start"), ("pkg/use.py", 7, "running"),
        ("tests/test_core.py", 1, "Engine"), ("tests/test_core.py", 5, "Engine"), ("tests/test_core.py", 5, "start"),
    }


def test_the_repo_map_ranks_the_imported_module_and_leaves_out_what_is_unrelated(repo):
    problem = frame("pkg/core.py::Engine", str(repo), Path.cwd())
    mapped = [p.path for p in problem.context if p.kind == "map"]
    assert "pkg/util.py" in mapped and "pkg/other.py" not in mapped and "pkg/core.py" not in mapped
    util = next(p for p in problem.context if p.kind == "map" and p.path == "pkg/util.py")
    assert util.text == "def clamp(x):\nclass Base:\nclass Gear:"


def test_pagerank_follows_links_from_the_personal_node():
    g = Graph({"t": {"a": 3.0, "b": 1.0}, "a": {"c": 1.0}, "b": {}, "d": {"t": 1.0}})
    rank = pagerank(g, {"t": 1.0})
    assert rank["t"] > rank["a"] > rank["b"] and rank["a"] > rank["c"] > 0
    assert rank["d"] == pytest.approx(0.0)  # nothing links from the target to d
    assert sum(rank.values()) == pytest.approx(1.0)


def test_a_file_over_the_size_limit_is_never_indexed_nor_shown_as_a_caller(repo, monkeypatch):
    """A generated or vendored file that uses the target stays out of the index and the request."""
    bundle = "from pkg.core import Engine\n\n\ndef bundled():\n    return Engine().start()\n" + "# padding\n" * 400
    (repo / "pkg/bundle.py").write_text(bundle)
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "a large generated file")
    monkeypatch.setenv("DIVERGENT_MAX_TARGET_BYTES", str(len(CORE) + 100))  # the target fits, the bundle does not
    index = SymbolIndex()
    problem = frame("pkg/core.py::Engine", str(repo), Path.cwd(), index=index)
    assert "pkg/bundle.py" not in {s.path for s in problem.call_sites}
    assert "pkg/bundle.py" not in {p.path for p in problem.context}
    assert ("pkg/use.py", 6, "start") in {(s.path, s.line, s.name) for s in problem.call_sites}
    monkeypatch.delenv("DIVERGENT_MAX_TARGET_BYTES")
    problem = frame("pkg/core.py::Engine", str(repo), Path.cwd(), index=SymbolIndex())
    assert "pkg/bundle.py" in {s.path for s in problem.call_sites}  # under the default limit it is a caller


def test_framing_for_a_session_keeps_the_index_in_the_sessions_database(repo, tmp_path):
    """The CLI and the app frame through engine.framing: what one parses, the next reads back."""
    from divergent.engine.framing import frame as frame_for_session

    db = tmp_path / "sessions.db"
    frame_for_session("pkg/core.py::Engine", str(repo), Path.cwd(), db=db)
    blob = git(repo, "rev-parse", "HEAD:pkg/core.py").strip()
    with sqlite3.connect(db) as connection:
        indexed = {row[0] for row in connection.execute("select blob_sha from symbol_cache")}
    assert blob in indexed and len(indexed) == 4


def rankings(db: Path) -> int:
    with sqlite3.connect(db) as connection:
        return connection.execute("select count(*) from symbol_rankings").fetchone()[0]


@pytest.mark.parametrize("budget", [8000, 900])
def test_framing_from_a_filled_database_gives_what_framing_from_scratch_gives(repo, tmp_path, budget):
    """Warm (every blob indexed, the map's ranking kept) and cold framing agree with an index
    built in memory, part for part, at a roomy budget and at one that cuts the map."""
    db = tmp_path / "index.db"
    fresh = frame("pkg/core.py::Engine", str(repo), Path.cwd(), context_tokens=budget)
    with Store(db) as store:
        cold = frame("pkg/core.py::Engine", str(repo), Path.cwd(), context_tokens=budget, index=SymbolIndex(SqliteSymbols(store)))
    with Store(db) as store:
        warm_index = SymbolIndex(SqliteSymbols(store))
        warm = frame("pkg/core.py::Engine", str(repo), Path.cwd(), context_tokens=budget, index=warm_index)
    assert warm_index.parsed == 0 and rankings(db) == 1
    assert warm == cold == fresh
    mapped = [p.path for p in warm.context if p.kind == "map"]
    assert mapped == (["pkg/use.py", "tests/test_core.py", "pkg/util.py"] if budget == 8000 else ["pkg/use.py", "tests/test_core.py"])


def test_a_kept_ranking_outlives_commits_that_leave_the_neighbourhood_alone(repo, tmp_path):
    db = tmp_path / "index.db"

    def framed():
        with Store(db) as store:
            return frame("pkg/core.py::Engine", str(repo), Path.cwd(), index=SymbolIndex(SqliteSymbols(store)))

    framed()
    (repo / "pkg/other.py").write_text("def unrelated():\n    return 2\n")  # no file of the neighbourhood
    git(repo, "commit", "-qam", "elsewhere")
    framed()
    assert rankings(db) == 1
    (repo / "pkg/util.py").write_text(FILES["pkg/util.py"] + "\n\ndef spare(gear: Gear):\n    return gear\n")
    git(repo, "commit", "-qam", "the imported module changes")
    problem = framed()
    assert rankings(db) == 2  # ranked again: what the old ranking followed from has changed
    util = next(p for p in problem.context if p.kind == "map" and p.path == "pkg/util.py")
    assert util.text.endswith("def spare(gear: Gear):")
    assert problem == frame("pkg/core.py::Engine", str(repo), Path.cwd())


def test_a_file_indexed_under_a_larger_limit_is_left_out_under_a_smaller_one(repo, tmp_path, monkeypatch):
    """The index keeps each blob's size: a lower limit later still keeps a big caller out."""
    bundle = "from pkg.core import Engine\n\n\ndef bundled():\n    return Engine().start()\n" + "# padding\n" * 400
    (repo / "pkg/bundle.py").write_text(bundle)
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "a large generated file")
    db = tmp_path / "index.db"
    with Store(db) as store:
        problem = frame("pkg/core.py::Engine", str(repo), Path.cwd(), index=SymbolIndex(SqliteSymbols(store)))
    assert "pkg/bundle.py" in {s.path for s in problem.call_sites}
    monkeypatch.setenv("DIVERGENT_MAX_TARGET_BYTES", str(len(CORE) + 100))
    with Store(db) as store:
        index = SymbolIndex(SqliteSymbols(store))
        problem = frame("pkg/core.py::Engine", str(repo), Path.cwd(), index=index)
    assert index.parsed == 0
    assert "pkg/bundle.py" not in {s.path for s in problem.call_sites} | {p.path for p in problem.context}


def test_callers_are_read_as_committed_whatever_the_working_tree_holds(repo):
    """A caller's committed text is what framing shows: an edited file, a pipe or a symlink in
    its place in the working tree changes nothing (and a pipe does not make framing wait)."""
    committed = frame("pkg/core.py::Engine", str(repo), Path.cwd())
    (repo / "pkg/use.py").write_text(FILES["pkg/use.py"].replace("e.start()", "e.start()  # edited, not committed"))
    (repo / "tests/test_core.py").unlink()
    os.mkfifo(repo / "tests/test_core.py")
    (repo / "pkg/util.py").unlink()
    (repo / "pkg/util.py").symlink_to(repo / "pkg/use.py")
    assert frame("pkg/core.py::Engine", str(repo), Path.cwd()) == committed
    assert ("pkg/use.py", 6, "e.start()") in {(s.path, s.line, s.text) for s in committed.call_sites}
