"""The budget meter: requests spent against the budget, tokens, dollars, requests in flight."""

from __future__ import annotations

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label, ProgressBar


class BudgetMeter(Horizontal):
    def compose(self) -> ComposeResult:
        yield Label("opening the session…", id="meter-label")
        yield ProgressBar(total=1, show_eta=False, show_percentage=False, id="meter-bar")

    shown: tuple | None = None

    def show(self, requests: int, budget: int | None, tokens: int, usd: float, in_flight: int, offline: bool) -> None:
        state = (requests, budget, tokens, round(usd, 4), in_flight, offline)
        if state == self.shown:  # nothing changed: no repaint, no relayout
            return
        self.shown = state
        progress = self.query_one("#meter-bar", ProgressBar)
        if offline:
            self.label("offline · catalog + static critics")
            progress.display = False
            return
        progress.display = budget is not None
        if budget:
            progress.update(total=budget, progress=min(requests, budget))
        flight = f" · {in_flight} in flight" if in_flight else ""
        of = f"/{budget}" if budget else ""
        self.label(f"requests {requests}{of} · {tokens / 1000:.1f}k tokens · ${usd:.3f}{flight}")

    def label(self, text: str) -> None:
        """The label is as wide as its text: a relayout only when the width changes."""
        label = self.query_one("#meter-label", Label)
        label.update(text, layout=cell_len(text) != label.content_size.width)
