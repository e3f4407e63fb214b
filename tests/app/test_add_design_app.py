"""The engineer's own design from the explore screen: the `d` key and the palette."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input

from conftest import git
from divergent.app.main import DivergentApp, Start
from divergent.app.screens.explore import ExploreScreen
from divergent.context.problem import frame
from divergent.engine.options import make_options
from divergent.storage.store import Store

pytestmark = pytest.mark.tui


async def test_d_adds_a_branch_as_a_candidate(sample_repo, db_path, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    base = git(sample_repo, "rev-parse", "HEAD").strip()
    git(sample_repo, "checkout", "-q", "-b", "colleague")
    reports = sample_repo / "shop/reports.py"
    reports.write_text(reports.read_text().replace("def render(self, kind, rows):", "def render(self, kind, rows, sep=','):"))
    git(sample_repo, "commit", "-q", "-am", "colleague's design")
    git(sample_repo, "checkout", "-q", base)
    problem = frame("shop/reports.py::ReportService", str(sample_repo), Path.cwd())
    app = DivergentApp(db_path, Start("explore", problem=problem, options=make_options(offline=True, candidates=2)))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.app.workers.wait_for_complete()
        screen = app.screen
        assert isinstance(screen, ExploreScreen)
        await screen.workers.wait_for_complete()
        await pilot.pause(0.3)
        await pilot.press("d")
        await pilot.pause()
        app.screen.query_one("#prompt-input", Input).value = "colleague"
        await pilot.press("enter")
        await screen.workers.wait_for_complete()
        await pilot.pause(0.5)
        mine = [c for c in Store(db_path).candidates(1) if c.explorer == "engineer"]
        assert [c.title for c in mine] == ["Engineer's design: colleague"]
        assert any(c["title"] == "Engineer's design: colleague" for c in screen.document["candidates"])
