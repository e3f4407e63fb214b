"""Reading model replies leniently: the JSON asked for, or whatever markdown came back.

JSON first (the whole reply, a fenced ``json`` block, or the outermost braces);
failing that, markdown: fenced code blocks, where a path on the line just before
a block names its file, a lone block is the target's file, and a heading (or the
first line) is the title.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

FENCE = re.compile(r"^(`{3,}|~{3,})[ \t]*([\w+.-]*)[^\n]*\n(.*?)^\1[ \t]*$", re.M | re.S)
PATH = re.compile(r"([\w.\-]+(?:/[\w.\-]+)*\.[A-Za-z0-9]+)")
HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$", re.M)
JSON_LANGS = {"json", "jsonc"}


class ReplyError(ValueError):
    """A reply with nothing usable in it."""


@dataclass
class Reply:
    title: str = ""
    summary: str = ""
    rationale: str = ""
    choices: dict[str, str] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)
    lenient: bool = False  # True when read from markdown rather than the JSON asked for


def json_object(text: str) -> dict[str, Any] | None:
    """The JSON object in a reply: the whole text, a ```json block, or the outermost braces."""
    attempts = [text.strip()]
    attempts += [m.group(3) for m in FENCE.finditer(text) if m.group(2).lower() in JSON_LANGS]
    start, end = text.find("{"), text.rfind("}")
    if 0 <= start < end:
        attempts.append(text[start : end + 1])
    for attempt in attempts:
        try:
            value = json.loads(attempt)
        except (json.JSONDecodeError, ValueError):
            continue
        if isinstance(value, dict):
            return value
    return None


def _files_from_json(value: Any) -> dict[str, str]:
    if isinstance(value, dict):
        return {str(k): v for k, v in value.items() if isinstance(v, str)}
    files = {}
    if isinstance(value, list):
        for item in value:
            if isinstance(item, dict) and isinstance(item.get("path"), str) and isinstance(item.get("content"), str):
                files[item["path"].strip()] = item["content"]
    return files


def _strings(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        return {}
    return {str(k): str(v) for k, v in value.items() if isinstance(v, (str, int, float, bool))}


def _path_before(text: str, position: int) -> str | None:
    """A file path on the last non-empty line before ``position``, if that line is only a path."""
    lines = text[:position].rstrip("\n").splitlines()
    while lines and not lines[-1].strip():
        lines.pop()
    if not lines:
        return None
    line = lines[-1].strip().strip("*_`#:> ").strip()
    line = re.sub(r"^(file|path|filename)\s*[:=]\s*", "", line, flags=re.I).strip("`*_ ")
    match = PATH.fullmatch(line)
    return match.group(1) if match else None


def _markdown(text: str, target_path: str) -> Reply:
    blocks = [m for m in FENCE.finditer(text) if m.group(2).lower() not in JSON_LANGS]
    files: dict[str, str] = {}
    unnamed = []
    for block in blocks:
        path = _path_before(text, block.start())
        if path:
            files[path] = block.group(3)
        else:
            unnamed.append(block.group(3))
    if unnamed and target_path not in files:
        files[target_path] = max(unnamed, key=len) if len(unnamed) > 1 else unnamed[0]
    prose = FENCE.sub("", text)
    heading = HEADING.search(prose)
    lines = [line.strip() for line in prose.splitlines() if line.strip()]
    title = heading.group(1) if heading else (lines[0] if lines else "")
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", prose) if p.strip() and not HEADING.fullmatch(p.strip())]
    paragraphs = [p for p in paragraphs if p.strip() != title and _path_before(p + "\n", len(p) + 1) is None]
    return Reply(
        title=title.strip("*_` ")[:120],
        summary=paragraphs[0] if paragraphs else "",
        rationale="\n\n".join(paragraphs[1:]),
        files=files,
        lenient=True,
    )


def parse_candidate(text: str, target_path: str) -> Reply:
    """A design from a reply; ReplyError when it holds no file contents at all."""
    value = json_object(text)
    if value is not None and (files := _files_from_json(value.get("files"))):
        return Reply(
            title=str(value.get("title", "")).strip()[:120],
            summary=str(value.get("summary", "")).strip(),
            rationale=str(value.get("rationale", "")).strip(),
            choices=_strings(value.get("choices")),
            files=files,
        )
    reply = _markdown(text, target_path)
    if not reply.files:
        raise ReplyError("the reply held no file contents")
    return reply


def parse_object(text: str, key: str) -> Any:
    """``value[key]`` of the JSON object in a reply; ReplyError when absent."""
    value = json_object(text)
    if value is None or key not in value:
        raise ReplyError(f"the reply held no JSON object with {key!r}")
    return value[key]
