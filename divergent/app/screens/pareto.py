"""The Pareto plot: candidates on two dimensions, each point labelled with its number.

The default axes are the two dimensions along which the candidates spread the most
(two different ones, each with some spread); x and y step through the others. The
front is marked point by point (◆), never joined into a line; today's code is ■. The
legend sits beside the plot (under it on a narrow terminal), never over it.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Label, Static
from textual_plotext import PlotextPlot

from divergent.app.legend import FRONT, plural
from divergent.app.widgets.keybar import KeyBar

DIMENSIONS = ("simplicity", "extensibility", "change_cost", "judge", "overall")
COLOURS = ("blue", "green", "orange", "magenta", "cyan", "red", "gray")  # plotext's names; no yellow: unreadable on paper
RICH = {"orange": "dark_orange", "gray": "grey50"}  # the same colours by rich's names
# on a light theme plotext's orange, green and grey read at 2.4-3.8:1: the same hues, darker (4.5:1 and more on white)
LIGHT = ((30, 90, 168), (37, 96, 41), (154, 103, 0), (123, 63, 160), (13, 110, 110), (180, 35, 24), (87, 96, 106))
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


@dataclass
class Group:
    """Candidates that share one label, drawn at its lead's marker (today's code, else a design
    on the front, else the lowest number): on the right, or on the left where the right would
    run off the plot."""

    points: list[tuple[int, dict]]  # (column, candidate)
    left: bool = False

    @property
    def members(self) -> list[dict]:
        return sorted((c for _, c in self.points), key=lambda c: (not c["baseline"], not c["pareto"], c["id"]))

    @property
    def lead(self) -> dict:
        return self.members[0]

    @property
    def column(self) -> int:
        return next(column for column, c in self.points if c is self.lead)

    @property
    def text(self) -> str:
        return ",".join(label(c) for c in self.members)

    def span(self) -> tuple[int, int]:
        """The first and last cells the group takes: its points, and its label beside the lead."""
        first, last = min(p[0] for p in self.points), max(p[0] for p in self.points)
        if self.left:
            return min(first, self.column - 1 - len(self.text)), last
        return first, max(last, self.column + 1 + len(self.text))


def row_groups(points: list[tuple[int, dict]], width: int) -> list[Group]:
    """One row of the plot, left to right: a point that would touch the group before it joins
    that group; a label that would cross the right edge moves to its marker's left, and if it
    meets the group before it there, the two share one label."""
    groups: list[Group] = []
    for point in sorted(points, key=lambda p: (p[0], p[1]["id"])):
        if groups and point[0] <= groups[-1].span()[1] + 1:
            groups[-1].points.append(point)
        else:
            groups.append(Group([point]))
        while True:
            last = groups[-1]
            last.left = last.column + 1 + len(last.text) > width - 1
            if len(groups) < 2 or last.span()[0] > groups[-2].span()[1] + 1:
                break
            groups[-2].points.extend(groups.pop().points)
    return groups


def cells(candidates: list[dict], x: str, y: str, size: tuple[int, int], limits: tuple) -> list[Group]:
    """Candidates grouped so that no two labels overlap and none leaves the plot."""
    (x0, x1), (y0, y1) = limits
    width, height = max(2, size[0]), max(2, size[1])
    rows: dict[int, list[tuple[int, dict]]] = {}
    for c in candidates:
        column = round((c["scores"][x] - x0) / ((x1 - x0) or 1) * (width - 1))
        row = round((c["scores"][y] - y0) / ((y1 - y0) or 1) * (height - 1))
        rows.setdefault(row, []).append((column, c))
    return [group for points in rows.values() for group in row_groups(points, width)]


def label(c: dict) -> str:
    return "today" if c["baseline"] else str(c["id"])


class ParetoScreen(Screen):
    CSS_PATH = "pareto.tcss"
    BINDINGS = [
        Binding("x", "cycle('x')", "x axis", tooltip="The next dimension on the x axis", id="pareto.x"),
        Binding("y", "cycle('y')", "y axis", tooltip="The next dimension on the y axis", id="pareto.y"),
        Binding("escape", "app.pop_screen", "back", tooltip="Back to the candidates", id="pareto.back"),
    ]

    def __init__(self, document: dict) -> None:
        """``document``: the session's candidates and clusters (engine.summary.live_document)."""
        super().__init__()
        self.document = document
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
        palette = COLOURS if self.app.current_theme.dark else LIGHT
        colour = {k: palette[i % len(palette)] for i, k in enumerate(clusters)}
        groups = cells(candidates, x, y, size, limits)
        for group in groups:  # markers first, labels over them: a label is never hidden by a marker
            lead = group.lead
            marker = TODAY if lead["baseline"] else FRONT if lead["pareto"] else POINT
            plt.scatter([lead["scores"][x]], [lead["scores"][y]], marker=marker, color=colour[lead["cluster"] or 0])
        step = (limits[0][1] - limits[0][0]) / size[0]  # one cell: the label beside its marker, not on it
        for group in groups:
            lead = group.lead
            at = lead["scores"][x] + (-step if group.left else step)
            plt.text(group.text, at, lead["scores"][y], color=colour[lead["cluster"] or 0], alignment="right" if group.left else "left")
        plt.xlabel(f"{x} → (today {self.today(x)})")  # plotext would write a y label bottom left, beside this one: it goes on top

        plt.xlim(*limits[0])
        plt.ylim(*limits[1])
        front = [c for c in candidates if c["pareto"]]
        plt.title(f"↑ {y} (today {self.today(y)})  ·  {plural(len(candidates), 'candidate')} · {len(front)} on the front")
        plot.refresh()
        flat = [d for d in (x, y) if spread(candidates, d) == 0]
        warning = f" · no spread on {', '.join(flat)}: every candidate scores the same there" if flat else ""
        self.query_one("#pareto-caption", Label).update(f"x: {x} · y: {y} · x / y change the axes{warning}")
        self.query_one("#pareto-legend-body", Static).update(self.legend(candidates, colour))

    def today(self, dimension: str) -> str:
        today = next((c for c in self.document["candidates"] if c["baseline"]), None)
        value = today["scores"].get(dimension) if today else None
        return f"{value:.2f}" if value is not None else "·"

    def legend(self, candidates: list[dict], colour: dict[int, str | tuple[int, int, int]]) -> Text:
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
            shade = colour[cluster]
            out.append("● ", style="#%02x%02x%02x" % shade if isinstance(shade, tuple) else RICH.get(shade, shade))
            out.append(f"{cluster} {labels.get(cluster, '')}: {', '.join(f'#{n}' for n in sorted(numbers))}\n")
        return out
