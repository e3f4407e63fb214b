"""The model client against a real HTTP server: budget, retries, cache, failures."""

from __future__ import annotations

import asyncio

import pytest

from divergent.llm.budget import Budget, BudgetExhausted
from divergent.llm.client import ChatRequest, EndpointError, MemoryCallLog, ModelClient
from divergent.llm.config import Endpoint


def endpoint(server, concurrency=16, **kw) -> Endpoint:
    return Endpoint(base_url=server.base_url, api_key="sk-test", model="fake-model", concurrency=concurrency, timeout=5, **kw)


class Sleeps:
    """Records backoff delays instead of waiting them out."""

    def __init__(self):
        self.delays: list[float] = []

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)


def request(i: int, schema: bool = True) -> ChatRequest:
    content = f'Direction {i}\n<file path="m.py">\nx = {i}\n</file>'
    return ChatRequest(
        messages=[{"role": "user", "content": content}],
        schema_name="candidate" if schema else None,
        schema={"type": "object"} if schema else None,
        seed=i,
        purpose="test",
    )


def run(coro):
    return asyncio.run(coro)


async def many(client: ModelClient, n: int) -> list:
    async def one(i):
        try:
            return await client.complete(request(i))
        except BudgetExhausted:
            return None

    try:
        return await asyncio.gather(*(one(i) for i in range(n)))
    finally:
        await client.close()


@pytest.mark.parametrize("faults", ["none", "429", "500", "malformed", "truncated", "mixed"])
def test_budget_is_never_exceeded_under_concurrency_and_faults(fake_server, faults):
    fake_server.latency = 0.02
    queued = 0
    if faults in ("429", "mixed"):
        fake_server.fail_next(429, times=6, retry_after=0)
        queued += 6
    if faults in ("500", "mixed"):
        fake_server.fail_next(500, times=6)
        queued += 6
    if faults in ("malformed", "mixed"):
        fake_server.malformed_next(times=4)
        queued += 4
    if faults in ("truncated", "mixed"):
        fake_server.truncate_next(times=4)
        queued += 4
    budget = Budget(max_requests=25)
    client = ModelClient(endpoint(fake_server, concurrency=8), budget, MemoryCallLog(), sleep=Sleeps())
    results = run(many(client, 40))
    assert fake_server.count == 25, "the budget is spent exactly, never more"
    assert budget.spent.requests == fake_server.count
    faults_served = queued - fake_server.pending_faults
    answered = [r for r in results if r is not None and r.ok]
    # every request the server answered without a fault became a result; faults only cost budget
    assert len(answered) == fake_server.count - faults_served


def test_token_and_dollar_budgets_are_checked_before_sending(fake_server):
    # each attempt holds its prompt plus max_output_tokens (100): room for exactly 3
    budget = Budget(max_tokens=3 * 120)
    client = ModelClient(endpoint(fake_server, max_output_tokens=100), budget, MemoryCallLog())
    run(many(client, 10))
    assert fake_server.count == 3
    priced = Budget(max_usd=0.0005)
    prices = {"fake-model": {"input": 1.0, "output": 1.0}}  # $1 per million: 1,000 tokens = $0.001
    client = ModelClient(endpoint(fake_server, max_output_tokens=200, prices=prices), priced, MemoryCallLog())
    before = fake_server.count
    run(many(client, 10))
    assert fake_server.count - before == 2
    assert priced.spent.cost_usd <= 0.0005


def test_retry_after_is_honoured_and_the_request_succeeds(fake_server):
    fake_server.fail_next(429, times=2, retry_after=7)
    sleeps = Sleeps()
    client = ModelClient(endpoint(fake_server), Budget(max_requests=10), MemoryCallLog(), sleep=sleeps)
    result = run(many(client, 1))[0]
    assert result.ok and sleeps.delays == [7.0, 7.0]
    assert fake_server.count == 3


def test_a_request_that_keeps_failing_is_recorded_and_does_not_raise(fake_server):
    fake_server.fail_next(500, times=10)
    log = MemoryCallLog()
    client = ModelClient(endpoint(fake_server), Budget(max_requests=10), log, sleep=Sleeps())
    result = run(many(client, 1))[0]
    assert not result.ok and "500" in result.error
    assert len(log.calls) == 4 and all(c.error for c in log.calls)


def test_identical_requests_are_served_from_the_cache_at_no_cost(fake_server):
    log = MemoryCallLog()

    async def twice():
        client = ModelClient(endpoint(fake_server), Budget(max_requests=5), log)
        first = await client.complete(request(1))
        second = await client.complete(request(1))
        await client.close()
        return client, first, second

    client, first, second = run(twice())
    assert fake_server.count == 1
    assert second.cached and second.text == first.text
    assert second.usage.requests == 0 and second.usage.cost_usd == 0
    assert client.budget.spent.requests == 1


def test_a_server_that_rejects_response_format_gets_the_next_dialect(fake_server):
    seen = []

    def responder(body):
        seen.append("response_format" in body)
        return "# Plain\n\nA design.\n\nm.py\n```python\nx = 2\n```\n"

    fake_server.responder = responder
    fake_server.fail_next(400, times=1)
    client = ModelClient(endpoint(fake_server), Budget(max_requests=5), MemoryCallLog(), sleep=Sleeps())
    result = run(many(client, 1))[0]
    assert result.ok
    assert fake_server.count == 2
    assert [r["body"]["response_format"]["type"] for r in fake_server.requests] == ["json_schema", "json_object"]


def test_wrong_key_and_unreachable_endpoint_raise_endpoint_error(fake_server):
    from fake_openai import FakeOpenAI

    with FakeOpenAI(api_key="sk-right") as guarded:
        client = ModelClient(endpoint(guarded), Budget(max_requests=5), MemoryCallLog())
        with pytest.raises(EndpointError, match="401"):
            run(many(client, 1))
    dead = Endpoint(base_url="http://127.0.0.1:9/v1", api_key="x", model="m", timeout=2)
    with pytest.raises(EndpointError, match="cannot reach"):
        run(many(ModelClient(dead, Budget(max_requests=5), MemoryCallLog()), 1))


def test_requests_fan_out_as_separate_requests_without_n(fake_server):
    client = ModelClient(endpoint(fake_server), Budget(max_requests=8), MemoryCallLog())
    run(many(client, 8))
    bodies = [r["body"] for r in fake_server.requests]
    assert len(bodies) == 8 and all("n" not in b for b in bodies)
    assert len({b["seed"] for b in bodies}) == 8
