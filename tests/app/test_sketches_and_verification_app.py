"""In the app: the New form's sketch switch, `m` on a sketch, and test verdicts streaming in."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from apptools import Recording, ready, until
from conftest import git
from textual.widgets import Input, Label, Switch

from divergent.app.main import DivergentApp, Start
from divergent.app.screens.dialogs import ConfirmScreen
from divergent.app.screens.new import NewExplorationScreen
from divergent.context.problem import frame
from divergent.engine.options import make_options
from divergent.model import Fidelity
from divergent.storage.store import Store

pytestmark = pytest.mark.tui
TARGET = "shop/reports.py::ReportService"


async def test_the_sketch_switch_asks_for_sketches_and_m_materializes_one(sample_repo, db_path, endpoint_env, monkeypatch):
    monkeypatch.chdir(sample_repo)
    app = DivergentApp(db_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("n")
        screen = app.screen
        assert isinstance(screen, NewExplorationScreen)
        screen.query_one("#target", Input).value = TARGET
        screen.query_one("#candidates", Input).value = "3"
        screen.query_one("#sketch", Switch).value = True
        estimate = screen.query_one("#estimate", Label)
        await until(pilot, lambda: "sketches save" in str(estimate.render()))  # the estimate shows the saving
        await pilot.press("ctrl+s")
        explore = await ready(pilot)
        sketches = [c for c in explore.session.candidates if not c.baseline]
        assert len(sketches) == 3 and {c.fidelity for c in sketches} == {Fidelity.SKETCH}

        table = explore.table
        table.focus()
        shown = [c for c in sketches if f"c{c.id}" in {k.value for k in table.rows}]  # a folded cluster shows one
        table.move_cursor(row=table.get_row_index(f"c{shown[0].id}"))
        await pilot.pause(0.2)
        assert explore.selected == shown[0].id
        await pilot.press("m")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen) or explore.busy or any(c.explorer == "materialize" for c in explore.session.candidates))
        if isinstance(app.screen, ConfirmScreen):  # it asks before spending
            await pilot.press("y")
        await until(pilot, lambda: any(c.explorer == "materialize" for c in explore.session.candidates), seconds=30)
        await ready(pilot)
    with Store(db_path) as store:
        (full,) = [c for c in store.candidates(1) if c.explorer == "materialize"]
    assert full.fidelity is Fidelity.FULL and full.parents == [shown[0].id]


SLOW_TESTS = "import sys, time; time.sleep(0.5); sys.exit('Variant' in open('shop/reports.py').read() or 'def _' in open('shop/reports.py').read())"


async def test_verdicts_stream_into_the_table_while_the_wave_runs(sample_repo, db_path, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (sample_repo / "check.py").write_text(SLOW_TESTS)
    git(sample_repo, "add", "check.py")
    git(sample_repo, "commit", "-q", "-m", "a check that fails every design that adds a helper")
    problem = frame(TARGET, str(sample_repo), Path.cwd())
    options = make_options(offline=True, candidates=4, verify_tests=f"{sys.executable} check.py", verify_jobs=1)
    app = DivergentApp(db_path, Start("explore", problem=problem, options=options))
    seen: list[str] = []
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(600):  # while the wave runs, a verdict shows as it lands
            screen = app.screen
            status = str(screen.query_one("#status", Label).render()) if screen.query("#status") else ""
            if "verified #" in status and screen.busy:
                seen.append(status)
            if seen and not screen.busy:
                break
            await pilot.pause(0.05)
        explore = await ready(pilot)
        rows = {c["id"]: c for c in explore.document["candidates"]}
    assert seen, "no verdict was shown while the wave ran"
    with Store(db_path) as store:
        for candidate in store.candidates(1):
            (verdict,) = [a for a in store.assessments(1, candidate.id)[candidate.id] if a.critic == "verify"]
            assert rows[candidate.id]["valid"] == (verdict.score == 1.0)  # the table shows each verdict


@pytest.fixture
def explored(sample_repo, endpoint_env, cli, db_path) -> int:
    """A session of four model designs, explored headless."""
    code, _, err = cli("explore", sample_repo / TARGET, "--repo", sample_repo, "--headless", "--candidates", "4")
    assert code == 0, err
    return 1


async def test_a_new_direction_says_how_many_novelty_designs_missed(explored, endpoint_env, db_path):
    app = Recording(db_path, Start("open", session=explored, options=make_options(offline=False, budget=60)))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen) or screen.busy)
        if isinstance(app.screen, ConfirmScreen):  # it asks before spending
            await pilot.press("y")
        await until(pilot, lambda: any(said.startswith("novelty: ") for said in app.said), seconds=30)
    (said,) = [s for s in app.said if s.startswith("novelty: ")]
    assert "2" in said  # two designs were asked to be unlike every cluster


@pytest.fixture
def runs(sample_repo, endpoint_env, cli, tmp_path, monkeypatch) -> Path:
    """A session of two model designs explored headless with --verify-tests; the file its test command appends a line to per run."""
    runs = tmp_path / "runs.txt"
    monkeypatch.setenv("RUNS_FILE", str(runs))
    count = "import os; open(os.environ['RUNS_FILE'], 'a').write('run\\n')"
    code, _, err = cli(
        "explore", sample_repo / TARGET, "--repo", sample_repo, "--headless", "--candidates", "2", "--verify-tests", f"{sys.executable} -c \"{count}\"",
    )
    assert code == 0, err
    return runs


async def test_a_session_reopened_in_the_app_verifies_new_designs_as_it_was_started(runs, endpoint_env, db_path):
    ran = len(runs.read_text().splitlines())
    app = Recording(db_path, Start("open", session=1))  # the options are the saved session's own
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        before = {c.id for c in screen.session.candidates}
        await pilot.press("n")
        made = lambda: len(screen.session.candidates) > len(before)  # noqa: E731
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen) or screen.busy or made())
        if isinstance(app.screen, ConfirmScreen):  # it asks before spending
            await pilot.press("y")
        await until(pilot, lambda: made() and not screen.busy, seconds=30)
        new = [c.id for c in screen.session.candidates if c.id not in before]
        verified = {n: [a for a in screen.session.assessments.get(n, []) if a.critic == "verify"] for n in new}
    assert all(verified.values()), verified  # its own run, or its twin's verdict (a near-duplicate)
    own = [n for n, found in verified.items() if found[0].raw.get("inherited_from") is None]
    assert len(runs.read_text().splitlines()) == ran + len(own)  # each verdict of its own is a run of the session's command
