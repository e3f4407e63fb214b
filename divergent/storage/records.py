"""Typed rows the Store hands out: what a session recorded, and its event log."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class SessionRecord:
    """A session's own row: where it explored, with what, and how it ended."""

    id: int
    created_at: str
    updated_at: str
    repo: str
    target: str  # PATH or PATH::Symbol
    target_json: str
    commit_sha: str
    goal: str
    problem_json: str
    offline: bool
    model: str
    budget_requests: int
    status: str  # running | done | failed | stopped
    plugins: dict[str, list[str]] | None = None  # the explorers and critics it was started with (None: older sessions)
    verify: dict[str, Any] | None = None  # how it verifies: command, timeout, jobs, on (None: it does not)


@dataclass(frozen=True)
class EventRecord:
    """One entry of a session's event log, its data decoded."""

    id: int
    at: str
    kind: str
    data: dict[str, Any] = field(default_factory=dict)
    requests: int = 0


@dataclass(frozen=True)
class MadeAt:
    """When a candidate was stored, and which explorer made it."""

    number: int
    explorer: str
    created_at: str


@dataclass(frozen=True)
class CallAt:
    """When a model call was made, for which explorer and which reply schema, and whether it failed."""

    id: int
    explorer: str
    error: str
    created_at: str
    schema: str | None
