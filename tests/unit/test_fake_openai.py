"""The fake OpenAI server, driven by the real ``openai`` client over loopback HTTP.

These tests pin down what the fake does *and* what openai 3.x does with it, so that
tests of ``divergent.llm`` built on the fake rest on known ground.
"""

from __future__ import annotations

import ast
import asyncio
import copy
import json
import math
import re
import subprocess
import sys
import time
from pathlib import Path

import openai
import pytest

from fake_openai import GARBAGE_CONTENT, FakeOpenAI, estimate_tokens

ORIGINAL = '''\
"""Reports."""


class Report:
    def __init__(self, rows):
        self.rows = rows

    def render(self, kind):
        if kind == "csv":
            return ",".join(self.rows)
        return "\\n".join(self.rows)
'''
PATH = "shop/reports.py"


# -- helpers -------------------------------------------------------------------------------


def prompt(goal: str = "Make rendering extensible.", *, files: dict | None = None, extra: str = "") -> list[dict]:
    """Messages in the format divergent's explorers send: files as <file path=...> blocks."""
    files = {PATH: ORIGINAL} if files is None else files
    blocks = "".join(f'<file path="{path}">\n{text}\n</file>\n' for path, text in files.items())
    return [
        {"role": "system", "content": "You propose one software design as JSON."},
        {"role": "user", "content": f"Goal: {goal}\n{extra}{blocks}"},
    ]


def schema(name: str) -> dict:
    return {"type": "json_schema", "json_schema": {"name": name, "schema": {"type": "object"}, "strict": False}}


def ask(client: openai.OpenAI, messages: list[dict] | None = None, **kwargs) -> str:
    """The message content of one non-streaming completion."""
    reply = client.chat.completions.create(model="fake-model", messages=messages or prompt(), **kwargs)
    return reply.choices[0].message.content


def appended_function(source: str) -> ast.FunctionDef:
    """The last top-level function of a module: the one the fake appends."""
    functions = [node for node in ast.parse(source).body if isinstance(node, ast.FunctionDef)]
    assert functions, source
    return functions[-1]


class _Blank(ast.NodeTransformer):
    """Blanks every identifier and string literal, leaving the structure."""

    def visit_Name(self, node: ast.Name) -> ast.Name:
        node.id = "_"
        return node

    def visit_arg(self, node: ast.arg) -> ast.arg:
        node.arg = "_"
        return node

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.FunctionDef:
        node.name = "_"
        self.generic_visit(node)
        return node

    def visit_Constant(self, node: ast.Constant) -> ast.Constant:
        if isinstance(node.value, str):
            node.value = "_"
        return node


def shape(function: ast.FunctionDef) -> str:
    """``ast.dump`` of a copy of ``function`` with its names and strings blanked."""
    return ast.dump(_Blank().visit(copy.deepcopy(function)))


def markdown_parts(content: str) -> dict:
    """Heading, summary, path and code of a markdown candidate, checking the layout."""
    lines = content.splitlines()
    fence_at = lines.index("```python")
    closing = lines.index("```", fence_at + 1)
    return {
        "heading": lines[0],
        "summary": lines[2],
        "path": lines[fence_at - 1],
        "code": "\n".join(lines[fence_at + 1 : closing]) + "\n",
    }


@pytest.fixture
def server():
    with FakeOpenAI() as fake:
        yield fake


@pytest.fixture
def client(server):
    with openai.OpenAI(base_url=server.base_url, api_key="sk-test", max_retries=0, timeout=10) as sync_client:
        yield sync_client


def async_client(server: FakeOpenAI, **kwargs) -> openai.AsyncOpenAI:
    return openai.AsyncOpenAI(base_url=server.base_url, api_key="sk-test", max_retries=0, timeout=10, **kwargs)


# -- JSON mode -----------------------------------------------------------------------------


def test_json_candidate_keeps_the_target_and_stays_valid_python(client):
    choices_line = 'Choices: {"dispatch": "registry", "state": "immutable values"}\n'
    content = ask(client, prompt(extra=choices_line), response_format=schema("candidate"))
    candidate = json.loads(content)
    assert set(candidate) == {"title", "summary", "rationale", "choices", "files"}
    assert re.fullmatch(r"Variant \d+ \((guard|accumulator|pipeline|registry|dispatch)\)", candidate["title"])
    assert candidate["choices"] == {"dispatch": "registry", "state": "immutable values"}
    [file] = candidate["files"]
    assert file["path"] == PATH
    assert file["content"].startswith(ORIGINAL)
    ast.parse(file["content"])
    assert len(ast.parse(file["content"]).body) == len(ast.parse(ORIGINAL).body) + 1


def test_candidate_targets_the_first_file_and_survives_a_prompt_without_files(client):
    files = {"shop/cli.py": "import sys\n", PATH: ORIGINAL}
    candidate = json.loads(ask(client, prompt(files=files), response_format=schema("candidate")))
    assert [f["path"] for f in candidate["files"]] == ["shop/cli.py"]
    assert candidate["files"][0]["content"].startswith("import sys\n")
    assert candidate["choices"] == {}

    bare_prompt = [{"role": "user", "content": "Design something."}]
    bare = json.loads(ask(client, bare_prompt, response_format=schema("candidate")))
    assert bare["files"][0]["path"] == "module.py"
    ast.parse(bare["files"][0]["content"])


def test_candidate_on_the_shipped_sample_is_valid_python(client):
    import divergent.samples

    original = (Path(divergent.samples.__file__).parent / "shop" / "shop" / "reports.py").read_text()
    candidate = json.loads(ask(client, prompt(files={PATH: original}), response_format=schema("candidate")))
    assert original in candidate["files"][0]["content"]
    compile(candidate["files"][0]["content"], PATH, "exec")


def test_dimensions_scenarios_and_unknown_schemas(client):
    dimensions = json.loads(ask(client, response_format=schema("dimensions")))["dimensions"]
    assert len(dimensions) == 3
    assert all(isinstance(d["name"], str) and 2 <= len(d["values"]) <= 3 for d in dimensions)
    scenarios = json.loads(ask(client, response_format=schema("scenarios")))["scenarios"]
    assert "make storage async" in scenarios
    assert json.loads(ask(client, response_format=schema("no-such-schema"))) == {}
    verdict = json.loads(ask(client, response_format=schema("verdict")))
    assert set(verdict["verdicts"]) == {"readability"} and verdict["verdicts"]["readability"] in ("A", "B", "tie")


def test_replies_are_deterministic_echo_the_model_and_carry_estimated_usage(client):
    messages = prompt()
    first = client.chat.completions.create(model="my-model", messages=messages, response_format=schema("candidate"))
    second = client.chat.completions.create(model="my-model", messages=messages, response_format=schema("candidate"))
    content = first.choices[0].message.content
    assert content == second.choices[0].message.content
    assert first.model == "my-model"
    assert first.choices[0].finish_reason == "stop"
    expected_prompt = sum(math.ceil(len(m["content"]) / 4) for m in messages)
    assert first.usage.prompt_tokens == expected_prompt
    assert first.usage.completion_tokens == estimate_tokens(content) == math.ceil(len(content) / 4)
    assert first.usage.total_tokens == expected_prompt + first.usage.completion_tokens


def test_twins_and_distinct_structures_over_many_prompts(client):
    texts_by_shape: dict[str, set[str]] = {}
    for i in range(40):
        messages = prompt(f"Goal number {i}: make it easier to change.")
        content = ask(client, messages, response_format=schema("candidate"))
        function = appended_function(json.loads(content)["files"][0]["content"])
        texts_by_shape.setdefault(shape(function), set()).add(ast.unparse(function))
    assert len(texts_by_shape) >= 4, "expected several different structures"
    twins = [texts for texts in texts_by_shape.values() if len(texts) >= 2]
    assert twins, "expected structural twins that differ only in names"


# -- markdown mode and responders ----------------------------------------------------------


def test_markdown_mode_ignores_response_format(server, client):
    server.mode = "markdown"
    content = ask(client, response_format=schema("candidate"))
    parts = markdown_parts(content)
    assert re.fullmatch(r"# Variant \d+ \(\w+\)", parts["heading"])
    assert parts["summary"]
    assert parts["path"] == PATH
    assert parts["code"].startswith(ORIGINAL)
    ast.parse(parts["code"])
    with pytest.raises(ValueError):
        json.loads(content)


def test_markdown_mode_wraps_other_schemas_in_a_json_fence(server, client):
    server.mode = "markdown"
    content = ask(client, response_format=schema("scenarios"))
    prose, fenced = content.split("```json\n", 1)
    assert prose.strip()
    assert json.loads(fenced.split("\n```", 1)[0])["scenarios"]


def test_no_response_format_answers_markdown_even_in_json_mode(server, client):
    assert server.mode == "json"
    parts = markdown_parts(ask(client))
    assert parts["path"] == PATH
    ast.parse(parts["code"])


def test_a_responder_replaces_the_defaults():
    seen = []

    def responder(body: dict) -> str:
        seen.append(body)
        return f"echo {body['model']}"

    with FakeOpenAI(mode="markdown", responder=responder) as fake:
        with openai.OpenAI(base_url=fake.base_url, api_key="k", max_retries=0) as sync_client:
            reply = sync_client.chat.completions.create(
                model="m7", messages=prompt(), response_format=schema("candidate")
            )
    assert reply.choices[0].message.content == "echo m7"
    assert seen[0]["messages"] == prompt()


# -- streaming -----------------------------------------------------------------------------


def test_stream_matches_non_stream_and_ends_with_a_usage_chunk(client):
    plain = client.chat.completions.create(model="fake-model", messages=prompt(), response_format=schema("candidate"))
    chunks = list(
        client.chat.completions.create(
            model="fake-model",
            messages=prompt(),
            response_format=schema("candidate"),
            stream=True,
            stream_options={"include_usage": True},
        )
    )
    streamed = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert streamed == plain.choices[0].message.content
    assert len(chunks) > 3
    assert chunks[0].choices[0].delta.role == "assistant"
    assert [c.choices[0].finish_reason for c in chunks if c.choices][-1] == "stop"
    assert chunks[-1].choices == []
    assert chunks[-1].usage.model_dump() == plain.usage.model_dump()
    assert all(c.usage is None for c in chunks[:-1])


def test_stream_without_include_usage_has_no_usage(client):
    chunks = list(client.chat.completions.create(model="fake-model", messages=prompt(), stream=True))
    assert all(c.usage is None for c in chunks)
    assert all(c.choices for c in chunks)


def test_async_stream_matches_async_non_stream(server):
    async def run() -> tuple[str, str, str]:
        async with async_client(server) as aclient:
            plain = await aclient.chat.completions.create(
                model="m", messages=prompt(), response_format=schema("candidate")
            )
            stream = await aclient.chat.completions.create(
                model="m", messages=prompt(), response_format=schema("candidate"), stream=True
            )
            parts = [chunk.choices[0].delta.content or "" async for chunk in stream]
            return plain.choices[0].message.content, "".join(parts), plain.model

    plain, streamed, model = asyncio.run(run())
    assert streamed == plain
    assert model == "m"
    json.loads(streamed)


# -- faults --------------------------------------------------------------------------------


def test_rate_limit_with_retry_after_reaches_the_client(server, client):
    server.fail_next(429, retry_after=7)
    with pytest.raises(openai.RateLimitError) as caught:
        ask(client)
    error = caught.value
    assert error.status_code == 429
    assert error.response.headers["retry-after"] == "7"
    assert error.code == "rate_limit_exceeded"
    assert set(error.body) >= {"message", "type", "code"}
    json.loads(ask(client, response_format=schema("candidate")))  # the fault was used up
    assert server.count == 2


def test_a_retrying_client_waits_retry_after_and_then_succeeds(server):
    server.fail_next(429, retry_after=0.3)
    with openai.OpenAI(base_url=server.base_url, api_key="k", max_retries=1, timeout=10) as retrying:
        ask(retrying)
    first, second = server.requests
    assert second["time"] - first["time"] >= 0.29
    assert first["headers"]["x-stainless-retry-count"] == "0"
    assert second["headers"]["x-stainless-retry-count"] == "1"


def test_faults_are_consumed_in_order(server, client):
    server.fail_next(503, times=2)
    server.garbage_content_next()
    assert server.pending_faults == 3
    for _ in range(2):
        with pytest.raises(openai.InternalServerError) as caught:
            ask(client)
        assert caught.value.status_code == 503
        assert "retry-after" not in caught.value.response.headers
    assert ask(client, response_format=schema("candidate")) == GARBAGE_CONTENT
    assert server.pending_faults == 0
    json.loads(ask(client, response_format=schema("candidate")))


def test_garbage_content_is_prose_without_json_or_code(server, client):
    server.garbage_content_next()
    content = ask(client, response_format=schema("candidate"))
    assert content == "I cannot help with that."
    assert "```" not in content and "{" not in content
    with pytest.raises(ValueError):
        json.loads(content)


def test_wrong_key_gets_401_and_consumes_no_fault():
    with FakeOpenAI(api_key="sk-test") as fake:
        fake.fail_next(429)
        with openai.OpenAI(base_url=fake.base_url, api_key="sk-wrong", max_retries=0) as wrong:
            with pytest.raises(openai.AuthenticationError) as caught:
                ask(wrong)
        assert caught.value.status_code == 401
        assert caught.value.code == "invalid_api_key"
        with openai.OpenAI(base_url=fake.base_url, api_key="sk-test", max_retries=0) as right:
            with pytest.raises(openai.RateLimitError):
                ask(right)
            json.loads(ask(right, response_format=schema("candidate")))
        assert [r["headers"]["authorization"] for r in fake.requests] == ["Bearer sk-wrong"] + ["Bearer sk-test"] * 2


def test_malformed_body_raises_a_plain_json_error_not_an_openai_error(server, client):
    server.malformed_next()
    with pytest.raises(json.JSONDecodeError) as caught:
        ask(client)
    assert not isinstance(caught.value, openai.OpenAIError)


def test_malformed_stream_chunk_raises_while_iterating(server, client):
    server.malformed_next()
    received = []
    with pytest.raises(json.JSONDecodeError):
        for chunk in client.chat.completions.create(model="m", messages=prompt(), stream=True):
            received.append(chunk)
    assert [c.choices[0].delta.role for c in received] == ["assistant"]


def test_truncated_body_is_a_connection_error_that_a_retrying_client_absorbs(server, client):
    server.truncate_next()
    with pytest.raises(openai.APIConnectionError) as caught:
        ask(client)
    assert "complete message body" in str(caught.value.__cause__)
    assert server.count == 1

    server.truncate_next()
    with openai.OpenAI(base_url=server.base_url, api_key="k", max_retries=1, timeout=10) as retrying:
        json.loads(ask(retrying, response_format=schema("candidate")))
    assert server.count == 3


def test_truncated_stream_yields_some_content_then_raises(server, client):
    full = ask(client, response_format=schema("candidate"))
    server.truncate_next()
    received = []
    with pytest.raises(openai.APIConnectionError):
        stream = client.chat.completions.create(
            model="m", messages=prompt(), response_format=schema("candidate"), stream=True
        )
        for chunk in stream:
            received.append(chunk.choices[0].delta.content or "")
    partial = "".join(received)
    assert partial and len(partial) < len(full)
    assert full.startswith(partial)


# -- concurrency, latency, log, models, lifecycle ------------------------------------------


def test_concurrent_async_requests_are_not_serialized(server):
    server.latency = 0.5  # each request stays at the server this long: overlapping ones are seen at once

    async def run() -> None:
        async with async_client(server) as aclient:
            await asyncio.gather(
                *(aclient.chat.completions.create(model="m", messages=prompt(f"goal {i}")) for i in range(32))
            )

    asyncio.run(run())
    assert server.count == 32
    assert server.max_in_flight >= 16, "the requests overlapped at the server"


def test_a_serial_server_answers_one_request_at_a_time(server):
    server.latency = 0.05
    server.serial = True

    async def run() -> None:
        async with async_client(server) as aclient:
            await asyncio.gather(*(aclient.chat.completions.create(model="m", messages=prompt(f"goal {i}")) for i in range(6)))

    asyncio.run(run())
    assert server.count == 6 and server.max_in_flight == 6 and server.queued == 0


def test_latency_is_settable_at_runtime(server, client):
    ask(client)
    server.latency = 0.3
    start = time.perf_counter()
    ask(client)
    assert time.perf_counter() - start >= 0.3


def test_request_log_records_path_headers_body_and_time(server, client):
    before = time.time()
    client.chat.completions.create(model="m", messages=prompt(), extra_headers={"X-Trace": "abc"})
    client.models.list()
    entry = server.requests[0]
    assert entry["path"] == "/v1/chat/completions"
    assert entry["headers"]["authorization"] == "Bearer sk-test"
    assert entry["headers"]["x-trace"] == "abc"
    assert all(name == name.lower() for name in entry["headers"])
    assert entry["body"]["model"] == "m" and entry["body"]["messages"] == prompt()
    assert before <= entry["time"] <= time.time()
    assert [r["path"] for r in server.requests] == ["/v1/chat/completions"]
    assert [r["path"] for r in server.others] == ["/v1/models"]
    assert server.count == 1
    server.reset()
    assert server.count == 0 and server.requests == [] and server.others == []


def test_models_are_listed_and_retrievable():
    with FakeOpenAI(models=("small", "large")) as fake:
        with openai.OpenAI(base_url=fake.base_url, api_key="k", max_retries=0) as sync_client:
            assert [m.id for m in sync_client.models.list()] == ["small", "large"]
            assert sync_client.models.retrieve("large").id == "large"
            with pytest.raises(openai.NotFoundError):
                sync_client.models.retrieve("missing")


def test_stop_is_prompt_with_idle_keep_alive_connections_and_refuses_afterwards():
    fake = FakeOpenAI().start()
    base_url = fake.base_url
    with openai.OpenAI(base_url=base_url, api_key="k", max_retries=0, timeout=5) as sync_client:
        ask(sync_client)  # leaves a keep-alive connection open
        start = time.perf_counter()
        fake.stop()
        assert time.perf_counter() - start < 2
        with pytest.raises(openai.APIConnectionError):
            ask(sync_client)
    with pytest.raises(RuntimeError):
        fake.base_url
    fake.stop()  # idempotent


def test_unknown_mode_is_rejected():
    with pytest.raises(ValueError):
        FakeOpenAI(mode="yaml")


def test_script_serves_until_terminated():
    script = Path(__file__).parent.parent / "fake_openai.py"
    process = subprocess.Popen(
        [sys.executable, str(script), "--port", "0", "--mode", "markdown", "--quiet"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        line = process.stdout.readline().strip()
        assert line.startswith("OPENAI_BASE_URL=http://127.0.0.1:")
        with openai.OpenAI(base_url=line.split("=", 1)[1], api_key="k", max_retries=0, timeout=5) as sync_client:
            assert markdown_parts(ask(sync_client, response_format=schema("candidate")))["path"] == PATH
    finally:
        process.terminate()
        process.wait(timeout=5)
