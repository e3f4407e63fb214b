"""Where the model is: environment variables first, then the TOML config file.

``OPENAI_API_KEY``, ``OPENAI_BASE_URL``, ``DIVERGENT_MODEL``, and
``config.toml`` in the user config directory::

    [endpoint]
    base_url = "http://localhost:11434/v1"
    model = "qwen2.5-coder"
    concurrency = 16              # requests in flight at once, or "auto": 1-2 for a server that queues
    timeout = 120                 # seconds of silence from a server answering (or about to answer) a request
    structured = "auto"           # or "json_schema", "json_object", "text"
    max_output_tokens = 4096      # the cap on each reply
    context_tokens = 8192         # the model's context, when the server does not say
    temperature = 0               # every request at this temperature (default: each asker's own)

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
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import platformdirs

from divergent.llm import config_types
from divergent.model import InputError

DEFAULT_MODEL = "gpt-4o-mini"
DEFAULT_CONCURRENCY = 16
STRUCTURED = ("auto", "json_schema", "json_object", "text")
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
    if path.is_dir():
        raise InputError(f"the config file {path} is a directory: name a TOML file (DIVERGENT_CONFIG)")
    try:
        found = tomllib.loads(path.read_text())
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise InputError(f"cannot read the config file {path}: {error}") from None
    except OSError as error:
        raise InputError(f"cannot read the config file {path}: {error.strerror or error}") from None
    return config_types.check(found, path)


@dataclass(frozen=True)
class Endpoint:
    base_url: str | None
    api_key: str = field(repr=False)  # never printed, logged or stored
    model: str
    concurrency: int = DEFAULT_CONCURRENCY  # the most requests in flight
    auto_concurrency: bool = False  # fit the requests in flight to what the server does (pacing)
    timeout: float = 120.0
    max_output_tokens: int = 4096
    structured: str = "auto"  # or one dialect forced: json_schema | json_object | text
    context_tokens: int = 0  # 0: as the server says
    temperature: float | None = None  # set: every request at this temperature (0 for repeatable runs)
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


def load(model: str | None = None, concurrency: int | str | None = None) -> Endpoint:
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
    asked = concurrency or section.get("concurrency", DEFAULT_CONCURRENCY)
    auto = asked == "auto"
    limit = DEFAULT_CONCURRENCY if auto else int(asked)
    if limit < 1:
        raise InputError("--concurrency must be at least 1")
    structured = section.get("structured", "auto")
    if structured not in STRUCTURED:
        raise InputError(f"[endpoint] structured must be one of {', '.join(STRUCTURED)}, not {structured!r}")
    return Endpoint(
        base_url=check_base_url(base_url),
        api_key=api_key,
        model=chosen,
        concurrency=limit,
        auto_concurrency=auto,
        timeout=float(section.get("timeout", 120.0)),
        max_output_tokens=_whole(section, "max_output_tokens", 4096, least=16),
        structured=structured,
        context_tokens=_whole(section, "context_tokens", 0, least=0),
        temperature=_temperature(section.get("temperature")),
        prices=file.get("prices", {}),
        lenses=file.get("lenses", []),
    )


def _whole(section: dict[str, Any], key: str, default: int, least: int) -> int:
    value = section.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < least:
        raise InputError(f"[endpoint] {key} must be a whole number of at least {least}, not {value!r}")
    return value


def _temperature(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 2:
        raise InputError(f"[endpoint] temperature must be a number from 0 to 2, not {value!r}")
    return float(value)


def check_base_url(url: str | None) -> str | None:
    """The base URL when it is an http(s) URL with a host; InputError naming it otherwise."""
    if url is None:
        return None
    parts = urllib.parse.urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(f"the model endpoint {url!r} is not an http:// or https:// URL (set OPENAI_BASE_URL or [endpoint] base_url)")
    return url.strip()
