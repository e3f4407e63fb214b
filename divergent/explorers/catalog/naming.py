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


CONDITION = re.compile(r"\s(?:if|when|unless|because|since|so that|in case|for every|for each)\s", re.I)
TOOL_COMMENTS = re.compile(r"#\s*(type|noqa|pragma|pylint|fmt|isort|mypy|pyright|nosec)\b", re.I)


def from_comment(comment: str) -> str | None:
    """``# add volume credits`` -> ``add_volume_credits``, ``# stop parsing if we got past
    the end`` -> ``stop_parsing`` (the action, not its condition); None when no word is left, or
    for a comment addressed to a tool (``# type: ...``, ``# noqa``)."""
    if TOOL_COMMENTS.match(comment.strip()):
        return None
    said = comment.lstrip("#").strip()
    action = CONDITION.split(said, maxsplit=1)[0]  # "stop parsing if we got past the end": the action
    said = action if re.search(r"[A-Za-z]{3}", action) else said
    said = re.sub(r"\w+'\w+", " ", said)  # contractions: "haven't"
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


MAX_PREDICATE_WORDS = 8
OPERATORS = {ast.Gt: "above", ast.GtE: "at_least", ast.Lt: "below", ast.LtE: "at_most", ast.Eq: "is",
             ast.NotEq: "is_not", ast.In: "in", ast.NotIn: "not_in", ast.Is: "is", ast.IsNot: "is_not"}


def _literal(node: ast.expr) -> str | None:
    """The words of a string literal or an enum member: ``"Aged Brie"`` -> ``aged_brie``."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        said = re.sub(r"[^A-Za-z0-9 ]+", " ", node.value).split()[:2]
        return identifier(said) if said else None
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id[:1].isupper():
        return identifier(words(node.attr)[:3])
    return None


def _phrase(node: ast.expr) -> tuple[str, bool, bool] | None:
    """(words, negated, is a literal equality) for one clause of a condition."""
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        inner = _phrase(node.operand)
        return (inner[0], not inner[1], inner[2]) if inner else None
    if isinstance(node, ast.Compare) and len(node.ops) == 1:
        op, right = node.ops[0], node.comparators[0]
        literal = _literal(right)
        if literal and isinstance(op, (ast.Eq, ast.NotEq, ast.Is, ast.IsNot)):
            return literal, isinstance(op, (ast.NotEq, ast.IsNot)), True
        left = _subject(node.left)
        if left is None:
            return None
        if isinstance(right, ast.Constant) and right.value is None:
            return identifier([left, "missing" if isinstance(op, ast.Is) else "present"]), False, False
        short = _subject(right) if isinstance(right, (ast.Name, ast.Attribute)) else None
        tail = [short] if short and "_" not in short else []
        return identifier([left, OPERATORS.get(type(op), ""), *tail]), False, False
    if isinstance(node, ast.BoolOp):
        inner = [_phrase(v) for v in node.values]
        if any(p is None for p in inner):
            return None
        joiner = "_and_" if isinstance(node.op, ast.And) else "_or_"
        return joiner.join(("not_" if p[1] else "") + p[0] for p in inner), False, False
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        receiver = _subject(node.func.value)
        literal = next((_literal(a) for a in node.args if _literal(a)), None)
        parts = [receiver, *words(node.func.attr), literal] if receiver else [*words(node.func.attr), literal]
        return identifier([p for p in parts if p]), False, False
    subject = _subject(node)
    return (subject, False, False) if subject else None


def _subject(node: ast.expr) -> str | None:
    if isinstance(node, ast.Attribute):
        return identifier(words(node.attr)[:3])
    if isinstance(node, ast.Name):
        return identifier(words(node.id)[:3])
    if isinstance(node, ast.Call):
        return _subject(node.func)
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str):
        return identifier(words(node.slice.value)[:3])
    return None


def from_test(test: ast.expr) -> str:
    """A predicate's name from its condition: ``a != "X" and a != "Y"`` -> ``neither_x_nor_y``,
    ``a == "X" or a == "Y"`` -> ``is_x_or_y``, otherwise its clauses said in a few words."""
    negated = isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not)
    inner = test.operand if negated else test
    clauses = inner.values if isinstance(inner, ast.BoolOp) else [inner]
    phrases = [_phrase(c) for c in clauses]
    if any(p is None or not p[0] for p in phrases):
        return "condition"
    both = isinstance(inner, ast.BoolOp) and isinstance(inner.op, ast.And)
    if not negated and all(p[2] for p in phrases):
        said = [p[0] for p in phrases][:3]
        if both and all(p[1] for p in phrases):
            return _short(["neither", said[0], *[w for s in said[1:] for w in ("nor", s)]])
        if not both and not any(p[1] for p in phrases):
            return _short(["is", *[w for i, s in enumerate(said) for w in (("or", s) if i else (s,))]])
    shown = [("not_" if p[1] else "") + p[0] for p in phrases][:3]
    joined = ("_and_" if both else "_or_").join(shown)
    return _short(["not", joined] if negated else [joined])


def _short(parts: list[str]) -> str:
    return identifier("_".join(parts).split("_")[:MAX_PREDICATE_WORDS])


def from_statement(statement: ast.stmt, function: str) -> str:
    """What a block starts by doing: ``self.conn.commit()`` -> ``commit``; else ``<function>_step``."""
    node = statement.value if isinstance(statement, (ast.Expr, ast.Assign, ast.AugAssign)) else None
    if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
        subject = _subject(statement.targets[0])
        if subject:
            return identifier(["set", subject])
    if isinstance(node, ast.Call):
        subject = _subject(node.func)
        if subject:
            return subject
    if isinstance(statement, (ast.If, ast.While)):
        return from_test(statement.test)
    return identifier([function, "step"])
