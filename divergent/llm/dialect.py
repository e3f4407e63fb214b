"""An endpoint's dialect: which structured output it takes, how it caps a reply, its context.

OpenAI-compatible servers differ: llama-cpp-python answers 500 to a ``json_schema``
response_format but takes ``json_object`` with a ``schema``; some servers honour only
``max_tokens``, OpenAI's newer models only ``max_completion_tokens``; context lengths
show in ``/v1/models`` on some servers and only in a ``context_length_exceeded``
message on others. A refusal moves the endpoint to the next dialect; the dialect is
remembered per base URL and model (storage implements ``DialectMemory``), so it is
found with at most one refused request per endpoint, ever. So is the server's pace
(``pacing``): a server found cutting a reply short for the next request gets one request
at a time from the start of the next run, instead of losing the first burst again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any, Protocol

STRUCTURED = ("json_schema", "json_object", "text")  # the order in which they are tried
CAPS = ("both", "max_tokens", "max_completion_tokens")  # the fields an output cap is sent in


@dataclass(frozen=True)
class Dialect:
    structured: str = "json_schema"
    cap: str = "both"
    context_tokens: int = 0  # 0: not known
    confirmed: bool = False  # a request in this dialect was answered (else it is still a guess)
    pace: str = ""  # what pacing found the server does: "" not known, "parallel", "queues" or "interrupts"

    def response_format(self, name: str | None, schema: dict[str, Any] | None) -> dict[str, Any] | None:
        if not name or not schema or self.structured == "text":
            return None
        if self.structured == "json_object":
            return {"type": "json_object", "schema": schema}
        return {"type": "json_schema", "json_schema": {"name": name, "schema": schema, "strict": False}}

    def cap_fields(self, tokens: int) -> dict[str, int]:
        if self.cap == "both":
            return {"max_tokens": tokens, "max_completion_tokens": tokens}
        return {self.cap: tokens}


class DialectMemory(Protocol):
    """Where learned dialects are kept between runs (storage implements it)."""

    def load(self, base_url: str, model: str) -> Dialect | None: ...

    def save(self, base_url: str, model: str, dialect: Dialect) -> None: ...


class MemoryDialects:
    """Dialects kept for the life of the process only."""

    def __init__(self) -> None:
        self.known: dict[tuple[str, str], Dialect] = {}

    def load(self, base_url: str, model: str) -> Dialect | None:
        return self.known.get((base_url, model))

    def save(self, base_url: str, model: str, dialect: Dialect) -> None:
        self.known[(base_url, model)] = dialect


@dataclass(frozen=True)
class Refusal:
    """What a failed request says about the dialect: the thing refused, and any number learned."""

    refused: str  # "response_format" | "max_tokens" | "max_completion_tokens" | "context"
    context_tokens: int = 0


CONTEXT = re.compile(r"(?:maximum context length|context window|context length)\D{0,40}?(\d{3,8})", re.I)
REQUESTED = re.compile(r"requested (\d+) tokens", re.I)


def context_from_message(message: str) -> int:
    """The context length a ``context_length_exceeded`` message names (0 when none)."""
    found = CONTEXT.search(message)
    return int(found.group(1)) if found else 0


def refusal(status: int | None, message: str, code: str, params: dict[str, Any]) -> Refusal | None:
    """What a 400/422/500 refused, when it is a matter of dialect; None for other failures."""
    if status not in (400, 413, 422, 500):
        return None
    text = message.lower()
    if code == "context_length_exceeded" or ("context" in text and ("length" in text or "window" in text)):
        return Refusal("context", context_from_message(message))
    if status == 413:
        return None
    names_format = "response_format" in text or "json_schema" in text
    if "response_format" in params and (names_format or (status in (400, 422) and "validation" in text)):
        return Refusal("response_format")
    named = [(found.start(), field) for field in ("max_completion_tokens", "max_tokens") if field in params and (found := re.search(rf"\b{field}\b", text))]
    if named and not names_format:
        return Refusal(min(named)[1])  # the field named first is the one refused ("use the other")
    if "response_format" in params and status in (400, 422) and not _names_other_field(text, params):
        return Refusal("response_format")  # a bare refusal of a request that asked for a format
    return None


def _names_other_field(text: str, params: dict[str, Any]) -> bool:
    return any(re.search(rf"\b{re.escape(name)}\b", text) for name in params if name != "response_format")


def after_refusal(dialect: Dialect, found: Refusal, message: str = "") -> Dialect | None:
    """The dialect to try next, or None when there is nothing left to try."""
    if found.refused == "response_format":
        if dialect.structured == "text":
            return None
        text = message.lower()
        following = "text"
        if dialect.structured == "json_schema" and ("json_object" in text or "json_schema" in text or "response_format" not in text):
            following = "json_object"  # it names what it takes, or said nothing: one step
        return replace(dialect, structured=following, confirmed=False)  # response_format itself refused: text
    if found.refused in ("max_tokens", "max_completion_tokens"):
        if dialect.cap != "both":
            return None
        other = "max_completion_tokens" if found.refused == "max_tokens" else "max_tokens"
        return replace(dialect, cap=other, confirmed=False)
    return None


def context_from_models(listing: Any, model: str) -> int:
    """The context length a ``/v1/models`` answer serves ``model`` with (0 when it does not say).

    vLLM says ``max_model_len`` on each model; OpenRouter ``context_length``; some
    llama.cpp builds ``meta.n_ctx``. llama-cpp-python (0.3.36) and Ollama say nothing.
    llama.cpp's llama-server lists only ``meta.n_ctx_train``, the length the model was
    trained with, not the one it serves (``-c``): that one is in its ``/props`` (see
    ``context_from_props``), so ``n_ctx_train`` is never taken for it.
    """
    for item in _listed(listing, model):
        meta = item.get("meta") if isinstance(item.get("meta"), dict) else {}
        for source, key in ((item, "max_model_len"), (item, "context_length"), (item, "context_window"),
                            (item, "max_context_length"), (meta, "n_ctx")):
            value = source.get(key)
            if isinstance(value, int) and not isinstance(value, bool) and value > 0:
                return value
    return 0


def trained_only(listing: Any, model: str) -> bool:
    """The listing is llama.cpp's llama-server's: a training length, the served one in ``/props``."""
    return any(isinstance(item.get("meta"), dict) and "n_ctx_train" in item["meta"] for item in _listed(listing, model))


def context_from_props(props: Any) -> int:
    """The context llama.cpp's llama-server serves, from its ``GET /props`` (0 when absent)."""
    settings = props.get("default_generation_settings") if isinstance(props, dict) else None
    value = settings.get("n_ctx") if isinstance(settings, dict) else None
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


def _listed(listing: Any, model: str) -> list[dict]:
    items = listing.get("data") if isinstance(listing, dict) else None
    return [item for item in (items if isinstance(items, list) else []) if isinstance(item, dict) and item.get("id") in (model, None)]
