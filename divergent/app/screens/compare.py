"""Two candidates side by side: their code, the diff between them, both score vectors."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Header, Label, TabbedContent, TabPane

from divergent.app.highlight import highlighter
from divergent.app.widgets.code import CodeView
from divergent.app.widgets.diff import DiffView
from divergent.app.widgets.keybar import KeyBar
from divergent.engine.library import between


class CompareScreen(Screen):
    CSS_PATH = "compare.tcss"
    BINDINGS = [
        Binding("escape", "app.pop_screen", "back", tooltip="Back to the candidates", id="compare.back"),
        Binding("1", "pane('tab-side')", "side by side", tooltip="The two versions of the target side by side", id="compare.side"),
        Binding("2", "pane('tab-between')", "diff", tooltip="The diff from the first to the second", id="compare.diff"),
        Binding("3", "pane('tab-scores')", "scores", tooltip="Both score vectors and their difference", id="compare.scores"),
    ]

    def __init__(self, first: dict, second: dict, target: str) -> None:
        """Two candidate documents (engine.summary.live_candidate) and the target's path."""
        super().__init__()
        self.docs = [first, second]
        self.target = target

    def compose(self) -> ComposeResult:
        yield Header()
        with TabbedContent(id="compare-tabs"):
            with TabPane("1 Side by side", id="tab-side"):
                with Horizontal():
                    for doc in self.docs:
                        with Vertical(classes="side"):
                            yield Label(f"#{doc['id']} {doc['title']}", classes="side-title")
                            yield CodeView(language=highlighter(self.target), show_line_numbers=True)
            with TabPane("2 Diff between them", id="tab-between"):
                yield DiffView(id="between")
            with TabPane("3 Scores", id="tab-scores"):
                yield DataTable(id="vectors", cursor_type="row")
        yield KeyBar()

    def on_mount(self) -> None:
        for doc, view in zip(self.docs, self.query(CodeView)):
            view.show(self.code(doc))
        a, b = self.docs
        patch = between(a["files"], b["files"])
        self.query_one(DiffView).show_patch(patch, "The two candidates are the same.")
        table = self.query_one("#vectors", DataTable)
        table.add_columns("dimension", f"#{a['id']}", f"#{b['id']}", "difference")
        for dimension in sorted(set(a["scores"]) | set(b["scores"])):
            x, y = a["scores"].get(dimension), b["scores"].get(dimension)
            difference = f"{y - x:+.2f}" if x is not None and y is not None else ""
            table.add_row(dimension, f"{x:.2f}" if x is not None else "·", f"{y:.2f}" if y is not None else "·", difference)

    def code(self, doc: dict) -> str:
        return doc["files"].get(self.target) or next(iter(doc["files"].values()), "")

    def action_pane(self, pane: str) -> None:
        self.query_one("#compare-tabs", TabbedContent).active = pane
