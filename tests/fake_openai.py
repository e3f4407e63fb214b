"""A fake OpenAI-compatible HTTP server on loopback, for tests and benchmarks.

It is a real server, not a mock: the real ``openai`` client talks to it over HTTP/1.1.
Standard library only, so benchmarks and manual trials can use it too::

    with FakeOpenAI(mode="json", latency=0.0) as server:
        client = openai.OpenAI(base_url=server.base_url, api_key="sk-test")
        ...
        server.fail_next(429, retry_after=1)   # the next chat request gets a 429
        assert server.count == 1

From a shell: ``python tests/fake_openai.py --port 8765 --mode markdown --latency 0.5``.

Endpoints: ``POST /v1/chat/completions`` (plain and ``stream: true`` SSE),
``GET /v1/models`` and ``GET /v1/models/{id}``.

What the default responder reads from a prompt (any message, in order):

* files as ``<file path="REL/PATH.py" ...>\\n...content...\\n</file>``; the target is the
  first block marked ``part="target"`` (the target unit's lines), else the first block;
  the first ``part="caller"`` block is a caller it may edit;
* an optional line ``Choices: {"dispatch": "registry"}`` (a JSON object), echoed back.

What it answers depends on ``response_format`` and the server's ``mode``:

* ``json`` mode, ``json_schema`` named ``candidate`` (or ``json_object``): the candidate
  as JSON; ``dimensions`` / ``scenarios``: fixed lists; any other name: ``{}``.
* ``markdown`` mode (or no ``response_format`` / ``{"type": "text"}`` at all): a candidate
  as ``# Title``, a summary paragraph, the path line and a fenced ```` ```python ```` block
  holding the target's block with the function appended (a whole file when the block is
  one); other schema names as prose followed by a ```` ```json ```` block.
* ``edits`` mode: like ``json``, but the candidate is the edit format: a ``target`` edit
  (the target's lines with the function appended at the target's indentation) and, when
  a Python caller was shown, a ``replace`` edit adding a comment to its first line.
* ``markdown-edits`` mode: the same two changes as SEARCH/REPLACE blocks in markdown.

``dialect="llama"`` speaks as llama-cpp-python's server (0.3.36) does: HTTP 500 (a
validation error naming ``response_format``) to ``json_schema``; ``json_object`` with or
without a ``schema`` honoured; ``max_completion_tokens`` ignored and ``max_tokens``
honoured (a reply cut there ends with finish_reason ``length``; a cap past the context
is cut to fit, as llama.cpp does); a prompt of ``n_ctx`` tokens or more gets 400
``context_length_exceeded`` naming the numbers; one chat request at a time, the rest
queued; ``/v1/models`` says nothing of the context.

Pacing (what a local server does to a client that sends several requests at once):
``serial=True`` answers one chat request at a time and queues the rest (the llama dialect
always does); ``interrupts=True`` also ends the reply it is streaming, with ``[DONE]`` and
no finish_reason, as soon as another request waits (llama-cpp-python's default);
``chunk_delay`` seconds pass between streamed chunks (a reply that takes time to
generate). A client that hangs up is noticed as llama-cpp-python does (before a queued
request is answered, and at each streamed chunk): the reply stops there and
``abandoned`` counts it.

A candidate's new file is the target's content plus one appended function. Its
*structure* comes from one hash of the messages and its *names* from another, so some
candidates are structural twins that differ only in names, and others differ in shape.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import hashlib
import json
import math
import re
import select
import socket
import sys
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Iterator

__all__ = ["FakeOpenAI", "default_content", "estimate_tokens", "MODES", "DIALECTS", "GARBAGE_CONTENT"]

MODES = ("json", "markdown", "edits", "markdown-edits")
DIALECTS = ("openai", "llama")
GARBAGE_CONTENT = "I cannot help with that."
STREAM_PIECE_CHARS = 64
POLL_INTERVAL = 0.02  # how often serve_forever looks for stop(); the default 0.5 s slows teardown

Responder = Callable[[dict], str]


# --------------------------------------------------------------------------------------
# Reading the prompt
# --------------------------------------------------------------------------------------

FILE_RE = re.compile(r'<file path="([^"]+)"([^>\n]*)>\n(.*?)\n?</file>', re.DOTALL)
CHOICES_RE = re.compile(r"^Choices:\s*(\{.*\})\s*$", re.MULTILINE)


def message_text(message: dict) -> str:
    """The text of one chat message, whether ``content`` is a string or a list of parts."""
    content = message.get("content")
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(part.get("text", "") for part in content if isinstance(part, dict))
    return ""


def prompt_text(body: dict) -> str:
    """All messages' text, in order, one after the other."""
    return "\n".join(message_text(m) for m in body.get("messages") or [] if isinstance(m, dict))


def estimate_tokens(text: str) -> int:
    """The fake's token count: ceil(len(text) / 4)."""
    return math.ceil(len(text) / 4)


def prompt_tokens(body: dict) -> int:
    """Tokens of the prompt: the sum over messages of each message's estimate."""
    return sum(estimate_tokens(message_text(m)) for m in body.get("messages") or [] if isinstance(m, dict))


def shown_files(text: str) -> list[tuple[str, str, str]]:
    """(path, attributes, content) of every ``<file ...>`` block, in order."""
    return [(m.group(1), m.group(2), m.group(3)) for m in FILE_RE.finditer(text)]


def target_block(text: str) -> tuple[str, str, bool]:
    """(path, content, whether it is the target's lines only) of the target's block."""
    shown = shown_files(text)
    marked = [f for f in shown if 'part="target"' in f[1]]
    if marked:
        return marked[0][0], marked[0][2], True
    if shown:
        return shown[0][0], shown[0][2], False
    return "module.py", "", False


def target_file(text: str) -> tuple[str, str]:
    """(path, content) of the target's block, or a placeholder module."""
    path, content, _ = target_block(text)
    return path, content


def requested_choices(text: str) -> dict:
    """The JSON object on a ``Choices: {...}`` line, or ``{}``."""
    match = CHOICES_RE.search(text)
    if match is None:
        return {}
    try:
        choices = json.loads(match.group(1))
    except ValueError:
        return {}
    return choices if isinstance(choices, dict) else {}


def schema_name(body: dict) -> str | None:
    """What the request asks for: a json_schema name, "candidate" for json_object, None for text."""
    response_format = body.get("response_format")
    if not isinstance(response_format, dict):
        return None
    kind = response_format.get("type")
    if kind == "json_schema":
        return (response_format.get("json_schema") or {}).get("name") or ""
    if kind == "json_object":  # the schema, when sent (llama-cpp-python's way), says which
        schema = response_format.get("schema")
        properties = schema.get("properties", {}) if isinstance(schema, dict) else {}
        for key, name in (("dimensions", "dimensions"), ("scenarios", "scenarios"), ("verdicts", "verdict"), ("units", "units")):
            if key in properties:
                return name
        return "candidate"
    return None


# --------------------------------------------------------------------------------------
# Candidates: an appended function whose structure and names come from two hashes
# --------------------------------------------------------------------------------------

# Placeholders: fn (function), a/b/c (three distinct local names), s1/s2/s3 (strings), doc.
STRUCTURES: dict[str, str] = {
    "guard": '''\
def {fn}({a}, {b}=None):
    """{doc}"""
    if {a} is None:
        return {b}
    return {a}
''',
    "accumulator": '''\
def {fn}({a}):
    """{doc}"""
    {b} = []
    for {c} in {a}:
        {b}.append({c})
    return {b}
''',
    "pipeline": '''\
def {fn}({a}, *{b}):
    """{doc}"""
    for {c} in {b}:
        {a} = {c}({a})
    return {a}
''',
    "registry": '''\
def {fn}({a}, {b}="{s1}"):
    """{doc}"""
    {c} = {{"{s1}": str, "{s2}": repr}}
    return {c}[{b}]({a})
''',
    "dispatch": '''\
def {fn}({a}, {b}):
    """{doc}"""
    if {b} == "{s1}":
        return str({a})
    elif {b} == "{s2}":
        return repr({a})
    raise ValueError("{s3}")
''',
}

# Disjoint pools, so a, b and c never collide. Each pool is indexed by its own hash bytes.
NAME_POOLS: dict[str, tuple[str, ...]] = {
    "fn": ("normalize", "apply_steps", "render_value", "collect", "resolve", "format_record"),
    "a": ("value", "record", "payload", "entry"),
    "b": ("fallback", "kind", "steps", "options"),
    "c": ("step", "element", "table", "handler"),
    "s1": ("text", "csv", "plain", "short"),
    "s2": ("repr", "json", "debug", "long"),
    "s3": ("unknown kind", "unsupported format", "no such mode"),
    "doc": ("Added by this design.", "A small helper.", "Return the result."),
}


def _digest(salt: str, body: dict) -> bytes:
    """A stable hash of the request's messages and seed (Python's ``hash`` is salted per process).

    Like a real model, a different seed gives a different sample for the same messages.
    """
    canonical = json.dumps([body.get("messages") or [], body.get("seed")], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(f"{salt}\0{canonical}".encode()).digest()


def pick_structure(body: dict) -> str:
    """The structure (a key of STRUCTURES) for this request."""
    digest = _digest("structure", body)
    names = list(STRUCTURES)
    return names[int.from_bytes(digest[:8], "big") % len(names)]


def pick_names(body: dict) -> dict[str, str]:
    """The identifiers and literals for this request, from a hash independent of the structure's."""
    digest = _digest("names", body)
    return {
        slot: pool[int.from_bytes(digest[2 * i : 2 * i + 2], "big") % len(pool)]
        for i, (slot, pool) in enumerate(NAME_POOLS.items())
    }


def appended_function(body: dict) -> tuple[str, str]:
    """(structure name, source of the function appended to the target file)."""
    structure = pick_structure(body)
    return structure, STRUCTURES[structure].format(**pick_names(body))


def join_module(original: str, addition: str) -> str:
    """``original`` unchanged, then ``addition`` as a new top-level definition."""
    if not original.strip():
        return addition
    separator = "\n\n" if original.endswith("\n") else "\n\n\n"
    return original + separator + addition


def indented(function: str, indent: str) -> str:
    return "".join(indent + line if line.strip() else line for line in function.splitlines(keepends=True))


def extended_target(body: dict) -> tuple[str, str, str, str, bool]:
    """(path, shown content, the content with the function appended, structure, target lines only)."""
    path, original, span = target_block(prompt_text(body))
    structure, function = appended_function(body)
    first = next((line for line in original.splitlines() if line.strip()), "")
    indent = first[: len(first) - len(first.lstrip())] if span else ""
    return path, original, join_module(original, indented(function, indent)), structure, span


def header(body: dict, structure: str, path: str) -> dict:
    number = int.from_bytes(_digest("title", body)[:2], "big") % 100 + 1
    return {
        "title": f"Variant {number} ({structure})",
        "summary": f"Adds a small {structure}-shaped helper to {path}.",
        "rationale": f"A {structure} keeps the change local; the existing code is untouched.",
        "choices": requested_choices(prompt_text(body)),
    }


def candidate_payload(body: dict) -> dict:
    """The default candidate for a request: the target's block with one function appended."""
    path, _, content, structure, _ = extended_target(body)
    return {**header(body, structure, path), "files": [{"path": path, "content": content}]}


def caller_edit(body: dict) -> dict | None:
    """A SEARCH/REPLACE edit marking the first Python caller shown, or None."""
    for path, attributes, content in shown_files(prompt_text(body)):
        first = content.split("\n", 1)[0]
        if 'part="caller"' in attributes and path.endswith(".py") and first.strip():
            return {"kind": "replace", "path": path, "search": first, "replace": first + "  # reviewed by this design"}
    return None


def edits_payload(body: dict) -> dict:
    """The default candidate in the edit format: the target's new source, a caller's edit."""
    path, _, content, structure, span = extended_target(body)
    edits = [{"kind": "target" if span else "create", "path": path, "content": content}]
    edits += [e for e in [caller_edit(body)] if e]
    return {**header(body, structure, path), "edits": edits}


def search_replace_block(path: str, search: str, replace: str) -> str:
    fence = fence_for(search + replace)
    body = f"<<<<<<< SEARCH\n{search.rstrip(chr(10))}\n=======\n{replace.rstrip(chr(10))}\n>>>>>>> REPLACE"
    return f"{path}\n{fence}python\n{body}\n{fence}\n"


def edits_markdown(body: dict) -> str:
    """The edit-format candidate as a model writing markdown would: SEARCH/REPLACE blocks."""
    path, original, content, structure, span = extended_target(body)
    top = header(body, structure, path)
    parts = [f"# {top['title']}", "", top["summary"], ""]
    if span:
        tail = "\n".join(original.rstrip("\n").split("\n")[-3:])
        parts.append(search_replace_block(path, tail, content.rstrip("\n")[len(original.rstrip("\n")) - len(tail):]))
    else:
        fence = fence_for(content)
        parts += [path, f"{fence}python", content.rstrip("\n"), fence, ""]
    caller = caller_edit(body)
    if caller:
        parts.append(search_replace_block(caller["path"], caller["search"], caller["replace"]))
    return "\n".join(parts)


DIMENSIONS = {
    "dimensions": [
        {"name": "dispatch", "values": ["if/elif", "registry", "polymorphism"]},
        {"name": "state", "values": ["mutable object", "immutable values"]},
        {"name": "coupling", "values": ["constructor builds", "injected"]},
    ]
}
SCENARIOS = {"scenarios": ["add a YAML output format", "make storage async", "support multiple currencies"]}


def default_payload(name: str, body: dict) -> dict:
    """The JSON object the default responder gives for a schema ``name``."""
    if name == "candidate":
        return candidate_payload(body)
    if name == "dimensions":
        return json.loads(json.dumps(DIMENSIONS))
    if name == "scenarios":
        return json.loads(json.dumps(SCENARIOS))
    if name == "verdict":
        return verdict_payload(body)
    if name == "units":
        found = re.search(r"^Units: (.+)$", prompt_text(body), re.M)
        return {"units": [u.strip() for u in found.group(1).split(",")][:2] if found else []}
    return {}


VERDICT_RE = re.compile(r"on each criterion: (.+?)\.\n")


def verdict_payload(body: dict) -> dict:
    """A judge's verdicts: one per criterion named in the prompt, picked by a hash of the messages."""
    found = VERDICT_RE.search(prompt_text(body))
    criteria = [c.strip() for c in found.group(1).split(",")] if found else ["readability"]
    digest = _digest("verdict", body)
    return {"verdicts": {c: ("A", "B", "tie")[digest[i % len(digest)] % 3] for i, c in enumerate(criteria)}}


def fence_for(text: str) -> str:
    """A backtick fence longer than any backtick run inside ``text``."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    return "`" * max(3, longest + 1)


def candidate_markdown(candidate: dict) -> str:
    """A candidate as a model that ignores response_format would write it."""
    parts = [f"# {candidate['title']}", "", candidate["summary"], ""]
    for file in candidate["files"]:
        content = file["content"]
        fence = fence_for(content)
        parts += [file["path"], f"{fence}python", content.rstrip("\n"), fence, ""]
    return "\n".join(parts)


def json_markdown(payload: dict) -> str:
    """A JSON answer wrapped in prose and a ```json fence."""
    return f"Here is the JSON you asked for.\n\n```json\n{json.dumps(payload, indent=2)}\n```\n"


def default_content(body: dict, mode: str = "json") -> str:
    """The message content the fake answers to a chat request ``body`` in ``mode``."""
    name = schema_name(body)
    if mode == "markdown-edits" and name in (None, "candidate"):
        return edits_markdown(body)
    if name is None:
        return candidate_markdown(candidate_payload(body))
    if name == "candidate" and mode == "edits":
        return json.dumps(edits_payload(body))
    payload = default_payload(name, body)
    if mode in ("json", "edits"):
        return json.dumps(payload)
    if name == "candidate":
        return candidate_markdown(payload)
    return json_markdown(payload)


# --------------------------------------------------------------------------------------
# Wire format: OpenAI-shaped replies
# --------------------------------------------------------------------------------------


def usage_of(body: dict, content: str) -> dict:
    """The ``usage`` object for a request and its reply."""
    prompt, completion = prompt_tokens(body), estimate_tokens(content)
    return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}


def completion_object(reply_id: str, model: str, body: dict, content: str, finish_reason: str = "stop") -> dict:
    """A non-streaming ``chat.completion``."""
    return {
        "id": reply_id,
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "system_fingerprint": None,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content, "refusal": None},
                "logprobs": None,
                "finish_reason": finish_reason,
            }
        ],
        "usage": usage_of(body, content),
    }


def chunk_object(reply_id: str, model: str, delta: dict, finish_reason: str | None = None) -> dict:
    """One ``chat.completion.chunk`` with a single choice."""
    return {
        "id": reply_id,
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": model,
        "system_fingerprint": None,
        "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish_reason}],
    }


def error_object(status: int, message: str | None = None) -> dict:
    """An OpenAI-style error body for an HTTP status."""
    kinds = {
        400: ("invalid_request_error", None, "Bad request."),
        401: ("invalid_request_error", "invalid_api_key", "Incorrect API key provided."),
        403: ("invalid_request_error", "unsupported_country_region_territory", "Forbidden."),
        404: ("invalid_request_error", "not_found", "Not found."),
        408: ("timeout", None, "Request timed out."),
        409: ("conflict", None, "Conflict."),
        429: ("requests", "rate_limit_exceeded", "Rate limit reached. Please try again later."),
        503: ("server_error", None, "The server is overloaded. Please try again later."),
    }
    kind, code, default = kinds.get(status, ("server_error", None, f"The server had an error (HTTP {status})."))
    return {"error": {"message": message or default, "type": kind, "param": None, "code": code}}


def sse(obj: Any) -> bytes:
    """One server-sent event carrying ``obj`` (or a raw string) as data."""
    data = obj if isinstance(obj, str) else json.dumps(obj)
    return f"data: {data}\n\n".encode()


def pieces(text: str, size: int = STREAM_PIECE_CHARS) -> list[str]:
    """``text`` cut into streaming deltas (at least one, possibly empty)."""
    return [text[i : i + size] for i in range(0, len(text), size)] or [""]


# --------------------------------------------------------------------------------------
# llama-cpp-python's dialect
# --------------------------------------------------------------------------------------

LLAMA_FORMAT_ERROR = (
    "[{'type': 'literal_error', 'loc': ('body', 'response_format', 'type'), "
    "'msg': \"Input should be 'text' or 'json_object'\", 'input': '%s', 'ctx': {'expected': \"'text' or 'json_object'\"}}]"
)


def llama_refusal(body: dict, n_ctx: int) -> tuple[int, dict] | None:
    """(status, error body) when llama-cpp-python's server would refuse the request."""
    response_format = body.get("response_format")
    if isinstance(response_format, dict) and response_format.get("type") not in (None, "text", "json_object"):
        message = LLAMA_FORMAT_ERROR % response_format.get("type")
        return 500, {"error": {"message": message, "type": "internal_server_error", "param": None, "code": None}}
    prompt = prompt_tokens(body)
    if prompt >= n_ctx:
        cap = body.get("max_tokens") or 0
        message = (
            f"This model's maximum context length is {n_ctx} tokens. However, you requested {prompt + cap} tokens "
            f"({prompt} in the messages, {cap} in the completion). Please reduce the length of the messages or completion."
        )
        return 400, {"error": {"message": message, "type": "invalid_request_error", "param": "messages", "code": "context_length_exceeded"}}
    return None


def llama_cap(body: dict, n_ctx: int) -> int:
    """The reply's cap as llama.cpp applies it: max_tokens (else the context), cut to fit the context."""
    room = n_ctx - prompt_tokens(body)
    cap = body.get("max_tokens")
    return room if not isinstance(cap, int) or cap <= 0 else min(cap, room)


def cut_to(content: str, tokens: int) -> tuple[str, str]:
    """(content, finish_reason): cut to ``tokens`` of the fake's count, "length" when cut."""
    if estimate_tokens(content) <= tokens:
        return content, "stop"
    return content[: 4 * tokens], "length"


# --------------------------------------------------------------------------------------
# Faults
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fault:
    """One queued misbehaviour: kind is "fail", "malformed", "truncate", "garbage" or "html"."""

    kind: str
    status: int = 200
    retry_after: float | None = None
    message: str | None = None


# --------------------------------------------------------------------------------------
# HTTP
# --------------------------------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    """Routes one connection's requests to the FakeOpenAI that owns the server."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out as separate writes
    server: _Server

    # -- plumbing ----------------------------------------------------------------------

    @property
    def fake(self) -> FakeOpenAI:
        return self.server.fake

    def setup(self) -> None:
        super().setup()
        self.server.track(self.connection)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.untrack(self.connection)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (stdlib signature)
        if self.fake.verbose:
            super().log_message(format, *args)

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def _read_body(self) -> Any:
        """The request body as JSON (None when absent or not JSON)."""
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        try:
            return json.loads(raw) if raw else None
        except ValueError:
            return None

    def _handle(self, method: str) -> None:
        path = self.path.split("?", 1)[0]
        body = self._read_body()
        self.fake._record(path, self.headers, body)
        with self.fake._in_flight():
            if self.fake.serial and path == "/v1/chat/completions":
                with self.fake._waiting():
                    self.fake._serial.acquire()  # one at a time; the rest wait their turn
                try:
                    if self._client_gone():
                        self.fake._abandon()
                        return
                    self._route(method, path, body)
                finally:
                    self.fake._serial.release()
            else:
                self._route(method, path, body)

    def _client_gone(self) -> bool:
        """The client closed its connection (as a server notices before it starts answering)."""
        try:
            readable, _, _ = select.select([self.connection], [], [], 0)
            return bool(readable) and self.connection.recv(1, socket.MSG_PEEK) == b""
        except OSError:
            return True

    def _route(self, method: str, path: str, body: Any) -> None:
        self.fake._sleep_latency()
        if path == "/v1/chat/completions" and self._client_gone():
            self.fake._abandon()  # gone while it waited: nothing is generated
            self.close_connection = True
            return
        try:
            self._answer(method, path, body)
        except ConnectionError:  # gone while it was answered: the rest is not generated
            self.fake._abandon()
            self.close_connection = True

    def _answer(self, method: str, path: str, body: Any) -> None:
        if not self.fake._authorized(self.headers.get("Authorization")):
            self._send_json(401, error_object(401))
        elif method == "POST" and path == "/v1/chat/completions":
            self._chat(body)
        elif method == "GET" and path == "/v1/models":
            self._send_json(200, {"object": "list", "data": [self.fake._model_object(m) for m in self.fake.models]})
        elif method == "GET" and path == "/props" and self.fake.props is not None:
            self._send_json(200, self.fake.props)
        elif method == "GET" and path.startswith("/v1/models/"):
            self._model(path.removeprefix("/v1/models/"))
        else:
            self._send_json(404, error_object(404, f"Unknown route: {method} {path}"))

    # -- writing -----------------------------------------------------------------------

    def _send_head(self, status: int, content_type: str, headers: dict[str, str]) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("x-request-id", f"req_fake_{self.fake.count}")
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()

    def _send_json(self, status: int, obj: Any, headers: dict[str, str] | None = None) -> None:
        self._send_raw(status, json.dumps(obj).encode(), headers)

    def _send_raw(self, status: int, data: bytes, headers: dict[str, str] | None = None) -> None:
        self._send_head(status, "application/json", {"Content-Length": str(len(data)), **(headers or {})})
        self.wfile.write(data)

    def _write_chunk(self, data: bytes) -> None:
        """One HTTP/1.1 chunk of a ``Transfer-Encoding: chunked`` body."""
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))

    def _end_chunks(self) -> None:
        self.wfile.write(b"0\r\n\r\n")

    # -- routes ------------------------------------------------------------------------

    def _model(self, model_id: str) -> None:
        if model_id in self.fake.models:
            self._send_json(200, self.fake._model_object(model_id))
        else:
            self._send_json(404, error_object(404, f"The model `{model_id}` does not exist."))

    def _chat(self, body: Any) -> None:
        if not isinstance(body, dict) or not isinstance(body.get("messages"), list):
            self._send_json(400, error_object(400, "A JSON body with a `messages` list is required."))
            return
        fault = self.fake._next_fault()
        kind = fault.kind if fault is not None else None
        if fault is not None and kind == "fail":
            self._fail(fault)
            return
        if kind == "html":
            page = b"<!doctype html><html><head><title>Welcome</title></head><body>It works!</body></html>"
            self._send_head(200, "text/html; charset=utf-8", {"Content-Length": str(len(page))})
            self.wfile.write(page)
            return
        finish = "stop"
        if self.fake.dialect == "llama":
            refused = llama_refusal(body, self.fake.n_ctx)
            if refused is not None:
                self._send_json(*refused)
                return
        content = GARBAGE_CONTENT if kind == "garbage" else self.fake._content(body)
        if self.fake.dialect == "llama":
            content, finish = cut_to(content, llama_cap(body, self.fake.n_ctx))
        reply_id = f"chatcmpl-fake-{self.fake.count}"
        model = str(body.get("model") or self.fake.models[0])
        if body.get("stream"):
            self._chat_stream(reply_id, model, body, content, kind, finish)
        else:
            self._chat_plain(reply_id, model, body, content, kind, finish)

    def _fail(self, fault: Fault) -> None:
        headers = {} if fault.retry_after is None else {"Retry-After": f"{fault.retry_after:g}"}
        self._send_json(fault.status, error_object(fault.status, fault.message), headers)

    def _chat_plain(self, reply_id: str, model: str, body: dict, content: str, fault: str | None, finish: str = "stop") -> None:
        data = json.dumps(completion_object(reply_id, model, body, content, finish)).encode()
        if fault == "malformed":
            self._send_raw(200, b'{"id": "' + reply_id.encode() + b'", "object": "chat.completion", "choices": [oops')
        elif fault == "truncate":
            self._send_head(200, "application/json", {"Content-Length": str(len(data))})
            self.wfile.write(data[: len(data) // 2])
            self.close_connection = True
        else:
            self._send_raw(200, data)

    def _chat_stream(self, reply_id: str, model: str, body: dict, content: str, fault: str | None, finish: str = "stop") -> None:
        include_usage = bool((body.get("stream_options") or {}).get("include_usage"))
        extra = {"usage": None} if include_usage else {}
        stream_headers = {"Transfer-Encoding": "chunked", "Cache-Control": "no-cache"}
        self._send_head(200, "text/event-stream; charset=utf-8", stream_headers)
        self._write_chunk(sse({**chunk_object(reply_id, model, {"role": "assistant", "content": ""}), **extra}))
        deltas = pieces(content)
        if fault == "truncate":
            for delta in deltas[: max(1, len(deltas) // 2)]:
                self._write_chunk(sse({**chunk_object(reply_id, model, {"content": delta}), **extra}))
            self.close_connection = True  # no [DONE], no terminating chunk: the peer sees a cut body
            return
        if fault == "malformed":
            self._write_chunk(sse('{"id": "' + reply_id + '", "choices": [oops'))
        for delta in deltas:
            if self.fake.chunk_delay:
                self.fake._stopping.wait(self.fake.chunk_delay)
            if self._client_gone():
                self.fake._abandon()
                self.close_connection = True
                return
            if self.fake.interrupts and self.fake.queued:
                self._write_chunk(sse("[DONE]"))  # cut short for the request that waits: no finish_reason
                self._end_chunks()
                return
            self._write_chunk(sse({**chunk_object(reply_id, model, {"content": delta}), **extra}))
        self._write_chunk(sse({**chunk_object(reply_id, model, {}, finish), **extra}))
        if include_usage:
            final = chunk_object(reply_id, model, {})
            self._write_chunk(sse({**final, "choices": [], "usage": usage_of(body, content)}))
        self._write_chunk(sse("[DONE]"))
        self._end_chunks()


class _Server(ThreadingHTTPServer):
    """A thread per connection; remembers open connections so stop() can cut them."""

    daemon_threads = True
    request_queue_size = 256  # the default backlog of 5 drops bursts of connects

    def __init__(self, address: tuple[str, int], fake: FakeOpenAI):
        super().__init__(address, _Handler)
        self.fake = fake
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()

    def track(self, connection: socket.socket) -> None:
        with self._connections_lock:
            self._connections.add(connection)

    def untrack(self, connection: socket.socket) -> None:
        with self._connections_lock:
            self._connections.discard(connection)

    def close_connections(self) -> None:
        """Shut down every open client connection (idle keep-alive ones included)."""
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients that hang up mid-reply are normal here; report anything else."""
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return
        super().handle_error(request, client_address)


# --------------------------------------------------------------------------------------
# The public object
# --------------------------------------------------------------------------------------


class FakeOpenAI:
    """A fake OpenAI-compatible endpoint on ``127.0.0.1``, served from a daemon thread.

    Args:
        mode: "json" (honour response_format), "markdown" (ignore it), "edits" or "markdown-edits"
            (the edit format, as JSON or as SEARCH/REPLACE blocks). Settable later.
        latency: seconds slept per request before replying. Settable later.
        api_key: when set, requests without ``Authorization: Bearer <api_key>`` get a 401.
        responder: ``callable(body) -> str`` giving the message content, instead of the defaults.
        models: model names listed by ``GET /v1/models`` (replies echo the request's model).
        port: port to bind (0: an ephemeral one).
        verbose: log each request to stderr, as http.server does.
        dialect: "openai" (takes every response_format, ignores caps) or "llama" (see above).
        n_ctx: the context length in the llama dialect, in the fake's tokens.
        serial, interrupts, chunk_delay: pacing (see above); settable later.
        model_fields: more fields on each listed model, as servers add them (vLLM:
            ``{"max_model_len": 4096}``; llama.cpp's llama-server: ``{"meta": {"n_ctx_train": ...}}``).
        props: served at ``GET /props`` (llama.cpp's llama-server) when given.
    """

    def __init__(
        self,
        mode: str = "json",
        latency: float = 0.0,
        *,
        api_key: str | None = None,
        responder: Responder | None = None,
        models: tuple[str, ...] | list[str] = ("fake-model",),
        port: int = 0,
        verbose: bool = False,
        dialect: str = "openai",
        n_ctx: int = 8192,
        serial: bool = False,
        interrupts: bool = False,
        chunk_delay: float = 0.0,
        model_fields: dict | None = None,
        props: dict | None = None,
    ):
        if dialect not in DIALECTS:
            raise ValueError(f"dialect must be one of {DIALECTS}, not {dialect!r}")
        self.dialect = dialect
        self.n_ctx = n_ctx
        self._serial = threading.Lock()
        self.serial = serial or interrupts or dialect == "llama"
        self.interrupts = interrupts
        self.chunk_delay = chunk_delay
        self.model_fields = dict(model_fields or {})
        self.props = props
        self._queued = 0
        self._abandoned = 0
        self.mode = mode
        self.latency = latency
        self.api_key = api_key
        self.responder = responder
        self.models = list(models)
        self.verbose = verbose
        self._port = port
        self._lock = threading.Lock()
        self._requests: list[dict] = []
        self._faults: collections.deque[Fault] = collections.deque()
        self._current = 0
        self._max_in_flight = 0
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ---------------------------------------------------------------------

    def start(self) -> FakeOpenAI:
        """Bind and serve in a daemon thread. Returns self."""
        if self._server is not None:
            raise RuntimeError("FakeOpenAI is already running")
        self._stopping.clear()
        self._server = _Server(("127.0.0.1", self._port), self)
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(POLL_INTERVAL,), name="fake-openai", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, wake sleeping handlers and cut open connections. Idempotent."""
        server, self._server = self._server, None
        if server is None:
            return
        self._stopping.set()
        server.shutdown()
        server.close_connections()
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> FakeOpenAI:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        """The bound port (only while running)."""
        if self._server is None:
            raise RuntimeError("FakeOpenAI is not running: call start() or use it as a context manager")
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT`` (no path)."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def base_url(self) -> str:
        """The ``base_url`` for an OpenAI client: ``http://127.0.0.1:PORT/v1``."""
        return f"{self.url}/v1"

    # -- settings ----------------------------------------------------------------------

    @property
    def mode(self) -> str:
        return self._mode

    @mode.setter
    def mode(self, value: str) -> None:
        if value not in MODES:
            raise ValueError(f"mode must be one of {MODES}, not {value!r}")
        self._mode = value

    # -- faults ------------------------------------------------------------------------

    def fail_next(self, status: int = 429, times: int = 1, retry_after: float | None = None, message: str | None = None) -> None:
        """The next ``times`` chat requests get HTTP ``status`` with an OpenAI-style error body.

        With ``retry_after`` (seconds), the reply carries a ``Retry-After`` header; with
        ``message``, the error body says that instead of the status's usual words.
        """
        self._queue(Fault("fail", status, retry_after, message), times)

    def html_next(self, times: int = 1) -> None:
        """The next chat requests get a 200 web page (text/html), as a wrong base URL would."""
        self._queue(Fault("html"), times)

    def malformed_next(self, times: int = 1) -> None:
        """The next chat requests get a 200 whose body (or one stream chunk) is not JSON."""
        self._queue(Fault("malformed"), times)

    def truncate_next(self, times: int = 1) -> None:
        """The next chat requests are cut: half a body under a larger Content-Length, or a
        stream closed after some content chunks, without ``[DONE]``."""
        self._queue(Fault("truncate"), times)

    def garbage_content_next(self, times: int = 1) -> None:
        """The next chat requests get a well-formed reply whose content is prose, no JSON or code."""
        self._queue(Fault("garbage"), times)

    def _queue(self, fault: Fault, times: int) -> None:
        with self._lock:
            self._faults.extend([fault] * times)

    def _next_fault(self) -> Fault | None:
        with self._lock:
            return self._faults.popleft() if self._faults else None

    @property
    def pending_faults(self) -> int:
        """How many queued faults no request has consumed yet."""
        with self._lock:
            return len(self._faults)

    # -- the request log ---------------------------------------------------------------

    @property
    def requests(self) -> list[dict]:
        """The chat completion requests (rejected ones too): dicts with "path", "headers"
        (lowercased), "body" (JSON), "time". Other paths are in ``others``."""
        with self._lock:
            return [r for r in self._requests if r["path"] == "/v1/chat/completions"]

    @property
    def others(self) -> list[dict]:
        """The requests to any other path (a client listing the models, ...), in the same form."""
        with self._lock:
            return [r for r in self._requests if r["path"] != "/v1/chat/completions"]

    @property
    def count(self) -> int:
        """How many chat completion requests arrived (rejected ones too): what a budget spends."""
        return len(self.requests)

    @property
    def max_in_flight(self) -> int:
        """The most requests that were being handled (latency included) at the same moment."""
        with self._lock:
            return self._max_in_flight

    @property
    def queued(self) -> int:
        """Chat requests waiting for their turn (serial servers)."""
        with self._lock:
            return self._queued

    @property
    def abandoned(self) -> int:
        """Replies not answered to the end because the client hung up first."""
        with self._lock:
            return self._abandoned

    def _abandon(self) -> None:
        with self._lock:
            self._abandoned += 1

    def _waiting(self) -> contextlib.AbstractContextManager[None]:
        """Counts a chat request as waiting for its turn while in the block."""
        return self._counted("_queued")

    def reset(self) -> None:
        """Forget the request log, the in-flight high-water mark and any queued faults."""
        with self._lock:
            self._requests.clear()
            self._faults.clear()
            self._max_in_flight = self._current

    def _record(self, path: str, headers: Any, body: Any) -> None:
        entry = {
            "path": path,
            "headers": {name.lower(): value for name, value in headers.items()},
            "body": body,
            "time": time.time(),
        }
        with self._lock:
            self._requests.append(entry)

    def _in_flight(self) -> contextlib.AbstractContextManager[None]:
        """Counts a request as in flight while in the block (and its high-water mark)."""
        return self._counted("_current")

    @contextlib.contextmanager
    def _counted(self, counter: str) -> Iterator[None]:
        with self._lock:
            setattr(self, counter, getattr(self, counter) + 1)
            self._max_in_flight = max(self._max_in_flight, self._current)
        try:
            yield
        finally:
            with self._lock:
                setattr(self, counter, getattr(self, counter) - 1)

    # -- answering ---------------------------------------------------------------------

    def _sleep_latency(self) -> None:
        if self.latency > 0:
            self._stopping.wait(self.latency)

    def _authorized(self, authorization: str | None) -> bool:
        return self.api_key is None or authorization == f"Bearer {self.api_key}"

    def _content(self, body: dict) -> str:
        if self.responder is not None:
            return self.responder(body)
        return default_content(body, self.mode)

    def _model_object(self, model_id: str) -> dict:
        return {"id": model_id, "object": "model", "created": 0, "owned_by": "fake-openai", **self.model_fields}


# --------------------------------------------------------------------------------------
# Manual trials
# --------------------------------------------------------------------------------------


def spawn(latency: float = 0.0, mode: str = "json"):
    """Start this server in its own process (so it does not share the caller's GIL).

    Returns (the process, its base URL); the caller terminates the process.
    """
    import subprocess
    import sys

    process = subprocess.Popen(
        [sys.executable, __file__, "--port", "0", "--latency", str(latency), "--mode", mode, "--quiet"],
        stdout=subprocess.PIPE,
        text=True,
    )
    for line in process.stdout:
        if line.startswith("OPENAI_BASE_URL="):
            return process, line.strip().split("=", 1)[1]
    raise RuntimeError("the fake server did not start")


def main(argv: list[str] | None = None) -> None:
    """Serve until interrupted: ``python tests/fake_openai.py --port 8765 --mode markdown``."""
    parser = argparse.ArgumentParser(description="A fake OpenAI-compatible server on 127.0.0.1.")
    parser.add_argument("--port", type=int, default=8765, help="port (0: any free port)")
    parser.add_argument("--mode", choices=MODES, default="json")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds per request")
    parser.add_argument("--api-key", default=None, help="require this bearer key")
    parser.add_argument("--model", action="append", dest="models", help="model name (repeatable)")
    parser.add_argument("--quiet", action="store_true", help="do not log requests")
    args = parser.parse_args(argv)
    server = FakeOpenAI(
        args.mode,
        args.latency,
        api_key=args.api_key,
        models=args.models or ["fake-model"],
        port=args.port,
        verbose=not args.quiet,
    )
    with server:
        print(f"OPENAI_BASE_URL={server.base_url}", flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
