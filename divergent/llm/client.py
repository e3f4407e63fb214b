"""Sending chat requests: cache, budget, concurrency, retries, and a record of every call.

Retries are ours (the openai client's are off) so that every attempt passes the
budget before it is sent. 429, 5xx, timeouts, dropped connections and unreadable
replies are retried with exponential backoff that honours ``Retry-After``; a
request that still fails comes back as a failed result and never ends the session.
A 401/403, an unknown model, or an endpoint that cannot be reached at all raises
``EndpointError``: nothing later would succeed either.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import random
import time
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable, Protocol

import openai

from divergent.llm.budget import Budget, BudgetExhausted
from divergent.llm.config import Endpoint
from divergent.llm.pricing import cost, estimate_tokens
from divergent.model import Usage

MAX_ATTEMPTS = 4
BASE_DELAY = 0.5
MAX_DELAY = 30.0


class EndpointError(Exception):
    """The endpoint refuses us or cannot be reached: stop asking."""


@dataclass(frozen=True)
class ChatRequest:
    messages: list[dict[str, str]]
    schema_name: str | None = None  # ask for JSON matching ``schema`` when set
    schema: dict[str, Any] | None = None
    temperature: float = 1.0
    seed: int | None = None  # also makes otherwise identical requests distinct
    purpose: str = ""  # which explorer or critic asked


@dataclass
class ChatResult:
    text: str
    usage: Usage = field(default_factory=Usage)
    cached: bool = False
    error: str = ""
    latency_ms: float = 0.0
    key: str = ""  # the call's cache key: what links a candidate to the call that made it

    @property
    def ok(self) -> bool:
        return not self.error


@dataclass
class CallRecord:
    purpose: str
    model: str
    messages: list[dict[str, str]]
    params: dict[str, Any]
    response: str
    input_tokens: int
    output_tokens: int
    cost_usd: float
    latency_ms: float
    error: str
    cache_key: str


class CallLog(Protocol):
    """Where calls are recorded and cached replies are found (storage implements it)."""

    def lookup(self, cache_key: str) -> tuple[str, int, int] | None: ...

    def record(self, call: CallRecord) -> None: ...


class MemoryCallLog:
    """A call log that lives only as long as the process (for a client without a session)."""

    def __init__(self) -> None:
        self.calls: list[CallRecord] = []

    def lookup(self, cache_key: str) -> tuple[str, int, int] | None:
        for call in self.calls:
            if call.cache_key == cache_key and not call.error:
                return call.response, call.input_tokens, call.output_tokens
        return None

    def record(self, call: CallRecord) -> None:
        self.calls.append(call)


def cache_key(model: str, messages: list[dict[str, str]], params: dict[str, Any]) -> str:
    blob = json.dumps({"model": model, "messages": messages, "params": params}, sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()


def retry_after(error: Exception) -> float | None:
    response = getattr(error, "response", None)
    value = response.headers.get("retry-after") if response is not None else None
    try:
        return min(float(value), MAX_DELAY) if value is not None else None
    except ValueError:
        return None


def unreachable(failure: BaseException) -> bool:
    """A connection that could not be opened at all (refused, no such host), not one cut short."""
    seen: BaseException | None = failure
    while seen is not None:
        if type(seen).__name__ in ("ConnectError", "ConnectionRefusedError", "gaierror"):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


FATAL = (openai.AuthenticationError, openai.PermissionDeniedError, openai.NotFoundError)
RETRYABLE = (
    openai.RateLimitError,
    openai.InternalServerError,
    openai.APITimeoutError,
    openai.APIConnectionError,
    openai.APIResponseValidationError,
    openai.ConflictError,
    json.JSONDecodeError,
)


class ModelClient:
    def __init__(
        self,
        endpoint: Endpoint,
        budget: Budget,
        log: CallLog | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.endpoint = endpoint
        self.budget = budget
        self.log = log or MemoryCallLog()
        self.sleep = sleep
        self.semaphore = asyncio.Semaphore(endpoint.concurrency)
        self.schema_supported = True  # turned off for good when a server rejects response_format
        self.answered = 0  # replies received from the server in this run
        self.in_flight = 0  # requests sent and not yet answered
        self.openai = openai.AsyncOpenAI(
            base_url=endpoint.base_url,
            api_key=endpoint.api_key,
            max_retries=0,
            timeout=endpoint.timeout,
        )

    async def close(self) -> None:
        await self.openai.close()

    def params(self, request: ChatRequest) -> dict[str, Any]:
        params: dict[str, Any] = {
            "temperature": request.temperature,
            "max_completion_tokens": self.endpoint.max_output_tokens,
        }
        if request.seed is not None:
            params["seed"] = request.seed
        if request.schema_name and request.schema and self.schema_supported:
            params["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": request.schema_name, "schema": request.schema, "strict": False},
            }
        return params

    def estimate(self, request: ChatRequest) -> tuple[int, float]:
        """Tokens and dollars to hold for one attempt: the prompt and the largest reply."""
        prompt = sum(estimate_tokens(m["content"]) for m in request.messages)
        reply = self.endpoint.max_output_tokens
        return prompt + reply, cost(self.endpoint.model, prompt, reply, self.endpoint.prices)

    async def complete(self, request: ChatRequest) -> ChatResult:
        """One reply: from the cache, or from the endpoint within the budget.

        Raises BudgetExhausted when not even the first attempt fits, EndpointError
        when the endpoint refuses or cannot be reached.
        """
        params = self.params(request)
        key = cache_key(self.endpoint.model, request.messages, params)
        hit = self.log.lookup(key)
        if hit is not None:
            return ChatResult(hit[0], Usage(0, 0, 0, 0.0), cached=True, key=key)
        last_error = ""
        for attempt in range(MAX_ATTEMPTS):
            tokens, usd = self.estimate(request)
            try:
                reservation = self.budget.reserve(tokens, usd)
            except BudgetExhausted:
                if attempt == 0:
                    raise
                break
            result, delay = await self._attempt(request, params, key)
            self.budget.settle(reservation, result.usage)
            if result.ok:
                return result
            last_error = result.error
            if delay is None:
                break
            params = self.params(request)  # response_format may have been turned off
            await self.sleep(delay if delay > 0 else self._backoff(attempt))
        return ChatResult("", Usage(), error=last_error or "budget spent before a retry")

    def _backoff(self, attempt: int) -> float:
        return min(MAX_DELAY, BASE_DELAY * 2**attempt) * (0.5 + random.random() / 2)

    async def _attempt(self, request: ChatRequest, params: dict[str, Any], key: str) -> tuple[ChatResult, float | None]:
        """(result, delay before a retry or None for no retry; 0 means use backoff)."""
        started = time.perf_counter()
        async with self.semaphore:
            self.in_flight += 1
            try:
                # The body goes as extra_body, which the client merges over the typed
                # fields untouched: its recursive transform of typed params (message
                # unions, the nested JSON schema) cost ~3 ms of CPU a request, which
                # serialised every wave of replies. We send plain JSON already.
                response = await self.openai.chat.completions.create(
                    model=self.endpoint.model, messages=[], extra_body={"messages": request.messages, **params}
                )
                text = response.choices[0].message.content or "" if response.choices else ""
                usage = response.usage
                input_tokens = usage.prompt_tokens if usage else sum(estimate_tokens(m["content"]) for m in request.messages)
                output_tokens = usage.completion_tokens if usage else estimate_tokens(text)
                error, delay = "", None
                self.answered += 1
            except FATAL as failure:
                self._record(request, params, key, "", 0, 0, started, self._describe(failure))
                raise EndpointError(self._explain(failure)) from None
            except openai.BadRequestError as failure:
                if "response_format" in params:
                    self.schema_supported = False
                    text, input_tokens, output_tokens, error, delay = "", 0, 0, self._describe(failure), 0.0
                else:
                    text, input_tokens, output_tokens, error, delay = "", 0, 0, self._describe(failure), None
            except RETRYABLE as failure:
                if self.answered == 0 and unreachable(failure):
                    self._record(request, params, key, "", 0, 0, started, self._describe(failure))
                    raise EndpointError(f"cannot reach the model endpoint at {self.endpoint.base_url or 'api.openai.com'}") from None
                text, input_tokens, output_tokens = "", 0, 0
                error, delay = self._describe(failure), retry_after(failure) or 0.0
            finally:
                self.in_flight -= 1
        result = self._record(request, params, key, text, input_tokens, output_tokens, started, error)
        return result, delay

    def _record(self, request, params, key, text, input_tokens, output_tokens, started, error) -> ChatResult:
        latency = (time.perf_counter() - started) * 1000
        usd = cost(self.endpoint.model, input_tokens, output_tokens, self.endpoint.prices)
        self.log.record(
            CallRecord(
                request.purpose, self.endpoint.model, request.messages, params, text,
                input_tokens, output_tokens, usd, latency, error, key,
            )
        )
        return ChatResult(text, Usage(1, input_tokens, output_tokens, usd), error=error, latency_ms=latency, key=key)

    @staticmethod
    def _describe(failure: Exception) -> str:
        status = getattr(failure, "status_code", None)
        name = type(failure).__name__
        return f"{name} {status}" if status else name

    def _explain(self, failure: Exception) -> str:
        where = self.endpoint.base_url or "the OpenAI API"
        if isinstance(failure, openai.AuthenticationError):
            return f"the model endpoint {where} refused the API key (401): check OPENAI_API_KEY"
        if isinstance(failure, openai.PermissionDeniedError):
            return f"the model endpoint {where} denied access (403)"
        return f"the model endpoint {where} does not know model {self.endpoint.model!r} (404): set --model or DIVERGENT_MODEL"
