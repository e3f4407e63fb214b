"""Small modal dialogs: confirm, a one-line prompt, and export."""

from __future__ import annotations

from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, RadioButton, RadioSet, Static

from divergent.model import InputError


class ConfirmScreen(ModalScreen[bool]):
    """Yes or no; enter on its own answers no, since what it confirms cannot be undone."""

    CSS_PATH = "dialogs.tcss"
    AUTO_FOCUS = "#no"
    BINDINGS = [
        Binding("escape,n", "dismiss(False)", "Cancel", id="dialog.cancel"),
        Binding("y", "dismiss(True)", "Yes", id="dialog.yes"),
    ]

    def __init__(self, question: str, yes: str = "Yes") -> None:
        super().__init__()
        self.question, self.yes = question, yes

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.question, classes="dialog-title")
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.yes, variant="error", id="yes")
                yield Button("No", variant="primary", id="no")
            yield Static(f"y {self.yes.lower()} · n or esc cancel · tab moves between the buttons", classes="dialog-hint")

    @on(Button.Pressed)
    def answer(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")


class PromptScreen(ModalScreen[str | None]):
    """One line of text: a scenario, weights."""

    CSS_PATH = "dialogs.tcss"
    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", id="dialog.cancel")]

    def __init__(self, title: str, placeholder: str = "", value: str = "", hint: str = "") -> None:
        super().__init__()
        self.title_text, self.placeholder, self.value, self.hint = title, placeholder, value, hint

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.title_text, classes="dialog-title")
            yield Input(value=self.value, placeholder=self.placeholder, id="prompt-input")
            hint = f"{self.hint}\n" if self.hint else ""
            yield Static(f"{hint}enter applies · esc cancels", classes="dialog-hint")

    @on(Input.Submitted)
    def submit(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)


class ExportScreen(ModalScreen[None]):
    """A candidate out of the session: a patch file, a branch, or a decision record.

    Files go next to the repository by default, never into it (a file there would show
    up as untracked); the export runs in a thread with its own database connection."""

    CSS_PATH = "dialogs.tcss"
    AUTO_FOCUS = "#export-target"
    BINDINGS = [Binding("escape", "dismiss(None)", "Close", id="dialog.close")]

    def __init__(self, store, session: int, number: int, title: str, repo: str) -> None:
        super().__init__()
        self.store, self.session, self.number, self.candidate_title = store, session, number, title
        self.folder = outside(Path(repo), Path.cwd())

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Label(f"Export #{self.number} {self.candidate_title}", classes="dialog-title")
            with RadioSet(id="export-kind"):
                yield RadioButton("Patch file", value=True, id="kind-patch")
                yield RadioButton("Branch (in a temporary worktree)", id="kind-branch")
                yield RadioButton("Decision record (Markdown)", id="kind-adr")
            yield Input(value=self._default("kind-patch"), id="export-target")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Export", variant="primary", id="export")
                yield Button("Close", id="close")
            yield Static("enter exports · shift+tab to the kinds (↑↓ and enter pick one) · esc closes · costs no requests", classes="dialog-hint")
            yield Static("", id="export-result")

    def _default(self, kind: str) -> str:
        if kind == "kind-branch":
            return f"divergent/s{self.session}-c{self.number}"
        suffix = "md" if kind == "kind-adr" else "diff"
        name = "decision" if kind == "kind-adr" else "candidate"
        return str(self.folder / f"{name}-s{self.session}-c{self.number}.{suffix}")

    @on(RadioSet.Changed)
    def kind_changed(self, event: RadioSet.Changed) -> None:
        self.query_one("#export-target", Input).value = self._default(event.pressed.id)

    @on(Button.Pressed, "#close")
    def close(self) -> None:
        self.dismiss(None)

    @on(Input.Submitted)
    @on(Button.Pressed, "#export")
    def export(self) -> None:
        kind = self.query_one("#export-kind", RadioSet).pressed_button.id
        target = self.query_one("#export-target", Input).value.strip()
        result = self.query_one("#export-result", Static)
        result.set_classes("")
        result.update("exporting…")
        self.run_export(kind, target)

    @work(thread=True, exclusive=True, group="export")
    def run_export(self, kind: str, target: str) -> None:
        from divergent.engine.library import export

        try:
            message = export(self.store.path, self.session, self.number, kind.removeprefix("kind-"), target)
        except (InputError, OSError) as error:
            self.app.call_from_thread(self.show_result, str(error), "error")
            return
        self.app.call_from_thread(self.show_result, message, "done")

    def show_result(self, message: str, outcome: str) -> None:
        result = self.query_one("#export-result", Static)
        result.set_classes(outcome)
        result.update(message)


def outside(repo: Path, cwd: Path) -> Path:
    """Where a file about ``repo`` goes by default: the working directory unless it is inside
    the repository, else the folder that holds the repository."""
    repo, cwd = repo.resolve(), cwd.resolve()
    return repo.parent if cwd == repo or repo in cwd.parents else cwd
