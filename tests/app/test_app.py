"""The Textual app driven with keys (Pilot), offline and against the fake server."""

from __future__ import annotations

import gc
import re
import time
from pathlib import Path

import pytest
from textual.app import App
from textual.geometry import Region
from textual.widgets import DataTable, Input, OptionList, TabbedContent, TextArea

from divergent.app.main import DivergentApp, Start
from divergent.app.screens.compare import CompareScreen
from divergent.app.idle import IdleCollector
from divergent.app.screens.explore import ExploreScreen
from divergent.app.screens.home import HomeScreen
from divergent.app.screens.new import NewExplorationScreen
from divergent.app.screens.pareto import ParetoScreen
from divergent.app.widgets.code import CodeView
from divergent.app.widgets.lines import LinesView
from divergent.context.problem import frame
from divergent.engine import summary
from divergent.engine.options import make_options
from divergent.storage.calls import session_usage
from divergent.storage.store import Store

pytestmark = pytest.mark.tui

TARGET = "shop/reports.py::ReportService"
SIZE = (120, 40)


def explore_app(repo: Path, db: Path, offline: bool = True, **options) -> DivergentApp:
    problem = frame(TARGET, str(repo), Path.cwd(), scenarios=["add a YAML output format"])
    return DivergentApp(db, Start("explore", problem=problem, options=make_options(offline=offline, **options)))


async def settle(pilot, seconds: float = 0.4) -> None:
    await pilot.app.workers.wait_for_complete()
    screen = pilot.app.screen
    if isinstance(screen, ExploreScreen):
        await screen.workers.wait_for_complete()
    await pilot.pause(seconds)


def offline_rows(repo: Path, most: int = 32) -> int:
    """Today's code and the designs the offline catalog makes for TARGET (``most`` of them)."""
    from divergent.explorers.catalog.explorer import plans
    from divergent.model import Target

    path, symbol = TARGET.split("::")
    return 1 + min(most, len(plans((repo / path).read_text(), Target(repo=str(repo), path=path, symbol=symbol, kind="class"))))


def candidate_rows(screen: ExploreScreen) -> list[str]:
    table = screen.query_one("#candidates", DataTable)
    return [k.value for k in table.rows if k.value.startswith("c")]


async def test_explore_offline_keys(sample_repo, db_path, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = explore_app(sample_repo, db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ExploreScreen)
        assert len(candidate_rows(screen)) == offline_rows(sample_repo)
        code = screen.query_one("#code", TextArea).text
        assert "class ReportService" in code
        await pilot.press("down", "down")
        await pilot.press("3")
        assert screen.query_one("#panes", TabbedContent).active == "tab-critics"
        critics = screen.query_one("#critics", LinesView).text
        assert "simplicity" in critics and "extensibility" in critics
        # only the visible pane is filled as the cursor moves; a pane shown later catches up
        await pilot.press("1", "down", "2")
        chosen = screen.selected
        assert screen.showing("tab-diff") == screen.showing("tab-code") == chosen != screen.showing("tab-critics")
        assert screen.query_one("#code", TextArea).text == Store(db_path).candidate(1, chosen).files["shop/reports.py"]
        await pilot.press("3")
        assert screen.showing("tab-critics") == chosen
        await pilot.press("1")
        screen.query_one("#code", TextArea).focus()
        await pilot.press("down")  # in the code, not the candidates
        assert screen.selected == chosen and screen.query_one("#code", TextArea).cursor_location == (1, 0)
        screen.query_one("#candidates", DataTable).focus()
        await pilot.press("e")  # a model command, offline
        await pilot.pause()
        assert any("needs a model endpoint" in n.message for n in app._notifications)
        selected = screen.selected
        await pilot.press("plus")
        await pilot.pause(0.3)
        assert Store(db_path).marks(1) == {selected: 1}
        await pilot.press("w")
        await pilot.pause()
        prompt = app.screen.query_one("#prompt-input", Input)
        prompt.value = "simplicity=1,extensibility=0,change_cost=0"
        await pilot.press("enter")
        await settle(pilot)
        top = screen.document["candidates"]
        best = max(top, key=lambda c: c["scores"]["overall"])
        assert best["scores"]["overall"] == max(c["scores"]["simplicity"] for c in top)
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, ParetoScreen)
        await pilot.press("x", "escape")
        await pilot.press("v")
        await pilot.pause()
        assert isinstance(app.screen, CompareScreen)
        await pilot.press("escape")
        await pilot.press("ctrl+e")
        await pilot.pause()
        target = app.screen.query_one("#export-target", Input).value
        await pilot.click("#export")
        await pilot.pause()
        assert Path(target).read_text().startswith("diff --git a/shop/reports.py")
        await pilot.press("escape")


@pytest.fixture
def two_sessions(sample_repo, cli):
    for _ in range(2):
        code, _, err = cli("explore", sample_repo / TARGET, "--repo", sample_repo, "--offline", "--headless", "--candidates", "2")
        assert code == 0, err


async def test_home_lists_and_deletes_sessions(two_sessions, db_path):
    app = DivergentApp(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        table = app.screen.query_one("#sessions", DataTable)
        assert table.row_count == 2
        await pilot.press("d")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert table.row_count == 1
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ExploreScreen) and len(candidate_rows(app.screen)) == 3
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
    assert len(Store(db_path).sessions()) == 1


async def test_new_exploration_with_fuzzy_target(sample_repo, db_path, monkeypatch):
    monkeypatch.chdir(sample_repo)
    app = DivergentApp(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, NewExplorationScreen)
        await pilot.press(*"reportserv")
        await pilot.pause(0.3)
        options = screen.query_one("#suggestions", OptionList)
        assert options.option_count and str(options.get_option_at_index(0).prompt) == TARGET
        options.highlighted = 0
        options.action_select()
        await pilot.pause()
        assert screen.query_one("#target", Input).value == TARGET
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ExploreScreen)
        expected = offline_rows(sample_repo, most=16)  # the form asks for 16 candidates
        assert len(candidate_rows(app.screen)) == expected


async def test_keys_are_handled_while_requests_stream(sample_repo, db_path, endpoint_env, tmp_path):
    endpoint_env.latency = 3.0  # long enough that the requests are surely still in flight
    app = explore_app(sample_repo, db_path, offline=False, candidates=32, budget=200, concurrency=32)
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(200):  # wait until requests are in flight (opening the session takes a while on a busy machine)
            await pilot.pause(0.05)
            screen = app.screen
            if isinstance(screen, ExploreScreen) and screen.session is not None and screen.session.client and screen.session.client.in_flight:
                break
        screen = app.screen
        assert screen.session.client.in_flight > 0
        await pilot.press("3")
        assert screen.query_one("#panes", TabbedContent).active == "tab-critics"
        await pilot.press("2")
        assert screen.query_one("#panes", TabbedContent).active == "tab-diff"
        assert screen.session.client.in_flight > 0, "the keys were handled while requests were still in flight"
        await pilot.press("x")  # stop
        await settle(pilot)
        assert not screen.busy


async def test_full_collections_wait_for_a_pause(sample_repo, db_path, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    threshold = gc.get_threshold()
    app = explore_app(sample_repo, db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert gc.get_threshold()[2] > threshold[2] and gc.get_freeze_count() > 0
        collector = screen.collector
        collector.last -= IdleCollector.EVERY
        screen.last_key = time.monotonic()
        screen.redraw_if_stale()
        assert time.monotonic() - collector.last > IdleCollector.EVERY, "not while keys come"
        screen.last_key -= IdleCollector.IDLE
        screen.redraw_if_stale()
        assert time.monotonic() - collector.last < 1, "in the pause"
    assert gc.get_threshold() == threshold and gc.get_freeze_count() == 0


async def test_code_view_shows_a_kept_text_as_a_fresh_text_area_would(sample_repo):
    code = (sample_repo / "shop/reports.py").read_text()
    texts = [code, code.replace("def ", "async def "), "x = 1\n" * 80, code + "\nclass Z:\n    pass\n"]

    class Both(App):
        def compose(self):
            yield CodeView(id="kept", language="python", show_line_numbers=True)
            yield TextArea("", id="fresh", read_only=True, language="python", show_line_numbers=True, soft_wrap=True)

    app = Both()
    async with app.run_test(size=(100, 60)) as pilot:
        kept, fresh = app.query_one("#kept", CodeView), app.query_one("#fresh", TextArea)
        app.set_focus(None)
        for turn, i in enumerate([0, 1, 2, 1, 0, 3, 0, 2, 3, 1]):  # new texts and kept ones
            kept.prepare(texts[(i + 1) % 4])  # made ahead (prepare_next): the one shown stays
            if turn:
                await pilot.pause()
                assert [list(s) for s in kept.render_lines(region)] == [list(s) for s in fresh.render_lines(region)]
            kept.show(texts[i])
            fresh.load_text(texts[i])
            await pilot.pause()
            assert kept.text == texts[i] and kept.virtual_size == fresh.virtual_size
            region = Region(0, 0, kept.size.width, kept.size.height)
            assert [list(s) for s in kept.render_lines(region)] == [list(s) for s in fresh.render_lines(region)]
        assert len(kept.kept) == 3


async def test_lines_view_draws_as_rich_does_and_scrolls_what_it_shows():
    """The Line API pane (diff, critics, why): each line as Rich renders the content at the
    view's width; a long content scrolls to its last line, a short one drops the scrollbar;
    content prepared ahead is not shown until asked for."""
    from rich.console import Console
    from rich.text import Text

    long = Text("\n".join(f"line {i} " + "word " * (i % 30) for i in range(120)))
    short = Text("two lines\nof text")

    class One(App):
        def compose(self):
            yield LinesView("nothing yet", id="view")

    def rich_lines(text: Text, width: int) -> list[str]:
        console = Console(width=width, record=True, file=open("/dev/null", "w"))
        console.print(text, end="")
        return [line.rstrip() for line in console.export_text().splitlines()]

    app = One()
    async with app.run_test(size=(60, 20)) as pilot:
        view = app.query_one(LinesView)
        await pilot.pause()
        width = view.scrollable_content_region.width

        def shown() -> list[str]:
            region = Region(0, 0, view.size.width, view.size.height)
            strips = view.render_lines(region)
            # one terminal line each, exactly as wide as the view: a newline or a short strip
            # would leave the cells after it showing what was there before
            assert all(s.cell_length == view.size.width and not any(c.control or "\n" in c.text for c in s) for s in strips)
            return [s.text.rstrip() for s in strips]

        assert shown()[0] == "nothing yet"
        view.prepare("long", lambda: long)
        await pilot.pause()
        assert shown()[0] == "nothing yet"
        view.show("long", lambda: long)
        await pilot.pause()
        expected = rich_lines(long, width)
        assert view.show_vertical_scrollbar and view.virtual_size.height == len(expected)
        assert shown() == expected[: view.size.height]
        view.scroll_end(animate=False, immediate=True)
        await pilot.pause()
        assert shown()[-1] == expected[-1]
        view.show("short", lambda: short)
        await pilot.pause()
        assert view.scroll_offset.y == 0 and not view.show_vertical_scrollbar
        assert shown()[:3] == ["two lines", "of text", ""]


@pytest.fixture
def online_session(sample_repo, endpoint_env, cli):
    code, _, err = cli("explore", sample_repo / TARGET, "--repo", sample_repo, "--headless", "--candidates", "6")
    assert code == 0, err


async def test_discovery_sparkline_counts_new_clusters_per_request(online_session, db_path):
    with Store(db_path) as store:
        (row,) = store.sessions()
        values = summary.discovery(store, row["id"])
        # every request counts, the dimensions plan's and the judge's too; only a design founds a cluster
        assert len(values) == session_usage(store, row["id"]).requests > 6
        founders = {min(c.members) for c in store.clusters(row["id"])} - {0}
        assert set(values) == {0, 1} and sum(values) == len(founders)
    app = DivergentApp(db_path, Start("open", session=row["id"]))
    async with app.run_test(size=(200, 50)) as pilot:
        await settle(pilot)
        shown = str(app.screen.query_one("#discovery").render())
        # on a fixed scale from 0 to 1, with the counts it is drawn from (where there is room for them)
        assert re.search(r"new clusters per request 0 [▁▂▃▄▅▆▇█]+ 1", shown), shown
        assert f"{len(founders)} clusters in {len(values)} requests" in shown
        await pilot.resize_terminal(120, 40)
        await pilot.pause(0.2)
        shown = str(app.screen.query_one("#discovery").render())
        assert re.search(r"new clusters per request 0 [▁▂▃▄▅▆▇█]+ 1$", shown), shown  # the meter beside it keeps its room
