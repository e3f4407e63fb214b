"""Endpoint dialects in SQLite: implements ``llm.dialect.DialectMemory``."""

from __future__ import annotations

from divergent.llm.dialect import Dialect
from divergent.storage.store import Store, now


class SqliteDialects:
    """What each base URL and model was found to accept; shared by every session in the file."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def load(self, base_url: str, model: str) -> Dialect | None:
        rows = list(
            self.store.db.query(
                "select structured, cap, context_tokens, confirmed, pace from endpoint_dialects where base_url = ? and model = ?",
                [base_url, model],
            )
        )
        if not rows:
            return None
        row = rows[0]
        return Dialect(row["structured"], row["cap"], row["context_tokens"] or 0, bool(row["confirmed"]), row["pace"] or "")

    def save(self, base_url: str, model: str, dialect: Dialect) -> None:
        with self.store.write():
            self.store.db["endpoint_dialects"].upsert(
                {
                    "base_url": base_url,
                    "model": model,
                    "structured": dialect.structured,
                    "cap": dialect.cap,
                    "context_tokens": dialect.context_tokens,
                    "confirmed": int(dialect.confirmed),
                    "pace": dialect.pace,
                    "updated_at": now(),
                },
                pk=("base_url", "model"),
            )
