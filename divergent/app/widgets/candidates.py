"""The candidate table: clusters and their candidates, or every candidate sorted by a column.

The title column takes what the list's width leaves; at 160 columns and more a long
title wraps onto a second line instead of being cut. Only dimensions some candidate was
scored on get a column. A redraw changes only the cells that changed (any change makes
the table render every visible cell again); a change of rows, columns or widths
rebuilds it.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field

from rich.text import Text
from textual.widgets import DataTable

from divergent.app.legend import BY_KEY, DIMENSIONS, DOWN, FOLDED, FRONT, INVALID, NEAR, NEW, OPEN, PICKED, SORTED, UP, plural

MIN_TITLE = 12
WRAP_AT = 160  # screen columns from which titles wrap instead of being cut
SORTS = ("overall", *DIMENSIONS, "number")


@dataclass
class View:
    """What the table shows besides the session: the engineer's choices."""

    sort_by: str | None = None  # None: grouped by cluster
    deltas: bool = False  # dimension cells as differences from today
    folded: set[int] = field(default_factory=set)  # cluster ids
    picked: list[int] = field(default_factory=list)
    marks: dict[int, int] = field(default_factory=dict)
    new: set[int] = field(default_factory=set)


def fit(text: str, width: int, wrap: bool) -> tuple[str, int]:
    """The title as shown and its height: cut with … or, when ``wrap``, on two lines."""
    if len(text) <= width:
        return text, 1
    if wrap:
        lines = textwrap.wrap(text, width) or [text[:width]]
        if len(lines) > 2:
            lines = [lines[0], textwrap.shorten(" ".join(lines[1:]), width, placeholder="…")]
        return "\n".join(lines), len(lines)
    return text[: width - 1] + "…", 1


def score_text(value: float | None, today: float | None, delta: bool, better: str, worse: str) -> Text | str:
    """A score (or its difference from today's), green when better than today, red when worse."""
    if value is None:
        return "·"
    base = 0.5 if today is None else today
    diff = round(value - base, 2)
    style = better if diff > 0 else worse if diff < 0 else ""
    if delta:
        return Text(signed(diff), style=style, justify="right")
    return Text(f"{value:.2f}"[1:] if round(value, 2) < 1 else "1.0", style=style, justify="right")


def signed(value: float) -> str:
    """+.24, −.05, ±0 in four cells."""
    if round(value, 2) == 0:
        return "±0"
    text = f"{abs(value):.2f}".lstrip("0") if abs(value) < 1 else f"{abs(value):.1f}"
    return ("+" if value > 0 else "−") + text


class CandidateTable(DataTable):
    """Rows keyed ``c<number>`` (a candidate) and ``k<cluster>`` (a cluster's header)."""

    def __init__(self, **kwargs) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, cell_padding=0, **kwargs)
        self.view = View()
        self.doc: dict | None = None
        self.columns_shown: list[str] = []
        self.title_width = 0
        self.wrap = False
        self.rows_shown: list[tuple] = []

    # what the engineer chooses ------------------------------------------------------------

    def cycle_sort(self) -> str | None:
        order = [None, *[k for k in SORTS if k in self.columns_shown]]
        current = self.view.sort_by if self.view.sort_by in order else None
        self.view.sort_by = order[(order.index(current) + 1) % len(order)]
        return self.view.sort_by

    def sort_on(self, key: str) -> None:
        sortable = key in SORTS or key == "delta"
        key = "overall" if key == "delta" else key
        self.view.sort_by = None if self.view.sort_by == key or not sortable else key

    def toggle_fold(self, cluster: int) -> None:
        self.view.folded ^= {cluster}

    # the cursor -------------------------------------------------------------------------------

    def cursor_key(self) -> str | None:
        """The key of the row under the cursor (None for an empty table)."""
        if not self.row_count:
            return None
        return self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value

    def cursor_candidate(self) -> int | None:
        return self.candidate_at(self.cursor_row)

    def cursor_cluster(self) -> int | None:
        key = self.cursor_key() or ""
        return int(key[1:]) if key.startswith("k") else None

    def candidate_at(self, row: int) -> int | None:
        """The candidate on a row (None off the table or on a cluster's header)."""
        if not 0 <= row < self.row_count:
            return None
        key = self.coordinate_to_cell_key((row, 0)).row_key.value or ""
        return int(key[1:]) if key.startswith("c") else None

    def move_to(self, key: str) -> bool:
        if key not in self.rows:
            return False
        row = self.get_row_index(key)
        if self.cursor_row != row:
            self.move_cursor(row=row, animate=False)
        return True

    def first_candidate(self) -> str | None:
        return next((k.value for k in self.rows if k.value.startswith("c")), None)

    # drawing ----------------------------------------------------------------------------------

    def on_resize(self, event) -> None:
        self.fit_width(event.size.width, self.app.size.width)

    def fit_width(self, width: int, screen_width: int) -> None:
        """Give the title what ``width`` cells leave; redraw if that changed anything."""
        if self.measure(width, screen_width) and self.doc is not None:
            self.fill(self.build_rows(self.doc))

    def measure(self, width: int, screen_width: int) -> bool:
        """Set the title's width and wrapping for a table ``width`` wide; True if they changed."""
        fixed = sum(BY_KEY[k].width for k in self.columns_shown if k != "title") + 2  # the scrollbar
        title = max(MIN_TITLE, width - fixed - 1)
        wrap = screen_width >= WRAP_AT
        if (title, wrap) == (self.title_width, self.wrap):
            return False
        self.title_width, self.wrap = title, wrap
        self.rows_shown = []  # every row again, at the new width
        return True

    def show(self, doc: dict) -> None:
        self.doc = doc
        present = {d for c in doc["candidates"] for d in c["scores"]}
        columns = [c for c in BY_KEY if not BY_KEY[c].dimension or c in present]
        if columns != self.columns_shown:
            self.columns_shown = columns
            self.rows_shown = []
        self.measure(self.size.width or self.app.size.width * 3 // 5, self.app.size.width)  # a missed resize too
        self.fill(self.build_rows(doc))

    def headers(self) -> list[tuple[str, Text]]:
        """Each shown column's header; the sorted column's begins with SORTED (in the cell
        its leading space would take, so no column grows)."""
        out = []
        for key in self.columns_shown:
            header = ("Δ" if key in DIMENSIONS and self.view.deltas else "") + BY_KEY[key].header
            if key == self.view.sort_by or (key == "cluster" and self.view.sort_by is None):
                out.append((key, Text(SORTED + header, style="bold")))
            else:
                out.append((key, Text(" " + header)))
        return out

    def fill(self, rows: list[tuple]) -> None:
        old = self.rows_shown
        headers = self.headers()
        rebuild = (
            not old
            or [str(c.label) for c in self.columns.values()] != [str(h) for _, h in headers]
            or len(old) > len(rows)
            or any(a[0] != b[0] or a[-1] != b[-1] for a, b in zip(old, rows))
        )
        if rebuild:
            self.clear(columns=True)
            for key, header in headers:
                width = self.title_width + 1 if key == "title" else BY_KEY[key].width
                self.add_column(header, key=key, width=width)
            old = []
        self.rows_shown = rows
        for before, after in zip(old, rows):
            for key, a, b in zip(self.columns_shown, before[1:-1], after[1:-1]):
                if signature(a) != signature(b):
                    self.update_cell(after[0], key, b)
        for row in rows[len(old) :]:
            self.add_row(*row[1:-1], key=row[0], height=row[-1])

    def build_rows(self, doc: dict) -> list[tuple]:
        """(key, cells…, height) per row, in the order shown."""
        variables = self.app.theme_variables
        better, worse = variables.get("success", "green"), variables.get("error", "red")
        view = self.view
        candidates = doc["candidates"]
        today = next((c["scores"] for c in candidates if c["baseline"]), {})

        def row(c: dict, indent: str = "") -> tuple:
            title, height = fit(indent + c["title"], self.title_width, self.wrap)
            cells = {
                "number": Text(f"{c['id']:>3}"),
                "title": Text(" " + title),
                "cluster": cluster_text(c),
                "overall": score_text(c["scores"].get("overall"), today.get("overall"), False, better, worse),
                "delta": delta_text(c, today, better, worse),
                "marks": " " + marks(c, view),
            }
            for d in DIMENSIONS:
                cells[d] = score_text(c["scores"].get(d), today.get(d), view.deltas, better, worse)
            return (f"c{c['id']}", *[cells[k] for k in self.columns_shown], height)

        if view.sort_by:
            key = (lambda c: c["id"]) if view.sort_by == "number" else (lambda c: c["scores"].get(view.sort_by, -1))
            return [row(c) for c in sorted(candidates, key=key, reverse=view.sort_by != "number")]
        by_id = {c["id"]: c for c in candidates}
        out = []
        clusters = [k for k in doc["clusters"] if all(m in by_id for m in k["members"])]
        clusters.sort(key=lambda k: -max(by_id[m]["scores"].get("overall", 0) for m in k["members"]))
        for k in clusters:
            members = sorted((by_id[m] for m in k["members"]), key=lambda c: -c["scores"].get("overall", 0))
            if len(members) == 1:
                out.append(row(members[0]))
                continue
            out.append(self.header_row(k, by_id, members))
            if k["id"] not in view.folded:
                out += [row(c, "  ") for c in members]
        clustered = {m for k in clusters for m in k["members"]}
        out += [row(c) for c in candidates if c["id"] not in clustered]  # arrived since the last clustering
        return out

    def header_row(self, k: dict, by_id: dict, members: list[dict]) -> tuple:
        """A cluster of several: named after its representative, whose title stays put."""
        glyph = FOLDED if k["id"] in self.view.folded else OPEN
        medoid = by_id[k["medoid"]]
        label, height = fit(f"{glyph} {plural(len(members), 'design')} like #{medoid['id']} {medoid['title']}", self.title_width, self.wrap)
        best = members[0]["scores"].get("overall")
        cells = {key: "" for key in self.columns_shown}
        cells.update(title=Text(" " + label, style="bold"), cluster=f"{k['id']:>3}")
        if best is not None:
            cells["overall"] = Text(f"{best:.2f}"[1:] if best < 1 else "1.0", style="bold", justify="right")
        return (f"k{k['id']}", *[cells[key] for key in self.columns_shown], height)


def cluster_text(c: dict) -> str:
    """The cluster's number, after NEAR when the candidate is a near-duplicate in it."""
    return f"{(NEAR if c.get('near_duplicate') else '') + str(c['cluster'] or '-'):>3}"


def delta_text(c: dict, today: dict, better: str, worse: str) -> Text | str:
    value, base = c["scores"].get("overall"), today.get("overall")
    if value is None or base is None:
        return "·"
    diff = value - base
    return Text(signed(diff), style=better if round(diff, 2) > 0 else worse if round(diff, 2) < 0 else "", justify="right")


def marks(c: dict, view: View) -> str:
    mark = view.marks.get(c["id"], 0)
    return "".join(
        (
            FRONT if c["pareto"] else " ",
            INVALID if not c["valid"] else " ",
            UP if mark > 0 else DOWN if mark < 0 else " ",
            PICKED if c["id"] in view.picked else " ",
            NEW if c["id"] in view.new else " ",
        )
    )


def signature(cell) -> tuple:
    """What a cell shows: a Text's style is not part of its ``==``."""
    if isinstance(cell, Text):
        return (cell.plain, str(cell.style), tuple(cell.spans))
    return (cell,)
