"""Help (? or F1): the keys of the screen it was opened from, grouped, and the meaning of
every column and mark of the candidate table. Built from the bindings and the legend,
so it cannot drift from what the keys do."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from divergent.app.bindings import bound, palette_key
from divergent.app.legend import COLUMNS, FOLDED, MARKS, NEAR, NEAR_MEANING, OPEN, SCORES, SORTED

OFFLINE = (
    "Offline, the catalog applies mechanical refactorings one by one and in pairs; each changes a "
    "different part of the code, so each design is its own cluster. With a model, designs of the same "
    "shape share a cluster, and its representative is the one the model critics judge."
)


def key_groups(screen: Screen) -> list[tuple[str, list[tuple[str, str]]]]:
    """(group, [(keys, what they do)]) for our bindings on ``screen``, in the screen's order."""
    order = {b.action: i for i, b in enumerate(type(screen).BINDINGS)}
    groups: dict[str, list[tuple[str, str]]] = {}
    for action, entry in sorted(bound(screen).items(), key=lambda item: order.get(item[0], len(order))):
        binding = entry.binding
        group = binding.group.description if binding.group else "Everywhere" if binding.id.startswith("app.") else "Keys"
        groups.setdefault(group, []).append((", ".join(entry.keys), binding.tooltip or binding.description))
    groups.setdefault("Everywhere", []).append((palette_key(screen), "The command palette: every action, candidate and cluster by name"))
    return list(groups.items())


class HelpScreen(ModalScreen[None]):
    CSS_PATH = "dialogs.tcss"
    BINDINGS = [Binding("escape,question_mark,f1,q", "dismiss(None)", "close", id="help.close")]

    def __init__(self, source: Screen, table: bool = True) -> None:
        """``source``: the screen whose keys are listed; ``table``: explain the candidate table too."""
        super().__init__()
        self.source, self.table = source, table

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog help"):
            yield Static(self.text(), id="help-body")

    def text(self) -> Text:
        out = Text()
        out.append("Help", style="bold")
        out.append("  (esc, ? or q closes; ↑↓ scroll)\n\n", style="dim")
        for group, keys in key_groups(self.source):
            out.append(f"{group}\n", style="bold underline")
            width = max(len(k) for k, _ in keys)
            for k, what in keys:
                out.append(f"  {k:<{width}}", style="bold")
                out.append(f"  {what}\n")
            out.append("\n")
        if not self.table:
            return out
        out.append("Columns of the candidate table\n", style="bold underline")
        width = max(len(c.header) for c in COLUMNS)
        for column in COLUMNS:
            out.append(f"  {column.header:<{width}}", style="bold")
            out.append(f"  {column.meaning}\n")
        out.append(f"  {SCORES}\n", style="dim")
        out.append(f"  A dimension gets a column once some candidate is scored on it. {SORTED} before a header: the column the table is sorted by (o, or click it).\n\n", style="dim")
        out.append("Marks\n", style="bold underline")
        for glyph, meaning in MARKS:
            out.append(f"  {glyph}", style="bold")
            out.append(f"  {meaning}\n")
        out.append(f"  {NEAR}", style="bold")
        out.append(f"  {NEAR_MEANING}\n")
        out.append(f"  {OPEN}/{FOLDED}", style="bold")
        out.append("  a cluster of several designs, open or folded (enter on its row)\n\n")
        out.append("Clusters\n", style="bold underline")
        out.append(f"  {OFFLINE}\n")
        return out
