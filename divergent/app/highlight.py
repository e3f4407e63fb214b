"""Which of Textual's syntax highlighters shows a file of one of our languages, in colours
that read on the app theme (dark or light)."""

from __future__ import annotations

from rich.style import Style
from textual.widgets import TextArea
from textual.widgets.text_area import TextAreaTheme

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


# On a light theme TextArea's "css" theme keeps dark-background syntax colours (#ce9178
# strings, #569cd6 keywords: contrast ~2.3 on paper). This one takes the app theme's
# background, cursor and gutter as "css" does, with GitHub's light syntax colours, those
# under 4.5:1 on paper's surface darkened.
LIGHT_CODE = "divergent-light"
_DARKER = {
    "type": "#57606a", "type.class": "#57606a", "heading.marker": "#57606a", "list.marker": "#57606a",
    "type.builtin": "#116329", "boolean": "#116329", "constant.builtin": "#116329",
    "keyword": "#B42318", "number": "#B42318", "float": "#B42318", "comment": "#57606a",
    "variable": "#953800", "link.uri": "#0550AE",
}  # fmt: skip


def light_code_theme() -> TextAreaTheme:
    github = TextAreaTheme.get_builtin_theme("github_light")
    styles = dict(github.syntax_styles) if github else {}
    styles.update({name: Style(color=color) for name, color in _DARKER.items()})
    return TextAreaTheme(name=LIGHT_CODE, syntax_styles=styles)


def follow_theme(area: TextArea) -> None:
    """Highlight ``area`` for the app theme's darkness, now and whenever the theme changes."""
    area.register_theme(light_code_theme())

    def match(theme=None) -> None:
        area.theme = "css" if area.app.current_theme.dark else LIGHT_CODE

    match()
    area.app.theme_changed_signal.subscribe(area, match)
