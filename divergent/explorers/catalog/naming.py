"""Names for extracted code, read from what the code already says: its comment,
the variable it computes, the loop variable it handles, the names it tests."""

from __future__ import annotations

import ast
import keyword
import re

from divergent.context.syntax import words

STOP = {"a", "an", "the", "this", "that", "these", "of", "to", "for", "if", "we", "it", "is", "are", "and", "or",
        "in", "on", "at", "be", "by", "with", "from", "as", "now", "then", "so", "all", "any", "some", "do", "does",
        "here", "there", "our", "its", "i", "you", "note", "todo", "xxx", "hack", "fixme", "ok", "e", "g", "eg"}
MAX_WORDS = 4


def identifier(parts: list[str]) -> str:
    name = "_".join(p for p in parts if p)
    name = re.sub(r"\W+", "_", name).strip("_").lower()
    if not name or name[0].isdigit() or keyword.iskeyword(name):
        name = f"step_{name}".strip("_")
    return name


def from_comment(comment: str) -> str | None:
    """``# add volume credits`` -> ``add_volume_credits``; None when no word is left."""
    said = re.sub(r"\w+'\w+", " ", comment.lstrip("#").strip())  # contractions: "haven't"
    said = re.sub(r"[^A-Za-z0-9 ]+", " ", said)
    kept = [w.lower() for w in said.split() if w.lower() not in STOP and not w.isdigit()]
    return identifier(kept[:MAX_WORDS]) if kept else None


def from_output(output: str) -> str | None:
    """What the code computes: ``this_amount`` -> ``amount_for``; None for a too short name."""
    kept = [w for w in words(output) if w not in ("this", "the", "new", "tmp", "temp")]
    if len("".join(kept)) < 3:
        return None
    return identifier([*kept[:MAX_WORDS], "for"])


def from_loop(function: str, variable: str) -> str:
    """``update_quality`` over ``item`` -> ``update_item_quality``; ``statement`` over ``perf`` -> ``statement_perf``."""
    head, *rest = words(function) or ["step"]
    return identifier([head, *words(variable), *rest][: MAX_WORDS + 1])


def from_condition(function: str, test: ast.expr, skip: set[str]) -> str:
    """``if item.sell_in < 0`` in ``update_quality`` -> ``update_quality_by_sell_in``."""
    seen: list[str] = []
    for node in ast.walk(test):
        name = node.attr if isinstance(node, ast.Attribute) else node.id if isinstance(node, ast.Name) else None
        if name is None or name in skip or name in ("self", "cls", "len", "isinstance"):
            continue
        for w in words(name):
            if w not in seen:
                seen.append(w)
    return identifier([*words(function), "by", *seen[:2]] if seen else [*words(function), "step"])
