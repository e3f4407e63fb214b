"""The budget meter: requests spent against the budget (a bar drawn to scale), tokens,
dollars, requests in flight."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

BAR = 16  # cells
EIGHTHS = " ▏▎▍▌▋▊▉"


def bar(done: int, total: int, width: int = BAR) -> str:
    """``done`` of ``total`` in ``width`` cells, to an eighth of a cell: 47/97 fills 7.75 of 16."""
    eighths = round(8 * width * max(0, min(done, total)) / total) if total else 0
    full, part = divmod(eighths, 8)
    return ("█" * full + (EIGHTHS[part] if part else "")).ljust(width, "░")


class BudgetMeter(Static):
    shown: tuple | None = None

    def on_mount(self) -> None:
        self.update("opening the session…")

    def show(self, requests: int, budget: int | None, tokens: int, usd: float, in_flight: int, offline: bool) -> None:
        state = (requests, budget, tokens, round(usd, 4), in_flight, offline)
        if state == self.shown:  # nothing changed: no repaint
            return
        self.shown = state
        if offline:
            self.update("offline · catalog + static critics", layout=False)
            return
        text = Text(f"requests {requests}" + (f"/{budget} " if budget else " "))
        if budget:
            text.append(bar(requests, budget), style=self.app.theme_variables.get("primary", "blue"))
        text.append(f" {tokens / 1000:.1f}k tokens · ${usd:.3f}")
        if in_flight:
            text.append(f" · {in_flight} in flight", style="bold")
        self.update(text, layout=False)  # one line, its width the row's (explore.tcss): no relayout as it ticks
