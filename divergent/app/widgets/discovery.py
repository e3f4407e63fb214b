"""Discovery: new clusters per request, as a sparkline on a fixed 0..1 scale.

Each point is the rate over a bin of at least BIN requests (1: every request of the bin
founded a cluster; 0: none did). The scale is fixed, so a full cell always means "all
new", and the label says so; with fewer than two points there is nothing to draw yet.
"""

from __future__ import annotations

import math

from rich.text import Text
from textual.widgets import Static

from divergent.app.legend import plural

BIN = 4  # requests per point, at least
ROOMY = 160  # screen columns from which the line also says how many clusters in how many requests
WIDTH = 24  # cells
LEVELS = "▁▂▃▄▅▆▇█"


def points(values: list[int], width: int = WIDTH) -> list[float]:
    """Rates over bins of at least BIN values, at most ``width`` of them."""
    size = max(BIN, math.ceil(len(values) / width))
    bins = [values[i : i + size] for i in range(0, len(values), size)]
    return [sum(b) / len(b) for b in bins]  # the last bin may be short: its own length, not a full bin's


def spark(rates: list[float]) -> str:
    """One cell per rate on 0..1: ▁ is none new, █ is all new."""
    return "".join(LEVELS[min(len(LEVELS) - 1, round(r * (len(LEVELS) - 1)))] for r in rates)


class Discovery(Static):
    shown: tuple | None = None
    cells = 0  # the width of what it shows: it sizes to its text
    values: tuple[list[int], bool] = ([], False)  # what it was last shown: drawn again on a resize

    def show(self, values: list[int], offline: bool) -> None:
        self.values = (values, offline)
        rates = points(values)
        roomy = self.app.size.width >= ROOMY  # narrower, the meter beside it needs the room
        state = (tuple(rates), len(values), offline, roomy)
        if state == self.shown:
            return
        self.shown = state
        unit = "catalog design" if offline else "request"
        if len(rates) < 2:
            self.draw(Text(f"discovery: waiting for {unit}s", style="dim"))
            return
        text = Text("new clusters per ", style="dim")
        text.append(f"{unit} 0 ", style="dim")
        text.append(spark(rates), style=self.app.theme_variables.get("accent", "cyan"))
        text.append(" 1", style="dim")
        if roomy:
            text.append(f" · {plural(sum(values), 'cluster')} in {plural(len(values), unit)}", style="dim")
        self.draw(text)

    def draw(self, text: Text) -> None:
        """A relayout only when its width changes (the meter beside it takes the rest)."""
        self.update(text, layout=text.cell_len != self.cells)
        self.cells = text.cell_len
