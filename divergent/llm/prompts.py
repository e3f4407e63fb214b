"""The messages sent to the model, and the JSON schemas its replies should follow."""

from __future__ import annotations

import json
from typing import Iterable

from divergent.model import Candidate, ContextPart, Problem

MAX_CALL_SITES = 30

def _edit(kind: str, description: str, **fields: str) -> dict:
    """One shape of edit: its kind and the fields that kind cannot do without, all required."""
    properties = {"kind": {"const": kind}, **{name: {"type": "string", "description": text} for name, text in fields.items()}}
    return {"type": "object", "description": description, "properties": properties, "required": ["kind", *fields]}


# Each edit kind names the fields it needs, and a design has at least one edit: a server
# that constrains its output to the schema (llama.cpp's grammar) otherwise lets a small
# model answer "edits": [] or a target without its content, which reads as no design.
# The prose is bounded so that it cannot spend the reply's cap before the edits.
EDIT_SCHEMA = {
    "anyOf": [
        _edit("target", "the target unit's new source", path="the target's file", content="the unit's whole new source"),
        _edit("replace", "an exact search/replace in a file shown", path="the file", search="exact text in it", replace="its new text"),
        _edit("create", "a new file", path="the new file", content="its whole content"),
        _edit("delete", "a file removed", path="the file"),
        _edit("move", "a file moved", path="the file", to="its new path"),
    ]
}
CANDIDATE_SCHEMA = {
    "type": "object",
    "properties": {
        "title": {"type": "string", "maxLength": 80, "description": "the design in at most eight words"},
        "summary": {"type": "string", "maxLength": 400, "description": "what changes, in two or three sentences"},
        "rationale": {"type": "string", "maxLength": 400, "description": "why, and what it trades away"},
        "choices": {
            "type": "object",
            "description": "design dimension -> the value this design takes",
            "additionalProperties": {"type": "string"},
        },
        "edits": {"type": "array", "minItems": 1, "items": EDIT_SCHEMA},
    },
    "required": ["title", "summary", "rationale", "edits"],
}

DIMENSIONS_SCHEMA = {
    "type": "object",
    "properties": {
        "dimensions": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"name": {"type": "string"}, "values": {"type": "array", "items": {"type": "string"}}},
                "required": ["name", "values"],
            },
        }
    },
    "required": ["dimensions"],
}

SCENARIOS_SCHEMA = {
    "type": "object",
    "properties": {"scenarios": {"type": "array", "items": {"type": "string"}}},
    "required": ["scenarios"],
}

SYSTEM = """You are a senior software designer exploring alternative designs for existing code.
Propose ONE coherent design, different in substance, not only in names.
Reply with one JSON object: "title" (at most eight words), "summary" (two or three sentences),
"rationale" (why, and what it trades away), "choices" (design dimension -> value) and "edits",
a list of changes, paths relative to the repository root:
- {"kind": "target", "path", "content"}: the target's complete new source; it replaces the
  target's lines (what the target's block shows), nothing else of its file;
- {"kind": "replace", "path", "search", "replace"}: any other change to code shown above;
  "search" is a few lines copied exactly from it, enough to be unique;
- {"kind": "create", "path", "content"}: a new file, complete;
- {"kind": "delete", "path"} and {"kind": "move", "path", "to"}.
Send only what changes: never a whole existing file. Keep every public name that callers
use working, or change those callers (shown above) in the same design. Nothing outside
the JSON object."""

SKETCH = """Give a SKETCH: only the public API of each file (classes, signatures, type hints,
docstrings); every body is `...`."""


def file_block(path: str, content: str, label: str = "", lines: tuple[int, int] | None = None, part: str = "") -> str:
    attributes = f' lines="{lines[0]}-{lines[1]}"' if lines else ""
    attributes += f' part="{part}"' if part else ""
    attributes += f' design="{label}"' if label else ""
    return f'<file path="{path}"{attributes}>\n{content.rstrip()}\n</file>'


PART_NOTES = {
    "target": "The target (its new source replaces these lines):",
    "outline": "The rest of the target's module (imports, other signatures):",
    "caller": "Callers of the target (you may change them):",
    "test": "Tests that use the target:",
    "map": "Other files of the repository (signatures only, for orientation):",
}


def part_block(part: ContextPart) -> str:
    lines = (part.line, part.end_line) if part.line else None
    return file_block(part.path, part.text, lines=lines, part=part.kind)


def context_blocks(problem: Problem, skip: set[str] = frozenset()) -> list[str]:
    """The packed context, each kind under one note; ``skip``: kinds a parent design replaces."""
    blocks, last = [], ""
    for part in problem.context:
        if part.kind in skip:
            continue
        if part.kind != last:
            blocks.append(PART_NOTES.get(part.kind, ""))
            last = part.kind
        blocks.append(part_block(part))
    if not problem.context:  # a problem framed before context packing: the target's file whole
        blocks += [file_block(p, c) for p, c in sorted(problem.files.items())]
    return blocks


def frame(problem: Problem) -> str:
    t = problem.target
    lines = [f"Target: {t.spec} ({t.kind}, lines {t.line}-{t.end_line})"]
    if problem.goal:
        lines.append(f"Goal: {problem.goal}")
    for constraint in problem.constraints:
        lines.append(f"Constraint: {constraint}")
    if problem.scenarios:
        lines.append("Likely future changes the design should make cheap:")
        lines += [f"- {s}" for s in problem.scenarios]
    if problem.used_names:
        lines.append(f"Names callers use: {', '.join(problem.used_names)}")
    if problem.call_sites and not any(p.kind in ("caller", "test") for p in problem.context):
        lines.append("Call sites:")
        lines += [f"  {c.path}:{c.line}: {c.text}" for c in problem.call_sites[:MAX_CALL_SITES]]
        if len(problem.call_sites) > MAX_CALL_SITES:
            lines.append(f"  ... and {len(problem.call_sites) - MAX_CALL_SITES} more")
    if problem.signatures and not problem.context:
        lines.append("Other definitions in the module:")
        lines += [f"  {s.splitlines()[-1]}" for s in problem.signatures]
    return "\n".join(lines)


def messages(problem: Problem, direction: str, files: Iterable[str] | None = None, sketch: bool = False) -> list[dict[str, str]]:
    """System and user messages for one candidate request. ``files``: blocks of parent
    designs, shown in place of today's target."""
    blocks = ["The design(s) to start from:", *files] if files is not None else []
    blocks += context_blocks(problem, skip={"target"} if files is not None else set())
    user = "\n\n".join([frame(problem), *blocks, direction, SKETCH if sketch else ""]).strip()
    return [{"role": "system", "content": SYSTEM}, {"role": "user", "content": user}]


def candidate_files(candidate: Candidate, label: str = "", spans: dict[str, tuple[str, int, int]] | None = None) -> list[str]:
    """A design's files as blocks; a file in ``spans`` (path -> the target's text, first and
    last line: ``context.edits.target_spans``) shows the target alone."""
    blocks = []
    for path, content in sorted(candidate.files.items()):
        if spans and path in spans:
            text, first, last = spans[path]
            blocks.append(file_block(path, text, label, lines=(first, last), part="target"))
        else:
            blocks.append(file_block(path, content, label))
    blocks += [f"(design {label} deletes {path})" if label else f"(the design deletes {path})" for path in candidate.deleted]
    return blocks


def choices_line(choices: dict[str, str]) -> str:
    return f"Choices: {json.dumps(choices, sort_keys=True)}"
