"""In the app: a near-duplicate is marked in the candidate table (≈ before its cluster), the
help screen says what the mark means, and the Why pane says whose near-duplicate it is and
what it took instead of paying for it. The designs come from tests/fake_openai.py over
loopback; its structural twins land in one cluster."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from apptools import Recording, ready, until
from textual.widgets import Static

from divergent.app.legend import NEAR
from divergent.app.main import Start
from divergent.app.screens.help import HelpScreen
from divergent.app.widgets.summary import WhyPane
from divergent.context.problem import frame
from divergent.engine.options import make_options

pytestmark = pytest.mark.tui
TARGET = "shop/reports.py::ReportService"


async def test_a_near_duplicate_is_marked_in_the_table_explained_in_help_and_in_the_why_pane(sample_repo, db_path, endpoint_env, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    problem = frame(TARGET, str(sample_repo), Path.cwd())
    options = make_options(offline=False, candidates=8, budget=60, verify_tests=f"{sys.executable} -c pass", verify_jobs=1)
    app = Recording(db_path, Start("explore", problem=problem, options=options))
    async with app.run_test(size=(160, 45)) as pilot:
        explore = await ready(pilot, seconds=60)
        near = {c.id: twin for c, twin in ((c, explore.session.near.get(c.id)) for c in explore.session.candidates) if twin}
        assert near, "the fake server's structural twins should have made a near-duplicate"
        table = explore.table
        for row in explore.document["candidates"]:
            cell = str(table.get_cell(f"c{row['id']}", "cluster"))
            assert cell.strip() == (NEAR if row["id"] in near else "") + str(row["cluster"]), row["id"]

        number, (of, _) = next(iter(sorted(near.items())))
        table.focus()
        explore.follow_best = False
        table.move_cursor(row=table.get_row_index(f"c{number}"))
        await until(pilot, lambda: explore.selected == number)
        await pilot.press("5")
        why = explore.query_one(WhyPane)
        await until(pilot, lambda: "Near-duplicate" in why.text)
        body = why.text
        assert f"like #{of} " in body
        (inherited,) = [line for line in body.splitlines() if line.startswith("Inherited, not paid for")]
        assert f"verify from #{of}" in inherited  # its tests did not run: their verdict is its twin's

        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen))
        help_text = str(app.screen.query_one("#help-body", Static).render())  # all of it, scrolled or not
        assert any(line.strip().startswith(f"{NEAR}  before the cluster") for line in help_text.splitlines())
