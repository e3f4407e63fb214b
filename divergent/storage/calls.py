"""The model call log in SQLite: every call recorded, successful ones reused as a cache.

A request is written down *before* it is sent (a held row, see ``hold``) and its
reply fills that row in. A process killed while requests are in flight leaves
their held rows behind, and those count as spent: after a crash the budget can
only be overcounted, never exceeded.
"""

from __future__ import annotations

import json
import os
import uuid

from divergent.llm.client import CallRecord
from divergent.model import Usage
from divergent.storage.records import CallAt
from divergent.storage.store import Store, now

IN_FLIGHT = "no reply recorded: the process stopped while the request was in flight"


class SqliteCallLog:
    """Implements ``llm.client.CallLog`` for one session. The API key is never among the fields."""

    def __init__(self, store: Store, session: int) -> None:
        self.store = store
        self.session = session
        self.holder = f"{os.getpid()}-{uuid.uuid4().hex[:12]}"

    def lookup(self, cache_key: str) -> tuple[str, int, int] | None:
        rows = list(
            self.store.db.query(
                "select response, input_tokens, output_tokens from llm_calls "
                "where cache_key = ? and error = '' and finish_reason != 'length' order by id limit 1",
                [cache_key],
            )
        )
        if not rows:
            return None
        return rows[0]["response"], rows[0]["input_tokens"], rows[0]["output_tokens"]

    def hold(self, purpose: str, model: str, cache_key: str) -> None:
        """Record a request about to be sent, committed before it goes out."""
        with self.store.write():
            self.store.db["llm_calls"].insert(
                {
                    "session_id": self.session, "explorer": purpose, "model": model, "messages": "[]", "params": "{}",
                    "response": "", "input_tokens": 0, "output_tokens": 0, "cost_usd": 0.0, "latency_ms": 0.0,
                    "error": IN_FLIGHT, "cache_key": cache_key, "created_at": now(), "holder": self.holder,
                }
            )

    def record(self, call: CallRecord) -> None:
        """The call as it ended: fills in one of this log's held rows (or a new row if none is held)."""
        fields = {
            "session_id": self.session,
            "explorer": call.purpose,
            "model": call.model,
            "messages": json.dumps(call.messages),
            "params": json.dumps(call.params),
            "response": call.response,
            "input_tokens": call.input_tokens,
            "output_tokens": call.output_tokens,
            "cost_usd": call.cost_usd,
            "latency_ms": round(call.latency_ms, 1),
            "error": call.error,
            "cache_key": call.cache_key,
            "finish_reason": call.finish_reason,
            "schema_name": call.schema_name,
            "holder": "",
        }
        with self.store.write():
            held = list(
                self.store.db.query(
                    "select id from llm_calls where holder = ? and cache_key = ? order by id limit 1",
                    [self.holder, call.cache_key],
                )
            ) or list(self.store.db.query("select id from llm_calls where holder = ? order by id limit 1", [self.holder]))
            if held:
                self.store.db["llm_calls"].update(held[0]["id"], fields)
            else:
                self.store.db["llm_calls"].insert({**fields, "created_at": now()})


def session_usage(store: Store, session: int) -> Usage:
    """What a session spent: every request sent (failed ones and those in flight too), their tokens and cost."""
    row = next(
        store.db.query(
            "select count(*) as requests, coalesce(sum(input_tokens), 0) as input_tokens, "
            "coalesce(sum(output_tokens), 0) as output_tokens, coalesce(sum(cost_usd), 0) as cost_usd "
            "from llm_calls where session_id = ?",
            [session],
        )
    )
    return Usage(row["requests"], row["input_tokens"], row["output_tokens"], row["cost_usd"])


def calls_at(store: Store, session: int) -> list[CallAt]:
    """The session's model calls in the order they were sent, with the schema each asked for."""
    return [
        CallAt(r["id"], r["explorer"], r["error"], r["created_at"], r["schema"])
        for r in store.db.query(
            "select id, explorer, error, created_at, coalesce(nullif(schema_name, ''), "
            "json_extract(params, '$.response_format.json_schema.name')) as schema "
            "from llm_calls where session_id = ? order by id",
            [session],
        )
    ]
