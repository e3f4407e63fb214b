"""Endpoint dialects against the fake server: what a refusal teaches, what is remembered,
and the endpoints that must fail in one line (issue 10 item 1, issue 13 item 5)."""

from __future__ import annotations

import asyncio
import json
import sqlite3

import pytest

from divergent.llm.budget import Budget
from divergent.llm.client import ChatRequest, MemoryCallLog, ModelClient
from divergent.llm.config import Endpoint
from divergent.llm.dialect import MemoryDialects

TARGET = "shop/reports.py::ReportService"


def explore(cli, repo, *extra):
    return cli("explore", repo / TARGET, "--repo", repo, "--headless", *extra)


def formats(server) -> list[str]:
    """The response_format type of each chat request, in order ("" for none)."""
    chats = [r["body"] for r in server.requests if r["path"].endswith("/chat/completions")]
    return [(b.get("response_format") or {}).get("type", "") for b in chats]


def config(tmp_path, **endpoint) -> None:
    lines = ["[endpoint]"] + [f"{k} = {json.dumps(v)}" for k, v in endpoint.items()]
    path = tmp_path / "xdg-config" / "divergent" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n")


@pytest.fixture
def llama(monkeypatch):
    """A fake speaking llama-cpp-python's dialect, the CLI pointed at it."""
    from fake_openai import FakeOpenAI

    with FakeOpenAI(mode="json", dialect="llama") as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
        yield server


def test_llama_dialect_is_learned_with_one_refused_request_then_remembered(sample_repo, cli, llama, db_path):
    code, out, err = explore(cli, sample_repo, "--candidates", "6", "--budget", "20", "--json")
    assert code == 0, err
    first = json.loads(out)
    assert len(first["candidates"]) - 1 == 6, "every design asked for was made"
    assert formats(llama).count("json_schema") == 1, "json_schema refused once, never sent again"
    assert set(formats(llama)[1:]) == {"json_object"}
    bodies = [r["body"] for r in llama.requests if r["path"].endswith("/chat/completions")]
    assert all(b["response_format"].get("schema") for b in bodies[1:]), "json_object carries the schema"
    assert all(b["max_tokens"] == 4096 for b in bodies), "the cap llama honours is sent"
    with sqlite3.connect(db_path) as db:
        errors = [e for (e,) in db.execute("select error from llm_calls where error != ''")]
        stored = db.execute("select structured, confirmed from endpoint_dialects").fetchall()
    assert len(errors) == 1 and "InternalServerError 500" in errors[0] and "json_object" in errors[0]
    assert stored == [("json_object", 1)]

    llama.reset()
    code, out, err = explore(cli, sample_repo, "--candidates", "4", "--goal", "again", "--json")
    assert code == 0, err
    assert formats(llama) and set(formats(llama)) == {"json_object"}, "a second session pays nothing to find the dialect"


def test_a_server_refusing_response_format_itself_gets_plain_requests(sample_repo, cli, endpoint_env):
    endpoint_env.mode = "markdown"
    endpoint_env.fail_next(400, message="Unrecognized request argument supplied: response_format")
    code, out, err = explore(cli, sample_repo, "--candidates", "4", "--json")
    assert code == 0, err
    assert {c["explorer"] for c in json.loads(out)["candidates"][1:]} >= {"lenses"}
    assert formats(endpoint_env)[0] == "json_schema" and set(formats(endpoint_env)[1:]) == {""}


def test_a_refused_max_tokens_leaves_max_completion_tokens_and_is_remembered(fake_server):
    fake_server.fail_next(
        400, message="Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead."
    )
    memory = MemoryDialects()

    async def ask(n):
        client = ModelClient(endpoint(fake_server), Budget(max_requests=10), MemoryCallLog(), dialects=memory)
        try:
            return await asyncio.gather(*(client.complete(request(i)) for i in range(n)))
        finally:
            await client.close()

    assert all(r.ok for r in asyncio.run(ask(3)))
    bodies = [r["body"] for r in fake_server.requests]
    assert len(bodies) == 4 and "max_tokens" in bodies[0]
    assert all("max_tokens" not in b and b["max_completion_tokens"] == 4096 for b in bodies[1:])
    fake_server.reset()
    asyncio.run(ask(2))
    assert all("max_tokens" not in r["body"] for r in fake_server.requests), "remembered"


def endpoint(server, **kw) -> Endpoint:
    return Endpoint(base_url=server.base_url, api_key="sk-test", model="fake-model", timeout=5, **kw)


def request(i: int, text: str = "x") -> ChatRequest:
    return ChatRequest(
        messages=[{"role": "user", "content": f'Direction {i}\n<file path="m.py">\n{text} = {i}\n</file>'}],
        schema_name="candidate",
        schema={"type": "object"},
        seed=i,
        purpose="test",
    )


def complete(server, requests, log=None, **kw):
    async def go():
        client = ModelClient(endpoint(server, **kw), Budget(max_requests=20), log or MemoryCallLog())
        try:
            return await asyncio.gather(*(client.complete(r) for r in requests))
        finally:
            await client.close()

    return asyncio.run(go())


def test_a_reply_cut_at_the_cap_is_retried_once_with_twice_the_cap_and_recorded():
    from fake_openai import FakeOpenAI

    with FakeOpenAI(dialect="llama") as server:
        log = MemoryCallLog()
        (result,) = complete(server, [request(1, "y" * 200)], log, structured="json_object", max_output_tokens=40)
        caps = [r["body"]["max_tokens"] for r in server.requests]
    assert caps == [40, 80]
    assert [c.finish_reason for c in log.calls] == ["length", "length"], "each cut reply is recorded as cut"
    assert result.truncated and result.ok, "the last cut reply comes back marked, not dropped"
    assert all(c.output_tokens <= cap for c, cap in zip(log.calls, caps)), "no reply exceeds its cap"


def test_a_prompt_over_the_context_teaches_it_and_the_next_is_refused_unsent_with_the_numbers():
    from fake_openai import FakeOpenAI

    with FakeOpenAI(dialect="llama", n_ctx=600) as server:
        log = MemoryCallLog()
        big, small = request(1, "z" * 4000), request(2)
        results = complete(server, [big], log, structured="json_object", max_output_tokens=100)
        assert server.count == 1 and not results[0].ok
        assert "context" in log.calls[0].error and "600" in log.calls[0].error
        assert "do not fit the model's context of 600 tokens" in results[0].error
        # the context is known now: the same prompt is refused before sending; a small one fits
        results = complete(server, [big, small], MemoryCallLog(), structured="json_object", max_output_tokens=100, context_tokens=600)
        assert server.count == 2 and not results[0].ok and results[1].ok


def test_a_cap_larger_than_the_room_left_is_shrunk_to_fit():
    from fake_openai import FakeOpenAI

    with FakeOpenAI(dialect="llama", n_ctx=1000) as server:
        (result,) = complete(server, [request(1)], structured="json_object", max_output_tokens=4096, context_tokens=1000)
        (body,) = [r["body"] for r in server.requests]
    assert result.ok and 256 <= body["max_tokens"] < 1000


@pytest.mark.parametrize("url", ["not a url", "ftp://example.com/v1", "http://"])
def test_a_base_url_that_is_no_http_url_is_one_line_exit_2_and_nothing_charged(sample_repo, cli, monkeypatch, url, db_path):
    monkeypatch.setenv("OPENAI_BASE_URL", url)
    code, out, err = explore(cli, sample_repo, "--candidates", "3")
    assert code == 2 and out == "" and err.count("\n") == 1
    assert "not an http:// or https:// URL" in err
    assert not db_path.exists() or cli.json("sessions")["sessions"] == []


def test_an_endpoint_answering_html_is_one_line_exit_1(sample_repo, cli, endpoint_env):
    endpoint_env.html_next(times=50)
    code, out, err = explore(cli, sample_repo, "--candidates", "3")
    assert code == 1 and out == ""
    line = err.strip().splitlines()[-1]
    assert "answered with HTML" in line and "OPENAI_BASE_URL" in line and "Traceback" not in err


def test_the_reply_cache_answers_only_the_endpoint_that_gave_the_reply(fake_server):
    from fake_openai import FakeOpenAI

    log = MemoryCallLog()
    with FakeOpenAI() as other:
        complete(fake_server, [request(1)], log)
        complete(other, [request(1)], log)
        complete(fake_server, [request(1)], log)
        assert fake_server.count == 1 and other.count == 1
