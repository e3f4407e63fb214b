"""The command palette: the screen's actions (each once, with its key), and on the explore
screen its candidates and clusters by name."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from divergent.app.legend import plural


class DivergentCommands(Provider):
    def actions(self) -> list[tuple[str, object, str | None]]:
        """(text, callback, help) per action bound on the screen, keys included."""
        screen, app = self.screen, self.app
        keys: dict[str, list[str]] = {}
        tooltips: dict[str, str] = {}
        for active in screen.active_bindings.values():
            binding = active.binding
            if not binding.id or binding.id.startswith("app.") or not binding.tooltip or binding.action.startswith("browse"):
                continue  # the app's keys are the system commands (Theme, Quit…); moving a row is no command
            keys.setdefault(binding.action, []).append(app.get_key_display(binding))
            tooltips[binding.action] = binding.tooltip
        out = []
        for action, tooltip in tooltips.items():
            shown = ", ".join(dict.fromkeys(keys[action]))
            what, _, more = tooltip.partition(": ")
            out.append((f"{what}  ({shown})", partial(screen.run_action, action), more.strip() or None))
        return out

    def _entries(self) -> list[tuple[str, object, str | None]]:
        entries = self.actions()
        document = getattr(self.screen, "document", None)
        if document is None:
            return entries
        for c in document["candidates"]:
            help_text = f"cluster {c['cluster']}, overall {c['scores'].get('overall', 0):.2f}"
            entries.append((f"#{c['id']} {c['title']}", partial(self.screen.select, c["id"]), help_text))
        for k in document["clusters"]:
            help_text = f"{plural(len(k['members']), 'design')}; jump to its representative"
            entries.append((f"Cluster {k['id']}: {k['label']}", partial(self.screen.select, k["medoid"]), help_text))
        return entries

    async def discover(self) -> Hits:
        for text, callback, help_text in self.actions():
            yield DiscoveryHit(text, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, callback, help_text in self._entries():
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, matcher.highlight(text), callback, help=help_text)
