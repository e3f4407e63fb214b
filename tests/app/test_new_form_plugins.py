"""The New form's explorers and critics fields start a session that scores with those critics."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from divergent.app.main import DivergentApp
from divergent.app.screens.explore import ExploreScreen
from divergent.storage.store import Store

pytestmark = pytest.mark.tui
TARGET = "shop/reports.py::ReportService"


async def test_the_new_form_chooses_the_critics(sample_repo, db_path, monkeypatch):
    monkeypatch.chdir(sample_repo)
    app = DivergentApp(db_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("n")
        await app.workers.wait_for_complete()
        await pilot.pause(0.3)
        screen = app.screen
        screen.query_one("#target", Input).value = TARGET
        screen.query_one("#critics", Input).focus()
        await pilot.press(*"simplicity,validity")
        await pilot.press("ctrl+s")
        for _ in range(100):
            await pilot.pause(0.1)
            if isinstance(app.screen, ExploreScreen) and app.screen.session is not None:
                break
        await app.screen.workers.wait_for_complete()
        await pilot.pause(0.3)
    with Store(db_path) as store:
        (row,) = store.sessions()
        found = {a.dimension for each in store.assessments(row["id"]).values() for a in each}
    assert found == {"simplicity", "validity"}
