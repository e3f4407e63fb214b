"""The explore screen: clusters and candidates, their code, diff and critics, and the steering keys.

Engine commands run as async workers (group "engine"); the session's events reach
the screen as messages and mark it stale, and a timer redraws at most five times a
second, so keys stay responsive while many requests stream.

What a key costs is kept small: a redraw changes only the table cells that changed and
waits while the engineer is browsing (at most a second); only the visible pane of the
selected candidate is filled (the others when their tab is shown); a label of fixed
size is updated without a relayout.
"""

from __future__ import annotations

import gc
import math
import time
from dataclasses import dataclass
from typing import Awaitable, Callable

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.actions import SkipAction
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Label, Sparkline, TabbedContent, TabPane

from divergent.app.highlight import highlighter
from divergent.app.screens.dialogs import ExportScreen, PromptScreen
from divergent.app.widgets.code import CodeView
from divergent.app.widgets.critics import CriticBars
from divergent.app.widgets.diff import DiffView
from divergent.app.widgets.meter import BudgetMeter
from divergent.engine import summary
from divergent.engine.ranking import parse_weights
from divergent.model import Event, InputError
from divergent.storage.calls import session_usage

# (header, key, width): scores are 0..1 against today's 0.50
COLUMNS = (
    ("#", "number", 3),
    ("design", "title", 27),
    ("cl", "cluster", 2),
    ("all", "overall", 4),
    ("simp", "simplicity", 4),
    ("ext", "extensibility", 4),
    ("chg", "change_cost", 4),
    ("jdg", "judge", 4),
    ("", "flags", 4),
)
TITLE_WIDTH = 27
SORTABLE = {"overall", "simplicity", "extensibility", "change_cost", "judge", "number"}
BIN = 4  # requests per point of the discovery sparkline, at least
SPARK_WIDTH = 24  # cells of the sparkline (explore.tcss)
BROWSING = 0.3  # seconds after a key during which a redraw waits...
MAX_WAIT = 1.0  # ...but never longer than this since the last one
BROWSE_KEYS = ("up", "down", "pageup", "pagedown", "home", "end")


class IdleCollector:
    """Full garbage collections in the pauses between keys.

    A full collection walks the whole heap: 100-250 ms with the app's modules, widgets and
    caches on it, long enough to be the slowest of a hundred keys. While an explore screen
    is up, what existed when it was first drawn is frozen (out of every collection's reach),
    automatic full collections are off (the young generations are still collected, a ms or
    two each), and the screen runs one once no key has come for IDLE seconds, at most every
    EVERY seconds, and after LONGEST seconds whatever the keys do.
    """

    IDLE, EVERY, LONGEST = 1.0, 5.0, 30.0
    screens = 0  # explore screens drawn and not yet gone: the settings are the process's
    threshold: tuple[int, int, int] = (700, 10, 10)

    def __init__(self) -> None:
        self.started = False
        self.last = time.monotonic()

    def start(self) -> None:
        if self.started:
            return
        self.started = True
        self.last = time.monotonic()
        if IdleCollector.screens == 0:
            IdleCollector.threshold = gc.get_threshold()
            gc.set_threshold(self.threshold[0], self.threshold[1], 1_000_000_000)
        IdleCollector.screens += 1
        gc.freeze()

    def tick(self, last_key: float) -> None:
        if not self.started:
            return
        now = time.monotonic()
        since = now - self.last
        if since >= self.LONGEST or (since >= self.EVERY and now - last_key >= self.IDLE):
            self.last = now
            gc.collect()

    def stop(self) -> None:
        if not self.started:
            return
        self.started = False
        IdleCollector.screens -= 1
        if IdleCollector.screens == 0:
            gc.set_threshold(*self.threshold)
            gc.unfreeze()  # what the screens held can be collected again


@dataclass
class EngineEvent(Message):
    """An engine event, delivered on the screen's message queue."""

    event: Event

    def can_replace(self, message: Message) -> bool:
        # progress is coalesced; anything else is kept
        return isinstance(message, EngineEvent) and message.event.kind == self.event.kind == "usage"


class ExploreScreen(Screen):
    CSS_PATH = "explore.tcss"
    BINDINGS = [
        Binding("e", "expand", "Expand", id="explore.expand"),
        Binding("r", "refine", "Refine", id="explore.refine"),
        Binding("space", "toggle_pick", "Pick", id="explore.pick"),
        Binding("c", "combine", "Combine", id="explore.combine"),
        Binding("n", "new_direction", "New direction", id="explore.new_direction"),
        Binding("m", "materialize", "Materialize", id="explore.materialize"),
        Binding("w", "weights", "Weights", id="explore.weights"),
        Binding("s", "scenario", "Scenario", id="explore.scenario"),
        Binding("d", "add_design", "My design", show=False, id="explore.add_design"),
        Binding("plus,equals_sign", "mark(1)", "👍", id="explore.up"),
        Binding("minus", "mark(-1)", "👎", id="explore.down"),
        Binding("a", "autopilot", "Autopilot", id="explore.autopilot"),
        Binding("x", "stop", "Stop", id="explore.stop"),
        Binding("v", "compare", "Compare", id="explore.compare"),
        Binding("p", "pareto", "Pareto", id="explore.pareto"),
        Binding("ctrl+e", "export", "Export", id="explore.export"),
        Binding("o", "sort", "Sort", id="explore.sort"),
        Binding("escape", "back", "Back", id="explore.back"),
        # Browsing keys are priority bindings: the app runs them as the key arrives, where an
        # ordinary key goes to the table, bubbles through its containers to the screen and the
        # app, and the table's RowHighlighted bubbles back; a message hop each, and every hop
        # waits its turn behind the engine while requests stream.
        Binding("1", "pane('tab-code')", "Code", show=False, priority=True, id="explore.pane_code"),
        Binding("2", "pane('tab-diff')", "Diff", show=False, priority=True, id="explore.pane_diff"),
        Binding("3", "pane('tab-critics')", "Critics", show=False, priority=True, id="explore.pane_critics"),
        Binding("4", "pane('tab-scenarios')", "Scenarios", show=False, priority=True, id="explore.pane_scenarios"),
        Binding("down", "browse(1)", "Next", show=False, priority=True, id="explore.browse_down"),
        Binding("up", "browse(-1)", "Previous", show=False, priority=True, id="explore.browse_up"),
    ]

    def __init__(self, opener: Callable[[Callable[[Event], None]], Awaitable], first_wave: bool) -> None:
        """``opener(emit)`` returns the Session (creating or opening it); first_wave runs one."""
        super().__init__()
        self.opener = opener
        self.run_first_wave = first_wave
        self.session = None
        self.document: dict | None = None
        self.selected: int | None = None
        self.picked: list[int] = []
        self.sort_by: str | None = None  # None: grouped by cluster
        self.stale = False
        self.follow_best = True  # the cursor stays on the best design until the engineer moves it
        self.busy = ""
        self.autopilot_on = False
        self.shown: dict[str, int] = {}  # pane id -> the candidate it shows
        self.table_rows: list[tuple] = []  # what the candidate table holds, as rows() made it
        self.docs: dict[int, dict] = {}  # candidate documents since the last redraw
        self.patches: dict[int, str] = {}  # candidates' files do not change
        self.last_key = 0.0
        self.last_redraw = 0.0
        self.collector = IdleCollector()

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="top"):
            yield BudgetMeter(id="meter")
            discovery = Label("discovery", id="discovery-label")
            discovery.tooltip = "new clusters per request, in the order sent (offline: per catalog candidate)"
            yield discovery
            yield Sparkline([0], id="discovery")
        with Horizontal(id="main"):
            with Vertical(id="left"):
                yield DataTable(id="candidates", cursor_type="row", zebra_stripes=True)
                yield Label("", id="status")
            with TabbedContent(id="right"):
                with TabPane("Code", id="tab-code"):
                    yield CodeView(id="code", language="python", show_line_numbers=True)
                with TabPane("Diff", id="tab-diff"):
                    yield DiffView(id="diff")
                with TabPane("Critics", id="tab-critics"):
                    yield CriticBars(id="critics")
                with TabPane("Scenarios", id="tab-scenarios"):
                    yield DataTable(id="scenarios", cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#candidates", DataTable)
        for label, key, width in COLUMNS:
            table.add_column(label, key=key, width=width)
        scenarios = self.query_one("#scenarios", DataTable)
        for label in ("scenario", "static ripple", "executable cost", "units touched"):
            scenarios.add_column(label)
        self.set_interval(0.2, self.redraw_if_stale)
        self.set_interval(0.25, self.update_meter)
        self.start()

    # the engine ------------------------------------------------------------------

    def emit(self, event: Event) -> None:
        self.post_message(EngineEvent(event))

    @on(EngineEvent)
    def engine_event(self, message: EngineEvent) -> None:
        event = message.event
        if event.kind == "candidate_scored":
            self.status(f"scored #{event.data['number']} {event.data['title']}")
        elif event.kind == "critic_plan":
            d = event.data
            self.status(f"model critics on {d['representatives']} representatives ({d['requests']} requests)")
        elif event.kind == "action_finished":
            d = event.data
            spent = f" for {d['requests']} requests" if self.session and self.session.client is not None else ""
            self.status(f"{d['action'].replace('_', ' ')}: {d['candidates']} candidates{spent} · ↑↓ browse, ^p commands")
        self.stale = True

    @work(group="engine", exclusive=False)
    async def start(self) -> None:
        from divergent.llm.client import EndpointError

        self.busy = "opening"
        try:
            self.session = await self.opener(self.emit)
            self.sub_title = f"session {self.session.session} · {self.session.problem.target.spec}"
            self.query_one("#code", CodeView).set_language(highlighter(self.session.problem.target.path))
            self.stale = True
            if self.run_first_wave:
                await self._guarded("first wave", self.session.first_wave())
        except (InputError, EndpointError) as error:
            self.notify(str(error), severity="error", timeout=8)
        finally:
            self.busy = ""
            self.stale = True

    async def _guarded(self, name: str, command: Awaitable) -> None:
        from divergent.llm.client import EndpointError

        self.busy = name
        self.status(f"{name}…")
        try:
            await command
        except EndpointError as error:
            self.notify(str(error), severity="error", timeout=8)
        except InputError as error:
            self.notify(str(error), severity="warning", timeout=6)
        finally:
            self.busy = ""
            self.stale = True

    def command(self, name: str, factory: Callable[[], Awaitable]) -> None:
        """Run an engine command in a worker; one at a time, and say so when busy."""
        if self.session is None:
            self.notify("the session is still opening", severity="warning")
            return
        if self.busy:
            self.notify(f"busy: {self.busy} (x stops it)", severity="warning")
            return
        try:
            awaitable = factory()
        except InputError as error:
            self.notify(str(error), severity="warning", timeout=6)
            return
        self.run_worker(self._guarded(name, awaitable), group="engine", exclusive=False)

    # drawing ------------------------------------------------------------------------

    def status(self, text: str) -> None:
        self.query_one("#status", Label).update(text, layout=False)  # one line, full width: its size never changes

    def redraw_if_stale(self) -> None:
        self.collector.tick(self.last_key)
        if not self.stale or self.session is None:
            return
        now = time.monotonic()
        if now - self.last_key < BROWSING and now - self.last_redraw < MAX_WAIT:
            return  # the engineer is browsing: the rows stay put a moment longer
        self.stale = False
        self.redraw()

    def redraw(self) -> None:
        self.last_redraw = time.monotonic()
        store, session = self.session.store, self.session.session
        self.document = summary.session_document(store, session)
        self.docs.clear()
        table = self.query_one("#candidates", DataTable)
        current = row_key(table)  # the row under the cursor now: a key may have moved it since `selected`
        self.fill_table(table, self.rows(self.document, store.marks(session)))
        best = next((k.value for k in table.rows if k.value.startswith("c")), None)
        if self.follow_best:
            target = best
        elif current is not None and current in table.rows:
            target = current
        else:
            target = f"c{self.selected}" if f"c{self.selected}" in table.rows else best
        if target is not None:
            if target.startswith("c"):
                self.selected = int(target[1:])
            row = table.get_row_index(target)
            if table.cursor_row != row:
                table.move_cursor(row=row, animate=False)
        # scores and evidence may have changed; code and diff of a candidate do not
        self.shown.pop("tab-critics", None)
        self.shown.pop("tab-scenarios", None)
        if self.selected is not None:
            self.show_candidate(self.selected)
        self.show_discovery(summary.discovery(store, session))
        self.collector.start()

    def fill_table(self, table: DataTable, rows: list[tuple]) -> None:
        """Change the table only where ``rows`` differ from what it holds: any change makes
        the table render every visible cell again, so nothing changed is nothing done."""
        old = self.table_rows
        self.table_rows = rows
        same_keys = len(old) <= len(rows) and all(a[0] == b[0] for a, b in zip(old, rows))
        if not same_keys:
            table.clear()
            for row in rows:
                table.add_row(*row[1:], key=row[0])
            return
        for before, after in zip(old, rows):
            for (_, column, _), a, b in zip(COLUMNS, before[1:], after[1:]):
                if cell_signature(a) != cell_signature(b):
                    table.update_cell(after[0], column, b)
        for row in rows[len(old) :]:  # arrived since the last redraw
            table.add_row(*row[1:], key=row[0])

    def show_discovery(self, values: list[int]) -> None:
        """New clusters per request, as a rate over bins of at least BIN requests."""
        size = max(BIN, math.ceil(len(values) / SPARK_WIDTH))
        points = [sum(values[i : i + size]) / size for i in range(0, len(values), size)] or [0]
        sparkline = self.query_one("#discovery", Sparkline)
        if list(sparkline.data or []) != points:
            sparkline.data = points

    def rows(self, doc: dict, marks: dict[int, int]) -> list[tuple]:
        variables = self.app.theme_variables
        better, worse = variables.get("success", "green"), variables.get("error", "red")

        def cell(c: dict, key: str) -> Text | str:
            value = c["scores"].get(key)
            if value is None:
                return "·"
            shown = round(value, 2)
            style = better if shown > 0.5 else worse if shown < 0.5 else ""
            return Text(f"{shown:.2f}"[1:] if shown < 1 else "1.0", style=style)

        def flags(c: dict) -> str:
            out = "◆" if c["pareto"] else " "
            out += "✗" if not c["valid"] else " "
            out += {1: "+", -1: "−"}.get(marks.get(c["id"], 0), " ")
            out += "•" if c["id"] in self.picked else " "
            return out

        def row(c: dict, indent: str = "") -> tuple:
            title = indent + c["title"]
            if len(title) > TITLE_WIDTH:
                title = title[: TITLE_WIDTH - 1] + "…"
            return (
                f"c{c['id']}", str(c["id"]), title, str(c["cluster"] or "-"), cell(c, "overall"), cell(c, "simplicity"),
                cell(c, "extensibility"), cell(c, "change_cost"), cell(c, "judge"), flags(c),
            )

        candidates = doc["candidates"]
        if self.sort_by:
            key = (lambda c: -c["id"]) if self.sort_by == "number" else (lambda c: c["scores"].get(self.sort_by, -1))
            return [row(c) for c in sorted(candidates, key=key, reverse=True)]
        by_id = {c["id"]: c for c in candidates}
        out = []
        clusters = sorted(doc["clusters"], key=lambda k: -max(by_id[m]["scores"].get("overall", 0) for m in k["members"]))
        for k in clusters:
            members = sorted((by_id[m] for m in k["members"]), key=lambda c: -c["scores"].get("overall", 0))
            if len(members) == 1:
                out.append(row(members[0]))
                continue
            best = members[0]["scores"].get("overall", 0)
            label = f"▾ {len(members)} like: {k['label']}"
            label = label if len(label) <= TITLE_WIDTH else label[: TITLE_WIDTH - 1] + "…"
            out.append((f"k{k['id']}", "", Text(label, style="bold"), str(k["id"]), f"{best:.2f}"[1:], "", "", "", "", ""))
            out += [row(c, "  ") for c in members]
        clustered = {m for k in doc["clusters"] for m in k["members"]}
        out += [row(c) for c in candidates if c["id"] not in clustered]  # arrived since the last clustering
        return out

    def update_meter(self) -> None:
        if self.session is None:
            return
        meter = self.query_one(BudgetMeter)
        offline = self.session.client is None
        usage = session_usage(self.session.store, self.session.session) if not offline else None
        meter.show(
            usage.requests if usage else 0,
            self.session.options.budget.max_requests,
            (usage.input_tokens + usage.output_tokens) if usage else 0,
            usage.cost_usd if usage else 0.0,
            self.session.client.in_flight if not offline else 0,
            offline,
        )

    @on(DataTable.RowHighlighted, "#candidates")
    def highlighted(self, event: DataTable.RowHighlighted) -> None:
        key = row_key(event.data_table) or ""  # the row under the cursor now: after a redraw the event's may be gone
        if key.startswith("c"):
            self.selected = int(key[1:])
            self.show_candidate(self.selected)

    def action_browse(self, step: int) -> None:
        """The candidate cursor a row down or up, and the visible pane shows its candidate."""
        table = self.query_one("#candidates", DataTable)
        if self.focused is not table:
            raise SkipAction()  # the key goes on to the focused widget (the code, a scrolling pane)
        self.last_key = time.monotonic()
        self.follow_best = False
        if step > 0:
            table.action_cursor_down()
        else:
            table.action_cursor_up()
        key = row_key(table) or ""
        if key.startswith("c"):
            self.selected = int(key[1:])
            self.show_candidate(self.selected)

    def on_key(self, event) -> None:
        self.last_key = time.monotonic()
        if event.key in BROWSE_KEYS:
            self.follow_best = False

    @on(DataTable.HeaderSelected, "#candidates")
    def header_selected(self, event: DataTable.HeaderSelected) -> None:
        key = event.column_key.value
        self.sort_by = None if self.sort_by == key or key not in SORTABLE else key
        self.stale = True

    @property
    def active_pane(self) -> str:
        return self.query_one("#right", TabbedContent).active

    def show_candidate(self, number: int) -> None:
        """Show a candidate in the visible pane; the others are filled when shown."""
        self.show_pane(self.active_pane, number)

    def showing(self, pane: str) -> int | None:
        """The candidate a pane shows (None before any)."""
        return self.shown.get(pane)

    def candidate(self, number: int) -> dict | None:
        if number not in self.docs:
            try:
                self.docs[number] = summary.candidate_document(self.session.store, self.session.session, number)
            except InputError:
                return None
        return self.docs[number]

    def show_pane(self, pane: str, number: int | None) -> None:
        if number is None or self.session is None or self.shown.get(pane) == number:
            return
        doc = self.candidate(number)
        if doc is None:
            return
        if pane == "tab-code":
            self.show_code(doc)
        elif pane == "tab-diff":
            if number not in self.patches:
                from divergent.engine.export import patch

                self.patches[number] = patch(self.session.store, self.session.session, number) if number else ""
            self.query_one(DiffView).show(self.patches[number], "This is today's code.")
        elif pane == "tab-critics":
            self.query_one(CriticBars).show(doc)
        elif pane == "tab-scenarios":
            self.show_scenarios(doc)
        else:
            return
        self.shown[pane] = number

    @on(TabbedContent.TabActivated, "#right")
    def pane_shown(self, event: TabbedContent.TabActivated) -> None:
        self.show_pane(event.pane.id, self.selected)

    def show_code(self, doc: dict) -> None:
        files = doc["files"]
        self.query_one("#code", CodeView).show(files.get(self.session.problem.target.path) or next(iter(files.values()), ""))

    def show_scenarios(self, doc: dict) -> None:
        static = next((a["raw"] for a in doc["assessments"] if a["critic"] == "change_cost"), {})
        executable = next((a["raw"] for a in doc["assessments"] if a["critic"] == "speculative"), {})
        if executable.get("inherited_from") is not None:
            representative = self.candidate(executable["inherited_from"]) or {"assessments": []}
            executable = next((a["raw"] for a in representative["assessments"] if a["critic"] == "speculative"), {})
        rows = []
        for scenario in self.session.problem.scenarios:
            s, e = static.get(scenario, {}), executable.get(scenario, {})
            ripple = f"{s['ripple_before']} → {s['ripple_after']}" if s else "·"
            cost = f"{e['cost_before']:g} → {e['cost_after']:g}" if e else "·"
            touched = ", ".join(e.get("touched", s.get("touched", [])))[:60] or "·"
            rows.append((scenario, ripple, cost, touched))
        if not self.session.problem.scenarios:
            rows.append(("no scenarios yet: press s to add one", "", "", ""))
        table = self.query_one("#scenarios", DataTable)
        if rows == [tuple(table.get_row_at(i)) for i in range(table.row_count)]:
            return
        table.clear()
        for row in rows:
            table.add_row(*row)

    # actions -------------------------------------------------------------------------

    def _selected_cluster(self) -> int | None:
        if self.selected is None or self.document is None:
            return None
        return next((c["cluster"] for c in self.document["candidates"] if c["id"] == self.selected), None)

    def action_expand(self) -> None:
        cluster = self._selected_cluster()
        if cluster is None:
            self.notify("select a candidate of the cluster to expand", severity="warning")
            return
        self.command("expand", lambda: self.session.expand(cluster, count=4))

    def action_refine(self) -> None:
        if self.selected is None:
            return
        number = self.selected
        self.command("refine", lambda: self.session.refine(number))

    def action_toggle_pick(self) -> None:
        key = row_key(self.query_one("#candidates", DataTable)) or ""
        if not key.startswith("c"):  # a cluster's header row: the candidate shown is not the one under the cursor
            self.notify("space picks the candidate under the cursor: move to a candidate row", severity="warning")
            return
        if self.selected is None:
            return
        if self.selected in self.picked:
            self.picked.remove(self.selected)
        else:
            self.picked = (self.picked + [self.selected])[-2:]
        self.status(f"picked: {', '.join(f'#{n}' for n in self.picked) or 'none'} (c combines two, v compares)")
        self.stale = True

    def action_combine(self) -> None:
        if len(self.picked) != 2:
            self.notify("pick two candidates with space first", severity="warning")
            return
        a, b = self.picked
        self.command("combine", lambda: self.session.combine(a, b))

    def action_new_direction(self) -> None:
        self.command("new direction", lambda: self.session.new_direction(count=2))

    def action_materialize(self) -> None:
        if self.selected is None:
            return
        number = self.selected
        self.command("materialize", lambda: self.session.materialize(number))

    def action_weights(self) -> None:
        if self.session is None:
            return
        current = ",".join(f"{k}={v:g}" for k, v in sorted(self.session.options.weights.items()))

        def apply(text: str | None) -> None:
            if text is None:
                return
            try:
                front = self.session.rescore(parse_weights(text))
            except InputError as error:
                self.notify(str(error), severity="warning")
                return
            self.notify(f"re-weighted: {len(front)} on the Pareto front")
            self.stale = True

        self.app.push_screen(
            PromptScreen("Critic weights", "simplicity=2,change_cost=1", current, "dimensions: simplicity, extensibility, change_cost, judge"),
            apply,
        )

    def action_scenario(self) -> None:
        def add(text: str | None) -> None:
            if text:
                self.command("add scenario", lambda: self.session.add_scenario(text))

        self.app.push_screen(PromptScreen("A likely future change", "add a YAML output format"), add)

    def action_add_design(self) -> None:
        def add(spec: str | None) -> None:
            if spec:
                self.command("add design", lambda: self.session.add_design_from(spec.strip()))

        self.app.push_screen(PromptScreen("Your own design: a branch, a commit or a folder", "colleague/refactor"), add)

    def action_mark(self, value: int) -> None:
        if self.selected is None or self.session is None:
            return
        current = self.session.store.marks(self.session.session).get(self.selected, 0)
        self.session.mark(self.selected, 0 if current == value else value)
        self.stale = True

    def action_autopilot(self) -> None:
        if self.session is None:
            return
        if self.autopilot_on:
            self.action_stop()
            return
        if not hasattr(self.session, "autopilot"):
            self.notify("the autopilot is not in this build yet", severity="warning")
            return
        self.autopilot_on = True
        self.command("autopilot", lambda: self._autopilot())

    async def _autopilot(self) -> None:
        try:
            await self.session.autopilot()
        finally:
            self.autopilot_on = False

    def action_stop(self) -> None:
        if not self.busy:
            self.status("nothing is running")
            return
        self.workers.cancel_group(self, "engine")
        self.autopilot_on = False
        self.status(f"stopped {self.busy}; everything scored so far is kept")
        self.busy = ""

    def action_compare(self) -> None:
        from divergent.app.screens.compare import CompareScreen

        if self.session is None or self.selected is None:
            return
        a, b = (self.picked if len(self.picked) == 2 else [0, self.selected])
        self.app.push_screen(CompareScreen(self.session.store, self.session.session, a, b))

    def action_pareto(self) -> None:
        from divergent.app.screens.pareto import ParetoScreen

        if self.session is not None:
            self.app.push_screen(ParetoScreen(self.session.store, self.session.session))

    def action_export(self) -> None:
        if self.session is None or not self.selected:
            self.notify("select a candidate other than today's code", severity="warning")
            return
        title = next(c["title"] for c in self.document["candidates"] if c["id"] == self.selected)
        self.app.push_screen(ExportScreen(self.session.store, self.session.session, self.selected, title))

    def action_sort(self) -> None:
        order = [None, "overall", "simplicity", "extensibility", "change_cost", "judge", "number"]
        self.sort_by = order[(order.index(self.sort_by) + 1) % len(order)]
        self.status(f"sorted by {self.sort_by or 'cluster'}")
        self.stale = True

    def action_pane(self, pane: str) -> None:
        self.last_key = time.monotonic()
        self.query_one("#right", TabbedContent).active = pane
        self.show_pane(pane, self.selected)  # in this frame, not after the TabActivated message

    def select(self, number: int) -> None:
        """Move the cursor to a candidate (the command palette uses this)."""
        self.follow_best = False
        table = self.query_one("#candidates", DataTable)
        if f"c{number}" in table.rows:
            table.move_cursor(row=table.get_row_index(f"c{number}"))

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 2:
            self.app.pop_screen()
        else:
            from divergent.app.screens.home import HomeScreen

            self.app.switch_screen(HomeScreen())

    async def on_unmount(self) -> None:
        self.collector.stop()
        if self.session is not None:
            await self.session.close("stopped" if self.busy else "done")


def row_key(table: DataTable) -> str | None:
    """The key of the row under the cursor (None for an empty table)."""
    if not table.row_count:
        return None
    return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value


def cell_signature(cell) -> tuple:
    """What a cell shows: a Text's style is not part of its ``==``."""
    if isinstance(cell, Text):
        return (cell.plain, str(cell.style), tuple(cell.spans))
    return (cell,)
