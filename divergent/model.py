"""Plain dataclasses shared by every layer of divergent.

This module holds data only: no I/O, no imports of our own packages. Everything
else (engine, explorers, critics, storage, the UI) speaks in these types.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from enum import Enum
from typing import Any, ClassVar


class Fidelity(str, Enum):
    """How far a candidate is implemented."""

    SKETCH = "sketch"  # public API only: signatures, docstrings, types
    FULL = "full"  # implemented and patchable


@dataclass(frozen=True)
class Target:
    """What the engineer pointed at: ``PATH`` or ``PATH::Symbol`` in a repository."""

    repo: str  # absolute path of the repository's top level
    path: str  # POSIX path relative to ``repo``
    symbol: str | None = None  # "Class", "Class.method", "function" or None (module)
    kind: str = "module"  # module | class | method | function
    line: int = 1  # 1-based first line of the symbol (1 for a module)
    end_line: int = 0  # 1-based last line of the symbol
    commit: str = ""  # the commit the session explores against

    @property
    def spec(self) -> str:
        return f"{self.path}::{self.symbol}" if self.symbol else self.path

    def to_dict(self) -> dict[str, Any]:
        return {
            "repo": self.repo,
            "path": self.path,
            "symbol": self.symbol,
            "kind": self.kind,
            "line": self.line,
            "end_line": self.end_line,
            "commit": self.commit,
        }


@dataclass(frozen=True)
class CallSite:
    """A place outside the target that uses one of the target's public names."""

    path: str
    line: int
    name: str
    text: str


@dataclass(frozen=True)
class ContextPart:
    """One piece of what a candidate request shows the model, with its token estimate.

    ``kind``: target | outline (imports and other signatures) | caller (an enclosing
    function, whole) | test (a test function) | map (a file's signatures).
    """

    kind: str
    path: str
    text: str
    line: int = 0  # 1-based first line in ``path``; 0 when the text is not one span of it
    end_line: int = 0
    tokens: int = 0
    label: str = ""  # the unit's name, or why it was picked ("3 uses")

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "path": self.path,
            "text": self.text,
            "line": self.line,
            "end_line": self.end_line,
            "tokens": self.tokens,
            "label": self.label,
        }


@dataclass
class Problem:
    """The frame of a session: the target, what the design should achieve, and its context."""

    target: Target
    goal: str = ""
    constraints: list[str] = field(default_factory=list)
    scenarios: list[str] = field(default_factory=list)
    # the target file's content at the session commit, and the rest of the context
    files: dict[str, str] = field(default_factory=dict)
    source: str = ""  # the target's own source text
    signatures: list[str] = field(default_factory=list)  # the module's other top-level signatures
    call_sites: list[CallSite] = field(default_factory=list)
    used_names: list[str] = field(default_factory=list)  # public names that callers use
    context: list[ContextPart] = field(default_factory=list)  # what a request shows, packed to a budget
    scenario_terms: dict[str, list[str]] = field(default_factory=dict)  # scenario -> terms it touches
    criteria: list[str] = field(default_factory=lambda: ["readability", "testability", "fit to the goal"])


@dataclass(frozen=True)
class Edit:
    """One change a model reply asks for; applied to the base files it gives full contents.

    ``kind``: target (``content`` is the target unit's new source, replacing its span) |
    replace (``search`` -> ``replace`` in ``path``; an empty search creates or appends) |
    file (``content`` is a whole file, or a snippet that defines the target) |
    delete | move (``path`` -> ``to``, with ``content`` when it changes too).
    """

    kind: str
    path: str
    search: str = ""
    replace: str = ""
    content: str = ""
    to: str = ""


@dataclass
class Candidate:
    """One coherent design: the files it changes, as full new contents."""

    title: str
    files: dict[str, str]  # repo-relative path -> full new content
    summary: str = ""
    rationale: str = ""
    explorer: str = ""
    lens: str = ""
    parents: list[int] = field(default_factory=list)
    fidelity: Fidelity = Fidelity.FULL
    choices: dict[str, str] = field(default_factory=dict)  # design dimension -> value
    baseline: bool = False
    valid: bool = True
    invalid_reason: str = ""
    id: int | None = None  # number within its session, 0 is the baseline
    cluster: int | None = None
    deleted: list[str] = field(default_factory=list)  # repo-relative paths the design removes (a move is a deletion and a new file)
    call: str = ""  # cache key of the model call it was made from ("" for the catalog, the baseline)

    def invalidate(self, reason: str) -> None:
        self.valid = False
        self.invalid_reason = "; ".join(r for r in (self.invalid_reason, reason) if r)


@dataclass(frozen=True)
class Assessment:
    """One critic's verdict on one dimension of one candidate."""

    critic: str
    dimension: str
    score: float  # 0..1, higher is better; the baseline usually sits at 0.5
    raw: dict[str, Any] = field(default_factory=dict)
    evidence: str = ""


@dataclass
class Cluster:
    """Near-duplicate candidates grouped together, with a representative (medoid)."""

    id: int
    label: str
    members: list[int]
    medoid: int


@dataclass
class Usage:
    """What a session spent on the model."""

    requests: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0

    def add(self, other: Usage) -> None:
        self.requests += other.requests
        self.input_tokens += other.input_tokens
        self.output_tokens += other.output_tokens
        self.cost_usd += other.cost_usd

    def to_dict(self) -> dict[str, Any]:
        return {
            "requests": self.requests,
            "input_tokens": self.input_tokens,
            "output_tokens": self.output_tokens,
            "cost_usd": round(self.cost_usd, 6),
        }


@dataclass(frozen=True)
class Event:
    """Something the engine did, for the UI and the headless reporter alike.

    Each kind is a subclass in ``engine/events.py`` (SessionStarted, CandidateScored,
    Clustered, Ranked, UsageChanged, ActionFinished...): match on the class. ``kind``
    names it in snake case; ``data`` is its plain fields as a dict (fields marked
    ``payload``, the engine's own objects, are left out).
    """

    session: int
    kind: ClassVar[str] = "note"

    @property
    def data(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "session" and not f.metadata.get("payload")}


class InputError(ValueError):
    """Bad input from the engineer: reported as one line, exit code 2."""
