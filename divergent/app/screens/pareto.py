"""The Pareto plot: candidates on two chosen dimensions, the front highlighted, colour by cluster."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Header, Label
from textual_plotext import PlotextPlot

from divergent.engine import summary

DIMENSIONS = ("simplicity", "extensibility", "change_cost", "judge", "overall")
COLOURS = ("blue", "green", "orange", "magenta", "cyan", "red", "yellow", "gray")


def axis_range(values: list[float]) -> tuple[float, float]:
    """Limits that spread the candidates over the plot: scores often differ by a few hundredths,
    which on a fixed 0..1 axis would pile every point onto the same cell. Today's 0.50 stays in view."""
    low, high = min(values + [0.5]), max(values + [0.5])
    margin = max(0.02, (high - low) * 0.1)
    return max(0.0, low - margin), min(1.0, high + margin)


class ParetoScreen(Screen):
    CSS_PATH = "pareto.tcss"
    BINDINGS = [
        Binding("x", "cycle('x')", "X axis", id="pareto.x"),
        Binding("y", "cycle('y')", "Y axis", id="pareto.y"),
        Binding("escape", "app.pop_screen", "Back", id="pareto.back"),
    ]

    def __init__(self, store, session: int) -> None:
        super().__init__()
        self.document = summary.session_document(store, session)
        present = [d for d in DIMENSIONS if any(d in c["scores"] for c in self.document["candidates"])]
        self.dimensions = present or ["overall"]
        self.x, self.y = self.dimensions[0], self.dimensions[1 % len(self.dimensions)]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label("", id="pareto-caption")
        yield PlotextPlot(id="plot")
        yield Footer()

    def on_mount(self) -> None:
        self.draw()

    def action_cycle(self, axis: str) -> None:
        current = getattr(self, axis)
        setattr(self, axis, self.dimensions[(self.dimensions.index(current) + 1) % len(self.dimensions)])
        self.draw()

    def draw(self) -> None:
        plot = self.query_one(PlotextPlot)
        plt = plot.plt
        plt.clear_data()
        plt.clear_figure()
        candidates = [c for c in self.document["candidates"] if self.x in c["scores"] and self.y in c["scores"]]
        by_cluster: dict[int, list[dict]] = {}
        for c in candidates:
            by_cluster.setdefault(c["cluster"] or 0, []).append(c)
        labels = {k["id"]: k["label"] for k in self.document["clusters"]}
        for i, (cluster, members) in enumerate(sorted(by_cluster.items())):
            plt.scatter(
                [c["scores"][self.x] for c in members],
                [c["scores"][self.y] for c in members],
                color=COLOURS[i % len(COLOURS)],
                label=f"{cluster} {labels.get(cluster, '')[:24]}",
                marker="dot",
            )
        front = sorted((c for c in candidates if c["pareto"]), key=lambda c: c["scores"][self.x])
        if front:
            plt.plot([c["scores"][self.x] for c in front], [c["scores"][self.y] for c in front], marker="◆", color="white" if self.app.current_theme.dark else "black", label="Pareto front")
        plt.xlabel(f"{self.x} (today 0.50)")
        plt.ylabel(self.y)
        plt.xlim(*axis_range([c["scores"][self.x] for c in candidates]))
        plt.ylim(*axis_range([c["scores"][self.y] for c in candidates]))
        plt.title(f"{len(candidates)} candidates · {len(front)} on the front")
        plot.refresh()
        self.query_one("#pareto-caption", Label).update(
            f"x: {self.x}  ·  y: {self.y}  ·  x / y change the axes  ·  ◆ the Pareto front: no design beats these on every dimension"
        )
