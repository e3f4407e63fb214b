"""Traces: a session's search as chat and preference records; and the lineage they read.

The records are checked against what the fake server received and sent back
(its request log, and its own responder), never against what traces computed.
"""

from __future__ import annotations

import json

import pytest
from conftest import SECRET_KEY
from fake_openai import default_content

from divergent.storage.lineage import cluster_history, exports
from divergent.storage.store import Store

TARGET = "shop/reports.py::ReportService"


@pytest.fixture
def session(sample_repo, endpoint_env, cli) -> int:
    code, _, err = cli("explore", sample_repo / TARGET, "--repo", sample_repo, "--headless", "--candidates", "6")
    assert code == 0, err
    return 1


def model_numbers(cli, session: int) -> dict[int, str]:
    document = cli.json("show", str(session))
    return {c["id"]: c["title"] for c in document["candidates"] if c["explorer"] in ("lenses", "dimensions", "refine")}


def read(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def reply_to(server, messages: list[dict]) -> str:
    """What the fake server answered to the request that carried these messages."""
    bodies = [r["body"] for r in server.requests if r["path"].endswith("/chat/completions") and r["body"]["messages"] == messages]
    assert bodies, "no such request reached the server"
    return default_content(bodies[0], "json")


def test_chat_records_are_the_requests_and_replies_of_exported_marked_and_picked_candidates(session, cli, endpoint_env, tmp_path):
    titles = model_numbers(cli, session)
    exported, up, down = sorted(titles)[:3]
    assert cli("steer", str(session), "mark", str(up), "up")[0] == 0
    assert cli("steer", str(session), "mark", str(down), "down")[0] == 0
    assert cli("export", str(session), str(exported), "--patch", tmp_path / "c.diff")[0] == 0
    refined = sorted(titles)[3]
    assert cli("steer", str(session), "refine", str(refined))[0] == 0

    code, _, err = cli("traces", str(session), "--jsonl", tmp_path / "t.jsonl", "--kind", "chat")
    assert code == 0, err
    chat = read(tmp_path / "t.jsonl")
    assert len(chat) == 3 and all(set(r) == {"messages"} for r in chat)
    for record in chat:
        *request, answer = record["messages"]
        assert answer["role"] == "assistant" and request[-1]["role"] == "user"
        assert answer["content"] == reply_to(endpoint_env, request)
    assert sorted(json.loads(r["messages"][-1]["content"])["title"] for r in chat) == sorted(titles[n] for n in (exported, up, refined))  # not the one marked down


def test_preference_records_put_the_engineer_s_marks_and_exports_first(session, cli, endpoint_env, tmp_path, db_path):
    titles = model_numbers(cli, session)
    up, down = sorted(titles)[:2]
    cli("steer", str(session), "mark", str(up), "up")
    cli("steer", str(session), "mark", str(down), "down")
    code, _, err = cli("traces", str(session), "--jsonl", tmp_path / "p.jsonl", "--kind", "preference")
    assert code == 0, err
    records = read(tmp_path / "p.jsonl")
    assert records and all(set(r) == {"prompt", "chosen", "rejected"} for r in records)
    first = records[0]
    assert json.loads(first["chosen"][0]["content"])["title"] == titles[up]
    assert json.loads(first["rejected"][0]["content"])["title"] == titles[down]
    assert first["chosen"][0]["content"] == reply_to(endpoint_env, first["prompt"])
    for r in records:
        assert r["chosen"][0]["role"] == r["rejected"][0]["role"] == "assistant"
        assert r["chosen"] != r["rejected"]


def test_no_api_key_in_a_trace_even_when_the_engineer_typed_it(sample_repo, endpoint_env, cli, tmp_path, db_path):
    code, _, err = cli(
        "explore", sample_repo / TARGET, "--repo", sample_repo, "--headless", "--candidates", "3",
        "--goal", f"simpler; my key is {SECRET_KEY}",
    )
    assert code == 0, err
    cli("steer", "1", "mark", "1", "up")
    cli("steer", "1", "mark", "2", "down")
    code, _, err = cli("traces", "--all", "--jsonl", tmp_path / "t.jsonl")
    assert code == 0, err
    text = (tmp_path / "t.jsonl").read_text()
    assert SECRET_KEY not in text
    assert "[redacted]" in text  # the goal reached the prompt: the key was there to leak


def test_a_session_with_nothing_chosen_says_why_and_exits_1(sample_repo, cli, tmp_path):
    assert cli("explore", sample_repo / TARGET, "--repo", sample_repo, "--headless", "--offline", "--candidates", "3")[0] == 0
    code, out, err = cli("traces", "1", "--jsonl", tmp_path / "t.jsonl")
    assert code == 1 and len(err.strip().splitlines()) == 1 and "no model-made candidate" in err
    assert not (tmp_path / "t.jsonl").exists()


@pytest.mark.parametrize("args", [["--jsonl", "x.jsonl"], ["1", "--all", "--jsonl", "x.jsonl"], ["1", "--jsonl", "x", "--kind", "sft"], ["1"]])
def test_traces_bad_input_is_one_line_exit_2(cli, args):
    code, _, err = cli("traces", *args)
    assert code == 2 and len(err.strip().splitlines()) == 1


def test_lineage_calls_link_to_candidates_exports_are_events_cluster_history_kept(session, cli, db_path, tmp_path):
    titles = model_numbers(cli, session)
    first = min(titles)
    cli("export", str(session), str(first), "--patch", tmp_path / "c.diff")
    cli("export", str(session), str(first), "--adr", tmp_path / "adr.md")
    cli("steer", str(session), "new-direction", "--count", "2")
    with Store(db_path) as store:
        linked = {
            r["number"]: r["explorer"]
            for r in store.db.query(
                "select c.number, l.explorer from llm_calls l join candidates c on c.id = l.candidate_id where l.session_id = ?", [session]
            )
        }
        model_made = [c for c in store.candidates(session) if c.explorer in ("lenses", "dimensions", "novelty")]
        assert sorted(linked) == sorted(c.id for c in model_made)
        assert all(linked[c.id] == c.explorer for c in model_made)
        unlinked = {r["explorer"] for r in store.db.query("select explorer from llm_calls where candidate_id is null and session_id = ?", [session])}
        assert unlinked <= {"dimensions", "judge", "speculative", "scenarios"}  # plans and verdicts make no candidate

        assert [(e["candidate"], e["what"]) for e in exports(store, session)] == [(first, "patch"), (first, "adr")]
        assert exports(store, session)[0]["where"] == str((tmp_path / "c.diff").resolve())

        history = cluster_history(store, session)
        assert len(history) >= 2
        assert sorted(m for c in history[0] for m in c.members) == list(range(7))  # the first wave, as it was
        assert history[-1] == store.clusters(session)
