"""Verdicts that arrive after a candidate was stored (its tests ran beside the stream)."""

from __future__ import annotations

from divergent.storage.store import Store


def set_validity(store: Store, session: int, number: int, valid: bool, reason: str) -> None:
    """A later verdict on a stored candidate's validity."""
    with store.write():
        store.db.execute(
            "update candidates set valid = ?, invalid_reason = ? where session_id = ? and number = ?",
            [int(valid), reason, session, number],
        )
