"""Textual themes for divergent, registered with ``App.register_theme``.

Three of our own (``divergent-night``, ``divergent-paper`` (light), ``divergent-ember``);
Textual's built-in themes stay available in the theme picker.
"""

from __future__ import annotations

from textual.theme import Theme

THEMES = (
    Theme(
        name="divergent-night",
        primary="#7AA2F7",
        secondary="#BB9AF7",
        accent="#2AC3DE",
        warning="#E0AF68",
        error="#F7768E",
        success="#9ECE6A",
        foreground="#C0CAF5",
        background="#16161E",
        surface="#1F2335",
        panel="#24283B",
        dark=True,
    ),
    Theme(
        name="divergent-paper",
        primary="#1E5AA8",
        secondary="#7B3FA0",
        accent="#0D6E6E",  # keys in the key bar, 4.6:1 on the panel
        warning="#9A6700",
        error="#B42318",
        success="#256029",  # scores better than today, 5.8:1 on the table's stripes
        foreground="#1F2328",
        background="#FAF8F3",
        surface="#F0EDE4",
        panel="#E6E1D5",
        dark=False,
    ),
    Theme(
        name="divergent-ember",
        primary="#F28C38",
        secondary="#E85D75",
        accent="#F6C177",
        warning="#F6C177",
        error="#EB6F92",
        success="#9CCFD8",
        foreground="#E0DEF4",
        background="#191724",
        surface="#1F1D2E",
        panel="#26233A",
        dark=True,
    ),
)

DEFAULT_THEME = "divergent-night"
