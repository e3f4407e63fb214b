"""Small modal dialogs: confirm, a one-line prompt, export, and traces."""

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


class WritingScreen(ModalScreen[None]):
    """A dialog that writes something next to the repository (never into it: a file there
    would show up as untracked): a kind to pick, a target, and what came of it below. The
    writing runs in a worker thread with its own database connection."""

    CSS_PATH = "dialogs.tcss"
    AUTO_FOCUS = "#export-target"
    BINDINGS = [Binding("escape", "dismiss(None)", "Close", id="dialog.close")]
    BUTTON = ""  # the button's label; its id is the label in lower case
    DOING = ""  # what the result line says while the worker writes
    HINT = ""
    KINDS: tuple[tuple[str, str], ...] = ()  # (id, label); the first is picked at the start

    def __init__(self, store, session: int, repo: str) -> None:
        super().__init__()
        self.store, self.session = store, session
        self.folder = outside(Path(repo), Path.cwd())

    def heading(self) -> str:
        raise NotImplementedError

    def default(self, kind: str) -> str:
        """The target offered for ``kind``."""
        raise NotImplementedError

    def produce(self, kind: str, target: str) -> str:
        """Write (in the worker thread); what was done, in words."""
        raise NotImplementedError

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Label(self.heading(), classes="dialog-title")
            with RadioSet(id="export-kind"):
                for number, (kind, label) in enumerate(self.KINDS):
                    yield RadioButton(label, value=number == 0, id=f"kind-{kind}")
            yield Input(value=self.default(self.KINDS[0][0]), id="export-target")
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.BUTTON, variant="primary", id=self.BUTTON.lower(), classes="write")
                yield Button("Close", id="close")
            yield Static(self.HINT, classes="dialog-hint")
            yield Static("", id="export-result")

    @on(RadioSet.Changed)
    def kind_changed(self, event: RadioSet.Changed) -> None:
        self.query_one("#export-target", Input).value = self.default(event.pressed.id.removeprefix("kind-"))

    @on(Button.Pressed, "#close")
    def close(self) -> None:
        self.dismiss(None)

    @on(Input.Submitted)
    @on(Button.Pressed, ".write")
    def submit(self) -> None:
        kind = self.query_one("#export-kind", RadioSet).pressed_button.id.removeprefix("kind-")
        target = self.query_one("#export-target", Input).value.strip()
        result = self.query_one("#export-result", Static)
        result.set_classes("")
        result.update(self.DOING)
        self.writing(kind, target)

    @work(thread=True, exclusive=True, group="writing")
    def writing(self, kind: str, target: str) -> None:
        try:
            message, outcome = self.produce(kind, target), "done"
        except (InputError, OSError) as error:
            message, outcome = str(error), "error"
        self.app.call_from_thread(self.show_result, message, outcome)

    def show_result(self, message: str, outcome: str) -> None:
        result = self.query_one("#export-result", Static)
        result.set_classes(outcome)
        result.update(message)


class ExportScreen(WritingScreen):
    """A candidate out of the session: a patch file, a branch, or a decision record."""

    BUTTON, DOING = "Export", "exporting…"
    HINT = "enter exports · shift+tab to the kinds (↑↓ and enter pick one) · esc closes · costs no requests"
    KINDS = (("patch", "Patch file"), ("branch", "Branch (in a temporary worktree)"), ("adr", "Decision record (Markdown)"))

    def __init__(self, store, session: int, number: int, title: str, repo: str) -> None:
        super().__init__(store, session, repo)
        self.number, self.candidate_title = number, title

    def heading(self) -> str:
        return f"Export #{self.number} {self.candidate_title}"

    def default(self, kind: str) -> str:
        if kind == "branch":
            return f"divergent/s{self.session}-c{self.number}"
        name, suffix = ("decision", "md") if kind == "adr" else ("candidate", "diff")
        return str(self.folder / f"{name}-s{self.session}-c{self.number}.{suffix}")

    def produce(self, kind: str, target: str) -> str:
        from divergent.engine.library import export

        return export(self.store.path, self.session, self.number, kind, target)


class TracesScreen(WritingScreen):
    """The session's search as data (``divergent traces``): chat fine-tuning records and
    preference records, one JSON object a line."""

    BUTTON, DOING = "Save", "writing…"
    HINT = "enter saves · shift+tab to the kinds · esc closes · costs no requests; no API key is written"
    KINDS = (
        ("both", "Both: chat and preference records"),
        ("chat", 'Chat fine-tuning records ({"messages": [...]})'),
        ("preference", 'Preference records ({"prompt", "chosen", "rejected"})'),
    )

    def heading(self) -> str:
        return f"Traces of session {self.session}: the search as data (JSONL)"

    def default(self, kind: str) -> str:
        return str(self.folder / f"traces-s{self.session}.jsonl")

    def produce(self, kind: str, target: str) -> str:
        from divergent.engine.library import traces

        return traces(self.store.path, self.session, kind, target)


def outside(repo: Path, cwd: Path) -> Path:
    """Where a file about ``repo`` goes by default: the working directory unless it is inside
    the repository, else the folder that holds the repository."""
    repo, cwd = repo.resolve(), cwd.resolve()
    return repo.parent if cwd == repo or repo in cwd.parents else cwd
