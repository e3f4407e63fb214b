"""The messages sent to the model, and the JSON schemas its replies should follow."""

from __future__ import annotations

import json
from typing import Iterable

from divergent.model import Candidate, Problem

MAX_CALL_SITES = 30

CANDIDATE_SCHEMA = {
    "type": "object",
    "properties": {
        "title": {"type": "string", "description": "the design in at most eight words"},
        "summary": {"type": "string", "description": "what changes, in two or three sentences"},
        "rationale": {"type": "string", "description": "why, and what it trades away"},
        "choices": {
            "type": "object",
            "description": "design dimension -> the value this design takes",
            "additionalProperties": {"type": "string"},
        },
        "files": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"path": {"type": "string"}, "content": {"type": "string"}},
                "required": ["path", "content"],
            },
        },
    },
    "required": ["title", "summary", "rationale", "files"],
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
"rationale" (why, and what it trades away), "choices" (design dimension -> value) and "files":
a list of {"path", "content"} giving the FULL new content of every file you change, with paths
relative to the repository root. Keep every public name that callers use working, or change
those callers in the same design. Nothing outside the JSON object."""

SKETCH = """Give a SKETCH: only the public API of each file (classes, signatures, type hints,
docstrings); every body is `...`."""


def file_block(path: str, content: str, label: str = "") -> str:
    attribute = f' design="{label}"' if label else ""
    return f'<file path="{path}"{attribute}>\n{content.rstrip()}\n</file>'


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
    if problem.call_sites:
        lines.append("Call sites:")
        lines += [f"  {c.path}:{c.line}: {c.text}" for c in problem.call_sites[:MAX_CALL_SITES]]
        if len(problem.call_sites) > MAX_CALL_SITES:
            lines.append(f"  ... and {len(problem.call_sites) - MAX_CALL_SITES} more")
    if problem.signatures:
        lines.append("Other definitions in the module:")
        lines += [f"  {s.splitlines()[-1]}" for s in problem.signatures]
    return "\n".join(lines)


def messages(problem: Problem, direction: str, files: Iterable[str] | None = None, sketch: bool = False) -> list[dict[str, str]]:
    """System and user messages for one candidate request."""
    blocks = list(files) if files is not None else [file_block(p, c) for p, c in sorted(problem.files.items())]
    user = "\n\n".join([frame(problem), *blocks, direction, SKETCH if sketch else ""]).strip()
    return [{"role": "system", "content": SYSTEM}, {"role": "user", "content": user}]


def candidate_files(candidate: Candidate, label: str = "") -> list[str]:
    return [file_block(p, c, label) for p, c in sorted(candidate.files.items())]


def choices_line(choices: dict[str, str]) -> str:
    return f"Choices: {json.dumps(choices, sort_keys=True)}"
