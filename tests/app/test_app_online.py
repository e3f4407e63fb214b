"""Every screen driven with keys (Pilot) while the endpoint is the fake OpenAI server.

The assertions look at real effects: what the fake server was asked, rows in the
session database (through the Store), files and branches in the temporary git
repository, and what the widgets show.
"""

from __future__ import annotations

import asyncio
import re
import subprocess
from pathlib import Path

import pytest
from apptools import screen_text, until
from rich.text import Text
from textual.widgets import DataTable, Input, Label, OptionList, RadioSet, Static, TabbedContent, TextArea
from textual_plotext import PlotextPlot

from divergent.app.main import DivergentApp, Start
from divergent.app.screens.compare import CompareScreen
from divergent.app.screens.dialogs import ConfirmScreen, ExportScreen
from divergent.app.screens.explore import ExploreScreen
from divergent.app.screens.home import HomeScreen
from divergent.app.screens.new import NewExplorationScreen
from divergent.app.screens.pareto import ParetoScreen
from divergent.app.widgets.lines import LinesView
from divergent.engine.options import make_options
from divergent.storage.store import Store

pytestmark = pytest.mark.tui

TARGET = "shop/reports.py::ReportService"
TARGET_PATH = "shop/reports.py"
SIZE = (120, 40)
MODEL_EXPLORERS = {"lenses", "dimensions"}


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True).stdout


def chat_schemas(server) -> list[str | None]:
    """The schema name of every chat request the fake server received, in order."""
    names = []
    for r in server.requests:
        if r["path"].endswith("/chat/completions"):
            response_format = r["body"].get("response_format") or {}
            names.append((response_format.get("json_schema") or {}).get("name"))
    return names


def notifications(app) -> list[str]:
    return [n.message for n in app._notifications]


async def explore_ready(pilot) -> ExploreScreen:
    """The explore screen once its session is open, nothing runs and the table is drawn."""
    app = pilot.app

    def ready() -> bool:
        s = app.screen
        return isinstance(s, ExploreScreen) and s.session is not None and not s.busy and s.document is not None and not s.stale

    await until(pilot, ready)
    await pilot.pause(0.3)
    await until(pilot, ready)
    return app.screen


async def cursor_to(pilot, screen: ExploreScreen, number: int) -> None:
    """Move the candidate cursor to ``number`` with up/down presses."""
    table = screen.query_one("#candidates", DataTable)
    for _ in range(table.row_count * 2):
        if screen.selected == number and table.cursor_row == table.get_row_index(f"c{number}"):
            return
        await pilot.press("down" if table.get_row_index(f"c{number}") > table.cursor_row else "up")
    raise AssertionError(f"the cursor never reached candidate {number}")


def model_candidates(store: Store, session: int):
    return [c for c in store.candidates(session) if c.explorer in MODEL_EXPLORERS]


def plot_text(screen: ParetoScreen) -> str:
    return Text.from_ansi(screen.query_one(PlotextPlot).plt.build()).plain


@pytest.fixture
def online_session(sample_repo, endpoint_env, cli, db_path) -> int:
    """A session explored headless against the fake server: model candidates with judge scores."""
    code, _, err = cli("explore", sample_repo / TARGET, "--repo", sample_repo, "--headless", "--candidates", "6", "--scenario", "add a YAML output format")
    assert code == 0, err
    with Store(db_path) as store:
        (row,) = store.sessions()
        assert len(model_candidates(store, row["id"])) == 6
    endpoint_env.reset()
    return row["id"]


# (1) home -> new exploration -> explore ---------------------------------------------------


async def test_new_exploration_against_the_model(sample_repo, db_path, endpoint_env, monkeypatch):
    monkeypatch.chdir(sample_repo)  # the form's repository defaults to the working directory
    app = DivergentApp(db_path)
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("n")
        screen = app.screen
        assert isinstance(screen, NewExplorationScreen)
        await until(pilot, lambda: bool(screen.symbols))

        # the target: fuzzy search, then down into the suggestions and enter
        await pilot.press(*"reportserv")
        options = screen.query_one("#suggestions", OptionList)
        await until(pilot, lambda: options.display and options.option_count > 0)
        await pilot.press("down")
        assert app.focused is options
        await pilot.press("enter")
        assert screen.query_one("#target", Input).value == TARGET
        assert app.focused is screen.query_one("#goal", Input)
        await pilot.pause(0.1)
        assert not options.display  # picking closes the list; it does not open again

        await pilot.press(*"new output formats without editing the service")

        # scenarios proposed by the model
        await pilot.press("ctrl+o")
        scenarios = screen.query_one("#scenarios", TextArea)
        await until(pilot, lambda: scenarios.text.strip() != "")
        assert chat_schemas(endpoint_env) == ["scenarios"]
        asked = endpoint_env.requests[-1]["body"]["messages"][-1]["content"]
        assert "class ReportService" in asked and "new output formats without editing the service" in asked
        assert scenarios.text.splitlines() == ["add a YAML output format", "make storage async", "support multiple currencies"]

        # candidates and budget, through the keyboard: goal -> scenarios -> candidates -> budget
        await pilot.press("tab", "tab")
        assert app.focused is screen.query_one("#candidates", Input)
        await pilot.press("backspace", "backspace", "4", "tab", "1", "2")
        assert screen.query_one("#budget", Input).value == "12"
        estimate = screen.query_one("#estimate", Label)
        await until(pilot, lambda: "tokens" in str(estimate.render()))
        line = str(estimate.render())
        # which units each of 3 scenarios touches, 4 candidates and the dimensions;
        # then per cluster the judge twice and one change per scenario
        assert line.startswith("estimate: 8 requests, ~")
        assert line.endswith("with gpt-4o-mini; then 5 requests per cluster for the model critics; budget 12 requests")
        assert len(line) > SIZE[0] and estimate.size.height >= 2  # a long estimate wraps, it is not cut

        endpoint_env.reset()
        await pilot.press("ctrl+s")
        screen = await explore_ready(pilot)

        store = screen.session.store
        session = screen.session.id
        problem = store.problem(session)
        assert problem.goal == "new output formats without editing the service"
        assert problem.scenarios == ["add a YAML output format", "make storage async", "support multiple currencies"]
        assert store.session(session).budget_requests == 12
        made = model_candidates(store, session)
        assert len(made) == 4
        # every model candidate came from a request to the fake server, within the budget typed
        asked = chat_schemas(endpoint_env)
        assert asked.count("units") == 3 and asked.count("dimensions") == 1 and asked.count("candidate") >= 4
        assert len(asked) <= 12
        # and the table shows them
        table = screen.query_one("#candidates", DataTable)
        assert {f"c{c.id}" for c in made} <= {k.value for k in table.rows}
        shown = {str(table.get_row(f"c{c.id}")[1]).strip() for c in made}
        assert shown == {c.title for c in made}
        assert all(c.title.startswith("Variant ") for c in made)


# (2) compare two model candidates -----------------------------------------------------------


async def test_compare_two_model_candidates(online_session, db_path, endpoint_env):
    store = Store(db_path)
    made = model_candidates(store, online_session)
    first = made[0]
    second = next(c for c in made[1:] if c.files[TARGET_PATH] != first.files[TARGET_PATH])
    app = DivergentApp(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")  # open the session from home
        screen = await explore_ready(pilot)
        await cursor_to(pilot, screen, first.id)
        await pilot.press("space")
        # on a cluster's header row, space picks nothing (not the candidate shown before)
        table = screen.query_one("#candidates", DataTable)
        header = next(i for i in range(table.row_count) if not str(table.coordinate_to_cell_key((i, 0)).row_key.value).startswith("c"))
        table.move_cursor(row=header)
        await pilot.pause()
        await pilot.press("space")
        assert screen.table.view.picked == [first.id]
        await cursor_to(pilot, screen, second.id)
        await pilot.press("space", "v")
        compare = app.screen
        assert isinstance(compare, CompareScreen)

        titles = [str(label.render()) for label in compare.query(".side-title").results(Label)]
        assert titles == [f"#{first.id} {first.title}", f"#{second.id} {second.title}"]
        codes = [area.text for area in compare.query(".side TextArea").results(TextArea)]
        assert codes == [first.files[TARGET_PATH], second.files[TARGET_PATH]]

        # the diff between them: what only the first has is removed, what only the second has is added
        await pilot.press("2")
        assert compare.query_one("#compare-tabs", TabbedContent).active == "tab-between"
        diff = compare.query_one("#between", LinesView).text.splitlines()
        old, new = first.files[TARGET_PATH].splitlines(), second.files[TARGET_PATH].splitlines()
        removed = [line for line in old if line not in new]
        added = [line for line in new if line not in old]
        assert removed and added
        assert all(f"-{line}" in diff for line in removed)
        assert all(f"+{line}" in diff for line in added)

        # both score vectors, as the store has them, and their difference
        await pilot.press("3")
        assert compare.query_one("#compare-tabs", TabbedContent).active == "tab-scores"
        table = compare.query_one("#vectors", DataTable)
        rows = {table.get_row_at(i)[0]: table.get_row_at(i)[1:] for i in range(table.row_count)}
        assessments = store.assessments(online_session)
        overall = store.overall(online_session)
        for number, column in ((first.id, 0), (second.id, 1)):
            by_dimension: dict[str, list[float]] = {}
            for a in assessments[number]:  # critics that share a dimension are averaged
                by_dimension.setdefault(a.dimension, []).append(a.score)
            by_dimension["overall"] = [overall[number]]
            shown = {d: v[column] for d, v in rows.items() if v[column] != "·"}
            assert shown == {d: f"{sum(v) / len(v):.2f}" for d, v in by_dimension.items()}
        assert "judge" in rows  # a model critic's dimension: the fake server judged them
        for dimension, (x, y, difference) in rows.items():
            if x != "·" and y != "·":
                assert difference == f"{float(y) - float(x):+.2f}" or abs(float(difference) - (float(y) - float(x))) <= 0.011

        await pilot.press("escape")
        assert app.screen is screen
    store.close()


# (3) the Pareto plot --------------------------------------------------------------------------


async def test_pareto_axes_and_front(online_session, db_path, endpoint_env):
    store = Store(db_path)
    front = store.pareto(online_session)
    judged = {n for n, items in store.assessments(online_session).items() if any(a.dimension == "judge" for a in items)}
    assert front and judged
    app = DivergentApp(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        await explore_ready(pilot)
        await pilot.press("p")
        pareto = app.screen
        assert isinstance(pareto, ParetoScreen)
        await pilot.pause(0.2)
        caption = pareto.query_one("#pareto-caption", Label)
        x, y = re.match(r"x: (\w+) · y: (\w+)", str(caption.render())).groups()
        vectors = {c.id: dict(v) for c in store.candidates(online_session) for v in [{}]}
        for number, found in store.assessments(online_session).items():
            for a in found:
                vectors[number][a.dimension] = a.score
        # two different axes, along each of which the candidates differ
        assert x != y and x != "overall" != y
        assert len({v[x] for v in vectors.values() if x in v}) > 1 and len({v[y] for v in vectors.values() if y in v}) > 1
        text = plot_text(pareto)
        plotted = [n for n, v in vectors.items() if x in v and y in v]
        assert f"{len(plotted)} candidates · {len(front & set(plotted))} on the front" in text
        # each point labelled with its number (or "today"); the front marked point by point, not as a line
        for number in plotted:
            assert re.search(rf"(?<![0-9]){number if number else 'today'}(?![0-9])", text), number
        assert "■today" in text.replace(" ", "") or "■" in text
        assert 1 <= text.count("◆") <= len(front & set(plotted))
        # the legend is beside the plot, not on it
        assert "Pareto front" not in text and "Colour" not in text
        legend = str(pareto.query_one("#pareto-legend-body").render())
        assert all(f"#{n}" in legend for n in front & set(plotted))

        # x steps through every other dimension, never onto y's; the judge plots only what it judged
        dimensions = {d for v in vectors.values() for d in v} - {"validity"} | {"overall"}
        seen = set()
        for _ in range(len(dimensions)):
            await pilot.press("x")
            now_x, now_y = re.match(r"x: (\w+) · y: (\w+)", str(caption.render())).groups()
            assert now_x != now_y == y
            seen.add(now_x)
        assert seen == dimensions - {y}
        if y != "judge":
            while not str(caption.render()).startswith("x: judge"):
                await pilot.press("x")
        await pilot.pause(0.2)
        other = y if y != "judge" else re.match(r"x: (\w+)", str(caption.render())).group(1)
        text = plot_text(pareto)
        both = {n for n in judged if other in vectors[n]}
        assert f"{len(both)} candidates · {len(front & both)} on the front" in text
        await pilot.press("escape")
        assert isinstance(app.screen, ExploreScreen)
    store.close()


# (4) export: patch, branch, decision record -------------------------------------------------


async def export_with_keys(pilot, downs: int, target: str | None = None) -> str:
    """Choose the export kind with the radio buttons, optionally type a target, press enter."""
    dialog = pilot.app.screen
    assert isinstance(dialog, ExportScreen)
    radios = dialog.query_one("#export-kind", RadioSet)
    radios.focus()
    await pilot.press(*["down"] * downs, "enter", "tab")
    field = dialog.query_one("#export-target", Input)
    assert pilot.app.focused is field
    if target is not None:
        await pilot.press("ctrl+a", "ctrl+k", *target)  # home, then delete to the end
    await pilot.press("enter")
    result = dialog.query_one("#export-result", Static)
    await until(pilot, lambda: str(result.render()) not in ("", "exporting…"))  # the export runs in a thread
    shown = str(result.render())
    result.update("")
    return shown


async def test_export_patch_branch_and_decision_record(online_session, db_path, endpoint_env, sample_repo, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the default export paths are here, outside the repository
    store = Store(db_path)
    chosen = model_candidates(store, online_session)[0]
    app = DivergentApp(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        screen = await explore_ready(pilot)
        await cursor_to(pilot, screen, chosen.id)
        await pilot.press("ctrl+e")
        dialog = app.screen
        assert isinstance(dialog, ExportScreen)

        # a patch file, at the default path, that git applies to the repository
        result = await export_with_keys(pilot, downs=0)
        patch = tmp_path / f"candidate-s{online_session}-c{chosen.id}.diff"
        assert result.startswith(f"wrote {patch}")
        assert patch.read_text().startswith(f"diff --git a/{TARGET_PATH}")
        git(sample_repo, "apply", "--check", str(patch))

        # a branch holding the candidate, the working tree untouched
        result = await export_with_keys(pilot, downs=1)
        name = f"divergent/s{online_session}-c{chosen.id}"
        sha = git(sample_repo, "rev-parse", "--verify", f"refs/heads/{name}").strip()
        assert result.startswith(f"branch {name} at {sha[:8]}")
        assert git(sample_repo, "show", f"{name}:{TARGET_PATH}") == chosen.files[TARGET_PATH]
        assert git(sample_repo, "rev-parse", f"{name}~1") == git(sample_repo, "rev-parse", "HEAD")
        assert git(sample_repo, "status", "--porcelain") == ""
        # the same name again is refused, and says why
        result = await export_with_keys(pilot, downs=0)
        assert "already exists" in result

        # a decision record, at a typed path, listing the alternatives weighed
        adr = tmp_path / "docs" / "0007-report-service.md"
        adr.parent.mkdir()
        result = await export_with_keys(pilot, downs=1, target=str(adr))
        assert result.startswith(f"wrote {adr}")
        record = adr.read_text()
        assert record.startswith(f"# {chosen.title}\n")
        assert "## Alternatives weighed" in record
        clusters = store.clusters(online_session)
        assert len(clusters) >= 2
        alternatives = record.split("## Alternatives weighed", 1)[1]
        for cluster in clusters:
            medoid = store.candidate(online_session, cluster.medoid)
            assert f"#{medoid.id} {medoid.title}" in alternatives
        await pilot.press("escape")
        assert app.screen is screen
    store.close()


# (5) home lists the session; delete asks first -------------------------------------------------


async def test_home_lists_the_session_and_deletes_it_after_confirmation(online_session, db_path, endpoint_env):
    store = Store(db_path)
    candidates = store.candidates(online_session)
    best = max(store.overall(online_session)[c.id] for c in candidates if not c.baseline and c.valid)
    app = DivergentApp(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        home = app.screen
        assert isinstance(home, HomeScreen)
        table = home.query_one("#sessions", DataTable)
        assert table.row_count == 1
        row = table.get_row(str(online_session))
        assert row[2] == TARGET and row[3] == str(len(candidates) - 1) and row[4] == f"{best:.2f}"

        # open it and come back: the explore screen reads the same session
        await pilot.press("enter")
        screen = await explore_ready(pilot)
        assert screen.session.id == online_session and screen.session.client is not None
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, HomeScreen))
        table = app.screen.query_one("#sessions", DataTable)

        # enter and escape both say no
        for answer in ("enter", "escape", "n"):
            await pilot.press("d")
            assert isinstance(app.screen, ConfirmScreen)
            await pilot.press(answer)
            assert isinstance(app.screen, HomeScreen)
            assert table.row_count == 1
            assert [r["id"] for r in store.sessions()] == [online_session]

        await pilot.press("d")
        await pilot.press("y")
        await pilot.pause()
        assert table.row_count == 0
        assert "No sessions yet" in str(app.screen.query_one("#home-empty", Label).render())
    assert store.sessions() == []
    assert store.candidates(online_session) == []
    store.close()


# (6) model-only actions without a model say why -------------------------------------------------


async def test_a_model_session_reopened_offline_says_why_it_cannot_refine(online_session, db_path, monkeypatch):
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL"):
        monkeypatch.delenv(name)
    chosen = model_candidates(Store(db_path), online_session)[0]
    before = len(Store(db_path).candidates(online_session))
    app = DivergentApp(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        screen = await explore_ready(pilot)
        assert screen.session.client is None
        await cursor_to(pilot, screen, chosen.id)
        await pilot.press("r")
        await explore_ready(pilot)
        assert any("needs a model endpoint" in m for m in notifications(app))
    assert len(Store(db_path).candidates(online_session)) == before


# the pre-run estimate ------------------------------------------------------------------------------


def estimate_line(screen) -> str:
    return str(screen.query_one("#estimate", Label).render())


async def test_the_estimate_says_tokens_and_dollars_and_follows_the_form(sample_repo, db_path, endpoint_env, cli, monkeypatch, tmp_path):
    config = tmp_path / "config.toml"
    # $1000 per million tokens in and out: the dollars are the thousands of tokens
    config.write_text('[prices."priced-model"]\ninput = 1000\noutput = 1000\n')
    monkeypatch.setenv("DIVERGENT_CONFIG", str(config))
    monkeypatch.chdir(sample_repo)
    # the headless run's line (in a thread: the CLI runs its own event loop; before the app, which captures output)
    code, _, err = await asyncio.to_thread(cli, "explore", TARGET, "--headless", "--candidates", "5", "--budget", "20", "--model", "priced-model", "--json")
    assert code == 0, err
    headless = err.splitlines()[0]
    endpoint_env.reset()
    app = DivergentApp(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        screen = app.screen
        assert isinstance(screen, NewExplorationScreen)
        assert estimate_line(screen) == "estimate: name a target to count requests, tokens and $; budget 49 requests"
        await pilot.press(*TARGET)
        await until(pilot, lambda: "tokens" in estimate_line(screen))
        assert estimate_line(screen).endswith("with gpt-4o-mini; then 2 requests per cluster for the model critics; budget 49 requests")

        screen.query_one("#model", Input).focus()
        await pilot.press(*"priced-model")
        screen.query_one("#candidates", Input).focus()
        await pilot.press("backspace", "backspace", "5", "tab", "2", "0")
        await pilot.pause(0.2)
        line = estimate_line(screen)
        found = re.fullmatch(
            r"estimate: 6 requests, ~(\d+)k tokens \(at most (\d+)k\), ~\$(\d+\.\d\d) with priced-model; "
            r"then 2 requests per cluster for the model critics; budget 20 requests",
            line,
        )
        assert found, line
        thousands, most, dollars = int(found[1]), int(found[2]), float(found[3])
        assert abs(dollars - thousands) <= 0.5 and most > thousands > 0
        assert endpoint_env.count == 0  # the estimate asks the server nothing
        # the figures the headless run prints before it spends anything
        assert headless == line

        # a scenario costs one request to find the units it touches (none when typed after =>),
        # and each cluster one more: its executable change cost
        screen.query_one("#scenarios", TextArea).focus()
        await pilot.press(*"add a YAML output format")
        await pilot.pause(0.2)
        assert estimate_line(screen).startswith("estimate: 7 requests, ~")
        assert "; then 3 requests per cluster for the model critics;" in estimate_line(screen)
        await pilot.press(*" => ReportService.render")
        await pilot.pause(0.2)
        assert estimate_line(screen).startswith("estimate: 6 requests, ~")
        assert "; then 3 requests per cluster for the model critics;" in estimate_line(screen)

        # a model with no known price: the tokens stay, the dollars say why they are missing
        screen.query_one("#model", Input).focus()
        await pilot.press("end", *["backspace"] * 6)  # "priced" (focus selects all; end keeps it)
        await pilot.pause(0.2)
        assert "cost unknown (no price for this model) with priced;" in estimate_line(screen)

        # offline with the switch, by keys; and back
        screen.query_one("#offline").focus()
        await pilot.press("space")
        assert estimate_line(screen) == "offline: catalog only, no requests"
        await pilot.press("space")
        assert estimate_line(screen).startswith("estimate: 6 requests, ~")

        # a number that is not one is said, not crashed on
        screen.query_one("#budget", Input).focus()
        await pilot.press("ctrl+a", "ctrl+k", "-")
        assert "budget must be a whole number" in estimate_line(screen)


async def test_offline_form_says_why_the_model_cannot_propose(sample_repo, db_path, monkeypatch):
    monkeypatch.chdir(sample_repo)  # no endpoint configured (the hermetic fixture)
    app = DivergentApp(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        screen = app.screen
        assert screen.query_one("#offline").value is True
        assert estimate_line(screen) == "offline: catalog only, no requests"
        await pilot.press(*TARGET)
        await pilot.press("ctrl+o")
        await pilot.pause(0.2)
        assert any("proposing scenarios needs a model endpoint (offline is on)" in m for m in notifications(app))
        assert screen.query_one("#scenarios", TextArea).text == ""
        # switching offline off without an endpoint says what to configure
        screen.query_one("#offline").focus()
        await pilot.press("space")
        assert "no model endpoint configured" in estimate_line(screen)
        await pilot.press("ctrl+o")
        await pilot.pause(0.2)
        assert any("(none is configured)" in m for m in notifications(app))


async def test_a_rate_limited_proposal_is_retried(sample_repo, db_path, endpoint_env, monkeypatch):
    monkeypatch.chdir(sample_repo)
    endpoint_env.fail_next(429, retry_after=0.1)
    app = DivergentApp(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        screen = app.screen
        await pilot.press(*TARGET, "ctrl+o")
        scenarios = screen.query_one("#scenarios", TextArea)
        await until(pilot, lambda: scenarios.text.strip() != "")
        assert chat_schemas(endpoint_env) == ["scenarios", "scenarios"]
        assert "add a YAML output format" in scenarios.text.splitlines()


# the command palette -------------------------------------------------------------------------------


async def test_palette_jumps_to_candidates_and_runs_actions(online_session, db_path, endpoint_env):
    store = Store(db_path)
    target = model_candidates(store, online_session)[-1]
    app = DivergentApp(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        screen = await explore_ready(pilot)
        assert screen.selected != target.id
        await pilot.press("ctrl+p")
        await pilot.pause(0.2)
        await pilot.press(*f"#{target.id} {target.title}")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause(0.3)
        assert screen.selected == target.id
        # a steering action from the palette spends a request on the fake server
        await pilot.press("ctrl+p")
        await pilot.pause(0.2)
        await pilot.press(*"refine the selected")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await until(pilot, lambda: any(c.explorer == "refine" for c in store.candidates(online_session)))
        await explore_ready(pilot)
        (refined,) = [c for c in store.candidates(online_session) if c.explorer == "refine"]
        assert refined.parents == [target.id] and "candidate" in chat_schemas(endpoint_env)
        assert f"c{refined.id}" in screen.query_one("#candidates", DataTable).rows
        # the refined design names its parent in the Why pane
        await cursor_to(pilot, screen, refined.id)
        await pilot.press("5")
        why = screen.query_one("#why", LinesView).text
        assert f"Parents  #{target.id} {target.title}" in why and refined.rationale in why
        await pilot.press("ctrl+p")
        await pilot.pause(0.2)
        await pilot.press(*"pareto plot")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ParetoScreen))
    store.close()


# (8) spending asks first; clusters of several fold and are named after their representative ----------


async def test_a_command_that_spends_more_than_a_few_requests_asks_first(online_session, db_path, endpoint_env):
    options = make_options(offline=False, budget=200)  # room for more than the headless run left
    app = DivergentApp(db_path, Start("open", session=online_session, options=options))
    async with app.run_test(size=SIZE) as pilot:
        screen = await explore_ready(pilot)
        sent = len(chat_schemas(endpoint_env))
        await pilot.press("e")  # four designs, and the model critics on each one that founds a cluster
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        question = str(app.screen.query_one(".dialog-title").render())
        keys = str(app.screen.query_one(".dialog-hint").render())
        announced = int(re.search(r"up to (\d+) requests", question).group(1))
        assert announced > 5 and "4 for designs" in question and "left in the budget" in question
        assert keys.startswith("y spend") and "esc cancel" in keys
        await pilot.press("n")
        await until(pilot, lambda: app.screen is screen)
        await pilot.pause(0.3)
        assert len(chat_schemas(endpoint_env)) == sent  # nothing spent

        # adding a scenario has every representative judged again: it says so, then spends at most that
        await pilot.press("s")
        await pilot.press(*"add a CSV export", "enter")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        question = str(app.screen.query_one(".dialog-title").render())
        announced = int(re.search(r"up to (\d+) requests", question).group(1))
        await pilot.press("y")
        await until(pilot, lambda: "add scenario done" in str(screen.query_one("#status").render()), 60)
        spent = len(chat_schemas(endpoint_env)) - sent
        assert 0 < spent <= announced
        with Store(db_path) as store:
            assert "add a CSV export" in store.problem(online_session).scenarios
            found = store.assessments(online_session, screen.selected)[screen.selected]

        # the scenarios pane: a row per scenario, the new one too, with the selected design's ripple
        await pilot.press("4")
        pane = screen.query_one("#scenarios", LinesView)
        lines = lambda: pane.text.splitlines()  # noqa: E731  (a long scenario wraps in its column)
        await until(pilot, lambda: any(line.startswith("add a CSV") for line in lines()))
        ripple = next(a.raw for a in found if a.critic == "change_cost")
        for scenario in ("add a YAML output format", "add a CSV export"):
            figures = ripple[scenario]
            row = next(line for line in lines() if line.startswith(scenario[:9]))
            assert f"{figures['ripple_before']} → {figures['ripple_after']}" in row, (scenario, row)


async def test_a_cluster_of_several_is_named_after_its_representative_and_folds(online_session, db_path, endpoint_env):
    with Store(db_path) as store:
        cluster = max(store.clusters(online_session), key=lambda k: len(k.members))
        medoid = store.candidate(online_session, cluster.medoid)
        others = [store.candidate(online_session, m).title for m in cluster.members if m != cluster.medoid]
    assert len(cluster.members) >= 2
    app = DivergentApp(db_path)
    async with app.run_test(size=(200, 50)) as pilot:
        await pilot.press("enter")
        screen = await explore_ready(pilot)
        header = f"▾ {len(cluster.members)} designs like #{medoid.id} {medoid.title}"
        text = screen_text(app)
        assert header in text
        for _ in range(3):  # redraws keep the name
            screen.stale = True
            await pilot.pause(0.4)
            assert header in screen_text(app)
        screen.table.move_to(f"k{cluster.id}")
        await pilot.press("enter")
        folded = header.replace("▾", "▸")
        await until(pilot, lambda: folded in screen_text(app))
        assert not any(f"  {title}" in screen_text(app) for title in others)
        await pilot.press("enter")
        await until(pilot, lambda: header in screen_text(app))


async def test_the_autopilot_asks_first_naming_the_budget_it_may_spend(online_session, db_path, endpoint_env):
    options = make_options(offline=False, budget=60)
    app = DivergentApp(db_path, Start("open", session=online_session, options=options))
    async with app.run_test(size=SIZE) as pilot:
        screen = await explore_ready(pilot)
        spent = len(chat_schemas(endpoint_env))
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        question = str(app.screen.query_one(".dialog-title").render())
        left = options.budget.max_requests - options.budget.spent.requests
        assert f"up to the {left} requests left in the budget" in question
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is screen)
        await pilot.pause(0.3)
        assert len(chat_schemas(endpoint_env)) == spent
        assert "autopilot" not in str(screen.query_one("#status").render())
