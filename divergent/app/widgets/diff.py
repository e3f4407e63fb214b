"""A unified diff, highlighted to match the theme's darkness."""

from __future__ import annotations

from rich.syntax import Syntax
from textual.containers import VerticalScroll
from textual.widgets import Static


class DiffView(VerticalScroll):
    def compose(self):
        yield Static("", id="diff-body")

    def show(self, patch: str, empty: str = "No changes against today's code.") -> None:
        body = self.query_one("#diff-body", Static)
        if not patch:
            body.update(empty)
            return
        dark = self.app.current_theme.dark
        body.update(Syntax(patch, "diff", theme="monokai" if dark else "friendly", background_color="default", word_wrap=False))
