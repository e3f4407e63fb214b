"""A unified diff, highlighted to match the theme's darkness."""

from __future__ import annotations

from rich.syntax import Syntax
from textual.containers import VerticalScroll
from textual.widgets import Static


class DiffView(VerticalScroll):
    shown: tuple | None = None

    def compose(self):
        yield Static("", id="diff-body")

    def show(self, patch: str, empty: str = "No changes against today's code.") -> None:
        dark = self.app.current_theme.dark
        if self.shown == (patch, empty, dark):  # the same diff: no repaint, no relayout
            return
        self.shown = (patch, empty, dark)
        body = self.query_one("#diff-body", Static)
        if not patch:
            body.update(empty)
            return
        body.update(Syntax(patch, "diff", theme="monokai" if dark else "friendly", background_color="default", word_wrap=False))
        self.scroll_home(animate=False)
