import json
from typing import Protocol

from shop.store import Store


class Renderer(Protocol):
    def render(self, rows: list[str]) -> str: ...


RENDERERS = {
    "csv": ",".join,
    "json": json.dumps,
    "text": lambda rows: "\n".join(rows),
}


class ReportService:
    def __init__(self, store: Store, fallback: Renderer):
        self.store = store
        self.fallback = fallback

    def render(self, format):
        rows = self.store.rows()
        renderer = RENDERERS.get(format)
        return renderer(rows) if renderer else self.fallback.render(rows)
