"""The database schema, as numbered migrations applied in order and recorded.

A new migration names a column holding JSON with a ``_json`` suffix (``target_json``).
"""

from __future__ import annotations

from sqlite_utils import Database, Migrations


class SchemaMigrations(Migrations):
    migrations_table = "schema_migrations"


MIGRATIONS = SchemaMigrations("divergent")


@MIGRATIONS(name="0001_initial")
def _initial(db: Database) -> None:
    db["sessions"].create(
        {
            "id": int,
            "created_at": str,
            "updated_at": str,
            "repo": str,
            "target": str,  # PATH or PATH::Symbol
            "target_json": str,
            "commit_sha": str,
            "goal": str,
            "problem_json": str,  # signatures, call sites, used names
            "offline": int,
            "model": str,
            "budget_requests": int,
            "status": str,  # running | done | failed
        },
        pk="id",
    )
    db["scenarios"].create({"id": int, "session_id": int, "text": str, "source": str}, pk="id", foreign_keys=[("session_id", "sessions", "id")])
    db["candidates"].create(
        {
            "id": int,
            "session_id": int,
            "number": int,  # within the session; 0 is the baseline
            "title": str,
            "summary": str,
            "rationale": str,
            "explorer": str,
            "lens": str,
            "parents": str,  # JSON list of numbers
            "fidelity": str,
            "choices": str,  # JSON object
            "baseline": int,
            "valid": int,
            "invalid_reason": str,
            "cluster": int,
            "overall": float,
            "created_at": str,
        },
        pk="id",
        foreign_keys=[("session_id", "sessions", "id")],
    )
    db["candidates"].create_index(["session_id", "number"], unique=True)
    db["candidate_files"].create(
        {"candidate_id": int, "path": str, "content": str},
        pk=("candidate_id", "path"),
        foreign_keys=[("candidate_id", "candidates", "id")],
    )
    db["assessments"].create(
        {"candidate_id": int, "critic": str, "dimension": str, "score": float, "raw": str, "evidence": str},
        pk=("candidate_id", "critic", "dimension"),
        foreign_keys=[("candidate_id", "candidates", "id")],
    )
    db["clusters"].create(
        {"session_id": int, "number": int, "label": str, "medoid": int, "members": str},
        pk=("session_id", "number"),
        foreign_keys=[("session_id", "sessions", "id")],
    )
    db["events"].create(
        {"id": int, "session_id": int, "at": str, "kind": str, "data": str, "requests": int},
        pk="id",
        foreign_keys=[("session_id", "sessions", "id")],
    )
    db["llm_calls"].create(
        {
            "id": int,
            "session_id": int,
            "explorer": str,
            "model": str,
            "messages": str,
            "params": str,
            "response": str,
            "input_tokens": int,
            "output_tokens": int,
            "latency_ms": float,
            "error": str,
            "cache_key": str,
            "created_at": str,
        },
        pk="id",
    )
    db["llm_calls"].create_index(["cache_key"])
    db["symbol_cache"].create({"blob_sha": str, "language": str, "data": str}, pk="blob_sha")
    db["candidates"].enable_fts(["title", "summary", "rationale"], create_triggers=True)


@MIGRATIONS(name="0002_call_cost")
def _call_cost(db: Database) -> None:
    db["llm_calls"].add_column("cost_usd", float, not_null_default=0.0)
    db["llm_calls"].create_index(["session_id"])


@MIGRATIONS(name="0003_pareto_and_marks")
def _pareto_and_marks(db: Database) -> None:
    db["candidates"].add_column("pareto", int, not_null_default=0)
    db["marks"].create(
        {"session_id": int, "number": int, "mark": int, "at": str},  # mark: +1 thumbs up, -1 down
        pk=("session_id", "number"),
        foreign_keys=[("session_id", "sessions", "id")],
    )


@MIGRATIONS(name="0004_scenario_units")
def _scenario_units(db: Database) -> None:
    db["scenarios"].add_column("units", str, not_null_default="[]")  # JSON: units the scenario touches


@MIGRATIONS(name="0005_lineage")
def _lineage(db: Database) -> None:
    # which model call produced a candidate (its cache key: a reply served from the cache
    # links to the call that first fetched it), and on each call row, the candidate it became
    db["candidates"].add_column("call_key", str, not_null_default="")
    db["llm_calls"].add_column("candidate_id", int)
    db["llm_calls"].create_index(["session_id", "cache_key"])
    # every clustering, kept: generation g of a session holds the clusters as they were then
    db["cluster_history"].create(
        {"session_id": int, "generation": int, "number": int, "label": str, "medoid": int, "members": str, "at": str},
        pk=("session_id", "generation", "number"),
        foreign_keys=[("session_id", "sessions", "id")],
    )


@MIGRATIONS(name="0006_endpoint_dialects")
def _endpoint_dialects(db: Database) -> None:
    # what each endpoint (base URL + model) was found to accept, so it is learned once
    db["endpoint_dialects"].create(
        {"base_url": str, "model": str, "structured": str, "cap": str, "context_tokens": int, "confirmed": int, "updated_at": str},
        pk=("base_url", "model"),
    )
    db["llm_calls"].add_column("finish_reason", str, not_null_default="")  # "length": cut at the cap
    db["llm_calls"].add_column("schema_name", str, not_null_default="")  # which JSON was asked for


@MIGRATIONS(name="0007_session_plugins")
def _session_plugins(db: Database) -> None:
    # the explorers and critics a session was started with (JSON lists; '' for older sessions)
    db["sessions"].add_column("plugins", str, not_null_default="")


@MIGRATIONS(name="0008_call_holds")
def _call_holds(db: Database) -> None:
    # a request is recorded before it is sent (holder: the process holding it); its
    # reply fills that row in. A row still held after a crash counts against the budget.
    db["llm_calls"].add_column("holder", str, not_null_default="")
    db["llm_calls"].create_index(["holder"])


@MIGRATIONS(name="0009_symbol_index")
def _symbol_index(db: Database) -> None:
    # the symbol index (storage/symbols.py): definitions and references per git blob,
    # and which files a grep found at a commit; symbol_cache (0001) marks an indexed blob
    for statement in (
        "create table if not exists symbol_defs (blob_sha text not null, name text not null,"
        " kind text, line integer, end_line integer, signature text)",
        "create index if not exists symbol_defs_blob on symbol_defs (blob_sha)",
        "create index if not exists symbol_defs_name on symbol_defs (name)",
        "create table if not exists symbol_refs (blob_sha text not null, name text not null, lines text,"
        " primary key (blob_sha, name)) without rowid",
        "create index if not exists symbol_refs_name on symbol_refs (name)",
        "create table if not exists symbol_mentions (commit_sha text not null, key text not null, paths text,"
        " primary key (commit_sha, key))",
    ):
        db.execute(statement)


@MIGRATIONS(name="0010_json_suffixes")
def _json_suffixes(db: Database) -> None:
    # columns that hold JSON say so in their names, like target_json
    db.execute("alter table sessions rename column plugins to plugins_json")
    db.execute("alter table clusters rename column members to members_json")
    db.execute("alter table cluster_history rename column members to members_json")


@MIGRATIONS(name="0011_near_duplicates")
def _near_duplicates(db: Database) -> None:
    # a design that joined an earlier design's cluster: the earlier one it is most like,
    # and how alike (0..100, skeleton similarity); NULL for a cluster's first design
    db["candidates"].add_column("near_of", int)
    db["candidates"].add_column("near_alike", float)


@MIGRATIONS(name="0012_session_verify")
def _session_verify(db: Database) -> None:
    # how a session verifies (--verify-tests CMD, its timeout, --verify-jobs, --verify-on):
    # JSON, '' for a session that does not, so that reopening it verifies as it was started
    db["sessions"].add_column("verify_json", str, not_null_default="")


@MIGRATIONS(name="0013_endpoint_pace")
def _endpoint_pace(db: Database) -> None:
    # what pacing found the endpoint does with requests at once (llm/pacing.py), learned once
    db["endpoint_dialects"].add_column("pace", str, not_null_default="")


@MIGRATIONS(name="0014_symbol_rankings")
def _symbol_rankings(db: Database) -> None:
    # a repo map's ranking (storage/symbols.py), under a key made of the blobs, target and
    # names it was computed from: framing the same neighbourhood again reads it back
    db.execute("create table if not exists symbol_rankings (key text primary key, ranking_json text) without rowid")


def migrate(db: Database) -> None:
    MIGRATIONS.apply(db)
