"""Which of Textual's syntax highlighters shows a file of one of our languages."""

from __future__ import annotations

from divergent.engine.framing import language_for

# our language -> TextArea's (TypeScript reads well enough with JavaScript's highlighter)
HIGHLIGHTERS = {
    "python": "python",
    "javascript": "javascript",
    "typescript": "javascript",
    "tsx": "javascript",
    "go": "go",
    "rust": "rust",
    "java": "java",
}


def highlighter(path: str) -> str | None:
    """The TextArea language for ``path``; None shows it plain."""
    return HIGHLIGHTERS.get(language_for(path) or "")
