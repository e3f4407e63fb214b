"""Reading and writing sessions. Every write is one transaction, committed at once."""

from __future__ import annotations

import json
import os
import re
from dataclasses import asdict, fields
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import platformdirs
from sqlite_utils import Database

from divergent.model import Assessment, CallSite, Candidate, Cluster, ContextPart, Fidelity, InputError, Problem, Target
from divergent.storage.connection import connect, transaction
from divergent.storage.lineage import link_call, record_clusters
from divergent.storage.records import EventRecord, MadeAt, SessionRecord


def default_path() -> Path:
    env = os.environ.get("DIVERGENT_DB")
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir("divergent", appauthor=False)) / "divergent.db"


def assessment_rows(candidate_id: int, assessments: list[Assessment]):
    return (
        {
            "candidate_id": candidate_id,
            "critic": a.critic,
            "dimension": a.dimension,
            "score": a.score,
            "raw": json.dumps(a.raw),
            "evidence": a.evidence,
        }
        for a in assessments
    )


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class Store:
    """The sessions database. Keep one per thread (sqlite3 connections are bound to theirs).

    ``readonly`` opens the file for reading only (commands that only show things):
    the file is never changed, and one that needs a migration is refused.
    """

    def __init__(self, path: Path | str | None = None, readonly: bool = False) -> None:
        self.path = Path(path).expanduser() if path else default_path()
        self.readonly = readonly
        self.db: Database = connect(self.path, readonly)

    def write(self):
        """A short write transaction that holds the write lock from its start."""
        if self.readonly:
            raise RuntimeError(f"{self.path} was opened read-only")
        return transaction(self.db, self.path)

    def changes(self) -> int:
        """Rows this connection has changed since it opened (to tell whether a command wrote)."""
        return self.db.conn.total_changes

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # sessions -----------------------------------------------------------

    def create_session(self, problem: Problem, offline: bool, model: str = "", budget: int = 0) -> int:
        extra = {
            "signatures": problem.signatures,
            "call_sites": [asdict(c) for c in problem.call_sites],
            "used_names": problem.used_names,
            "constraints": problem.constraints,
            "source": problem.source,
            "context": [part.to_dict() for part in problem.context],
        }
        with self.write():
            table = self.db["sessions"].insert(
                {
                    "created_at": now(),
                    "updated_at": now(),
                    "repo": problem.target.repo,
                    "target": problem.target.spec,
                    "target_json": json.dumps(problem.target.to_dict()),
                    "commit_sha": problem.target.commit,
                    "goal": problem.goal,
                    "problem_json": json.dumps(extra),
                    "offline": int(offline),
                    "model": model,
                    "budget_requests": budget,
                    "status": "running",
                }
            )
            session = table.last_pk
            for text in problem.scenarios:
                units = json.dumps(problem.scenario_terms.get(text, []))
                self.db["scenarios"].insert({"session_id": session, "text": text, "source": "engineer", "units": units})
        return session

    def set_status(self, session: int, status: str) -> None:
        with self.write():
            self.db["sessions"].update(session, {"status": status, "updated_at": now()})

    def session(self, session: int) -> SessionRecord:
        rows = list(self.db["sessions"].rows_where("id = ?", [session]))
        if not rows:
            raise InputError(f"no session {session} in {self.path}")
        row = rows[0]
        known = {f.name for f in fields(SessionRecord)} - {"offline", "budget_requests", "plugins", "verify"}
        return SessionRecord(
            **{k: v for k, v in row.items() if k in known},
            offline=bool(row["offline"]),
            budget_requests=row["budget_requests"] or 0,
            plugins=json.loads(row["plugins_json"]) if row.get("plugins_json") else None,
            verify=json.loads(row["verify_json"]) if row.get("verify_json") else None,
        )

    def set_plugins(self, session: int, plugins: dict[str, list[str]]) -> None:
        with self.write():
            self.db["sessions"].update(session, {"plugins_json": json.dumps(plugins)})

    def set_verify(self, session: int, verify: dict[str, Any] | None) -> None:
        """How the session verifies its candidates (None: it does not), for reopening it."""
        with self.write():
            self.db["sessions"].update(session, {"verify_json": json.dumps(verify) if verify else ""})

    def resolve_session(self, ref: str) -> int:
        if ref == "last":
            row = next(self.db.query("select max(id) as id from sessions"))
            if row["id"] is None:
                raise InputError(f"no sessions yet in {self.path}")
            return row["id"]
        if not (ref.isascii() and ref.isdigit()):
            raise InputError(f"not a session id: {ref!r} (a number, or 'last')")
        return self.session(int(ref)).id

    def problem(self, session: int) -> Problem:
        row = self.session(session)
        extra = json.loads(row.problem_json)
        target = Target(**json.loads(row.target_json))
        rows = list(self.db["candidates"].rows_where("session_id = ? and number = 0", [session]))
        files = self._row_to_candidate(rows[0]).files if rows else {}  # none: killed before it was stored
        scenarios = list(self.db["scenarios"].rows_where("session_id = ?", [session], order_by="id"))
        return Problem(
            target=target,
            goal=row.goal,
            constraints=extra.get("constraints", []),
            scenarios=[r["text"] for r in scenarios],
            scenario_terms={r["text"]: json.loads(r["units"]) for r in scenarios if json.loads(r["units"])},
            files=files,
            source=extra.get("source", ""),
            signatures=extra.get("signatures", []),
            call_sites=[CallSite(**c) for c in extra.get("call_sites", [])],
            used_names=extra.get("used_names", []),
            context=[ContextPart(**part) for part in extra.get("context", [])],
        )

    def sessions(self) -> list[dict[str, Any]]:
        return list(
            self.db.query(
                """
                select s.id, s.created_at, s.repo, s.target, s.goal, s.status, s.offline,
                       count(c.id) as candidates,
                       max(case when c.baseline = 0 and c.valid = 1 then c.overall end) as best_overall
                from sessions s left join candidates c on c.session_id = s.id
                group by s.id order by s.id desc
                """
            )
        )

    def delete_session(self, session: int) -> None:
        with self.write():
            for table in ("candidate_files", "assessments"):
                self.db[table].delete_where("candidate_id in (select id from candidates where session_id = ?)", [session])
            self.db["candidates"].delete_where("session_id = ?", [session])
            for table in ("clusters", "cluster_history", "events", "scenarios", "llm_calls", "marks"):
                self.db[table].delete_where("session_id = ?", [session])
            self.db["sessions"].delete(session)

    # candidates ---------------------------------------------------------

    def next_number(self, session: int) -> int:
        row = next(self.db.query("select max(number) as n from candidates where session_id = ?", [session]))
        return 0 if row["n"] is None else row["n"] + 1

    def add_candidate(self, session: int, candidate: Candidate, assessments: list[Assessment], overall: float) -> int:
        """Store a scored candidate with its files and assessments, in one transaction."""
        with self.write():
            number = candidate.id if candidate.id is not None else self.next_number(session)
            row = self.db["candidates"].insert(
                {
                    "session_id": session,
                    "number": number,
                    "title": candidate.title,
                    "summary": candidate.summary,
                    "rationale": candidate.rationale,
                    "explorer": candidate.explorer,
                    "lens": candidate.lens,
                    "parents": json.dumps(candidate.parents),
                    "fidelity": candidate.fidelity.value,
                    "choices": json.dumps(candidate.choices),
                    "baseline": int(candidate.baseline),
                    "valid": int(candidate.valid),
                    "invalid_reason": candidate.invalid_reason,
                    "cluster": candidate.cluster,
                    "overall": overall,
                    "created_at": now(),
                    "call_key": candidate.call,
                }
            )
            cid = row.last_pk
            link_call(self.db, session, cid, candidate.call)
            self.db["candidate_files"].insert_all(
                [{"candidate_id": cid, "path": path, "content": content} for path, content in candidate.files.items()]
                + [{"candidate_id": cid, "path": path, "content": None} for path in candidate.deleted]  # NULL: deleted
            )
            self.db["assessments"].insert_all(assessment_rows(cid, assessments))
            self.db["sessions"].update(session, {"updated_at": now()})
        candidate.id = number
        return number

    def _row_to_candidate(self, row: dict[str, Any]) -> Candidate:
        rows = list(self.db["candidate_files"].rows_where("candidate_id = ?", [row["id"]], order_by="path"))
        return Candidate(
            title=row["title"],
            files={f["path"]: f["content"] for f in rows if f["content"] is not None},
            deleted=[f["path"] for f in rows if f["content"] is None],
            summary=row["summary"],
            rationale=row["rationale"],
            explorer=row["explorer"],
            lens=row["lens"],
            parents=json.loads(row["parents"]),
            fidelity=Fidelity(row["fidelity"]),
            choices=json.loads(row["choices"]),
            baseline=bool(row["baseline"]),
            valid=bool(row["valid"]),
            invalid_reason=row["invalid_reason"],
            id=row["number"],
            cluster=row["cluster"],
            call=row["call_key"],
        )

    def candidate(self, session: int, number: int) -> Candidate:
        rows = list(self.db["candidates"].rows_where("session_id = ? and number = ?", [session, number]))
        if not rows:
            raise InputError(f"no candidate {number} in session {session}")
        return self._row_to_candidate(rows[0])

    def candidates(self, session: int) -> list[Candidate]:
        rows = self.db["candidates"].rows_where("session_id = ?", [session], order_by="number")
        return [self._row_to_candidate(r) for r in rows]

    def assessments(self, session: int, number: int | None = None) -> dict[int, list[Assessment]]:
        sql = """
            select c.number, a.* from assessments a join candidates c on c.id = a.candidate_id
            where c.session_id = ?""" + (" and c.number = ?" if number is not None else "") + " order by c.number, a.critic, a.dimension"
        args = [session] + ([number] if number is not None else [])
        out: dict[int, list[Assessment]] = {}
        for r in self.db.query(sql, args):
            out.setdefault(r["number"], []).append(
                Assessment(r["critic"], r["dimension"], r["score"], json.loads(r["raw"]), r["evidence"])
            )
        return out

    def replace_assessments(self, session: int, number: int, assessments: list[Assessment]) -> None:
        """Add or replace a candidate's assessments (a later critic pass, a rescore)."""
        with self.write():
            cid = self._candidate_id(session, number)
            self.db["assessments"].upsert_all(assessment_rows(cid, assessments), pk=("candidate_id", "critic", "dimension"))

    def add_scenario(self, session: int, text: str, units: list[str] | None = None, source: str = "engineer") -> None:
        with self.write():
            self.db["scenarios"].insert({"session_id": session, "text": text, "source": source, "units": json.dumps(units or [])})

    def set_scenario_units(self, session: int, text: str, units: list[str]) -> None:
        with self.write():
            self.db.execute("update scenarios set units = ? where session_id = ? and text = ?", [json.dumps(units), session, text])

    def clear_model_assessments(self, session: int, critics: list[str]) -> None:
        """Forget these critics' verdicts (their inputs changed), so they run again."""
        if not critics:
            return
        marks = ", ".join("?" for _ in critics)
        with self.write():
            self.db.execute(
                f"delete from assessments where critic in ({marks}) and candidate_id in "
                "(select id from candidates where session_id = ?)",
                [*critics, session],
            )

    def set_rank(self, session: int, overall: dict[int, float], pareto: set[int]) -> None:
        with self.write():
            for number, value in overall.items():
                self.db.execute(
                    "update candidates set overall = ?, pareto = ? where session_id = ? and number = ?",
                    [value, int(number in pareto), session, number],
                )

    def pareto(self, session: int) -> set[int]:
        return {
            r["number"] for r in self.db.query("select number from candidates where session_id = ? and pareto = 1", [session])
        }

    def _candidate_id(self, session: int, number: int) -> int:
        rows = list(self.db.query("select id from candidates where session_id = ? and number = ?", [session, number]))
        if not rows:
            raise InputError(f"no candidate {number} in session {session}")
        return rows[0]["id"]

    def set_mark(self, session: int, number: int, mark: int) -> None:
        self._candidate_id(session, number)
        with self.write():
            if mark == 0:
                self.db["marks"].delete_where("session_id = ? and number = ?", [session, number])
            else:
                self.db["marks"].upsert({"session_id": session, "number": number, "mark": mark, "at": now()}, pk=("session_id", "number"))

    def marks(self, session: int) -> dict[int, int]:
        return {r["number"]: r["mark"] for r in self.db["marks"].rows_where("session_id = ?", [session])}

    def overall(self, session: int) -> dict[int, float]:
        return {
            r["number"]: r["overall"]
            for r in self.db.query("select number, overall from candidates where session_id = ?", [session])
        }

    # clusters and events ------------------------------------------------

    def set_clusters(self, session: int, clusters: list[Cluster]) -> None:
        with self.write():
            record_clusters(self.db, session, clusters, now())  # the history keeps every clustering
            self.db["clusters"].delete_where("session_id = ?", [session])
            self.db["clusters"].insert_all(
                {"session_id": session, "number": c.id, "label": c.label, "medoid": c.medoid, "members_json": json.dumps(c.members)}
                for c in clusters
            )
            for c in clusters:
                for member in c.members:
                    self.db.execute(
                        "update candidates set cluster = ? where session_id = ? and number = ?", [c.id, session, member]
                    )

    def clusters(self, session: int) -> list[Cluster]:
        return [
            Cluster(r["number"], r["label"], json.loads(r["members_json"]), r["medoid"])
            for r in self.db["clusters"].rows_where("session_id = ?", [session], order_by="number")
        ]

    def events(self, session: int, kinds: tuple[str, ...] = ()) -> list[EventRecord]:
        """The session's event log in order (only ``kinds``, when given)."""
        where = "session_id = ?" + (f" and kind in ({', '.join('?' for _ in kinds)})" if kinds else "")
        return [
            EventRecord(r["id"], r["at"], r["kind"], json.loads(r["data"]), r["requests"])
            for r in self.db["events"].rows_where(where, [session, *kinds], order_by="id")
        ]

    def last_event_id(self, session: int) -> int:
        """The id of the session's latest event (0 when none)."""
        row = next(self.db.query("select coalesce(max(id), 0) as id from events where session_id = ?", [session]))
        return row["id"]

    def failed_calls(self, session: int) -> list[dict[str, Any]]:
        """The session's failed model calls grouped by purpose and error: purpose, error, calls."""
        rows = self.db.query(
            "select explorer as purpose, error, count(*) as calls from llm_calls where session_id = ? and error != '' "
            "group by explorer, error order by min(id)",
            [session],
        )
        return [dict(row) for row in rows]

    def count_events(self, session: int, kind: str) -> int:
        return self.db["events"].count_where("session_id = ? and kind = ?", [session, kind])

    def made_at(self, session: int) -> list[MadeAt]:
        """Every candidate but today's code, in order: who made it and when."""
        return [
            MadeAt(r["number"], r["explorer"], r["created_at"])
            for r in self.db.query(
                "select number, explorer, created_at from candidates where session_id = ? and number != 0 order by number",
                [session],
            )
        ]

    def add_event(self, session: int, kind: str, data: dict[str, Any], requests: int = 0) -> None:
        with self.write():
            self.db["events"].insert(
                {"session_id": session, "at": now(), "kind": kind, "data": json.dumps(data), "requests": requests}
            )

    def search(self, text: str, limit: int = 50) -> list[dict[str, Any]]:
        """Candidates whose title, summary or rationale hold every word of ``text`` (plain words:
        quotes, operators and other fts5 syntax are read as text)."""
        words = re.findall(r"\w+", text)
        if not words:
            raise InputError(f"nothing to search for in {text!r}: give a word")
        query = " ".join('"' + w + '"' for w in words)
        return list(
            self.db.query(
                """
                select c.session_id, c.number, c.title, c.summary from candidates c
                join candidates_fts f on f.rowid = c.id where candidates_fts match ? order by rank limit ?
                """,
                [query, limit],
            )
        )
