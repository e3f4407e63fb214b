"""explore, steer, open and export through llama-cpp-python's real server and a real small
model (issue 10 item 5). The model is far too small to design well: these assert behaviour
(honest outcomes, the dialect, the cap), never quality."""

from __future__ import annotations

import json
import sqlite3

import pytest

from divergent.llm.budget import Budget
from divergent.llm.client import ChatRequest, MemoryCallLog, ModelClient
from divergent.llm.config import Endpoint
from giving_up import eventually, give_up_midway
from llama_server import llama_server, real_endpoint  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.real_server, pytest.mark.slow]

TARGET = "shop/reports.py::ReportService"


def calls(db_path) -> list[dict]:
    with sqlite3.connect(db_path) as db:
        db.row_factory = sqlite3.Row
        rows = db.execute(
            "select explorer, error, output_tokens, finish_reason, params from llm_calls where session_id is not null order by id"
        ).fetchall()
    return [dict(row) | {"params": json.loads(row["params"] or "{}")} for row in rows]


def honest(code: int, err: str, doc: dict) -> None:
    """Exit 0 with designs made, or exit 1 and one line saying why none was."""
    asks = doc["asks"]
    assert asks["made"] + asks["failed"] <= asks["asked"], "every ask yields a candidate or a recorded reason"
    if code == 1:
        assert asks["made"] == 0 and "made no candidate" in err.strip().splitlines()[-1]
        assert asks["failed"] == asks["asked"] and asks["reasons"], "the reasons are recorded"
    else:
        assert code == 0 and asks["made"] >= 1, err


def test_explore_steer_open_and_export_through_a_real_server(sample_repo, cli, real_endpoint, db_path, tmp_path):
    code, out, err = cli("explore", sample_repo / TARGET, "--repo", sample_repo, "--headless", "--json",
                         "--candidates", "2", "--budget", "6")
    doc = json.loads(out)
    honest(code, err, doc)
    first = calls(db_path)
    refused = [c for c in first if (c["params"].get("response_format") or {}).get("type") == "json_schema"]
    assert len(refused) <= 1 and all(c["error"] for c in refused), "the dialect is learned with at most one refused request"
    for call in first:
        cap = min(v for k, v in call["params"].items() if k in ("max_tokens", "max_completion_tokens"))
        assert call["output_tokens"] <= cap, "no reply exceeds the cap"
        if call["output_tokens"] == cap and not call["error"]:
            assert call["finish_reason"] == "length", "a reply cut at the cap is recorded as cut"
    with sqlite3.connect(db_path) as db:
        assert db.execute("select structured from endpoint_dialects").fetchall() == [("json_object",)]

    # junk is never valid, and never best
    for candidate in doc["candidates"][1:]:
        shown = cli.json("show", doc["session"], candidate["id"])
        for path, text in shown["files"].items():
            if path.endswith(".py") and text is not None:
                try:
                    compile(text, path, "exec")
                except SyntaxError:
                    assert not shown["valid"], f"candidate {candidate['id']}: {path} does not parse yet is valid"
    valid = [c for c in doc["candidates"][1:] if c["valid"]]
    best = max(doc["candidates"][1:], key=lambda c: c["scores"]["overall"], default=None)
    if best is not None and not valid:
        assert best["scores"]["overall"] == 0, "an invalid candidate never outranks anything"

    code, out, err = cli("steer", doc["session"], "new-direction", "--budget", "2", "--json")
    honest(code, err, json.loads(out))

    code, out, err = cli("open", doc["session"], "--headless", "--json")
    assert code == 0, err

    if valid:
        patch = tmp_path / "design.patch"
        code, _, err = cli("export", doc["session"], valid[0]["id"], "--patch", patch)
        assert code == 0 and patch.read_text().startswith("diff --git"), err

    # a second session on the same endpoint pays nothing to find the dialect
    before = len(calls(db_path))
    code, out, err = cli("explore", sample_repo / TARGET, "--repo", sample_repo, "--headless", "--json",
                         "--candidates", "1", "--budget", "3", "--goal", "again")
    honest(code, err, json.loads(out))
    later = calls(db_path)[before:]
    assert later and not [c for c in later if (c["params"].get("response_format") or {}).get("type") == "json_schema"]


def test_a_request_given_up_closes_its_connection_and_the_server_stops_generating(llama_server):
    base_url, model, log_file = llama_server
    log = MemoryCallLog()
    client = ModelClient(
        Endpoint(base_url=base_url, api_key="not-needed", model=model, timeout=1800, max_output_tokens=2000,
                 structured="text", temperature=0),
        Budget(max_requests=2), log,
    )
    story = ChatRequest(messages=[{"role": "user", "content": "Write a very long story about a dragon, in many chapters."}], seed=1)
    give_up_midway(client, story, streamed_for=2.0)
    noticed = eventually(lambda: "Disconnected from client" in log_file.read_text(), seconds=120)
    assert noticed, "the server noticed the closed connection and stopped generating"
    call = log.calls[0]
    assert call.error.startswith("cancelled") and call.response
    assert call.output_tokens >= 1 and call.output_tokens < 2000, "what it generated is counted, not the cap, not nothing"
