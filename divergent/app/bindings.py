"""Our key bindings as the engineer can use them on a screen: each action once, with every
key that runs it (the config's keymap applied). The key bar, the help screen and the
command palette all list keys from here."""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding
from textual.screen import Screen


@dataclass
class Bound:
    binding: Binding  # the first one found for the action
    keys: list[str]  # as shown, e.g. ["?", "f1"]

    @property
    def shown(self) -> str:
        return "/".join(self.keys)


def bound(screen: Screen) -> dict[str, Bound]:
    """action (without an ``app.`` prefix) -> its binding and keys. Ours only (they have an
    id; a widget's own, like the table's cursor keys, do not), the screen's own included
    where a focused widget binds the same key (enter on the table)."""
    app = screen.app
    active = [a.binding for a in screen.active_bindings.values() if a.enabled]
    out: dict[str, Bound] = {}
    for binding in active + list(type(screen).BINDINGS):
        if not isinstance(binding, Binding) or not binding.id:
            continue
        action = binding.action.removeprefix("app.")
        entry = out.setdefault(action, Bound(binding, []))
        for key in binding.key.split(","):
            shown = app.get_key_display(Binding(key.strip(), binding.action, key_display=binding.key_display))
            if shown not in entry.keys:
                entry.keys.append(shown)
    return out


def palette_key(screen: Screen) -> str:
    app = screen.app
    return app.get_key_display(Binding(app.COMMAND_PALETTE_BINDING, "command_palette", key_display=app.COMMAND_PALETTE_DISPLAY))
