"""The command palette: fuzzy over the session's candidates, its clusters, and the steering actions."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from divergent.engine.steering import COMMANDS

SCREEN_ACTION = {"rescore": "weights"}  # the steering command's name -> the explore screen's action
ACTIONS = tuple((SCREEN_ACTION.get(c.name, c.name), c.help) for c in COMMANDS.values() if c.name != "mark") + (
    ("stop", "Stop what is running"),
    ("compare", "Compare two candidates"),
    ("pareto", "Pareto plot"),
    ("export", "Export the selected candidate"),
)


class DivergentCommands(Provider):
    def _explore(self):
        from divergent.app.screens.explore import ExploreScreen

        screen = self.screen
        return screen if isinstance(screen, ExploreScreen) and screen.document is not None else None

    def _entries(self):
        screen = self._explore()
        if screen is None:
            return []
        entries = []
        for name, help_text in ACTIONS:
            entries.append((f"Action: {help_text}", partial(screen.run_action, name), help_text))
        for c in screen.document["candidates"]:
            entries.append((f"#{c['id']} {c['title']}", partial(screen.select, c["id"]), f"cluster {c['cluster']}, overall {c['scores'].get('overall', 0):.2f}"))
        for k in screen.document["clusters"]:
            entries.append((f"Cluster {k['id']}: {k['label']}", partial(screen.select, k["medoid"]), f"{len(k['members'])} candidates; jump to its representative"))
        return entries

    async def discover(self) -> Hits:
        for text, callback, help_text in self._entries()[: len(ACTIONS)]:
            yield DiscoveryHit(text, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, callback, help_text in self._entries():
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, matcher.highlight(text), callback, help=help_text)
