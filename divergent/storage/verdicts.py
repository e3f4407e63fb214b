"""Facts that arrive after a candidate was stored: its tests' verdict, and whether it is a
near-duplicate of an earlier design (known once it is clustered)."""

from __future__ import annotations

from divergent.storage.store import Store


def set_validity(store: Store, session: int, number: int, valid: bool, reason: str) -> None:
    """A later verdict on a stored candidate's validity."""
    with store.write():
        store.db.execute(
            "update candidates set valid = ?, invalid_reason = ? where session_id = ? and number = ?",
            [int(valid), reason, session, number],
        )


def set_near(store: Store, session: int, number: int, of: int, alike: float) -> None:
    """Candidate ``number`` is a near-duplicate of the earlier design ``of``, ``alike`` % alike."""
    with store.write():
        store.db.execute(
            "update candidates set near_of = ?, near_alike = ? where session_id = ? and number = ?",
            [of, alike, session, number],
        )


def near(store: Store, session: int) -> dict[int, tuple[int, float]]:
    """Each near-duplicate of the session: number -> (the design it is most like, % alike)."""
    rows = store.db.query("select number, near_of, near_alike from candidates where session_id = ? and near_of is not null", [session])
    return {r["number"]: (r["near_of"], r["near_alike"]) for r in rows}
