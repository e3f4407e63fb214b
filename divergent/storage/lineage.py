"""Lineage: where each candidate came from and where it went.

A candidate made by a model call carries that call's cache key; the call row gets
the candidate's id. Every clustering is kept as a numbered generation, and every
export is an event saying what left, where to, and which candidate it was.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from sqlite_utils import Database

from divergent.model import Cluster

if TYPE_CHECKING:
    from divergent.storage.store import Store

EXPORT = "export"


def link_call(db: Database, session: int, candidate_id: int, key: str) -> None:
    """Point this session's calls with ``key`` that made no candidate yet at ``candidate_id``.

    A reply served from the cache made no new call row: the candidate still carries
    the key, which finds the call (in any session) that first fetched the reply.
    """
    if key:
        db.execute(
            "update llm_calls set candidate_id = ? where session_id = ? and cache_key = ? "
            "and error = '' and candidate_id is null",
            [candidate_id, session, key],
        )


def call_for(store: Store, key: str) -> dict[str, Any] | None:
    """The successful call whose reply a candidate was made from: messages and reply."""
    if not key:
        return None
    rows = list(
        store.db.query(
            "select id, session_id, explorer, model, messages, response from llm_calls "
            "where cache_key = ? and error = '' order by id limit 1",
            [key],
        )
    )
    if not rows:
        return None
    row = rows[0]
    return {**row, "messages": json.loads(row["messages"])}


def record_clusters(db: Database, session: int, clusters: list[Cluster], at: str) -> int:
    """Append this clustering to the session's history; returns its generation number."""
    row = next(db.query("select max(generation) as g from cluster_history where session_id = ?", [session]))
    generation = 1 if row["g"] is None else row["g"] + 1
    db["cluster_history"].insert_all(
        {
            "session_id": session,
            "generation": generation,
            "number": c.id,
            "label": c.label,
            "medoid": c.medoid,
            "members_json": json.dumps(c.members),
            "at": at,
        }
        for c in clusters
    )
    return generation


def cluster_history(store: Store, session: int) -> list[list[Cluster]]:
    """Every clustering of the session, oldest first."""
    generations: dict[int, list[Cluster]] = {}
    for r in store.db["cluster_history"].rows_where("session_id = ?", [session], order_by="generation, number"):
        generations.setdefault(r["generation"], []).append(Cluster(r["number"], r["label"], json.loads(r["members_json"]), r["medoid"]))
    return [generations[g] for g in sorted(generations)]


def record_export(store: Store, session: int, number: int, kind: str, where: str) -> None:
    """An export as an event: what (patch, branch, adr), where to, which candidate."""
    store.add_event(session, EXPORT, {"candidate": number, "what": kind, "where": where})


def exports(store: Store, session: int) -> list[dict[str, Any]]:
    """The session's exports, oldest first, each with ``at``."""
    rows = store.db.query("select at, data from events where session_id = ? and kind = ? order by id", [session, EXPORT])
    return [{**json.loads(r["data"]), "at": r["at"]} for r in rows]
