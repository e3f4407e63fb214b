"""What a streamed reply brought: its text, why it stopped, and the tokens it cost.

Kept as the chunks arrive, so that a reply cut short or given up still says what came
and is never counted as fewer tokens than were seen: the server's own count when it
gives one (``stream_options.include_usage``), else the cap for a reply stopped there,
else the chunks seen (a chunk carries a token or more) or the text's estimate within the cap.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from divergent.tokens import estimate_tokens


@dataclass
class Streamed:
    parts: list[str] = field(default_factory=list)
    finish: str = ""
    chunks: int = 0  # chunks that carried text: a token or more each
    prompt_tokens: int = 0  # as the server counted them (0: it did not say)
    completion_tokens: int | None = None  # as the server counted them (None: it did not say)
    ended: bool = False  # the reply ran to its end ([DONE], or a whole body)

    @property
    def text(self) -> str:
        return "".join(self.parts)

    def take(self, chunk: Any) -> None:
        """One ``chat.completion.chunk``."""
        usage = getattr(chunk, "usage", None)
        if usage is not None:
            self.prompt_tokens = usage.prompt_tokens or self.prompt_tokens
            self.completion_tokens = usage.completion_tokens
        for choice in (getattr(chunk, "choices", None) or [])[:1]:
            delta = getattr(choice, "delta", None)
            content = getattr(delta, "content", None) if delta is not None else None
            if content:
                self.parts.append(content)
                self.chunks += 1
            if choice.finish_reason:
                self.finish = choice.finish_reason

    def take_whole(self, body: bytes) -> bool:
        """A server that answered the streamed request all at once; False when the body is no chat completion."""
        try:
            found = json.loads(body)
        except ValueError:
            return False
        choices = found.get("choices") if isinstance(found, dict) else None
        if not isinstance(choices, list):
            return False
        choice = choices[0] if choices and isinstance(choices[0], dict) else {}
        message = choice.get("message") if isinstance(choice.get("message"), dict) else {}
        content = str(message.get("content") or "")
        self.parts.append(content)
        self.chunks = 1 if content else 0
        self.finish = str(choice.get("finish_reason") or "")
        usage = found.get("usage") if isinstance(found.get("usage"), dict) else {}
        self.prompt_tokens = int(usage.get("prompt_tokens") or 0)
        if isinstance(usage.get("completion_tokens"), int):
            self.completion_tokens = usage["completion_tokens"]
        self.ended = True
        return True

    def output_tokens(self, cap: int) -> int:
        """The server's count; else the cap for a reply cut there; else what the text and its chunks say.

        A chunk is a token or more, so the chunks are never too many; the text's estimate
        (four characters a token) may be, and is held to the cap: llama-cpp-python counts
        no usage in a stream, and its tokens run past four characters in code.
        """
        if self.completion_tokens is not None:
            return self.completion_tokens
        if self.finish == "length":
            return cap
        return max(self.chunks, min(estimate_tokens(self.text), cap))
