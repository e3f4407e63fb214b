"""The selected candidate in words: a header with its title and summary, and the "Why"
pane with its rationale, parents, and each dimension's share of its overall."""

from __future__ import annotations

from typing import Callable

from rich.text import Text
from textual.widgets import Static

from divergent.app.legend import plural
from divergent.app.widgets.candidates import signed
from divergent.app.widgets.lines import LinesView, text_key
from divergent.engine.ranking import GATES, contributions, effective_weights


class SummaryHeader(Static):
    """``#8 Title`` and the summary, on as many lines as the pane's CSS allows."""

    shown: tuple | None = None

    def show(self, doc: dict | None) -> None:
        state = None if doc is None else (doc["id"], doc["title"], doc["summary"])
        if state == self.shown:
            return
        self.shown = state
        if doc is None:
            self.update("")
            return
        text = Text(f"#{doc['id']} {doc['title']}", style="bold")
        if doc["summary"]:
            text.append(f"\n{doc['summary']}", style="")
        self.update(text, layout=False)  # its height is fixed (explore.tcss): no relayout per key


class WhyPane(LinesView):
    """Rationale, parents, and why this rank under the current weights."""

    def __init__(self, **kwargs) -> None:
        super().__init__("Select a candidate to see why it ranks where it does.", **kwargs)

    def content(self, doc: dict, session_doc: dict, weights: dict[str, float]) -> tuple[tuple, Callable[[], Text]]:
        """What the pane says of ``doc``: its key and how to draw it (LinesView)."""
        out = Text()
        out.append(f"#{doc['id']} {doc['title']}\n", style="bold")
        made = doc["explorer"] + (f", lens {doc['lens']}" if doc.get("lens") else "") + f", {doc['fidelity']}"
        out.append(f"made by {made}; cluster {doc['cluster'] or '-'}\n\n", style="dim")
        if doc["summary"]:
            out.append("Summary  ", style="bold")
            out.append(f"{doc['summary']}\n")
        if doc["rationale"]:
            out.append("Why this design  ", style="bold")
            out.append(f"{doc['rationale']}\n")
        titles = {c["id"]: c["title"] for c in session_doc["candidates"]}
        out.append_text(near_duplicate(doc, titles))
        if doc["parents"]:
            out.append("Parents  ", style="bold")
            out.append(", ".join(f"#{p} {titles.get(p, '')}".rstrip() for p in doc["parents"]) + "\n")
        out.append("\n")
        out.append_text(self.rank(doc, session_doc, weights))
        return text_key(out), lambda: out

    def rank(self, doc: dict, session_doc: dict, weights: dict[str, float]) -> Text:
        """Each dimension's share of overall, and of the difference from today."""
        candidates = session_doc["candidates"]
        today = next((c["scores"] for c in candidates if c["baseline"]), {})
        ranked = sorted(candidates, key=lambda c: -c["scores"].get("overall", 0))
        place = next(i for i, c in enumerate(ranked, 1) if c["id"] == doc["id"]) if any(c["id"] == doc["id"] for c in ranked) else None
        overall = doc["scores"].get("overall", 0.0)
        out = Text()
        out.append("Why this rank  ", style="bold")
        where = f"{place} of {plural(len(ranked), 'candidate')}" if place else "not ranked yet"
        out.append(f"overall {overall:.2f}, {where}; today's code {today.get('overall', 0.5):.2f}\n")
        if any(doc["scores"].get(g, 1.0) < 1.0 for g in GATES):
            out.append(f"invalid ({doc.get('invalid_reason') or 'a gate failed'}): its overall is 0 whatever the other scores\n", style="bold")
            return out
        mine = contributions(doc["scores"], weights)
        theirs = contributions({d: today[d] for d in mine if d in today}, weights)
        used = effective_weights(weights)
        total = sum(used.get(d, 1.0) for d in mine)
        out.append(f"overall = Σ weight × score / {total:g} (the sum of the weights of the dimensions scored)\n", style="dim")
        width = max(len(d) for d in [*mine, "dimension"]) + 1  # the table fits the pane beside the list at 120 columns
        out.append(f"{'dimension':<{width}}{'score':>6}{'today':>6}{'w':>4}{'share':>6}{'Δ':>6}\n", style="bold")
        for d in sorted(mine, key=lambda d: -mine[d]):
            base = today.get(d)
            versus = signed(mine[d] - theirs[d]) if d in theirs else "·"
            shown_base = f"{base:.2f}" if base is not None else "·"
            out.append(f"{d:<{width}}{doc['scores'][d]:>6.2f}{shown_base:>6}{used.get(d, 1.0):>4g}{mine[d]:>6.3f}{versus:>6}\n")
        base = today.get("overall", 0.5)
        out.append(f"{'overall':<{width}}{overall:>6.2f}{base:>6.2f}{'':>4}{sum(mine.values()):>6.3f}{signed(overall - base):>6}\n", style="bold")
        out.append("\nw: the dimension's weight; share: what it adds to overall; Δ: how much of the difference from today it makes.", style="dim")
        out.append("\nw changes the weights; the ranking follows at once.", style="dim")
        return out


def near_duplicate(doc: dict, titles: dict[int, str]) -> Text:
    """Whose near-duplicate it is, and which critics' verdicts it took (from whom) instead of paying for them."""
    out = Text()
    near = doc.get("near_duplicate")
    if near:
        out.append("Near-duplicate  ", style="bold")
        out.append(f"{near['alike']:.0f} % like #{near['of']} {titles.get(near['of'], '')}".rstrip() + f", in cluster {doc['cluster'] or '-'}\n")
    taken: dict[int, list[str]] = {}
    for item in doc.get("inherited", []):
        taken.setdefault(item["from"], []).append(item["critic"])
    if taken:
        out.append("Inherited, not paid for  ", style="bold")
        out.append("; ".join(f"{', '.join(sorted(set(dims)))} from #{source}" for source, dims in sorted(taken.items())) + "\n")
    return out
