"""The key bar: every shown key of the screen, on as many lines as the width needs.

Textual's Footer is one line that cuts off what does not fit; at 80 or 120 columns that
hid half the keys. This bar wraps instead, and lists the app's palette key last.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from divergent.app.bindings import bound, palette_key


class KeyBar(Static):
    shown: Text | None = None
    DEFAULT_CSS = """
    KeyBar {
        height: auto;
        background: $panel;
        padding: 0 1;
    }
    """

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, lambda _: self.redraw())
        self.redraw()

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def on_resize(self) -> None:
        self.redraw()

    def entries(self) -> list[tuple[str, str]]:
        """(keys as shown, word) for each action the screen shows, and the palette's key."""
        out = [(b.shown, b.binding.description) for b in bound(self.screen).values() if b.binding.show]
        return out + [(palette_key(self.screen), "commands")]

    def redraw(self) -> None:
        """Whole entries per line: a key never parts from its word."""
        key_style = f"bold {self.app.theme_variables.get('accent', 'cyan')}"
        width = max(20, self.content_region.width or self.app.size.width - 2)
        text, used = Text(), 0
        for key, word in self.entries():
            size = len(key) + 1 + len(word)
            if used and used + 2 + size > width:
                text.append("\n")
                used = 0
            elif used:
                text.append("  ")
                used += 2
            text.append(key, style=key_style)
            text.append(f" {word}")
            used += size
        if text != self.shown:  # the bindings change with focus, the bar seldom: no relayout for nothing
            self.shown = text
            self.update(text)
