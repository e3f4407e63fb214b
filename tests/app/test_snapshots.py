"""SVG snapshots of every screen at 80x24, 120x40 and 200x50, in both of our themes.

The offline session (tests/app/conftest.py) makes the candidates the same on every run;
the home screen's dates are set to a fixed day so the frame does not change with time.
"""

from __future__ import annotations

import sqlite3

import pytest
from apptools import db, offline_db, ready, until  # noqa: F401 (fixtures)

from divergent.app.main import DivergentApp, Start
from divergent.app.screens.compare import CompareScreen
from divergent.app.screens.help import HelpScreen
from divergent.app.screens.home import HomeScreen
from divergent.app.screens.pareto import ParetoScreen

SIZES = [(80, 24), (120, 40), (200, 50)]
pytestmark = pytest.mark.tui
THEMES = ["divergent-night", "divergent-paper"]


@pytest.fixture
def themed(tmp_path, monkeypatch):
    def use(theme: str) -> None:
        config = tmp_path / "config.toml"
        config.write_text(f'[ui]\ntheme = "{theme}"\n')
        monkeypatch.setenv("DIVERGENT_CONFIG", str(config))

    return use


async def on_explore(pilot):
    await ready(pilot)


def keys_then(*keys: str, screen: type | None = None):
    async def run(pilot):
        await ready(pilot)
        await pilot.press(*keys)
        if screen is not None:
            await until(pilot, lambda: isinstance(pilot.app.screen, screen))
        await pilot.pause(0.5)

    return run


VIEWS = {
    "explore": on_explore,
    "compare": keys_then("v", screen=CompareScreen),
    "pareto": keys_then("p", screen=ParetoScreen),
    "help": keys_then("question_mark", screen=HelpScreen),
}


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("view", [*VIEWS, "home"])
def test_screen(snap_compare, db, themed, view, size, theme):
    themed(theme)
    if view == "home":
        with sqlite3.connect(db) as connection:  # a fixed date: the frame must not change with the clock
            connection.execute("update sessions set created_at = '2026-11-30T12:00:00'")
        app = DivergentApp(db)

        async def run(pilot):
            await until(pilot, lambda: isinstance(pilot.app.screen, HomeScreen))
            await pilot.pause(0.3)

    else:
        app = DivergentApp(db, Start("open", session=1))
        run = VIEWS[view]
    assert snap_compare(app, terminal_size=size, run_before=run)
