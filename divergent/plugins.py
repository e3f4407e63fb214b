"""Finding plugins by name: built-ins register here, third parties through entry points."""

from __future__ import annotations

from importlib.metadata import entry_points
from typing import Callable, Generic, TypeVar

from divergent.model import InputError

T = TypeVar("T")


class Registry(Generic[T]):
    """Factories by name, filled by ``register`` and the entry-point group ``group``."""

    def __init__(self, group: str, kind: str) -> None:
        self.group = group
        self.kind = kind
        self._factories: dict[str, Callable[[], T]] = {}
        self._loaded = False

    def register(self, name: str, factory: Callable[[], T]) -> None:
        self._factories[name] = factory

    def _load(self) -> None:
        if self._loaded:
            return
        self._loaded = True
        for ep in entry_points(group=self.group):
            self._factories.setdefault(ep.name, ep.load())

    def names(self) -> list[str]:
        self._load()
        return sorted(self._factories)

    def create(self, name: str) -> T:
        self._load()
        try:
            return self._factories[name]()
        except KeyError:
            raise InputError(f"no {self.kind} named {name!r} (available: {', '.join(self.names())})") from None
