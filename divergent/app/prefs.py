"""UI choices remembered between runs (the theme), in the user config directory."""

from __future__ import annotations

import json
from pathlib import Path

from divergent.engine import settings


def state_path() -> Path:
    return settings.ui_state_path()


def load_theme(default: str) -> str:
    """The config file's ``[ui] theme`` wins; else the last theme picked; else ``default``."""
    configured = settings.section("ui").get("theme")
    if configured:
        return str(configured)
    try:
        return str(json.loads(state_path().read_text()).get("theme") or default)
    except (OSError, ValueError):
        return default


def save_theme(name: str) -> None:
    path = state_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        state = json.loads(path.read_text()) if path.exists() else {}
        state["theme"] = name
        path.write_text(json.dumps(state, indent=2))
    except (OSError, ValueError):
        pass  # remembering the theme is a courtesy, never a failure
