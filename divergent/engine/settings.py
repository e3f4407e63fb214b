"""What the engineer configured, as the UI asks for it: is there a model endpoint, which
model a session uses by default, the keymap, the UI's remembered choices. (The files
and variables themselves are read in ``llm.config``.)"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from divergent.llm import config
from divergent.model import InputError


def configured() -> bool:
    """True when a key or a base URL is set anywhere (then a session can use a model)."""
    return config.configured()


def default_model() -> str:
    """The model a session uses when none is named."""
    try:
        return config.load().model
    except InputError:  # no endpoint configured (or an unreadable config file): offline anyway
        return config.DEFAULT_MODEL


def section(name: str) -> dict[str, Any]:
    """A section of the config file (``keymap``, ``ui``); empty when absent."""
    return dict(config.read_config_file().get(name, {}))


def ui_state_path() -> Path:
    """Where the UI remembers its choices between runs (beside the config file)."""
    return config.config_path().parent / "ui-state.json"
