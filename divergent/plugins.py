"""Finding plugins by name: built-ins register here, third parties through entry points."""

from __future__ import annotations

from dataclasses import dataclass
from importlib.metadata import entry_points
from typing import Callable, Generic, TypeVar

from divergent.model import InputError

T = TypeVar("T")


@dataclass(frozen=True)
class Source:
    """Where a plugin comes from: its distribution (package) and version, or why it failed to load."""

    package: str
    version: str = ""
    error: str = ""


class Registry(Generic[T]):
    """Factories by name, filled by ``register`` and the entry-point group ``group``."""

    def __init__(self, group: str, kind: str) -> None:
        self.group = group
        self.kind = kind
        self._factories: dict[str, Callable[[], T]] = {}
        self._sources: dict[str, Source] = {}
        self._loaded = False

    def _load(self) -> None:
        if self._loaded:
            return
        self._loaded = True
        for ep in entry_points(group=self.group):
            if ep.name in self._factories:
                continue
            dist = ep.dist
            package, version = (dist.name, dist.version) if dist is not None else (ep.module.partition(".")[0], "")
            try:
                self._factories[ep.name] = ep.load()
            except Exception as error:  # a broken plugin must not take the others down with it
                self._sources[ep.name] = Source(package, version, f"{type(error).__name__}: {error}")
                continue
            self._sources[ep.name] = Source(package, version)

    def names(self) -> list[str]:
        self._load()
        return sorted(self._factories)

    def sources(self) -> dict[str, Source]:
        """Every plugin found, loaded or not, with the package it comes from."""
        self._load()
        return dict(sorted(self._sources.items()))

    def create(self, name: str) -> T:
        return self.factory(name)()

    def factory(self, name: str) -> Callable[..., T]:
        """What makes the plugin ``name`` (a class, for entry points); InputError names the others."""
        self._load()
        try:
            return self._factories[name]
        except KeyError:
            broken = self._sources.get(name)
            if broken is not None and broken.error:
                raise InputError(f"the {self.kind} {name!r} from {broken.package} failed to load: {broken.error}") from None
            raise InputError(f"no {self.kind} named {name!r} (available: {', '.join(self.names())})") from None


def needs_model(plugin: object) -> bool:
    """A plugin's declared ``needs_model``: explorers and critics that ask a model say so;
    one that leaves it out works offline."""
    return bool(getattr(plugin, "needs_model", False))
