"""A bar per scored dimension, with the figures behind it."""

from __future__ import annotations

from typing import Callable

from rich.text import Text

from divergent.app.widgets.lines import LinesView, text_key

WIDTH = 16
DESCRIPTIONS = {
    "simplicity": "how much a reader must hold in mind",
    "extensibility": "where new behaviour plugs in",
    "change_cost": "what the likely changes would cost",
    "judge": "the model's pairwise verdicts vs today",
    "validity": "parses; callers' names kept; tests",
    "overall": "weighted mean (validity is a gate)",
}


def bar(score: float, good: str, bad: str) -> Text:
    """0.50 is today's code: the bar's midpoint; right of it is better."""
    filled = round(max(0.0, min(1.0, score)) * WIDTH)
    style = good if score >= 0.5 else bad
    text = Text("█" * filled, style=style)
    text.append("░" * (WIDTH - filled), style="dim")
    return text


PLACEHOLDER = "Select a candidate to see its critics."


class CriticBars(LinesView):
    """Scores (0..1, today 0.50) and each critic's evidence, for one candidate."""

    def __init__(self, **kwargs) -> None:
        super().__init__(PLACEHOLDER, **kwargs)

    def content(self, document: dict | None) -> tuple[tuple, Callable[[], Text]]:
        """The candidate's bars and evidence: their key and how to draw them (LinesView)."""
        if document is None:
            return ("placeholder", PLACEHOLDER), lambda: Text(PLACEHOLDER)
        variables = self.app.theme_variables
        good, bad = variables.get("success", "green"), variables.get("error", "red")
        out = Text()
        scores = document["scores"]
        for dimension in [d for d in DESCRIPTIONS if d in scores] + [d for d in scores if d not in DESCRIPTIONS]:
            score = scores[dimension]
            out.append(f"{dimension:<14}", style="bold")
            out.append_text(bar(score, good, bad))
            out.append(f" {score:.2f}\n", style="bold")
            out.append(f"{DESCRIPTIONS.get(dimension, '')}\n", style="dim")
            for a in document["assessments"]:
                if a["dimension"] == dimension:
                    out.append(f"· {a['evidence']}\n")
            out.append("\n")
        if not document["valid"]:
            out.append(f"invalid: {document['invalid_reason']}\n", style=f"bold {bad}")
        return text_key(out), lambda: out  # the same figures: drawn from the lines kept
