"""The explore screen: the candidate table beside (or, on a narrow terminal, above) the
selected candidate's panes, the budget meter, and the steering keys (explore_keys).

Engine commands run as async workers (group "engine"); the session's events reach the
screen as messages and mark it stale, which schedules one redraw: at most five a second,
and while the engineer is browsing it waits (at most a second), so keys stay responsive
while many requests stream. Nothing redraws on a timer. Only the visible pane of the
selected candidate is filled (the others when their tab is shown). A command that may
spend more than a few requests says how many and asks first (steering.py).
"""

from __future__ import annotations

import time
from typing import Awaitable, Callable

from textual import on, work
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Header, Label

from divergent.app.highlight import highlighter
from divergent.app.idle import IdleCollector
from divergent.app.legend import plural
from divergent.app.messages import ActionEnded, EngineEvent
from divergent.app.screens import explore_keys
from divergent.app.screens.steering import Steering
from divergent.app.widgets.candidates import CandidateTable
from divergent.app.widgets.code import CodeView
from divergent.app.widgets.discovery import Discovery
from divergent.app.widgets.keybar import KeyBar
from divergent.app.widgets.legend_line import LegendLine
from divergent.app.widgets.meter import BudgetMeter
from divergent.app.widgets.panes import PANES, CandidatePanes
from divergent.engine import summary
from divergent.engine.errors import EndpointError
from divergent.model import Event, InputError

BROWSING = 0.3  # seconds after a key during which a redraw waits...
MAX_WAIT = 1.0  # ...but never longer than this since the last one
GAP = 0.2  # seconds between two redraws, at least
BROWSE_KEYS = ("up", "down", "j", "k", "pageup", "pagedown", "home", "end")
NARROW = 110  # columns below which the panes go under the list
IDLE = "↑↓ browse · 1-5 panes · ? help · ^p commands"


class ExploreScreen(Steering, Screen):
    CSS_PATH = "explore.tcss"
    BINDINGS = explore_keys.BINDINGS

    def __init__(self, opener: Callable[[Callable[[Event], None]], Awaitable], first_wave: bool) -> None:
        """``opener(emit)`` returns the Session (creating or opening it); first_wave runs one."""
        super().__init__()
        self.opener = opener
        self.run_first_wave = first_wave
        self.session = None
        self.document: dict | None = None
        self.selected: int | None = None
        self._stale = False
        self._due = None  # the redraw scheduled, if any
        self.follow_best = True  # the cursor stays on the best design until the engineer moves it
        self.busy = ""
        self.autopilot_on = False
        self.docs: dict[int, dict] = {}  # candidate documents since the last redraw
        self.last_key = 0.0
        self.last_redraw = 0.0
        self.collector = IdleCollector()
        self.discovered: tuple | None = None  # what the discovery sparkline was drawn for
        self.prepared_for = -1.0  # the key after which prepare_next planned its work
        self.to_prepare: list[tuple[str, int]] = []

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="top"):
            yield BudgetMeter(id="meter")
            yield Discovery(id="discovery")
        with Horizontal(id="main"):
            with Vertical(id="left"):
                yield CandidateTable(id="candidates")
                yield LegendLine(id="legend")
            yield CandidatePanes(self, id="right")
        yield Label("opening the session…", id="status")
        yield KeyBar(id="keys")

    def on_mount(self) -> None:
        self.set_interval(0.25, self.update_meter)  # in flight and spent, from the engine's memory
        self.set_interval(IdleCollector.IDLE, lambda: self.collector.tick(self.last_key))
        self.start()

    def on_resize(self) -> None:
        self.set_class(self.size.width < NARROW, "narrow")
        discovery = self.query_one(Discovery)
        discovery.show(*discovery.values)

    @property
    def table(self) -> CandidateTable:
        return self.query_one("#candidates", CandidateTable)

    # the engine ------------------------------------------------------------------

    def emit(self, event: Event) -> None:
        self.post_message(EngineEvent(event))

    @on(EngineEvent)
    def engine_event(self, message: EngineEvent) -> None:
        event, data = message.event, message.event.data
        if event.kind == "action_started":
            self.table.view.new = set()
        elif event.kind == "candidate_added":
            self.table.view.new.add(data["number"])
        elif event.kind == "candidate_scored" and self.busy:
            self.status(f"{self.busy}… scored #{data['number']} {data['title']} (x stops)")
        elif event.kind == "verified" and self.busy:  # a verdict lands beside the stream: its row redraws
            how = f"as #{data['inherited_from']}, a near-duplicate" if data["inherited_from"] is not None else f"{data['seconds']:.1f} s"
            self.status(f"{self.busy}… verified #{data['number']}: {'pass' if data['passed'] else 'FAIL'} ({how}; x stops)")
        elif event.kind == "novelty":  # designs asked to be unlike every cluster: how many were not
            missed = f"{data['misses']} of {data['asked']} landed in a cluster already known" if data["misses"] else f"all {data['asked']} founded clusters of their own"
            self.notify(f"novelty: {missed}", timeout=6)
        elif event.kind == "critic_plan" and self.busy:
            reps = plural(data["representatives"], "representative")
            self.status(f"{self.busy}… model critics on {reps} ({plural(data['requests'], 'request')}; x stops)")
        self.stale = True

    @work(group="engine", exclusive=False)
    async def start(self) -> None:
        self.busy = "opening"
        try:
            self.session = await self.opener(self.emit)
            self.table.view.marks = self.session.store.marks(self.session.id)  # then kept as the engineer marks
            self.sub_title = f"session {self.session.id} · {self.session.problem.target.spec}"
            self.query_one("#code", CodeView).set_language(highlighter(self.session.problem.target.path))
            self.stale = True
            if self.run_first_wave:
                await self._guarded("first wave", self.session.first_wave())
                return
            self.post_message(ActionEnded("opening", IDLE))
        except (InputError, EndpointError) as error:
            self.notify(str(error), severity="error", timeout=8)
            self.post_message(ActionEnded("opening", f"could not open: {error}", failed=True))
        finally:
            self.busy = ""
            self.stale = True

    # drawing ------------------------------------------------------------------------

    def status(self, text: str) -> None:
        self.query_one("#status", Label).update(text, layout=False)  # one line, full width: its size never changes

    @property
    def stale(self) -> bool:
        """Something changed since the last redraw; setting it schedules one."""
        return self._stale

    @stale.setter
    def stale(self, value: bool) -> None:
        self._stale = value
        if value and self._due is None and self.is_attached:
            self._due = self.set_timer(self.wait(), self.redraw_if_stale)

    def wait(self) -> float:
        """Seconds until the next redraw may run: GAP after the last one, and while keys come,
        BROWSING after the last key (but never MAX_WAIT after the last redraw)."""
        now = time.monotonic()
        due = self.last_redraw + GAP
        if now - self.last_key < BROWSING:
            due = max(due, min(self.last_key + BROWSING, self.last_redraw + MAX_WAIT))
        return max(0.01, due - now)  # a Timer of 0 s divides by zero

    def redraw_if_stale(self) -> None:
        self.collector.tick(self.last_key)
        self._due = None
        if not self._stale or self.session is None or not self.query(CandidateTable):
            return  # nothing to do, or the screen is being taken down
        if self.wait() > 0.01:  # keys came since it was scheduled: the rows stay put a moment longer
            self._due = self.set_timer(self.wait(), self.redraw_if_stale)
            return
        self._stale = False
        self.redraw()

    def redraw(self) -> None:
        self.last_redraw = time.monotonic()
        self.document = summary.live_document(self.session)  # the engine's memory: no database read
        self.docs.clear()
        table = self.table
        current = table.cursor_key()  # the row under the cursor now: a key may have moved it since `selected`
        table.show(self.document)
        self.query_one(LegendLine).columns = tuple(table.columns_shown)
        best = table.first_candidate()
        if self.follow_best or current not in table.rows:
            target = best if self.follow_best or f"c{self.selected}" not in table.rows else f"c{self.selected}"
        else:
            target = current
        if target is not None and table.move_to(target) and target.startswith("c"):
            self.selected = int(target[1:])
        self.panes.scored()
        if self.selected is not None:
            self.show_candidate(self.selected)
        self.show_discovery()
        self.on_resize()
        self.collector.start()

    def show_discovery(self) -> None:
        """The sparkline, read again only when a request was sent or the clusters changed."""
        now = (self.session.spent(), tuple(tuple(c.members) for c in self.session.clusters))
        if now != self.discovered:
            self.discovered = now
            self.query_one(Discovery).show(summary.discovery(self.session.store, self.session.id), self.session.client is None)

    def update_meter(self) -> None:
        """From the budget the engine keeps in memory: no database read."""
        if self.session is None:
            return
        client, budget = self.session.client, self.session.options.budget
        spent = budget.spent
        tokens = spent.input_tokens + spent.output_tokens
        in_flight = client.in_flight if client is not None else 0
        self.query_one(BudgetMeter).show(spent.requests, budget.max_requests, tokens, spent.cost_usd, in_flight, client is None)

    @on(DataTable.RowHighlighted, "#candidates")
    def highlighted(self) -> None:
        number = self.table.cursor_candidate()  # the row under the cursor now: after a redraw the event's may be gone
        if number is not None:
            self.selected = number
            self.show_candidate(number)

    @on(DataTable.RowSelected, "#candidates")
    def row_selected(self) -> None:
        self.action_fold()

    def action_browse(self, step: int) -> None:
        """The candidate cursor a row down or up, and the visible pane shows its candidate."""
        table = self.table
        if self.focused is not table and not self.has_class("zoomed"):
            raise SkipAction()  # the key goes on to the focused widget (the code, a scrolling pane)
        self.last_key = time.monotonic()
        self.follow_best = False
        table.action_cursor_down() if step > 0 else table.action_cursor_up()
        self.highlighted()

    def on_key(self, event) -> None:
        self.last_key = time.monotonic()
        if event.key in BROWSE_KEYS:
            self.follow_best = False

    @on(DataTable.HeaderSelected, "#candidates")
    def header_selected(self, event: DataTable.HeaderSelected) -> None:
        self.table.sort_on(event.column_key.value)
        self.stale = True

    @property
    def panes(self) -> CandidatePanes:
        return self.query_one(CandidatePanes)

    @property
    def active_pane(self) -> str:
        return self.panes.active

    def show_candidate(self, number: int) -> None:
        """Show a candidate in the header and the visible pane; the others are filled when shown.
        Once the frame is out, what the next key will likely show is prepared (prepare_next)."""
        self.panes.show(number)
        self.call_after_refresh(self.prepare_next, self.last_key)

    def prepare_next(self, key: float) -> None:
        """While no key comes: the visible pane's work for the rows beside the cursor, then the
        costly panes' for the selected candidate, one at a time (a key waits for one at most)."""
        if key != self.last_key or not self.is_current or self.selected is None:
            return  # a key came since: its own frame schedules the next round
        if key != self.prepared_for:
            self.prepared_for, self.to_prepare = key, self.next_work()
        if self.to_prepare:
            self.panes.prepare(*self.to_prepare.pop(0))
            self.call_later(self.prepare_next, key)

    def next_work(self) -> list[tuple[str, int]]:
        """(pane, candidate) pairs, the likeliest next first."""
        table, active = self.table, self.active_pane
        near = [table.candidate_at(table.cursor_row + step) for step in (1, -1, 2, -2)]
        work = [(active, n) for n in near if n is not None]
        return work + [(pane, self.selected) for pane in PANES if pane != active]

    def showing(self, pane: str) -> int | None:
        """The candidate a pane shows (None before any)."""
        return self.panes.shown.get(pane)

    # what the panes read (CandidatePanes' source) ----------------------------------------

    def candidate(self, number: int) -> dict | None:
        if self.session is None:
            return None
        if number not in self.docs:
            try:
                self.docs[number] = summary.live_candidate(self.session, number)
            except InputError:
                return None
        return self.docs[number]

    def patch(self, number: int) -> str:
        from divergent.engine.export import candidate_patch

        return candidate_patch(self.session.problem, self.session.candidate(number))

    def session_doc(self) -> dict | None:
        return self.document

    def target_path(self) -> str:
        return self.session.problem.target.path

    def scenarios(self) -> list[str]:
        return self.session.problem.scenarios

    def weights(self) -> dict[str, float]:
        return self.session.options.weights

    # actions -------------------------------------------------------------------------

    def action_sort(self) -> None:
        by = self.table.cycle_sort()
        self.status(f"sorted by {by or 'cluster (best cluster first)'} · o: the next column")
        self.stale = True

    def action_deltas(self) -> None:
        self.table.view.deltas = not self.table.view.deltas
        self.status("dimensions as differences from today's code" if self.table.view.deltas else "dimensions as scores (0..1, today .50)")
        self.stale = True

    def action_fold(self) -> None:
        cluster = self.table.cursor_cluster()
        if cluster is not None:
            self.follow_best = False  # the cursor stays on the header it folded
            self.table.toggle_fold(cluster)
            self.stale = True
            self.last_key = 0.0  # now, not after the browsing pause

    def action_zoom(self) -> None:
        self.toggle_class("zoomed")

    def action_pane(self, pane: str) -> None:
        self.last_key = time.monotonic()
        self.panes.activate(pane, self.selected)

    def select(self, number: int) -> None:
        """Move the cursor to a candidate (the command palette uses this)."""
        self.follow_best = False
        self.table.move_to(f"c{number}")

    def action_back(self) -> None:
        if self.has_class("zoomed"):
            self.remove_class("zoomed")
        elif len(self.app.screen_stack) > 2:
            self.app.pop_screen()
        else:
            from divergent.app.screens.home import HomeScreen

            self.app.switch_screen(HomeScreen())

    async def on_unmount(self) -> None:
        if self._due is not None:
            self._due.stop()  # the screen's widgets are going: no redraw after them
        self.collector.stop()
        if self.session is not None:
            await self.session.close("stopped" if self.busy else "done")
