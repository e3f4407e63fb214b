"""The selected candidate's side: a header with its title and summary, and five panes
(code, diff, critics, scenarios, why). Only the visible pane is filled as the cursor
moves; a pane shown later catches up. What a pane would show next can be prepared ahead
(prepare: the code parsed, the other panes' lines drawn), so showing it costs little."""

from __future__ import annotations

from typing import Callable, Hashable

from rich.console import RenderableType
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import TabbedContent, TabPane

from divergent.app.widgets.code import CodeView
from divergent.app.widgets.critics import CriticBars
from divergent.app.widgets.diff import DiffView
from divergent.app.widgets.lines import LinesView
from divergent.app.widgets.scenarios import ScenariosPane
from divergent.app.widgets.summary import SummaryHeader, WhyPane

PANES = ("tab-code", "tab-diff", "tab-critics", "tab-scenarios", "tab-why")
SCORED = ("tab-critics", "tab-scenarios", "tab-why")  # what a new ranking or evidence changes
TODAY = "This is today's code."


class CandidatePanes(Vertical):
    def __init__(self, source, **kwargs) -> None:
        """``source`` gives documents: ``candidate(n)``, ``patch(n)``, ``session_doc()``,
        ``target_path()``, ``scenarios()``, ``weights()`` (the explore screen)."""
        super().__init__(**kwargs)
        self.source = source
        self.shown: dict[str, int] = {}  # pane id -> the candidate it shows
        self.patches: dict[int, str] = {}  # candidates' files do not change

    def compose(self) -> ComposeResult:
        yield SummaryHeader(id="summary")
        with TabbedContent(id="panes"):
            with TabPane("1 Code", id="tab-code"):
                yield CodeView(id="code", language="python", show_line_numbers=True)
            with TabPane("2 Diff", id="tab-diff"):
                yield DiffView(id="diff")
            with TabPane("3 Critics", id="tab-critics"):
                yield CriticBars(id="critics")
            with TabPane("4 Scenarios", id="tab-scenarios"):
                yield ScenariosPane(id="scenarios")
            with TabPane("5 Why", id="tab-why"):
                yield WhyPane(id="why")

    @property
    def active(self) -> str:
        return self.query_one("#panes", TabbedContent).active

    def activate(self, pane: str, number: int | None) -> None:
        self.query_one("#panes", TabbedContent).active = pane
        self.show_pane(pane, number)  # in this frame, not after the TabActivated message

    def scored(self) -> None:
        """Scores and evidence may have changed; code and diff of a candidate do not."""
        for pane in SCORED:
            self.shown.pop(pane, None)

    def show(self, number: int) -> None:
        self.query_one(SummaryHeader).show(self.source.candidate(number))
        self.show_pane(self.active, number)

    def show_pane(self, pane: str, number: int | None) -> None:
        if number is None or self.shown.get(pane) == number:
            return
        doc = self.source.candidate(number)
        if doc is None or pane not in PANES:
            return
        if pane == "tab-code":
            self.query_one(CodeView).show(self.code(doc))
        else:
            view, content = self.lines(pane, number, doc)
            view.show(*content)
        self.shown[pane] = number

    def prepare(self, pane: str, number: int) -> None:
        """Do ahead (idle time) what showing ``number`` in ``pane`` costs: its code parsed, the
        other panes' lines drawn; what is shown stays."""
        if self.shown.get(pane) == number or pane not in PANES or (doc := self.source.candidate(number)) is None:
            return
        if pane == "tab-code":
            self.query_one(CodeView).prepare(self.code(doc))
        else:
            view, content = self.lines(pane, number, doc)
            view.prepare(*content)

    def lines(self, pane: str, number: int, doc: dict) -> tuple[LinesView, tuple[Hashable, Callable[[], RenderableType]]]:
        """A Line API pane and what it would show for ``doc`` (its key, how to draw it)."""
        if pane == "tab-diff":
            view = self.query_one(DiffView)
            return view, view.content(self.patch(number), TODAY)
        if pane == "tab-critics":
            view = self.query_one(CriticBars)
            return view, view.content(doc)
        if pane == "tab-scenarios":
            view = self.query_one(ScenariosPane)
            return view, view.content(doc, self.source.scenarios(), self.source.candidate)
        view = self.query_one(WhyPane)
        return view, view.content(doc, self.source.session_doc() or {"candidates": []}, self.source.weights())

    def code(self, doc: dict) -> str:
        return doc["files"].get(self.source.target_path()) or next(iter(doc["files"].values()), "")

    def patch(self, number: int) -> str:
        if number not in self.patches:
            self.patches[number] = self.source.patch(number) if number else ""
        return self.patches[number]

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        self.show_pane(event.pane.id, self.source.selected)
