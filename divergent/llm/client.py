"""Sending chat requests: cache, budget, concurrency, retries, dialect, and a record of every call.

Replies are streamed: a request is timed from when the server starts answering it
(see ``pacing``), the requests in flight follow what the server does (``--concurrency
auto``), and a request given up (a timeout, Ctrl-C, the process ending) closes its
connection, so that a server that streams stops generating. What a cut reply
brought is recorded, its tokens counted, never fewer than were seen.

Retries are ours (the openai client's are off) so that every attempt passes the
budget before it is sent. 429, 5xx, timeouts, dropped connections and unreadable
replies are retried with exponential backoff that honours ``Retry-After``; a
request that still fails comes back as a failed result, its reason kept, and never
ends the session. A refusal of the dialect (``response_format``, an output-cap
field, the context length) moves the endpoint on (see ``dialect``) and is retried
at once. A 401/403, an unknown model, an endpoint that cannot be reached or answers
with something other than a chat completion raises ``EndpointError``: nothing later
would succeed either.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import random
import re
import time
from dataclasses import dataclass, field, replace
from typing import Any, Awaitable, Callable, Protocol

import httpx2
import openai

from divergent.llm.budget import Budget, BudgetExhausted
from divergent.llm.config import Endpoint
from divergent.llm.dialect import (
    Dialect, DialectMemory, MemoryDialects, after_refusal, context_from_models, context_from_props, refusal, trained_only,
)
from divergent.llm.pacing import Pace, Ticket
from divergent.llm.pricing import cost, estimate_tokens
from divergent.llm.streamed import Streamed
from divergent.model import Usage

MAX_ATTEMPTS = 4
BASE_DELAY = 0.5
MAX_DELAY = 30.0
MESSAGE_CHARS = 500  # of a server's error message kept in the call log
MIN_REPLY_TOKENS = 256  # a cap shrunk to fit the context goes no lower
OPENAI_URL = "https://api.openai.com/v1"
LISTING_TIMEOUT = 10.0  # seconds for the server's model list, asked once per client


class EndpointError(Exception):
    """The endpoint refuses us or cannot be reached: stop asking.

    ``bad_input`` is True when the configuration is at fault (a key refused, no
    server there): exit 2. False when a working endpoint was lost mid-run or
    answers nonsense: the work failed, exit 1.
    """

    def __init__(self, message: str, bad_input: bool = True) -> None:
        super().__init__(message)
        self.bad_input = bad_input


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
    finish_reason: str = ""
    key: str = ""  # the call's cache key: what links a candidate to the call that made it

    @property
    def truncated(self) -> bool:
        """The reply was cut at the output cap."""
        return self.finish_reason == "length"

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
    finish_reason: str = ""
    schema_name: str = ""


class CallLog(Protocol):
    """Where calls are recorded and cached replies are found (storage implements it)."""

    def lookup(self, cache_key: str) -> tuple[str, int, int] | None: ...

    def hold(self, purpose: str, model: str, cache_key: str) -> None:
        """Note a request about to be sent, durably, before it goes out (a crash cannot hide it)."""

    def record(self, call: CallRecord) -> None: ...


class MemoryCallLog:
    """A call log that lives only as long as the process (for a client without a session)."""

    def __init__(self) -> None:
        self.calls: list[CallRecord] = []

    def lookup(self, cache_key: str) -> tuple[str, int, int] | None:
        for call in self.calls:
            if call.cache_key == cache_key and not call.error and call.finish_reason != "length":
                return call.response, call.input_tokens, call.output_tokens
        return None

    def hold(self, purpose: str, model: str, cache_key: str) -> None:
        pass  # nothing outlives the process

    def record(self, call: CallRecord) -> None:
        self.calls.append(call)


def cache_key(base_url: str, model: str, request: ChatRequest) -> str:
    """The same question to the same endpoint and model: whatever dialect carried it."""
    blob = json.dumps(
        {
            "base_url": base_url,
            "model": model,
            "messages": request.messages,
            "schema": [request.schema_name, request.schema],
            "temperature": request.temperature,
            "seed": request.seed,
        },
        sort_keys=True,
    )
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


def server_message(failure: Exception) -> tuple[str, str]:
    """(message, code) from an OpenAI-style error body, or the raw text of the answer."""
    body = getattr(failure, "body", None)
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict):
            message = inner.get("message") or inner.get("detail") or json.dumps(inner)
            return str(message), str(inner.get("code") or "")
        return str(inner), ""
    if isinstance(body, str):
        return body, ""
    return getattr(failure, "message", "") or str(failure), ""


def describe(failure: Exception) -> str:
    """One line for the call log: the error's type, the server's status and its own words."""
    status = getattr(failure, "status_code", None)
    name = type(failure).__name__
    head = f"{name} {status}" if status else name
    message, _ = server_message(failure)
    message = " ".join(message.split())[:MESSAGE_CHARS]
    return f"{head}: {message}" if message and message != name else head


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
REFUSABLE = (openai.BadRequestError, openai.UnprocessableEntityError, openai.InternalServerError, openai.APIStatusError)
PROMPT_TOKENS = re.compile(r"\((\d+) in the messages", re.I)


@dataclass
class Attempt:
    """One request's outcome: the result, and what to do next."""

    result: ChatResult
    retry: str = ""  # "" none, "now" at once (the dialect moved), "later" after a backoff
    delay: float = 0.0
    prompt_tokens: int = 0  # as the server counted them, when it said


class ModelClient:
    def __init__(
        self,
        endpoint: Endpoint,
        budget: Budget,
        log: CallLog | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        dialects: DialectMemory | None = None,
    ) -> None:
        self.endpoint = endpoint
        self.budget = budget
        self.log = log or MemoryCallLog()
        self.sleep = sleep
        self.dialects = dialects or MemoryDialects()
        self.base_url = (endpoint.base_url or OPENAI_URL).rstrip("/")
        self.dialect = self._remembered()
        self.refused = 0  # requests the endpoint refused for their dialect, in this run
        self.pace = Pace(endpoint.timeout, endpoint.concurrency, auto=endpoint.auto_concurrency, verdict=self.dialect.pace)
        self.usage_in_stream = True  # ask for usage in the stream (dropped if the server refuses the field)
        self._learning = asyncio.Lock()  # one request at a time while the dialect is a guess
        self._listing = asyncio.Lock()
        self.listed = False  # the server's model list was read for the context length
        self._given_up: dict[str, Usage] = {}  # what requests cancelled mid-reply cost, for the budget
        self.answered = 0  # replies received from the server in this run
        self.in_flight = 0  # requests sent and not yet answered
        self.prompt_ratio = 1.0  # the server's prompt tokens per token of our estimate (largest seen)
        self.openai = openai.AsyncOpenAI(
            base_url=endpoint.base_url,
            api_key=endpoint.api_key,
            max_retries=0,
            timeout=httpx2.Timeout(endpoint.timeout, read=None),  # reads are timed by the pace
        )

    async def close(self) -> None:
        await self.openai.close()

    # the dialect -------------------------------------------------------------------

    def _remembered(self) -> Dialect:
        dialect = self.dialects.load(self.base_url, self.endpoint.model) or Dialect()
        if self.endpoint.structured != "auto":
            dialect = replace(dialect, structured=self.endpoint.structured)
        return dialect

    @property
    def context_tokens(self) -> int:
        """The model's context length: the config's, else what the server said (0: unknown)."""
        return self.endpoint.context_tokens or self.dialect.context_tokens

    async def list_context(self) -> None:
        """The context length as the server lists it, read once (config's ``context_tokens`` wins)."""
        if self.listed or self.endpoint.context_tokens:
            return
        async with self._listing:  # the others wait for the answer: it decides what they may send
            if self.listed:
                return
            context = await self._listed_context()
            if context:
                self._learn(replace(self.dialect, context_tokens=context))
            self.listed = True

    async def _listed_context(self) -> int:
        model = self.endpoint.model
        try:
            raw = await self.openai.models.with_raw_response.list(timeout=LISTING_TIMEOUT)
            listing = raw.http_response.json()
        except (openai.APIError, ValueError):
            return 0  # no list: the context is learned from a refusal, if ever
        context = context_from_models(listing, model)
        if context or not trained_only(listing, model):
            return context
        root = self.base_url.removesuffix("/v1")
        try:
            async with httpx2.AsyncClient(timeout=LISTING_TIMEOUT) as http:
                answer = await http.get(f"{root}/props")
                return context_from_props(answer.json())
        except (httpx2.HTTPError, ValueError):
            return 0

    def _learn(self, dialect: Dialect) -> None:
        if dialect != self.dialect:
            self.dialect = dialect
            self.dialects.save(self.base_url, self.endpoint.model, dialect)

    def params(self, request: ChatRequest, cap: int | None = None) -> dict[str, Any]:
        fixed = self.endpoint.temperature
        params: dict[str, Any] = {"temperature": request.temperature if fixed is None else fixed}
        params.update(self.dialect.cap_fields(cap or self.endpoint.max_output_tokens))
        if request.seed is not None:
            params["seed"] = request.seed
        if self.usage_in_stream:
            params["stream_options"] = {"include_usage": True}
        response_format = self.dialect.response_format(request.schema_name, request.schema)
        if response_format is not None:
            params["response_format"] = response_format
        return params

    # limits --------------------------------------------------------------------------

    def prompt_tokens(self, request: ChatRequest) -> int:
        """The prompt's size as the server will likely count it."""
        estimate = sum(estimate_tokens(m["content"]) for m in request.messages)
        return int(estimate * self.prompt_ratio) + 8 * len(request.messages)  # the chat template's tokens

    def fit(self, request: ChatRequest, cap: int) -> tuple[int, str]:
        """(the cap to send, "") when prompt and reply fit the context, else (0, why not)."""
        context = self.context_tokens
        if not context:
            return cap, ""
        prompt = self.prompt_tokens(request)
        room = context - prompt
        if room >= cap:
            return cap, ""
        if room >= min(cap, MIN_REPLY_TOKENS):
            return room, ""
        return 0, (
            f"the prompt (about {prompt} tokens) and a reply of {min(cap, MIN_REPLY_TOKENS)} tokens "
            f"do not fit the model's context of {context} tokens"
        )

    @property
    def prompt_room(self) -> int | None:
        """Tokens a prompt may take with a full reply after it (None: the context is unknown)."""
        return self.context_tokens - self.endpoint.max_output_tokens if self.context_tokens else None

    def estimate(self, request: ChatRequest, cap: int | None = None) -> tuple[int, float]:
        """Tokens and dollars to hold for one attempt: the prompt and the largest reply."""
        prompt = sum(estimate_tokens(m["content"]) for m in request.messages)
        reply = cap or self.endpoint.max_output_tokens
        return prompt + reply, cost(self.endpoint.model, prompt, reply, self.endpoint.prices)

    # sending -------------------------------------------------------------------------

    async def complete(self, request: ChatRequest) -> ChatResult:
        """One reply: from the cache, or from the endpoint within the budget.

        A reply cut at the cap is asked for once more with twice the cap when the
        context and the budget allow; otherwise it comes back with finish_reason
        "length". A prompt that cannot fit comes back failed, with the numbers, unsent.
        Raises BudgetExhausted when not even the first attempt fits, EndpointError
        when the endpoint refuses or cannot be reached.
        """
        key = cache_key(self.base_url, self.endpoint.model, request)
        hit = self.log.lookup(key)
        if hit is not None:
            return ChatResult(hit[0], Usage(0, 0, 0, 0.0), cached=True, key=key)
        await self.list_context()
        wanted = self.endpoint.max_output_tokens
        failures = moves = 0
        longer = False
        result = ChatResult("", Usage(), error="budget spent before a retry")
        sent = 0
        while failures < MAX_ATTEMPTS:
            cap, why = self.fit(request, wanted)
            if not cap:
                return ChatResult("", Usage(), error=why)
            tokens, usd = self.estimate(request, cap)
            try:
                reservation = self.budget.reserve(tokens, usd)
            except BudgetExhausted:
                if sent == 0:
                    raise
                return result if result.truncated else ChatResult("", Usage(), error=result.error or "budget spent before a retry")
            sent += 1
            try:
                attempt = await self._turn(request, cap, key)
            except asyncio.CancelledError:  # given up: the budget keeps what the cut reply cost
                self.budget.settle(reservation, self._given_up.pop(key, Usage()))
                raise
            self.budget.settle(reservation, attempt.result.usage)
            result = attempt.result
            if result.ok and result.truncated and not longer and cap == wanted:
                longer, wanted = True, 2 * wanted  # once, with room for twice the reply
                if self.fit(request, wanted)[0] > cap:
                    continue
                return result
            if result.ok:
                return result
            if attempt.retry == "now" and moves < MAX_ATTEMPTS:
                moves += 1  # the dialect moved: the same request, said the new way
                continue
            failures += 1
            if attempt.retry != "later" or failures >= MAX_ATTEMPTS:
                break
            await self.sleep(attempt.delay if attempt.delay > 0 else self._backoff(failures - 1))
        return result

    def _backoff(self, attempt: int) -> float:
        return min(MAX_DELAY, BASE_DELAY * 2**attempt) * (0.5 + random.random() / 2)

    async def _turn(self, request: ChatRequest, cap: int, key: str) -> Attempt:
        """One attempt; alone while the endpoint's dialect is still a guess, so a refusal costs one request."""
        if not self.dialect.confirmed:
            async with self._learning:
                if not self.dialect.confirmed:
                    return await self._attempt(request, cap, key)
        return await self._attempt(request, cap, key)

    async def _attempt(self, request: ChatRequest, cap: int, key: str) -> Attempt:
        params = self.params(request, cap)
        started = time.perf_counter()
        reply = Streamed()
        ticket: Ticket | None = None
        async with self.pace.gate:
            self.log.hold(request.purpose, self.endpoint.model, key)  # recorded before it is sent
            self.in_flight += 1
            try:
                async with asyncio.timeout(None) as clock:
                    ticket = self.pace.sent(clock)
                    outcome = await self._send(request, params, ticket, reply, cap)
            except TimeoutError:  # the pace's clock ran out: the connection is closed with it
                waited = "the rest of the reply" if reply.chunks else "the first byte of a reply"
                error = f"timed out: no answer for {self.endpoint.timeout:g} s while waiting for {waited}"
                outcome = Attempt(self._partial(request, reply, cap, error), "later")
            except asyncio.CancelledError:  # divergent gave up (Ctrl-C, exit): the connection is closed
                partial = self._partial(request, reply, cap, "cancelled: divergent stopped waiting and closed the connection")
                self._given_up[key] = partial.usage
                self._record(request, params, key, partial.text, partial.usage.input_tokens, partial.usage.output_tokens, started, partial.error)
                raise
            except FATAL as failure:
                self._record(request, params, key, "", 0, 0, started, describe(failure))
                raise EndpointError(self._explain(failure)) from None
            except EndpointError as failure:
                self._record(request, params, key, "", 0, 0, started, str(failure))
                raise
            except REFUSABLE as failure:
                outcome = self._refused(failure, request, params)
            except RETRYABLE as failure:
                if unreachable(failure):
                    self._record(request, params, key, "", 0, 0, started, describe(failure))
                    raise EndpointError(self._unreachable(), bad_input=self.answered == 0) from None
                outcome = Attempt(self._partial(request, reply, cap, describe(failure)), "later", retry_after(failure) or 0.0)
            except openai.APIError as failure:  # an error event inside the stream
                outcome = Attempt(self._partial(request, reply, cap, describe(failure)), "later")
            finally:
                self.in_flight -= 1
                if ticket is not None:
                    self.pace.done(ticket, reply.ended, reply.finish)
                    if self.pace.verdict != self.dialect.pace:  # remembered for the next run
                        self._learn(replace(self.dialect, pace=self.pace.verdict))
        result = outcome.result
        recorded = self._record(
            request, params, key, result.text, result.usage.input_tokens, result.usage.output_tokens,
            started, result.error, result.finish_reason,
        )
        outcome.result = replace(recorded, finish_reason=result.finish_reason)
        return outcome

    def _partial(self, request: ChatRequest, reply: Streamed, cap: int, error: str) -> ChatResult:
        """A failed result that keeps what the reply brought and counts the tokens it cost."""
        output = reply.output_tokens(cap) if reply.chunks or reply.completion_tokens else 0
        prompt = reply.prompt_tokens or (self._estimate(request) if reply.chunks else 0)
        return ChatResult(reply.text, Usage(1, prompt, output), error=error, finish_reason=reply.finish)

    @staticmethod
    def _estimate(request: ChatRequest) -> int:
        return sum(estimate_tokens(m["content"]) for m in request.messages)

    async def _send(self, request: ChatRequest, params: dict[str, Any], ticket: Ticket, reply: Streamed, cap: int) -> Attempt:
        # The body goes as extra_body, which the client merges over the typed
        # fields untouched: its recursive transform of typed params (message
        # unions, the nested JSON schema) cost ~3 ms of CPU a request, which
        # serialised every wave of replies. We send plain JSON already.
        stream = await self.openai.chat.completions.create(
            model=self.endpoint.model, messages=[], stream=True, extra_body={"messages": request.messages, **params}
        )
        async with stream:  # closes the connection if we leave before the end
            kind = stream.response.headers.get("content-type", "")
            if "text/event-stream" not in kind:
                body = await stream.response.aread()
                if not reply.take_whole(body):
                    what = "HTML" if "html" in kind or b"<html" in body[:2000].lower() else "something other than a chat completion"
                    raise EndpointError(
                        f"the model endpoint {self.base_url} answered with {what}: check OPENAI_BASE_URL (it usually ends in /v1)",
                        bad_input=False,
                    )
                self.pace.chunk(ticket)
            else:
                async for chunk in stream:
                    self.pace.chunk(ticket)
                    reply.take(chunk)
                reply.ended = True
        if reply.ended and self.pace.cut_short(ticket, reply.finish):
            error = "the server cut the reply short when another request arrived (it answers one at a time)"
            return Attempt(self._partial(request, reply, cap, error), "now")
        estimate = self._estimate(request)
        input_tokens = reply.prompt_tokens or estimate
        output_tokens = reply.output_tokens(cap)
        if reply.prompt_tokens:
            self.prompt_ratio = max(self.prompt_ratio, input_tokens / max(1, estimate))
        self.answered += 1
        self._answered_in(params, output_tokens)
        usage_now = Usage(1, input_tokens, output_tokens, cost(self.endpoint.model, input_tokens, output_tokens, self.endpoint.prices))
        return Attempt(ChatResult(reply.text, usage_now, finish_reason=reply.finish))

    def _answered_in(self, params: dict[str, Any], output_tokens: int) -> None:
        """A reply in this dialect: it is confirmed (and remembered); a cap it ignored is not."""
        dialect = self.dialect
        cap = min(v for k, v in params.items() if k in ("max_tokens", "max_completion_tokens"))
        if output_tokens > cap and dialect.cap == "max_completion_tokens":
            dialect = replace(dialect, cap="both")  # it ignored max_completion_tokens
        asked = params.get("response_format", {}).get("type", "text")
        if not dialect.confirmed and (asked == dialect.structured or dialect.structured == "text"):
            dialect = replace(dialect, confirmed=True)
        self._learn(dialect)

    def _refused(self, failure: Exception, request: ChatRequest, params: dict[str, Any]) -> Attempt:
        """A 4xx/5xx: a refusal of the dialect moves it and is retried at once; else retried or not."""
        status = getattr(failure, "status_code", None)
        message, code = server_message(failure)
        error = describe(failure)
        if "stream_options" in params and status in (400, 422) and "stream_options" in message:
            self.usage_in_stream = False  # it takes streams but not this field: count the reply ourselves
            self.refused += 1
            return Attempt(ChatResult("", error=error), "now")
        found = refusal(status, message, code, params)
        if found is not None and found.refused == "context":
            self.refused += 1
            prompt = PROMPT_TOKENS.search(message)
            if found.context_tokens:
                self._learn(replace(self.dialect, context_tokens=found.context_tokens))
            if prompt:
                estimate = sum(estimate_tokens(m["content"]) for m in request.messages)
                self.prompt_ratio = max(self.prompt_ratio, int(prompt.group(1)) / max(1, estimate))
            return Attempt(ChatResult("", error=error), "now" if found.context_tokens else "")
        if found is not None and not (found.refused == "response_format" and self.endpoint.structured != "auto"):
            moved = after_refusal(self.dialect, found, message)
            if moved is not None:
                self.refused += 1
                self._learn(moved)
                return Attempt(ChatResult("", error=error), "now")
        if status is None or status >= 500 or status in (408, 409, 429):
            return Attempt(ChatResult("", error=error), "later", retry_after(failure) or 0.0)
        return Attempt(ChatResult("", error=error), "")

    def _record(self, request, params, key, text, input_tokens, output_tokens, started, error, finish_reason="") -> ChatResult:
        latency = (time.perf_counter() - started) * 1000
        usd = cost(self.endpoint.model, input_tokens, output_tokens, self.endpoint.prices)
        self.log.record(
            CallRecord(
                request.purpose, self.endpoint.model, request.messages, params, text,
                input_tokens, output_tokens, usd, latency, error, key, finish_reason, request.schema_name or "",
            )
        )
        return ChatResult(text, Usage(1, input_tokens, output_tokens, usd), error=error, latency_ms=latency, key=key)

    def _unreachable(self) -> str:
        if self.answered:
            return f"the model endpoint {self.base_url} stopped answering after {self.answered} replies (connection refused)"
        return f"cannot reach the model endpoint at {self.base_url}"

    def _explain(self, failure: Exception) -> str:
        where = self.endpoint.base_url or "the OpenAI API"
        if isinstance(failure, openai.AuthenticationError):
            return f"the model endpoint {where} refused the API key (401): check OPENAI_API_KEY"
        if isinstance(failure, openai.PermissionDeniedError):
            return f"the model endpoint {where} denied access (403)"
        return f"the model endpoint {where} does not know model {self.endpoint.model!r} (404): set --model or DIVERGENT_MODEL"
