"""The model's context length as the server lists it, and prompts checked against it before sending.

What servers list (looked up, 2026-11): vLLM ``max_model_len`` on each model;
llama.cpp's llama-server only ``meta.n_ctx_train`` (the training length) in
``/v1/models`` and the served one in ``/props`` ``default_generation_settings.n_ctx``;
llama-cpp-python 0.3.36 nothing (``{"id", "object", "owned_by", "permissions"}``).
"""

from __future__ import annotations

import asyncio

from divergent.llm.budget import Budget
from divergent.llm.client import ChatRequest, MemoryCallLog, ModelClient
from divergent.llm.config import Endpoint
from fake_openai import FakeOpenAI, prompt_tokens

BIG = "z" * 4000  # about 1000 tokens


def ask(server, *contents: str, **kw) -> tuple[ModelClient, list]:
    endpoint = Endpoint(base_url=server.base_url, api_key="sk-test", model="fake-model", timeout=10,
                        structured="text", max_output_tokens=kw.pop("cap", 200), **kw)
    client = ModelClient(endpoint, Budget(max_requests=10), MemoryCallLog())

    async def go() -> list:
        try:
            return [await client.complete(ChatRequest([{"role": "user", "content": c}], seed=i)) for i, c in enumerate(contents)]
        finally:
            await client.close()

    return client, asyncio.run(go())


def test_a_prompt_over_the_listed_context_is_refused_unsent_with_the_numbers_and_a_small_one_fits():
    with FakeOpenAI(model_fields={"max_model_len": 600}) as server:  # as vLLM lists it
        client, (big, small) = ask(server, BIG, "a small question", cap=400)
        assert client.context_tokens == 600
        assert not big.ok and "do not fit the model's context of 600 tokens" in big.error and "about 10" in big.error
        assert small.ok
        (sent,) = server.requests  # the big one never went
        assert sent["body"]["max_tokens"] <= 600 - 8, "the cap shrank to the room left"
        assert [r["path"] for r in server.others] == ["/v1/models"], "the list is read once"


def test_llama_server_training_length_is_not_taken_its_props_are():
    listing = {"meta": {"n_ctx_train": 131072, "n_vocab": 49152}}
    with FakeOpenAI(model_fields=listing, props={"default_generation_settings": {"n_ctx": 600}}) as server:
        client, (big,) = ask(server, BIG)
        assert client.context_tokens == 600 and not big.ok and server.count == 0
        assert [r["path"] for r in server.others] == ["/v1/models", "/props"]


def test_a_server_that_lists_no_context_is_asked_anyway():
    with FakeOpenAI() as server:  # as llama-cpp-python lists it: nothing of the context
        client, (reply,) = ask(server, BIG)
        assert client.context_tokens == 0 and reply.ok and server.count == 1


def test_the_configured_context_wins_and_the_list_is_not_read():
    with FakeOpenAI(model_fields={"max_model_len": 100_000}) as server:
        client, (big,) = ask(server, BIG, context_tokens=600)
        assert client.context_tokens == 600 and not big.ok and "600" in big.error
        assert server.others == [] and server.count == 0


def test_a_run_whose_prompts_cannot_fit_says_so_in_one_line_with_the_numbers(sample_repo, cli, monkeypatch, db_path):
    with FakeOpenAI(model_fields={"max_model_len": 300}) as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        monkeypatch.setenv("DIVERGENT_MODEL", "fake-model")  # the model the server lists
        code, out, err = cli("explore", sample_repo / "shop/reports.py::ReportService", "--repo", sample_repo,
                             "--headless", "--candidates", "2", "--budget", "6")
        sent = [r["body"] for r in server.requests]
    assert all(prompt_tokens(body) + body["max_tokens"] <= 300 for body in sent), "only what fits is sent"
    last = err.strip().splitlines()[-1]
    assert code == 1 and "made no candidate" in last
    assert "do not fit the model's context of 300 tokens" in last and "the prompt (about" in last
