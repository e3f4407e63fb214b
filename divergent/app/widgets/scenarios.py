"""The scenarios pane: for each likely future change, what it would cost this candidate."""

from __future__ import annotations

from typing import Callable

from rich.table import Table

from divergent.app.widgets.lines import LinesView

HEADERS = ("scenario", "static ripple", "executable cost", "units touched")
EMPTY = "no scenarios yet: press s to add one"


def raw(doc: dict, critic: str) -> dict:
    return next((a["raw"] for a in doc["assessments"] if a["critic"] == critic), {})


def rows(doc: dict, scenarios: list[str], representative: Callable[[int], dict | None]) -> list[tuple[str, str, str, str]]:
    """A row per scenario: the static ripple (units the change reaches, before → after), the
    model's executable cost (inherited from the cluster's representative), the units touched.
    ``representative(number)`` is the document of the candidate whose figures ``doc`` inherits."""
    static, executable = raw(doc, "change_cost"), raw(doc, "speculative")
    if executable.get("inherited_from") is not None:
        executable = raw(representative(executable["inherited_from"]) or {"assessments": []}, "speculative")
    out = []
    for scenario in scenarios:
        s, e = static.get(scenario, {}), executable.get(scenario, {})
        ripple = f"{s['ripple_before']} → {s['ripple_after']}" if s else "·"
        cost = f"{e['cost_before']:g} → {e['cost_after']:g}" if e else "·"
        touched = ", ".join(e.get("touched", s.get("touched", []))) or "·"
        out.append((scenario, ripple, cost, touched))
    return out or [(EMPTY, "", "", "")]


class ScenariosPane(LinesView):
    """The rows as a table drawn line by line (LinesView): kept per candidate, prepared ahead."""

    def content(self, doc: dict, scenarios: list[str], representative: Callable[[int], dict | None]) -> tuple[tuple, Callable[[], Table]]:
        shown = tuple(rows(doc, scenarios, representative))

        def table() -> Table:  # the figures' headers on two lines: at 120 columns the pane is 46 wide
            grid = Table(box=None, show_header=True, header_style="bold", pad_edge=False, expand=True)
            grid.add_column(HEADERS[0], ratio=3, min_width=12)
            for header in HEADERS[1:3]:
                grid.add_column(header.replace(" ", "\n"), no_wrap=True)
            grid.add_column(HEADERS[3].replace(" ", "\n"), ratio=2, min_width=8)
            for row in shown:
                grid.add_row(*row)
            return grid

        return ("scenarios", shown), table
