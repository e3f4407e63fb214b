"""Reading model replies leniently: the JSON asked for, or whatever markdown came back.

A candidate reply is a list of edits (``model.Edit``): the target unit's new source,
SEARCH/REPLACE edits to code the model was shown, whole new files, deletions and
moves. JSON first (the whole reply, a fenced ``json`` block, or the outermost braces),
with ``edits`` or, as many models answer, ``files`` holding whole contents. Failing
that, markdown: SEARCH/REPLACE blocks with the file's path on a line of its own before
each (the convention aider made common), ``Delete: PATH`` and ``Move: OLD -> NEW``
lines, and plain fenced code blocks, where a path on the line just before a block
names its file and a lone block is the target's file. A heading (or the first line)
is the title. Applying edits to the base files is ``divergent.context.edits``' job.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from divergent.model import Edit

FENCE = re.compile(r"^(`{3,}|~{3,})[ \t]*([\w+.-]*)[^\n]*\n(.*?)^\1[ \t]*$", re.M | re.S)
PATH = re.compile(r"([\w.\-]+(?:/[\w.\-]+)*\.[A-Za-z0-9]+)")
HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$", re.M)
JSON_LANGS = {"json", "jsonc"}
SEARCH_MARK = re.compile(r"^\s{0,3}<{5,9}\s*SEARCH\b.*$")
DIVIDER_MARK = re.compile(r"^\s{0,3}={5,9}\s*$")
REPLACE_MARK = re.compile(r"^\s{0,3}>{5,9}\s*REPLACE\b.*$")
FENCE_LINE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
_P = r"`?([\w.\-]+(?:/[\w.\-]+)*\.[A-Za-z0-9]+)`?"
DELETE_LINE = re.compile(rf"^\s*(?:[-*]\s+)?\**(?:delete|remove)(?:d|s)?(?:\s+file)?\**\s*:?\s*{_P}\s*\.?\s*$", re.I | re.M)
MOVE_LINE = re.compile(
    rf"^\s*(?:[-*]\s+)?\**(?:move|rename)(?:d|s)?(?:\s+file)?\**\s*:?\s*{_P}\s*(?:->|→|=>|\bto\b)\s*{_P}\s*\.?\s*$", re.I | re.M
)
JSON_KINDS = {
    "target": "target",
    "unit": "target",
    "replace": "replace",
    "search_replace": "replace",
    "edit": "replace",
    "create": "file",
    "file": "file",
    "write": "file",
    "delete": "delete",
    "remove": "delete",
    "move": "move",
    "rename": "move",
}


class ReplyError(ValueError):
    """A reply with nothing usable in it."""


@dataclass
class Reply:
    title: str = ""
    summary: str = ""
    rationale: str = ""
    choices: dict[str, str] = field(default_factory=dict)
    edits: list[Edit] = field(default_factory=list)
    lenient: bool = False  # True when read from markdown rather than the JSON asked for


def json_object(text: str) -> dict[str, Any] | None:
    """The JSON object in a reply: the whole text, a ```json block, or the outermost braces.

    Raw newlines and tabs inside strings are taken (``strict=False``): a server that
    constrains output with a grammar (llama.cpp) lets a model write code that way.
    """
    attempts = [text.strip()]
    attempts += [m.group(3) for m in FENCE.finditer(text) if m.group(2).lower() in JSON_LANGS]
    start, end = text.find("{"), text.rfind("}")
    if 0 <= start < end:
        attempts.append(text[start : end + 1])
    for attempt in attempts:
        try:
            value = json.loads(attempt, strict=False)
        except (json.JSONDecodeError, ValueError):
            continue
        if isinstance(value, dict):
            return value
    return None


def _files_from_json(value: Any) -> list[Edit]:
    """Whole contents under ``files``: a list of {path, content} or a path -> content object."""
    if isinstance(value, dict):
        return [Edit("file", str(k).strip(), content=v) for k, v in value.items() if isinstance(v, str)]
    edits = []
    if isinstance(value, list):
        for item in value:
            if isinstance(item, dict) and isinstance(item.get("path"), str) and isinstance(item.get("content"), str):
                edits.append(Edit("file", item["path"].strip(), content=item["content"]))
    return edits


def _edits_from_json(value: Any, target_path: str) -> list[Edit]:
    """The ``edits`` list; an item of an unknown kind, or without what its kind needs, is dropped."""
    edits = []
    for item in value if isinstance(value, list) else []:
        if not isinstance(item, dict):
            continue
        kind = JSON_KINDS.get(str(item.get("kind") or item.get("type") or "").strip().lower())
        if kind is None and isinstance(item.get("search"), str):
            kind = "replace"
        path = str(item.get("path") or (target_path if kind == "target" else "")).strip()
        get = lambda key: item.get(key) if isinstance(item.get(key), str) else ""  # noqa: E731
        if not kind or not path:
            continue
        if kind == "replace" and not isinstance(item.get("replace"), str):
            continue
        if kind in ("target", "file") and not isinstance(item.get("content"), str):
            continue
        if kind == "move" and not get("to").strip():
            continue
        edits.append(Edit(kind, path, search=get("search"), replace=get("replace"), content=get("content"), to=get("to").strip()))
    return edits


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
    return _path_line(lines[-1])


def _search_replace(text: str, target_path: str) -> tuple[list[Edit], list[tuple[int, int]]]:
    """SEARCH/REPLACE blocks, fenced or not, and the character spans they cover.

    A block's path is the last line before it (fence lines aside) that is a path alone;
    with none, the path of the block before it, and for the first block the target's.
    """
    lines = text.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    edits: list[Edit] = []
    spans: list[tuple[int, int]] = []
    path = target_path
    i = 0
    while i < len(lines):
        if not SEARCH_MARK.match(lines[i]):
            i += 1
            continue
        j = i - 1
        while j >= 0 and (not lines[j].strip() or FENCE_LINE.match(lines[j])):
            j -= 1
        named = _path_line(lines[j]) if j >= 0 else None
        path = named or path
        divider = next((k for k in range(i + 1, len(lines)) if DIVIDER_MARK.match(lines[k])), None)
        if divider is None:
            break
        end = next((k for k in range(divider + 1, len(lines)) if REPLACE_MARK.match(lines[k])), None)
        if end is None:
            break
        search = "".join(lines[i + 1 : divider])
        replace = "".join(lines[divider + 1 : end])
        edits.append(Edit("replace", path, search=search, replace=replace))
        after = end + 1
        while after < len(lines) and not lines[after].strip():
            after += 1
        closes = after < len(lines) and FENCE_LINE.match(lines[after])
        spans.append((offsets[j if named else j + 1], offsets[after + 1 if closes else end + 1]))
        i = end + 1
    return edits, spans


def _path_line(line: str) -> str | None:
    line = line.strip().strip("*_`#:> ").strip()
    line = re.sub(r"^(file|path|filename)\s*[:=]\s*", "", line, flags=re.I).strip("`*_ ")
    match = PATH.fullmatch(line)
    return match.group(1) if match else None


def _markdown(text: str, target_path: str) -> Reply:
    replaced, spans = _search_replace(text, target_path)
    rest = text
    for first, last in reversed(spans):
        rest = rest[:first] + "\n" + rest[last:]
    edits: list[Edit] = []
    unnamed = []
    for block in (m for m in FENCE.finditer(rest) if m.group(2).lower() not in JSON_LANGS):
        if not block.group(3).strip():
            continue  # the empty fence a SEARCH/REPLACE block leaves behind
        path = _path_before(rest, block.start())
        if path:
            edits.append(Edit("file", path, content=block.group(3)))
        else:
            unnamed.append(block.group(3))
    if unnamed and not any(e.path == target_path for e in edits):
        edits.append(Edit("file", target_path, content=max(unnamed, key=len)))
    prose = FENCE.sub("", rest)
    edits += [Edit("move", m.group(1), to=m.group(2)) for m in MOVE_LINE.finditer(prose)]
    edits += [Edit("delete", m.group(1)) for m in DELETE_LINE.finditer(prose)]
    prose = DELETE_LINE.sub("", MOVE_LINE.sub("", prose))
    heading = HEADING.search(prose)
    lines = [line.strip() for line in prose.splitlines() if line.strip()]
    title = heading.group(1) if heading else (lines[0] if lines else "")
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", prose) if p.strip() and not HEADING.fullmatch(p.strip())]
    paragraphs = [p for p in paragraphs if p.strip() != title and _path_before(p + "\n", len(p) + 1) is None]
    return Reply(
        title=title.strip("*_` ")[:120],
        summary=paragraphs[0] if paragraphs else "",
        rationale="\n\n".join(paragraphs[1:]),
        edits=replaced + edits,
        lenient=True,
    )


def parse_candidate(text: str, target_path: str) -> Reply:
    """A design from a reply; ReplyError when it holds no edit and no file contents at all."""
    value = json_object(text)
    if value is not None:
        edits = _edits_from_json(value.get("edits"), target_path) + _files_from_json(value.get("files"))
        if edits:
            return Reply(
                title=str(value.get("title", "")).strip()[:120],
                summary=str(value.get("summary", "")).strip(),
                rationale=str(value.get("rationale", "")).strip(),
                choices=_strings(value.get("choices")),
                edits=edits,
            )
    reply = _markdown(text, target_path)
    if not reply.edits:
        raise ReplyError("the reply held no edits and no file contents")
    return reply


def parse_object(text: str, key: str) -> Any:
    """``value[key]`` of the JSON object in a reply; ReplyError when absent."""
    value = json_object(text)
    if value is None or key not in value:
        raise ReplyError(f"the reply held no JSON object with {key!r}")
    return value[key]
