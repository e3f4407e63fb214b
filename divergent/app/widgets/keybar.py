"""The key bar: every shown key of the screen, on as many lines as the width needs.

Textual's Footer is one line that cuts off what does not fit; at 80 or 120 columns that
hid half the keys. This bar wraps instead, and lists the app's palette key last.
"""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.widgets import Static


class KeyBar(Static):
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
        """(keys as shown, word) for each binding the screen shows, each action once with all
        its keys; the screen's own even where a focused widget binds the same key."""
        keys: dict[str, list[str]] = {}
        words: dict[str, str] = {}
        shadowed = [b for b in type(self.screen).BINDINGS if isinstance(b, Binding)]
        for binding in [active.binding for active in self.screen.active_bindings.values() if active.enabled] + shadowed:
            if not binding.show:
                continue
            action = binding.action.removeprefix("app.")
            words.setdefault(action, binding.description)
            display = self.app.get_key_display(binding) if "," not in binding.key else None
            for key in [display] if display else [self.app.get_key_display(Binding(k.strip(), binding.action, key_display=binding.key_display)) for k in binding.key.split(",")]:
                if key not in keys.setdefault(action, []):
                    keys[action].append(key)
        out = [("/".join(keys[action]), word) for action, word in words.items()]
        palette = Binding(self.app.COMMAND_PALETTE_BINDING, "command_palette", key_display=self.app.COMMAND_PALETTE_DISPLAY)
        out.append((self.app.get_key_display(palette), "commands"))
        return out

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
        self.update(text)
