"""A unified diff, highlighted to match the theme's darkness."""

from __future__ import annotations

from rich.syntax import Syntax
from rich.text import Text

from divergent.app.widgets.lines import LinesView


class DiffView(LinesView):
    patch: str = ""

    def show_patch(self, patch: str, empty: str = "No changes against today's code.") -> None:
        dark = self.app.current_theme.dark
        self.patch = patch

        def highlighted():
            if not patch:
                return Text(empty)
            return Syntax(patch, "diff", theme="monokai" if dark else "friendly", background_color="default", word_wrap=False)

        self.show(("diff", patch, empty, dark), highlighted)
