"""The scenarios pane: for each likely future change, what it would cost this candidate."""

from __future__ import annotations

from typing import Callable

from textual.widgets import DataTable

HEADERS = ("scenario", "static ripple", "executable cost", "units touched")
EMPTY = "no scenarios yet: press s to add one"


def raw(doc: dict, critic: str) -> dict:
    return next((a["raw"] for a in doc["assessments"] if a["critic"] == critic), {})


class ScenariosPane(DataTable):
    """A row per scenario: the static ripple (units the change reaches, before → after), the
    model's executable cost (inherited from the cluster's representative), the units touched."""

    def __init__(self, **kwargs) -> None:
        super().__init__(cursor_type="row", **kwargs)

    def on_mount(self) -> None:
        for label in HEADERS:
            self.add_column(label)

    def show(self, doc: dict, scenarios: list[str], representative: Callable[[int], dict | None]) -> None:
        """``representative(number)`` is the document of the candidate whose figures ``doc`` inherits."""
        static, executable = raw(doc, "change_cost"), raw(doc, "speculative")
        if executable.get("inherited_from") is not None:
            executable = raw(representative(executable["inherited_from"]) or {"assessments": []}, "speculative")
        rows = []
        for scenario in scenarios:
            s, e = static.get(scenario, {}), executable.get(scenario, {})
            ripple = f"{s['ripple_before']} → {s['ripple_after']}" if s else "·"
            cost = f"{e['cost_before']:g} → {e['cost_after']:g}" if e else "·"
            touched = ", ".join(e.get("touched", s.get("touched", [])))[:60] or "·"
            rows.append((scenario, ripple, cost, touched))
        if not scenarios:
            rows.append((EMPTY, "", "", ""))
        if rows == [tuple(self.get_row_at(i)) for i in range(self.row_count)]:
            return
        self.clear()
        for row in rows:
            self.add_row(*row)
