"""Reading the app as a user sees it: the screen's text, and what it told the user; waiting
for it; one offline session made once (fixtures ``offline_db`` and ``db``, imported by the tests).

``screen_text`` reads the frame Textual exports as SVG (its public screenshot), placing
each run of text at its column; ``Recording`` is the real app that also keeps every
notification it showed.
"""

from __future__ import annotations

import asyncio
import html
import re
import shutil
from pathlib import Path

import pytest

from divergent.app.main import DivergentApp
from divergent.app.screens.explore import ExploreScreen
from divergent.context.problem import frame
from divergent.engine.options import make_options
from divergent.engine.session import Session
from divergent.samples import create
from divergent.storage.store import Store

TARGET = "shop/reports.py::ReportService"
CELL = 12.2  # px per column in Textual's SVG export
RUN = re.compile(r'<text [^>]*x="([\d.]+)"[^>]*clip-path="url\(#[\w-]+-line-(\d+)\)"[^>]*>(.*?)</text>', re.S)


def screen_text(app) -> str:
    """The screen as lines of text, each run of characters at its column."""
    lines: dict[int, list[str]] = {}
    for x, line, text in RUN.findall(app.export_screenshot()):
        text = html.unescape(text).replace("\n", "").replace("\xa0", " ")
        row = lines.setdefault(int(line), [])
        column = round(float(x) / CELL)
        if len(row) < column + len(text):
            row.extend(" " * (column + len(text) - len(row)))
        row[column : column + len(text)] = list(text)
    return "\n".join("".join(lines[i]).rstrip() for i in sorted(lines))


class Recording(DivergentApp):
    """The app, keeping the text of every notification it showed."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.said: list[str] = []

    def notify(self, message, *args, **kwargs) -> None:
        self.said.append(str(message))
        super().notify(message, *args, **kwargs)


async def ready(pilot, seconds: float = 30.0) -> ExploreScreen:
    """The explore screen once its session is open, nothing runs and the table is drawn."""
    for _ in range(int(seconds / 0.05)):
        screen = pilot.app.screen
        if isinstance(screen, ExploreScreen) and screen.session is not None and not screen.busy and screen.document is not None and not screen.stale:
            await pilot.pause(0.1)
            return screen
        await pilot.pause(0.05)
    raise AssertionError(f"the explore screen never settled; the app said {getattr(pilot.app, 'said', [])}")


async def until(pilot, condition, seconds: float = 20.0) -> None:
    for _ in range(int(seconds / 0.05)):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError(f"timed out; the app said {getattr(pilot.app, 'said', [])}")


@pytest.fixture(scope="session")
def offline_db(tmp_path_factory) -> Path:
    """One offline session (today's code and 15 catalog designs, a scenario), made once."""
    root = tmp_path_factory.mktemp("offline")
    repo = create("shop", root / "shop")
    db = root / "sessions.db"

    async def make() -> None:
        with Store(db) as store:
            problem = frame(TARGET, str(repo), root, scenarios=["add a YAML output format"])
            session = await Session.create(store, problem, make_options(offline=True), lambda event: None)
            await session.first_wave()
            await session.close()

    asyncio.run(make())
    return db


@pytest.fixture
def db(offline_db, tmp_path) -> Path:
    """A copy of the offline session's database for one test to change."""
    copy = tmp_path / "sessions.db"
    shutil.copy(offline_db, copy)
    return copy


