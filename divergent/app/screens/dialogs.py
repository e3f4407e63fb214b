"""Small modal dialogs: confirm, a one-line prompt, and export."""

from __future__ import annotations

from pathlib import Path

from textual import on
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

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.question, classes="dialog-title")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Yes", variant="error", id="yes")
                yield Button("No", variant="primary", id="no")

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
            if self.hint:
                yield Static(self.hint, classes="dialog-hint")

    @on(Input.Submitted)
    def submit(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)


class ExportScreen(ModalScreen[None]):
    """A candidate out of the session: a patch file, a branch, or a decision record."""

    CSS_PATH = "dialogs.tcss"
    BINDINGS = [Binding("escape", "dismiss(None)", "Close", id="dialog.close")]

    def __init__(self, store, session: int, number: int, title: str) -> None:
        super().__init__()
        self.store, self.session, self.number, self.candidate_title = store, session, number, title

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
            yield Static("", id="export-result")

    def _default(self, kind: str) -> str:
        if kind == "kind-branch":
            return f"divergent/s{self.session}-c{self.number}"
        suffix = "md" if kind == "kind-adr" else "diff"
        name = "decision" if kind == "kind-adr" else "candidate"
        return str(Path.cwd() / f"{name}-s{self.session}-c{self.number}.{suffix}")

    @on(RadioSet.Changed)
    def kind_changed(self, event: RadioSet.Changed) -> None:
        self.query_one("#export-target", Input).value = self._default(event.pressed.id)

    @on(Button.Pressed, "#close")
    def close(self) -> None:
        self.dismiss(None)

    @on(Input.Submitted)
    @on(Button.Pressed, "#export")
    def export(self) -> None:
        from divergent.engine import export as exports
        from divergent.storage.lineage import record_export

        kind = self.query_one("#export-kind", RadioSet).pressed_button.id
        target = self.query_one("#export-target", Input).value.strip()
        result = self.query_one("#export-result", Static)
        try:
            if kind == "kind-branch":
                sha = exports.branch(self.store, self.session, self.number, target)
                message = f"branch {target} at {sha[:8]}; your working tree is untouched"
                record_export(self.store, self.session, self.number, "branch", f"{target}@{sha}")
            else:
                path = Path(target).expanduser()
                if not path.parent.is_dir():
                    raise InputError(f"no such directory: {path.parent}")
                text = exports.decision_record(self.store, self.session, self.number) if kind == "kind-adr" else exports.patch(self.store, self.session, self.number)
                path.write_text(text)
                record_export(self.store, self.session, self.number, "adr" if kind == "kind-adr" else "patch", str(path.resolve()))
                message = f"wrote {path}" + (f" — apply with: git apply {path}" if kind == "kind-patch" else "")
        except (InputError, OSError) as error:
            result.set_classes("error")
            result.update(str(error))
            return
        result.set_classes("done")
        result.update(message)
