"""A session's search as data: chat fine-tuning records and preference (DPO) records.

Chat records (``{"messages": [...]}``): the request that produced each candidate the
engineer exported, picked (refined, combined, materialized) or marked up, followed by
the model's reply as the assistant turn.

Preference records (``{"prompt", "chosen", "rejected"}``, the conversational shape DPO
trainers take): the prompt is the chosen reply's request; chosen and rejected are
one assistant turn each. Pairs come from the engineer's marks (up over down), an
export over its cluster's other members, and the critics' clear wins (better or equal
on every dimension and ahead overall by at least ``CLEAR_MARGIN``).

Only candidates made by a model call have a request to show; the catalog's and
today's code have none. No API key ever reaches a record: any configured key found
in the text is replaced by ``[redacted]``.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Any, Iterable, Iterator

from divergent.engine import ranking
from divergent.storage.lineage import call_for, exports
from divergent.storage.store import Store

KINDS = ("chat", "preference", "both")
CLEAR_MARGIN = 0.2
PICKS = ("refine", "combine", "materialize")  # actions that name the candidates they start from
REDACTED = "[redacted]"


@dataclass(frozen=True)
class Made:
    """A candidate with the request and the reply it was made from."""

    number: int
    messages: list[dict[str, Any]]
    reply: str


def made_by_calls(store: Store, session: int) -> dict[int, Made]:
    out = {}
    for candidate in store.candidates(session):
        call = call_for(store, candidate.call)
        if call is not None and not candidate.baseline:
            out[candidate.id] = Made(candidate.id, call["messages"], call["response"])
    return out


def picked(store: Store, session: int) -> set[int]:
    """Candidates the engineer started an action from (the autopilot's own choices left out)."""
    out: set[int] = set()
    autopilot = False
    for row in store.events(session):
        if row.kind in ("autopilot_started", "autopilot_stopped"):
            autopilot = row.kind == "autopilot_started"
        elif row.kind == "action_started" and not autopilot:
            data = row.data
            if data.get("action") in PICKS:
                out.update(data.get("candidates") or [data["candidate"]])
    return out


def exported(store: Store, session: int) -> list[int]:
    seen: list[int] = []
    for e in exports(store, session):
        if e["candidate"] not in seen:
            seen.append(e["candidate"])
    return seen


def chosen_for_chat(store: Store, session: int) -> list[int]:
    """Exported, picked or marked up, in that order, each once."""
    ups = sorted(n for n, mark in store.marks(session).items() if mark > 0)
    order: list[int] = []
    for n in [*exported(store, session), *sorted(picked(store, session)), *ups]:
        if n not in order:
            order.append(n)
    return order


def chat_records(store: Store, session: int) -> Iterator[dict]:
    made = made_by_calls(store, session)
    for number in chosen_for_chat(store, session):
        if number in made:
            m = made[number]
            yield {"messages": [*m.messages, {"role": "assistant", "content": m.reply}]}


def clear_wins(vectors: dict[int, dict[str, float]], overall: dict[int, float]) -> list[tuple[int, int]]:
    """(winner, loser) pairs: the loser's strongest clear winner, for each loser that has one."""
    pairs = []
    for loser, lv in vectors.items():
        winners = [
            w for w, wv in vectors.items()
            if w != loser
            and overall.get(w, 0.0) - overall.get(loser, 0.0) >= CLEAR_MARGIN
            and all(wv.get(d, 0.0) >= s for d, s in lv.items() if d in wv)
        ]
        if winners:
            pairs.append((max(winners, key=lambda w: (overall.get(w, 0.0), -w)), loser))
    return pairs


def preference_pairs(store: Store, session: int, numbers: Iterable[int]) -> list[tuple[int, int]]:
    """(chosen, rejected) candidate numbers from marks, exports and the critics, each pair once."""
    numbers = set(numbers)
    marks = store.marks(session)
    pairs: list[tuple[int, int]] = []
    ups = sorted(n for n, m in marks.items() if m > 0)
    downs = sorted(n for n, m in marks.items() if m < 0)
    pairs += [(u, d) for u in ups for d in downs]
    favoured = {*exported(store, session), *ups}
    for number in exported(store, session):
        for cluster in store.clusters(session):
            if number in cluster.members:
                pairs += [(number, other) for other in cluster.members if other not in favoured]
    assessments = store.assessments(session)
    vectors = {n: ranking.scores(found) for n, found in assessments.items() if n in numbers}
    overall = store.overall(session)
    pairs += clear_wins(vectors, overall)
    unique: list[tuple[int, int]] = []
    for chosen, rejected in pairs:
        if chosen in numbers and rejected in numbers and chosen != rejected and (chosen, rejected) not in unique:
            unique.append((chosen, rejected))
    return unique


def preference_records(store: Store, session: int) -> Iterator[dict]:
    made = made_by_calls(store, session)
    for chosen, rejected in preference_pairs(store, session, made):
        if made[chosen].reply == made[rejected].reply:
            continue  # the same words can be no lesson
        yield {
            "prompt": made[chosen].messages,
            "chosen": [{"role": "assistant", "content": made[chosen].reply}],
            "rejected": [{"role": "assistant", "content": made[rejected].reply}],
        }


def secrets() -> list[str]:
    """Every API key configured where divergent looks for one."""
    from divergent.llm import config

    found = [os.environ.get("OPENAI_API_KEY", "")]
    try:
        found.append(str(config.read_config_file().get("endpoint", {}).get("api_key", "")))
    except Exception:  # an unreadable config file holds no key we could leak
        pass
    return [s for s in found if len(s) >= 8 and s != config.PLACEHOLDER_KEY]


def redact(record: Any, keys: list[str]) -> Any:
    if isinstance(record, str):
        for key in keys:
            record = record.replace(key, REDACTED)
        return record
    if isinstance(record, list):
        return [redact(x, keys) for x in record]
    if isinstance(record, dict):
        return {k: redact(v, keys) for k, v in record.items()}
    return record


def records(store: Store, sessions: list[int], kind: str = "both") -> Iterator[tuple[str, dict]]:
    """("chat" | "preference", record) for each session in turn, keys redacted."""
    keys = secrets()
    for session in sessions:
        if kind in ("chat", "both"):
            for r in chat_records(store, session):
                yield "chat", redact(r, keys)
        if kind in ("preference", "both"):
            for r in preference_records(store, session):
                yield "preference", redact(r, keys)


def write_jsonl(store: Store, sessions: list[int], out, kind: str = "both") -> dict[str, int]:
    """Write one JSON object a line to the text stream ``out``; returns counts by kind."""
    counts = {"chat": 0, "preference": 0}
    for which, record in records(store, sessions, kind):
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        counts[which] += 1
    return counts


def nothing_to_write(kind: str, which: str) -> str:
    """Why a traces run wrote nothing (it fails: never success with nothing)."""
    records_of = "" if kind == "both" else kind + " "
    return (
        f"no {records_of}records in {which}: no model-made candidate was exported, picked or marked, "
        "and the critics found no clear win"
    )


def wrote(counts: dict[str, int], which: str, where: str) -> str:
    return f"wrote {counts['chat']} chat and {counts['preference']} preference records from {which} to {where}"
