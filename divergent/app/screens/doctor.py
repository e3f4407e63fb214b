"""``divergent doctor`` in the app: the same checks, one line each, run in a worker thread
(the endpoint check reads the network) while the screen says it is checking."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, Static


class DoctorScreen(ModalScreen[None]):
    CSS_PATH = "dialogs.tcss"
    BINDINGS = [Binding("escape,q", "dismiss(None)", "Close", id="dialog.close")]

    def __init__(self, db_path: Path) -> None:
        super().__init__()
        self.db_path = db_path

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Label("Doctor: is everything divergent needs in place?", classes="dialog-title")
            yield Static("checking the config, the endpoint and model, the grammars and the database…", id="doctor-checks")
            yield Static("esc closes · sends no chat request; no API key is shown", classes="dialog-hint")

    def on_mount(self) -> None:
        self.run_checks()

    @work(thread=True, exclusive=True, group="doctor")
    def run_checks(self) -> None:
        from divergent.engine.library import checks

        found = checks(self.db_path)
        self.app.call_from_thread(self.show, found)

    def show(self, found: list) -> None:
        text = Text()
        for check in found:
            text.append("ok    " if check.ok else "FAIL  ", style="bold green" if check.ok else "bold red")
            text.append(f"{check.name:<10} ", style="bold")
            text.append(f"{check.detail}\n")
        failed = sum(not c.ok for c in found)
        text.append("all pass" if not failed else f"{failed} of {len(found)} checks fail", style="bold")
        self.query_one("#doctor-checks", Static).update(text)
