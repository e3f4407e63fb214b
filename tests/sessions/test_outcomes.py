"""Honest outcomes (issue 10 item 4): a run that makes nothing says why and exits 1, failed
calls keep the server's words, a lost explorer share is made by the others, and an
endpoint lost mid-run leaves a session that `open` resumes."""

from __future__ import annotations

import json
import threading

import pytest

from fake_openai import FakeOpenAI, default_content

TARGET = "shop/reports.py::ReportService"

pytestmark = pytest.mark.slow


def explore(cli, repo, *extra):
    return cli("explore", repo / TARGET, "--repo", repo, "--headless", *extra)


def config(tmp_path, **endpoint) -> None:
    path = tmp_path / "xdg-config" / "divergent" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("[endpoint]\n" + "".join(f"{k} = {json.dumps(v)}\n" for k, v in endpoint.items()))


def test_a_run_whose_every_request_fails_says_why_in_one_line_and_exits_1(sample_repo, cli, endpoint_env):
    endpoint_env.fail_next(503, times=200, message="the model is still loading")
    code, out, err = explore(cli, sample_repo, "--candidates", "3", "--budget", "12")
    assert code == 1
    last = err.strip().splitlines()[-1]
    assert last.startswith("divergent: session 1 made no candidate:") and err.count("made no candidate") == 1
    assert "503" in last and "the model is still loading" in last
    code, shown, _ = cli("show", "1")
    assert code == 0 and "failed call" in shown and "the model is still loading" in shown
    doc = cli.json("show", "1")
    assert doc["asks"]["made"] == 0 and doc["asks"]["failed"] == doc["asks"]["asked"] > 0
    assert all("503" in call["error"] for call in doc["failed_calls"])


def test_an_unusable_dimensions_reply_hands_its_share_to_the_lenses(sample_repo, cli, endpoint_env):
    def responder(body):
        name = (body.get("response_format") or {}).get("json_schema", {}).get("name")
        return '{"dimensions": []}' if name == "dimensions" else default_content(body)

    endpoint_env.responder = responder
    code, out, err = explore(cli, sample_repo, "--candidates", "6", "--json")
    assert code == 0, err
    doc = json.loads(out)
    made = [c for c in doc["candidates"] if not c["baseline"]]
    assert len(made) == 6 and {c["explorer"] for c in made} == {"lenses"}
    assert "the lenses make its 3 designs" in err
    assert doc["asks"]["notes"] == ["the dimensions reply was unusable: the lenses make its 3 designs"]


def test_replies_all_cut_at_the_cap_make_nothing_and_say_so(sample_repo, cli, monkeypatch, tmp_path):
    config(tmp_path, max_output_tokens=16, structured="json_object")
    with FakeOpenAI(dialect="llama") as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
        code, out, err = explore(cli, sample_repo, "--candidates", "2", "--budget", "10")
        caps = [r["body"]["max_tokens"] for r in server.requests]
    assert code == 1 and "cut at the cap" in err.strip().splitlines()[-1]
    assert set(caps) == {16, 32}, "each cut reply asked once more with twice the cap, no more"


def test_an_endpoint_lost_mid_run_is_exit_1_and_open_resumes_what_was_never_answered(sample_repo, cli, monkeypatch):
    answered = []

    with FakeOpenAI() as first:
        port = first.port

        def responder(body):
            answered.append(1)
            if len(answered) == 3:  # the server goes away after its third reply
                threading.Thread(target=first.stop, daemon=True).start()
            return default_content(body)

        first.responder = responder
        monkeypatch.setenv("OPENAI_BASE_URL", first.base_url)
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
        code, out, err = explore(cli, sample_repo, "--candidates", "6", "--concurrency", "1", "--budget", "20")
    assert code == 1 and out == ""
    last = err.strip().splitlines()[-1]
    assert "stopped answering" in last and "session 1 kept" in last and "Traceback" not in err
    kept = cli.json("show", "1")
    assert kept["status"] == "stopped" and len(kept["candidates"]) - 1 < 6

    with FakeOpenAI(port=port) as second:
        code, out, err = cli("open", "1", "--headless", "--json")
        assert code == 0, err
    doc = json.loads(out)
    first_wave = [c for c in doc["candidates"] if c["explorer"] in ("lenses", "dimensions")]
    assert len(first_wave) == 6, "the asks never answered were sent again"
    assert second.count >= 1
