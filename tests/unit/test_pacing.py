"""Streaming, timing and pacing against servers that queue, interrupt or answer in parallel.

Through tests/fake_openai.py over loopback. No timed assertions: these assert what
happened (a reply or a timeout, the server's verdict, a connection the server saw
closed), and wait for the fake server's state with a generous deadline.
"""

from __future__ import annotations

import asyncio

from divergent.llm.budget import Budget
from divergent.llm.client import ChatRequest, MemoryCallLog, ModelClient
from divergent.llm.config import Endpoint
from fake_openai import FakeOpenAI
from giving_up import eventually, give_up_midway

LONG = "word " * 400  # 2000 characters: 32 streamed chunks of the fake's 64


def endpoint(server, timeout=5.0, concurrency=16, auto=False, **kw) -> Endpoint:
    return Endpoint(base_url=server.base_url, api_key="sk-test", model="fake-model", concurrency=concurrency,
                    timeout=timeout, auto_concurrency=auto, structured="text", **kw)


def request(i: int) -> ChatRequest:
    return ChatRequest(messages=[{"role": "user", "content": f"design {i}"}], seed=i, purpose="test")


async def no_sleep(delay: float) -> None:
    pass


def client_for(server, budget=None, dialects=None, **kw) -> tuple[ModelClient, MemoryCallLog]:
    log = MemoryCallLog()
    return ModelClient(endpoint(server, **kw), budget or Budget(max_requests=100), log, sleep=no_sleep, dialects=dialects), log


async def all_of(client: ModelClient, n: int) -> list:
    try:
        return await asyncio.gather(*(client.complete(request(i)) for i in range(n)))
    finally:
        await client.close()


def test_a_request_queued_behind_others_is_not_timed_out_while_the_server_answers_them():
    # requests of 0.4 s each on a server that answers one at a time: with seven or more
    # queued at once the last waits 2.4 s or more, past the 2.0 s timeout, yet the
    # server was never silent that long.
    with FakeOpenAI(serial=True, latency=0.4) as server:
        client, log = client_for(server, timeout=2.0, concurrency=16)
        results = asyncio.run(all_of(client, 16))
        assert [r.error for r in results] == [""] * 16
        assert server.max_in_flight >= 7, "several were at the server at once: the later ones queued there"
        assert len(log.calls) == 16


def test_a_server_silent_past_the_timeout_times_out_and_sees_the_connection_closed():
    with FakeOpenAI(latency=5.0) as server:
        client, log = client_for(server, timeout=1.0, budget=Budget(max_requests=1))
        result = asyncio.run(all_of(client, 1))[0]
        assert "timed out" in result.error and "first byte" in result.error
        assert log.calls[0].error == result.error and log.calls[0].output_tokens == 0
        assert server.count == 1, "the request reached the server before it was given up"
        assert eventually(lambda: server.abandoned == 1), "the server found the connection closed and did not answer"


def test_a_reply_given_up_mid_stream_closes_the_connection_and_counts_what_came():
    with FakeOpenAI(chunk_delay=0.05, responder=lambda body: LONG) as server:
        client, log = client_for(server)
        give_up_midway(client, request(1), streamed_for=0.2)
        assert eventually(lambda: server.abandoned == 1), "the server stopped writing the reply"
        call = log.calls[0]
        assert call.error.startswith("cancelled")
        assert 0 < len(call.response) < len(LONG), "what came before the cut is kept"
        assert call.output_tokens >= len(call.response) // 64, "never fewer tokens than chunks seen"
        assert call.input_tokens > 0
        assert client.budget.spent.output_tokens == call.output_tokens, "the budget is charged what came"


def test_auto_concurrency_keeps_two_in_flight_for_a_server_that_queues():
    with FakeOpenAI(serial=True, latency=0.05) as server:
        client, _ = client_for(server, auto=True)
        results = asyncio.run(all_of(client, 10))
        assert all(r.ok for r in results)
        assert client.pace.verdict == "queues"
        assert server.max_in_flight == 2, "one answered, the next ready; never more"


def test_auto_concurrency_opens_up_for_a_server_that_answers_in_parallel():
    with FakeOpenAI(chunk_delay=0.01, responder=lambda body: LONG) as server:
        client, _ = client_for(server, auto=True)
        results = asyncio.run(all_of(client, 12))
        assert all(r.ok for r in results)
        assert client.pace.verdict == "parallel"
        assert server.max_in_flight > 2


def test_a_server_that_cuts_replies_for_the_next_request_gets_one_at_a_time_and_every_reply():
    with FakeOpenAI(interrupts=True, chunk_delay=0.01, responder=lambda body: LONG) as server:
        client, log = client_for(server, concurrency=4)
        results = asyncio.run(all_of(client, 6))
        assert [r.text for r in results] == [LONG] * 6, "every reply whole in the end"
        assert client.pace.verdict == "interrupts" and client.pace.gate.limit == 1
        cut = [c for c in log.calls if c.error]
        assert cut and all("cut the reply short" in c.error and c.output_tokens >= 0 for c in cut)
        assert len(cut) <= 3, "only the requests already sent before it was noticed were cut"


def test_a_server_found_cutting_replies_gets_one_request_at_a_time_from_the_start_of_the_next_run(tmp_path):
    from divergent.storage.dialects import SqliteDialects
    from divergent.storage.store import Store

    with FakeOpenAI(interrupts=True, chunk_delay=0.01, responder=lambda body: LONG) as server, Store(tmp_path / "s.db") as store:
        first, first_log = client_for(server, concurrency=4, dialects=SqliteDialects(store))
        asyncio.run(all_of(first, 6))
        assert any("cut the reply short" in c.error for c in first_log.calls), "the first run finds it out by losing replies"
        again, log = client_for(server, concurrency=4, dialects=SqliteDialects(store))  # the next run, same sessions file
        assert again.pace.gate.limit == 1, "it starts at one in flight"
        results = asyncio.run(all_of(again, 6))
        assert [r.text for r in results] == [LONG] * 6
        assert [c.error for c in log.calls] == [""] * 6, "no reply was cut: it never had two requests at the server"


def test_concurrency_auto_is_taken_from_the_flag_and_from_the_config_file(tmp_path, monkeypatch):
    from divergent.llm import config

    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("DIVERGENT_CONFIG", str(tmp_path / "config.toml"))
    assert config.load(concurrency="auto").auto_concurrency
    (tmp_path / "config.toml").write_text('[endpoint]\nconcurrency = "auto"\n')
    found = config.load()
    assert found.auto_concurrency and found.concurrency == config.DEFAULT_CONCURRENCY
    assert not config.load(concurrency=3).auto_concurrency


def test_a_stream_without_usage_counts_its_chunks_and_never_more_than_the_cap():
    from divergent.llm.streamed import Streamed

    # llama-cpp-python sends no usage in a stream: one chunk a token; code runs past four characters a token
    stopped = Streamed(parts=["x" * 1115], chunks=240, finish="stop", ended=True)
    assert stopped.output_tokens(cap=256) == 255, "the estimate (279) is held below the cap: the server ended it, no cut"
    assert Streamed(parts=["x" * 1115], chunks=256, finish="length").output_tokens(cap=256) == 256
    assert Streamed(parts=["x" * 40], chunks=30, finish="stop").output_tokens(cap=256) == 30, "never fewer than the chunks"
    ignored = Streamed(parts=["x" * 2000], chunks=400, finish="stop")
    assert ignored.output_tokens(cap=256) == 400, "a server that ignored the cap still shows it"
