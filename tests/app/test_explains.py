"""The explore screen explains itself and fits any terminal (issue 14), driven with keys.

Assertions read what the user reads (the screen's text, the notifications) and compare
it with the session in the database (through the Store), never with what the screen
computed for itself.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from apptools import Recording, db, offline_db, ready, screen_text, until  # noqa: F401 (fixtures)
from textual.command import CommandList

from divergent.app.legend import COLUMNS, MARKS, plural
from divergent.app.main import Start
from divergent.app.screens import explore_keys
from divergent.app.screens.dialogs import ExportScreen
from divergent.app.screens.explore import ExploreScreen
from divergent.app.screens.help import HelpScreen
from divergent.app.screens.home import HomeScreen
from divergent.app.screens.new import NewExplorationScreen
from divergent.app.screens.pareto import ParetoScreen
from divergent.app.widgets.discovery import points, spark
from divergent.app.widgets.lines import LinesView
from divergent.app.widgets.meter import bar
from divergent.context.problem import frame
from divergent.engine.options import make_options
from divergent.storage.store import Store

TARGET = "shop/reports.py::ReportService"
pytestmark = pytest.mark.tui
SIZES = [(80, 24), (120, 40), (200, 50)]


def opened(db: Path) -> Recording:
    return Recording(db, Start("open", session=1))


def status(app) -> str:
    return str(app.screen.query_one("#status").render())


# layout -----------------------------------------------------------------------------------


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_the_list_and_the_panes_share_the_width(db, size):
    app = opened(db)
    async with app.run_test(size=size) as pilot:
        screen = await ready(pilot)
        left, right = screen.query_one("#left").region, screen.query_one("#right").region
        code = screen.query_one("#code").region
        width, _ = size
        if width < 110:  # stacked: the list above, the panes under it, both usable
            assert right.y >= left.bottom and left.height >= 5 and code.height >= 4 and right.width == width
        else:  # side by side, the code pane at least 40 % of the width
            assert right.x >= left.right and right.width >= 0.4 * width and left.width >= 0.5 * width
        text = screen_text(app)
        with Store(db) as store:
            titles = [c.title for c in store.candidates(1)]
        if width >= 160:  # every title whole, at most wrapped onto a second line of its column
            start = screen.query_one("#candidates").region.x + 4  # a wrapped second line has no leading space
            column = " ".join(line[start : start + screen.table.title_width + 1].strip() for line in text.splitlines())  # the titles
            for title in titles:
                assert title in column, title


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=lambda s: f"{s[0]}x{s[1]}")
async def test_every_key_is_on_screen_at_80_and_120_columns(db, size):
    app = opened(db)
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        bar_text = " ".join(screen_text(app).splitlines()[-4:])
        for binding in explore_keys.BINDINGS:
            if binding.show:
                assert f" {binding.description}" in bar_text, binding.description
        for word in ("help", "commands", "quit"):
            assert word in bar_text


# explaining ---------------------------------------------------------------------------------


async def test_help_names_every_key_column_and_mark(db):
    app = opened(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        for key in ("question_mark", "f1"):
            await pilot.press(key)
            await until(pilot, lambda: isinstance(app.screen, HelpScreen))
            text = str(app.screen.query_one("#help-body").render())
            for binding in explore_keys.BINDINGS:
                assert binding.tooltip in text, binding.tooltip
            for group in ("Steer", "Judge and decide", "Look", "Move", "Everywhere"):
                assert group in text
            for column in COLUMNS:
                assert column.meaning in text
            for glyph, meaning in MARKS:
                assert f"{glyph}  {meaning}" in text
            assert "its own cluster" in text  # why offline every design is a cluster of one
            await pilot.press("escape")
            await until(pilot, lambda: isinstance(app.screen, ExploreScreen))


async def test_the_table_shows_deltas_against_today_and_marks_the_sort(db):
    with Store(db) as store:
        overall = store.overall(1)
        titles = {c.id: c.title for c in store.candidates(1)}
    app = opened(db)
    async with app.run_test(size=(200, 50)) as pilot:
        await ready(pilot)
        text = screen_text(app)
        header = next(line for line in text.splitlines() if re.match(r"\s*#\s+design", line))
        assert "▼cl" in header and "Δ" in header and "marks" in header  # grouped by cluster: cl is the sort
        assert "◆ front" in text and "× invalid" in text  # the legend under the table
        for number, title in titles.items():
            row = next(line for line in text.splitlines() if re.match(rf"\s*{number}\s+{re.escape(title[:40])}", line))
            delta = overall[number] - overall[0]
            shown = "±0" if round(delta, 2) == 0 else ("+" if delta > 0 else "−") + f"{abs(delta):.2f}".lstrip("0")
            assert f" {shown} " in row, (row, shown)
        await pilot.press("o")
        await pilot.pause(0.5)
        text = screen_text(app)
        header = next(line for line in text.splitlines() if re.match(r"\s*#\s+design", line))
        assert "▼all" in header and "▼cl" not in header
        shown = [int(m.group(1)) for m in re.finditer(r"^\s+(\d+)\s{2}\S", text, re.M)]
        assert shown[: len(overall)] == sorted(overall, key=lambda n: -overall[n])[: len(shown)]


async def test_the_why_pane_shows_summary_rationale_and_each_share(db):
    with Store(db) as store:
        combined = next(c for c in store.candidates(1) if "+" in c.lens)
        scores = {a.dimension: a.score for a in store.assessments(1, combined.id)[combined.id]}
    app = opened(db)
    async with app.run_test(size=(200, 50)) as pilot:
        screen = await ready(pilot)
        await pilot.press("ctrl+p")
        await pilot.press(*f"#{combined.id} {combined.title}")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause(0.3)
        header = str(screen.query_one("#summary").render())
        assert combined.title in header and combined.summary[:40] in header
        await pilot.press("5")
        why = screen.query_one("#why", LinesView).text
        assert combined.summary in why and combined.rationale in why  # parents: test_app_online's refine

        def shares(text: str) -> dict[str, tuple[float, float]]:
            return {m[0]: (float(m[1]), float(m[2])) for m in re.findall(r"^(\w+)\s+[\d.]+\s+[\d.·]+\s+([\d.]+)\s+([\d.]+)", text, re.M)}

        dimensions = {d: s for d, s in scores.items() if d != "validity"}
        found = shares(why)
        for d, score in dimensions.items():  # equal weights: each adds its score / the number of dimensions
            assert found[d] == (1.0, pytest.approx(score / len(dimensions), abs=0.001))
        await pilot.press("w")
        await pilot.pause(0.2)
        await pilot.press("ctrl+u", *"simplicity=3", "enter")
        await pilot.pause(0.5)
        why = screen.query_one("#why", LinesView).text
        total = 3 + len(dimensions) - 1
        found = shares(why)
        assert found["simplicity"] == (3.0, pytest.approx(3 * scores["simplicity"] / total, abs=0.001))
        assert "re-weighted" in status(app)


async def test_the_status_line_says_when_an_action_is_refused(db):
    app = opened(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("e")
        await until(pilot, lambda: "needs a model endpoint" in status(app))
        assert "…" not in status(app)
        assert any("needs a model endpoint" in said for said in app.said)


async def test_a_first_wave_offline_says_why_every_design_is_its_own_cluster(sample_repo, db_path):
    problem = frame(TARGET, str(sample_repo), sample_repo)
    app = Recording(db_path, Start("explore", problem=problem, options=make_options(offline=True, candidates=3)))
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot, 60)
        await until(pilot, lambda: "first wave" in status(app))
        line = status(app)
        assert "first wave: 3 new designs" in line and "its own cluster" in line and "…" not in line
        width = app.screen.query_one("#candidates").region.right
        rows = [line[:width] for line in screen_text(app).splitlines()]
        with Store(db_path) as store:
            designs = [c for c in store.candidates(1) if not c.baseline]
        for c in designs:  # made by the last action: marked new
            row = next(line for line in rows if re.match(rf"\s*{c.id}\s", line))
            assert row.rstrip().endswith("*"), row
        today = next(line for line in rows if re.match(r"\s*0\s", line))
        assert "*" not in today


# the Pareto plot ----------------------------------------------------------------------------


async def test_the_pareto_plot_labels_points_and_marks_today_and_the_front(db):
    with Store(db) as store:
        front = store.pareto(1)
        numbers = [c.id for c in store.candidates(1)]
    app = opened(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("p")
        await until(pilot, lambda: isinstance(app.screen, ParetoScreen))
        await pilot.pause(0.3)
        text = screen_text(app)
        # labels sit beside their markers: ●3, ◆8, ■today, or 2,7◆ where the right side would leave the plot
        group = r"(?:today|\d+)(?:,(?:today|\d+))*"
        found = re.findall(rf"([●◆■])({group})|({group})([●◆■])", text)
        labels = [(m or m2, g or g2) for m, g, g2, m2 in found]
        named = [n for _, group in labels for n in group.split(",")]
        assert sorted(named) == sorted(["today", *(str(n) for n in numbers if n)])  # every candidate once
        assert ("■", "today") in [(m, g.split(",")[0]) for m, g in labels]  # today's code leads its label, as ■
        on_front = {int(g.split(",")[0]) for m, g in labels if m == "◆"}
        assert on_front and on_front <= front
        caption = str(app.screen.query_one("#pareto-caption").render())
        x, y = re.match(r"x: (\w+) · y: (\w+)", caption).groups()
        assert x != y


# keys, palette and dialogs --------------------------------------------------------------------


async def test_the_palette_lists_each_action_once_with_its_key(db):
    app = opened(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause(0.5)
        options = app.screen.query_one(CommandList)
        prompts = [str(options.get_option_at_index(i).prompt).split("\n")[0] for i in range(options.option_count)]
        for binding in explore_keys.BINDINGS:
            if binding.action.startswith("browse"):
                continue
            what = binding.tooltip.partition(": ")[0]
            matching = [p for p in prompts if p.startswith(what + "  (")]
            assert len(matching) == 1, (what, matching)
            assert re.search(r"\(.+\)$", matching[0].strip())
        titles = [p.split("  (")[0] for p in prompts]
        assert len(titles) == len(set(titles))
        assert "Keys" not in titles and any(t.startswith("Help") for t in titles)


async def test_esc_in_the_new_form_closes_only_the_open_list(sample_repo, db_path, monkeypatch):
    monkeypatch.chdir(sample_repo)
    app = Recording(db_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, NewExplorationScreen))
        form = app.screen
        status_label = form.query_one("#symbols-status")
        await until(pilot, lambda: "found" in str(status_label.render()))
        await pilot.press(*"reportserv")
        await pilot.pause(0.3)
        assert "ReportService" in screen_text(app)
        await pilot.press("down")
        await pilot.press("escape")
        await pilot.pause(0.2)
        assert app.screen is form and "shop/reports.py::ReportService" not in screen_text(app).split("Goal")[0].split("reportserv")[-1]
        assert form.query_one("#target").value == "reportserv"
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, HomeScreen))


async def test_the_new_form_keeps_its_shape_after_an_explore_screen(db):
    # a screen's stylesheet stays loaded app-wide: the table's "#candidates { height: 1fr }" once
    # stretched the form's Candidates field down the screen and squashed its scenarios box
    app = opened(db)
    async with app.run_test(size=(200, 50)) as pilot:
        await ready(pilot)
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, HomeScreen))
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, NewExplorationScreen))
        await pilot.pause(0.3)
        assert app.screen.query_one("#candidates").region.height == 3  # one line in its border
        assert app.screen.query_one("#scenarios").region.height >= 5


async def test_export_writes_outside_the_repository_by_default(db, monkeypatch):
    with Store(db) as store:
        repo = Path(store.problem(1).target.repo)
        best = max((c for c in store.candidates(1) if not c.baseline), key=lambda c: store.overall(1)[c.id])
    monkeypatch.chdir(repo)  # started from inside the repository
    app = opened(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("ctrl+e")
        await until(pilot, lambda: isinstance(app.screen, ExportScreen))
        target = Path(app.screen.query_one("#export-target").value)
        assert repo not in target.parents
        await pilot.press("enter")
        await until(pilot, lambda: "wrote" in str(app.screen.query_one("#export-result").render()))
        assert target.read_text().startswith("diff --git")
        assert f"-c{best.id}." in target.name
    porcelain = subprocess.run(["git", "-C", str(repo), "status", "--porcelain"], capture_output=True, text=True, check=True).stdout
    assert porcelain == ""


async def test_a_screenshot_needs_no_downloads_folder(db, tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("XDG_DOWNLOAD_DIR", raising=False)
    app = opened(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("ctrl+p")
        await pilot.press(*"screenshot")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await until(pilot, lambda: any("screenshot saved" in s for s in app.said))
    saved = list((tmp_path / "xdg-data").rglob("*.svg"))
    assert len(saved) == 1 and "<svg" in saved[0].read_text()
    assert not (home / "Downloads").exists()


# small things ---------------------------------------------------------------------------------


def test_the_budget_bar_is_drawn_to_scale():
    # 47 of 97 requests on 16 cells: 7.75 cells, that is 7 full ones and three quarters of the next
    assert bar(47, 97) == "█" * 7 + "▊" + "░" * 8
    assert bar(0, 97) == "░" * 16 and bar(97, 97) == "█" * 16 and bar(120, 97) == "█" * 16


def test_the_sparkline_is_full_when_every_design_founds_a_cluster():
    # 15 catalog designs, each its own cluster: bins of 4, 4, 4 and 3, every one all new
    assert spark(points([1] * 15)) == "████"
    assert spark(points([1, 0, 1, 0, 1])) == "▅█"  # 2 of 4, then 1 of 1


def test_plurals():
    assert plural(1, "candidate") == "1 candidate" and plural(2, "candidate") == "2 candidates"
    assert plural(1, "class", "classes") == "1 class" and plural(0, "class", "classes") == "0 classes"


async def test_no_emoji_on_the_screen(db):
    app = opened(db)
    async with app.run_test(size=(200, 50)) as pilot:
        await ready(pilot)
        text = screen_text(app)
        assert not [ch for ch in text if ord(ch) >= 0x1F000]
        assert all(ord(ch) < 0x1F000 for b in explore_keys.BINDINGS for ch in b.description + b.tooltip)
        await pilot.press("ctrl+p")  # the command palette too (Textual's own search mark is an emoji)
        await until(pilot, lambda: "Search for commands" in screen_text(app))
        assert not [ch for ch in screen_text(app) if ord(ch) >= 0x1F000]
