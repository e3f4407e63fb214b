"""The Pareto plot: candidates on two dimensions, each point labelled with its number.

The default axes are the two dimensions along which the candidates spread the most
(two different ones, each with some spread); x and y step through the others. The
front is marked point by point (◆), never joined into a line; today's code is ■. The
legend sits beside the plot (under it on a narrow terminal), never over it.
"""

from __future__ import annotations

import statistics

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Label, Static
from textual_plotext import PlotextPlot

from divergent.app.legend import FRONT, plural
from divergent.app.widgets.keybar import KeyBar
from divergent.engine import summary

DIMENSIONS = ("simplicity", "extensibility", "change_cost", "judge", "overall")
COLOURS = ("blue", "green", "orange", "magenta", "cyan", "red", "yellow", "gray")  # plotext's names
RICH = {"orange": "dark_orange", "gray": "grey50"}  # the same colours by rich's names
TODAY, POINT = "■", "●"
NARROW = 110


def axis_range(values: list[float]) -> tuple[float, float]:
    """Limits that spread the candidates over the plot: scores often differ by a few hundredths,
    which on a fixed 0..1 axis would pile every point onto the same cell. Today's 0.50 stays in view."""
    low, high = min(values + [0.5]), max(values + [0.5])
    margin = max(0.02, (high - low) * 0.1)
    return max(0.0, low - margin), min(1.0, high + margin)


def spread(candidates: list[dict], dimension: str) -> float:
    values = [c["scores"][dimension] for c in candidates if dimension in c["scores"]]
    return statistics.pstdev(values) if len(values) > 1 else 0.0


def default_axes(candidates: list[dict], dimensions: list[str]) -> tuple[str, str]:
    """The two dimensions (other than overall, unless there is no other) that spread the most."""
    ranked = sorted(dimensions, key=lambda d: (d == "overall", -spread(candidates, d)))
    return ranked[0], ranked[1 % len(ranked)]


def cells(candidates: list[dict], x: str, y: str, size: tuple[int, int], limits: tuple) -> list[list[dict]]:
    """Candidates grouped so that no two labels overlap: the ones in the same row of the plot
    whose labels would touch share one label (``3,7,12``) at the first one's point."""
    (x0, x1), (y0, y1) = limits
    width, height = max(2, size[0]), max(2, size[1])
    rows: dict[int, list[tuple[int, dict]]] = {}
    for c in candidates:
        column = round((c["scores"][x] - x0) / ((x1 - x0) or 1) * (width - 1))
        row = round((c["scores"][y] - y0) / ((y1 - y0) or 1) * (height - 1))
        rows.setdefault(row, []).append((column, c))
    groups: list[list[dict]] = []
    for points in rows.values():
        end = -2
        for column, c in sorted(points, key=lambda p: (p[0], p[1]["id"])):
            if column <= end + 1:
                groups[-1].append(c)
            else:
                groups.append([c])
                start = column
            end = start + 2 + len(",".join(label(m) for m in groups[-1]))  # the marker, a space, the label
    return groups


def label(c: dict) -> str:
    return "today" if c["baseline"] else str(c["id"])


class ParetoScreen(Screen):
    CSS_PATH = "pareto.tcss"
    BINDINGS = [
        Binding("x", "cycle('x')", "x axis", tooltip="The next dimension on the x axis", id="pareto.x"),
        Binding("y", "cycle('y')", "y axis", tooltip="The next dimension on the y axis", id="pareto.y"),
        Binding("escape", "app.pop_screen", "back", tooltip="Back to the candidates", id="pareto.back"),
    ]

    def __init__(self, store, session: int) -> None:
        super().__init__()
        self.document = summary.session_document(store, session)
        candidates = self.document["candidates"]
        present = [d for d in DIMENSIONS if any(d in c["scores"] for c in candidates)]
        self.dimensions = present or ["overall"]
        self.x, self.y = default_axes(candidates, self.dimensions)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label("", id="pareto-caption")
        with Horizontal(id="pareto-body"):
            yield PlotextPlot(id="plot")
            with VerticalScroll(id="pareto-legend"):
                yield Static("", id="pareto-legend-body")
        yield KeyBar()

    def on_mount(self) -> None:
        self.on_resize()

    def on_resize(self) -> None:
        """Draw once the plot has its size: the labels are grouped by the cells they fall in."""
        self.set_class(self.app.size.width < NARROW, "narrow")
        self.call_after_refresh(self.draw)

    def action_cycle(self, axis: str) -> None:
        """Step to the next dimension that is not on the other axis (the caption says when
        the candidates do not spread along it)."""
        other = self.y if axis == "x" else self.x
        current = getattr(self, axis)
        start = self.dimensions.index(current)
        order = [self.dimensions[(start + i) % len(self.dimensions)] for i in range(1, len(self.dimensions) + 1)]
        setattr(self, axis, next((d for d in order if d != other), current))
        self.draw()

    def draw(self) -> None:
        plot = self.query_one(PlotextPlot)
        plt = plot.plt
        plt.clear_data()
        plt.clear_figure()
        x, y = self.x, self.y
        candidates = [c for c in self.document["candidates"] if x in c["scores"] and y in c["scores"]]
        if not candidates:
            self.query_one("#pareto-caption", Label).update("nothing scored on these dimensions yet")
            plot.refresh()
            return
        limits = (axis_range([c["scores"][x] for c in candidates]), axis_range([c["scores"][y] for c in candidates]))
        size = (max(10, plot.size.width - 8), max(3, plot.size.height - 5))  # the canvas inside the axes and ticks, about
        clusters = sorted({c["cluster"] or 0 for c in candidates})
        colour = {k: COLOURS[i % len(COLOURS)] for i, k in enumerate(clusters)}
        groups = cells(candidates, x, y, size, limits)
        for group in groups:  # markers first, labels over them: a label is never hidden by a marker
            group.sort(key=lambda c: (not c["baseline"], not c["pareto"], c["id"]))
            lead = group[0]
            marker = TODAY if lead["baseline"] else FRONT if lead["pareto"] else POINT
            plt.scatter([lead["scores"][x]], [lead["scores"][y]], marker=marker, color=colour[lead["cluster"] or 0])
        step = (limits[0][1] - limits[0][0]) / size[0]  # one cell: the label beside its marker, not on it
        for group in groups:
            lead = group[0]
            plt.text(",".join(label(c) for c in group), lead["scores"][x] + step, lead["scores"][y], color=colour[lead["cluster"] or 0], alignment="left")
        plt.xlabel(f"{x} (today {self.today(x)})")
        plt.ylabel(f"{y} (today {self.today(y)})")
        plt.xlim(*limits[0])
        plt.ylim(*limits[1])
        front = [c for c in candidates if c["pareto"]]
        plt.title(f"{plural(len(candidates), 'candidate')} · {len(front)} on the front")
        plot.refresh()
        flat = [d for d in (x, y) if spread(candidates, d) == 0]
        warning = f" · no spread on {', '.join(flat)}: every candidate scores the same there" if flat else ""
        self.query_one("#pareto-caption", Label).update(f"x: {x} · y: {y} · x / y change the axes{warning}")
        self.query_one("#pareto-legend-body", Static).update(self.legend(candidates, colour))

    def today(self, dimension: str) -> str:
        today = next((c for c in self.document["candidates"] if c["baseline"]), None)
        value = today["scores"].get(dimension) if today else None
        return f"{value:.2f}" if value is not None else "·"

    def legend(self, candidates: list[dict], colour: dict[int, str]) -> Text:
        out = Text()
        front = sorted(c["id"] for c in candidates if c["pareto"])
        out.append(f"{FRONT} the Pareto front", style="bold")
        out.append(f": {', '.join(f'#{n}' for n in front) or 'none'}; no other design beats these on every dimension\n")
        out.append(f"{TODAY} today's code (#0)   {POINT} another design\n", style="bold")
        out.append("Labels are candidate numbers; a cell shared by several lists them all.\n\n", style="dim")
        labels = {k["id"]: k["label"] for k in self.document["clusters"]}
        members: dict[int, list[int]] = {}
        for c in candidates:
            members.setdefault(c["cluster"] or 0, []).append(c["id"])
        out.append("Colour: cluster\n", style="bold")
        for cluster, numbers in sorted(members.items()):
            out.append("● ", style=RICH.get(colour[cluster], colour[cluster]))
            out.append(f"{cluster} {labels.get(cluster, '')}: {', '.join(f'#{n}' for n in sorted(numbers))}\n")
        return out
