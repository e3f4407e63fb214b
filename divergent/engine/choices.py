"""Which explorers make the first wave and which critics score: chosen by name.

From ``--explorers`` / ``--critics`` (comma-separated), else the config file's
``[explore] explorers`` / ``critics`` lists, else the defaults. Third-party plugins
(entry points) are chosen exactly like the built-ins. A session remembers its
choice, so reopening it scores new designs with the same critics.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from divergent.critics.base import CRITICS
from divergent.explorers.base import EXPLORERS
from divergent.model import InputError
from divergent.plugins import Registry, Source, needs_model


def names(value: Any, flag: str) -> list[str] | None:
    """``"a, b"`` or ``["a", "b"]`` -> ["a", "b"]; None when nothing was given."""
    if value is None:
        return None
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
        raise InputError(f"{flag} is a list of names, e.g. lenses,dimensions")
    out = [i.strip() for i in items if i.strip()]
    if not out:
        raise InputError(f"{flag} names no plugin")
    return list(dict.fromkeys(out))


def check(registry: Registry, chosen: list[str], offline: bool, flag: str) -> None:
    """Every name exists; none needs a model when offline."""
    for name in chosen:
        plugin = registry.create(name)  # InputError naming what is available
        if offline and needs_model(plugin):
            raise InputError(f"{flag}: the {registry.kind} {name!r} needs a model endpoint: drop --offline, or leave it out")


def choose(
    explorers: str | list[str] | None,
    critics: str | list[str] | None,
    file: dict[str, Any],
    offline: bool,
    default_explorers: list[str],
    default_critics: list[str],
) -> tuple[list[str], list[str]]:
    """(first-wave explorers, critics): flags win over the config file, which wins over defaults."""
    section = file.get("explore", {}) if isinstance(file.get("explore", {}), dict) else {}
    chosen_explorers = names(explorers, "--explorers") or names(section.get("explorers"), "[explore] explorers") or default_explorers
    chosen_critics = names(critics, "--critics") or names(section.get("critics"), "[explore] critics") or default_critics
    if chosen_explorers is not default_explorers:
        check(EXPLORERS, chosen_explorers, offline, "--explorers")
    if chosen_critics is not default_critics:
        check(CRITICS, chosen_critics, offline, "--critics")
        if "verify" in chosen_critics:
            raise InputError("--critics: verify runs with --verify-tests CMD")
    return list(chosen_explorers), list(chosen_critics)


def remember(store, session: int, explorers: list[str], critics: list[str]) -> None:
    store.set_plugins(session, {"explorers": explorers, "critics": critics})


def recall(store, session: int) -> dict[str, list[str]] | None:
    """The explorers and critics a session was started with (None for sessions older than this)."""
    return store.session(session).plugins


def recall_choice(store, session: int, options) -> None:
    """Reopened, a session's first wave and critics are those it was started with (model ones only online)."""
    saved = recall(store, session)
    if saved is None:
        return
    usable = [n for n in saved["critics"] if n in CRITICS.names() and not (options.offline and needs_model(CRITICS.create(n)))]
    options.critics = usable + [c for c in options.critics if c == "verify"]
    explorers = [n for n in saved["explorers"] if n in EXPLORERS.names() and not (options.offline and needs_model(EXPLORERS.create(n)))]
    options.explorers = explorers or options.explorers


@dataclass(frozen=True)
class Plugin:
    kind: str  # explorer | critic
    name: str
    source: Source
    detail: str  # what it offers: dimensions, whether it needs a model


def listing() -> list[Plugin]:
    """Every explorer and critic found, built-in or third-party, with its package."""
    out = []
    for registry in (EXPLORERS, CRITICS):
        for name, source in registry.sources().items():
            if source.error:
                out.append(Plugin(registry.kind, name, source, f"broken: {source.error}"))
                continue
            plugin = registry.create(name)
            parts = []
            if registry is CRITICS:
                parts.append("dimensions: " + ", ".join(plugin.dimensions))
            parts.append("model" if needs_model(plugin) else "offline")
            out.append(Plugin(registry.kind, name, source, "; ".join(parts)))
    return out
