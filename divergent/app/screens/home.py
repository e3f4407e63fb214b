"""Home: recent sessions; open, delete, or start a new exploration."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Label

from divergent.app.screens.dialogs import ConfirmScreen


class HomeScreen(Screen):
    CSS_PATH = "home.tcss"
    BINDINGS = [
        Binding("enter", "open", "Open", id="home.open"),
        Binding("n", "new", "New exploration", id="home.new"),
        Binding("d,delete", "delete", "Delete", id="home.delete"),
        Binding("q", "app.quit", "Quit", id="home.quit"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="home"):
            yield Label("Recent sessions", id="home-title")
            yield DataTable(id="sessions", cursor_type="row", zebra_stripes=True)
            yield Label("", id="home-empty")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#sessions", DataTable)
        for label, key in (("id", "id"), ("repository", "repo"), ("target", "target"), ("cands", "n"), ("best", "best"), ("status", "status"), ("date", "date")):
            table.add_column(label, key=key)
        self.refresh_sessions()

    def on_screen_resume(self) -> None:
        self.refresh_sessions()

    def refresh_sessions(self) -> None:
        table = self.query_one("#sessions", DataTable)
        table.clear()
        rows = self.app.store.sessions()
        for r in rows:
            best = f"{r['best_overall']:.2f}" if r["best_overall"] is not None else "-"
            repo = r["repo"].rstrip("/").rsplit("/", 1)[-1]
            table.add_row(str(r["id"]), repo, r["target"], str(max(0, r["candidates"] - 1)), best, r["status"], r["created_at"][:16].replace("T", " "), key=str(r["id"]))
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

    def action_new(self) -> None:
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

        self.app.push_screen(ConfirmScreen(f"Delete session {session} and all its candidates?"), confirmed)
