"""Where the model is: environment variables first, then the TOML config file.

``OPENAI_API_KEY``, ``OPENAI_BASE_URL``, ``DIVERGENT_MODEL``, and
``config.toml`` in the user config directory::

    [endpoint]
    base_url = "http://localhost:11434/v1"
    model = "qwen2.5-coder"
    concurrency = 16
    timeout = 120

    [prices."my-model"]          # dollars per million tokens
    input = 0.15
    output = 0.60

    [[lenses]]
    name = "event-sourced"
    instruction = "Model every change as an event ..."
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import platformdirs

from divergent.model import InputError

DEFAULT_MODEL = "gpt-4o-mini"
DEFAULT_CONCURRENCY = 16
PLACEHOLDER_KEY = "not-needed"  # local servers need a key string, not a real key


def config_path() -> Path:
    env = os.environ.get("DIVERGENT_CONFIG")
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_config_dir("divergent", appauthor=False)) / "config.toml"


def read_config_file(path: Path | None = None) -> dict[str, Any]:
    path = path or config_path()
    if not path.exists():
        return {}
    try:
        return tomllib.loads(path.read_text())
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise InputError(f"cannot read the config file {path}: {error}") from None


@dataclass(frozen=True)
class Endpoint:
    base_url: str | None
    api_key: str = field(repr=False)  # never printed, logged or stored
    model: str
    concurrency: int = DEFAULT_CONCURRENCY
    timeout: float = 120.0
    max_output_tokens: int = 4096
    prices: dict[str, dict[str, float]] = field(default_factory=dict)
    lenses: list[dict[str, str]] = field(default_factory=list)


def configured(file: dict[str, Any] | None = None) -> bool:
    """True when a key or a base URL is set anywhere."""
    file = read_config_file() if file is None else file
    section = file.get("endpoint", {})
    return bool(
        os.environ.get("OPENAI_API_KEY")
        or os.environ.get("OPENAI_BASE_URL")
        or section.get("api_key")
        or section.get("base_url")
    )


def load(model: str | None = None, concurrency: int | None = None) -> Endpoint:
    """The endpoint to use; InputError when none is configured."""
    file = read_config_file()
    section = file.get("endpoint", {})
    if not configured(file):
        raise InputError(
            "no model endpoint configured: set OPENAI_API_KEY (and OPENAI_BASE_URL for a local or "
            "other OpenAI-compatible server), or pass --offline for the refactoring catalog"
        )
    base_url = os.environ.get("OPENAI_BASE_URL") or section.get("base_url")
    api_key = os.environ.get("OPENAI_API_KEY") or section.get("api_key") or PLACEHOLDER_KEY
    chosen = model or os.environ.get("DIVERGENT_MODEL") or section.get("model") or DEFAULT_MODEL
    limit = concurrency or int(section.get("concurrency", DEFAULT_CONCURRENCY))
    if limit < 1:
        raise InputError("--concurrency must be at least 1")
    return Endpoint(
        base_url=base_url,
        api_key=api_key,
        model=chosen,
        concurrency=limit,
        timeout=float(section.get("timeout", 120.0)),
        max_output_tokens=int(section.get("max_output_tokens", 4096)),
        prices=file.get("prices", {}),
        lenses=file.get("lenses", []),
    )
