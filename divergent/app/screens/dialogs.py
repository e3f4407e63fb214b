"""Small modal dialogs: confirm, a one-line prompt, export, and traces."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

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


class WritingScreen(ModalScreen[None]):
    """A dialog that writes something in a worker thread and says what came of it below."""

    CSS_PATH = "dialogs.tcss"
    AUTO_FOCUS = "#export-target"
    BINDINGS = [Binding("escape", "dismiss(None)", "Close", id="dialog.close")]

    @on(Button.Pressed, "#close")
    def close(self) -> None:
        self.dismiss(None)

    def started(self, doing: str) -> None:
        result = self.query_one("#export-result", Static)
        result.set_classes("")
        result.update(doing)

    def outcome(self, write: Callable[[], str]) -> None:
        """Run ``write`` (in the worker thread) and show its message, or why it failed."""
        try:
            message, kind = write(), "done"
        except (InputError, OSError) as error:
            message, kind = str(error), "error"
        self.app.call_from_thread(self.show_result, message, kind)

    def show_result(self, message: str, outcome: str) -> None:
        result = self.query_one("#export-result", Static)
        result.set_classes(outcome)
        result.update(message)


class ExportScreen(WritingScreen):
    """A candidate out of the session: a patch file, a branch, or a decision record.

    Files go next to the repository by default, never into it (a file there would show
    up as untracked); the export runs in a thread with its own database connection."""

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

    @on(Input.Submitted)
    @on(Button.Pressed, "#export")
    def export(self) -> None:
        kind = self.query_one("#export-kind", RadioSet).pressed_button.id
        target = self.query_one("#export-target", Input).value.strip()
        self.started("exporting…")
        self.run_export(kind, target)

    @work(thread=True, exclusive=True, group="export")
    def run_export(self, kind: str, target: str) -> None:
        from divergent.engine.library import export

        self.outcome(lambda: export(self.store.path, self.session, self.number, kind.removeprefix("kind-"), target))


class TracesScreen(WritingScreen):
    """The session's search as data (``divergent traces``): chat fine-tuning records and
    preference records, one JSON object a line, next to the repository by default."""

    def __init__(self, store, session: int, repo: str) -> None:
        super().__init__()
        self.store, self.session = store, session
        self.folder = outside(Path(repo), Path.cwd())

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Label(f"Traces of session {self.session}: the search as data (JSONL)", classes="dialog-title")
            with RadioSet(id="traces-kind"):
                yield RadioButton("Both: chat and preference records", value=True, id="kind-both")
                yield RadioButton("Chat fine-tuning records ({\"messages\": [...]})", id="kind-chat")
                yield RadioButton("Preference records ({\"prompt\", \"chosen\", \"rejected\"})", id="kind-preference")
            yield Input(value=str(self.folder / f"traces-s{self.session}.jsonl"), id="export-target")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save", variant="primary", id="save")
                yield Button("Close", id="close")
            yield Static("enter saves · shift+tab to the kinds · esc closes · costs no requests; no API key is written", classes="dialog-hint")
            yield Static("", id="export-result")

    @on(Input.Submitted)
    @on(Button.Pressed, "#save")
    def save(self) -> None:
        kind = self.query_one("#traces-kind", RadioSet).pressed_button.id.removeprefix("kind-")
        target = self.query_one("#export-target", Input).value.strip()
        self.started("writing…")
        self.run_traces(kind, target)

    @work(thread=True, exclusive=True, group="traces")
    def run_traces(self, kind: str, target: str) -> None:
        from divergent.engine.library import traces

        self.outcome(lambda: traces(self.store.path, self.session, kind, target))


def outside(repo: Path, cwd: Path) -> Path:
    """Where a file about ``repo`` goes by default: the working directory unless it is inside
    the repository, else the folder that holds the repository."""
    repo, cwd = repo.resolve(), cwd.resolve()
    return repo.parent if cwd == repo or repo in cwd.parents else cwd
