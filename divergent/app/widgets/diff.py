"""A unified diff, highlighted to match the theme's darkness (Pygments' "default" on light
themes: its added lines read at 4.6:1 on paper, "friendly"'s at 3.3:1)."""

from __future__ import annotations

from typing import Callable

from rich.console import RenderableType
from rich.syntax import Syntax
from rich.text import Text

from divergent.app.widgets.lines import LinesView


class DiffView(LinesView):
    def show_patch(self, patch: str, empty: str = "No changes against today's code.") -> None:
        self.show(*self.content(patch, empty))

    def content(self, patch: str, empty: str = "No changes against today's code.") -> tuple[tuple, Callable[[], RenderableType]]:
        """The patch's key and how to draw it."""
        dark = self.app.current_theme.dark

        def make() -> RenderableType:
            if not patch:
                return Text(empty)
            return Syntax(patch, "diff", theme="monokai" if dark else "default", background_color="default", word_wrap=False)

        return ("diff", patch, empty, dark), make
