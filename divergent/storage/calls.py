"""The model call log in SQLite: every call recorded, successful ones reused as a cache."""

from __future__ import annotations

import json

from divergent.llm.client import CallRecord
from divergent.model import Usage
from divergent.storage.store import Store, now


class SqliteCallLog:
    """Implements ``llm.client.CallLog`` for one session. The API key is never among the fields."""

    def __init__(self, store: Store, session: int) -> None:
        self.store = store
        self.session = session

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

    def record(self, call: CallRecord) -> None:
        with self.store.db.atomic():
            self.store.db["llm_calls"].insert(
                {
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
                    "created_at": now(),
                },
                alter=True,
            )


def session_usage(store: Store, session: int) -> Usage:
    """What a session spent: every request sent (failed ones too), their tokens and cost."""
    row = next(
        store.db.query(
            "select count(*) as requests, coalesce(sum(input_tokens), 0) as input_tokens, "
            "coalesce(sum(output_tokens), 0) as output_tokens, coalesce(sum(cost_usd), 0) as cost_usd "
            "from llm_calls where session_id = ?",
            [session],
        )
    )
    return Usage(row["requests"], row["input_tokens"], row["output_tokens"], row["cost_usd"])
