"""Home: recent sessions; open, delete, or start a new exploration."""

from __future__ import annotations

import asyncio
import importlib

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Header, Label

from divergent.app.screens.dialogs import ConfirmScreen
from divergent.app.widgets.keybar import KeyBar

HEADERS = ("id", "repo", "target", "cands", "best", "status", "date")
WIDE = 100  # screen columns from which the date has its time


class HomeScreen(Screen):
    CSS_PATH = "home.tcss"
    BINDINGS = [
        Binding("enter", "open", "open", tooltip="Open the session under the cursor", id="home.open"),
        Binding("n", "new", "new exploration", tooltip="Start a new exploration: a target, a goal, likely changes", id="home.new"),
        Binding("d,delete", "delete", "delete", tooltip="Delete the session under the cursor (asks first)", id="home.delete"),
        Binding("q", "app.quit", "quit", tooltip="Quit", id="home.quit"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="home"):
            yield Label("Recent sessions", id="home-title")
            yield DataTable(id="sessions", cursor_type="row", zebra_stripes=True)
            yield Label("", id="home-empty")
        yield KeyBar()

    def on_mount(self) -> None:
        table = self.query_one("#sessions", DataTable)
        for label, key in zip(HEADERS, ("id", "repo", "target", "n", "best", "status", "date")):
            table.add_column(label, key=key)
        self.refresh_sessions()
        self.prewarm()

    def on_resize(self) -> None:
        self.refresh_sessions()

    @work(thread=True, group="prewarm")
    def prewarm(self) -> None:
        """Import the other screens while the engineer reads this one: the new-exploration
        form alone takes a second or two to import on a busy machine."""
        import divergent.app.screens.explore  # noqa: F401
        import divergent.app.screens.new  # noqa: F401

    def on_screen_resume(self) -> None:
        self.refresh_sessions()

    def refresh_sessions(self) -> None:
        table = self.query_one("#sessions", DataTable)
        cursor = table.cursor_row
        table.clear()
        rows = [cells(r, self.size.width >= WIDE) for r in self.app.store.sessions()]
        # the target takes what the other columns leave (each has a cell of padding either side,
        # the screen's padding 2 cells, a scrollbar 2): never a sideways scroll
        others = sum(2 + max(len(c) for c in column) for i, column in enumerate(zip(HEADERS, *rows)) if i != 2)
        room = max(12, self.size.width - 2 - others - 2)
        for r in rows:
            table.add_row(*r[:2], cut(r[2], room), *r[3:], key=r[0])
        if rows:
            table.move_cursor(row=min(cursor, len(rows) - 1))
        empty = self.query_one("#home-empty", Label)
        empty.update("" if rows else "No sessions yet. Press n to explore a class, function or module.")
        if rows:
            table.focus()

    def _selected(self) -> int | None:
        table = self.query_one("#sessions", DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        return int(key.value)

    @on(DataTable.RowSelected, "#sessions")
    def selected(self) -> None:
        self.action_open()

    def action_open(self) -> None:
        session = self._selected()
        if session is not None:
            self.app.open_session(session)

    @work(group="new", exclusive=True)
    async def action_new(self) -> None:
        """The form, with an indicator while its modules load (in a thread: the screen keeps drawing)."""
        self.loading = True
        try:
            await asyncio.to_thread(importlib.import_module, "divergent.app.screens.new")
        finally:
            self.loading = False
        from divergent.app.screens.new import NewExplorationScreen

        self.app.push_screen(NewExplorationScreen())

    def action_delete(self) -> None:
        session = self._selected()
        if session is None:
            return

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.app.store.delete_session(session)
                self.notify(f"session {session} deleted")
                self.refresh_sessions()

        self.app.push_screen(ConfirmScreen(f"Delete session {session} and all its candidates? (costs no requests; cannot be undone)", yes="Delete"), confirmed)


def cells(r: dict, wide: bool) -> tuple[str, ...]:
    """A session as the table's texts: id, repository folder, target, candidates, best, status,
    date (and time, when ``wide``)."""
    best = f"{r['best_overall']:.2f}" if r["best_overall"] is not None else "-"
    repo = cut(r["repo"].rstrip("/").rsplit("/", 1)[-1], 16)
    return str(r["id"]), repo, r["target"], str(max(0, r["candidates"] - 1)), best, r["status"], r["created_at"][: 16 if wide else 10].replace("T", " ")


def cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
