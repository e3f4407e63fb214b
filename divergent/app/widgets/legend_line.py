"""The line under the candidate table: its marks, and the columns shown when they fit.

It fits the text to its own width each time it renders, so what it says never depends
on whether a resize reached the screen before or after the table was laid out.
"""

from __future__ import annotations

from textual.reactive import reactive
from textual.widget import Widget

from divergent.app.legend import legend


class LegendLine(Widget):
    columns: reactive[tuple[str, ...]] = reactive(())  # the table's shown columns, by key

    def render(self) -> str:
        return legend(list(self.columns), self.content_size.width)
