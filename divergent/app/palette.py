"""The command palette: the screen's actions (each once, with its key), and on the explore
screen its candidates and clusters by name."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from divergent.app.bindings import bound
from divergent.app.legend import plural


class DivergentCommands(Provider):
    def actions(self) -> list[tuple[str, object, str | None]]:
        """(text, callback, help) per action bound on the screen, with its keys. The app's own
        (Theme, Quit, Help) are the system commands; moving a row is no command."""
        out = []
        for action, entry in bound(self.screen).items():
            binding = entry.binding
            if binding.id.startswith("app.") or not binding.tooltip or action.startswith("browse"):
                continue
            what, _, more = binding.tooltip.partition(": ")
            out.append((f"{what}  ({', '.join(entry.keys)})", partial(self.screen.run_action, binding.action), more.strip() or None))
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
