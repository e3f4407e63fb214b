"""What a candidate request shows, packed to a token budget, in order of priority.

1. the target's source (always, whole: the budget is for everything around it);
2. its module's imports and other signatures (the outline);
3. the functions around the call sites, whole, most uses first: the callers a design
   may change;
4. the test functions that use the target;
5. a repo map: the most relevant other files' signatures (``divergent.context.repomap``).

The outline takes at most half of the budget (cut from its end), callers half of
what it leaves, tests half of what then remains, the map the rest. A caller or test
that does not fit is skipped for a smaller one.
Tokens are estimated (``divergent.tokens``); each part counts its wrapping too.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable

from divergent.context.parsing import language_for, parse, source_lines, text
from divergent.model import CallSite, ContextPart, Target
from divergent.tokens import estimate_tokens

RESERVE = 700  # tokens kept for the instructions, the frame and the direction
WRAP = 16  # tokens of the <file ...> lines around each part
SHARE = 0.5  # callers (then tests) take at most this share of what is left
IMPORTS = {
    "import_statement",
    "import_from_statement",
    "future_import_statement",
    "import_declaration",
    "use_declaration",
    "package_declaration",
    "package_clause",
}
TEST_PATH = re.compile(r"(^|/)(tests?|__tests__|spec)/|(^|/)test_[^/]*$|_test\.\w+$|\.(test|spec)\.\w+$|(^|/)[^/]*Tests?\.java$")


def tokens(text_: str) -> int:
    return estimate_tokens(text_) + WRAP


def is_test_path(path: str) -> bool:
    return bool(TEST_PATH.search(path))


def imports(source: str, lang: str) -> list[str]:
    """The file's top-level import statements (package lines too), as written."""
    root = parse(source, lang).root_node
    return [text(child) for child in root.named_children if child.type in IMPORTS]


def outline(source: str, target: Target, signatures: list[str]) -> str:
    lang = language_for(target.path) or "python"
    lines = imports(source, lang)
    if lines and signatures:
        lines.append("")
    return "\n".join(lines + [s.rstrip() for s in signatures])


def enclosing(spans: list[tuple[str, int, int]], line: int) -> tuple[str, int, int]:
    """(name, first line, last line) of the outermost function or method around ``line``
    (``spans``: the file's functions); outside any, the line alone."""
    around = [span for span in spans if span[1] <= line <= span[2]]
    if around:
        return min(around, key=lambda span: (span[1], -span[2]))
    return "module level", line, line


def _lines(source: str, first: int, last: int) -> str:
    return "".join(source_lines(source)[first - 1 : last])


def used_units(
    sites: list[CallSite], files: Callable[[str], str | None], spans: Callable[[str], list[tuple[str, int, int]]]
) -> list[ContextPart]:
    """The enclosing unit of every site, whole, most uses first (then by path and line).
    A unit inside one already listed is left out."""
    uses: Counter = Counter()
    names: dict[tuple[str, str, int, int], set[str]] = defaultdict(set)
    for site in sites:
        if files(site.path) is None:
            continue
        key = (site.path, *enclosing(spans(site.path), site.line))
        uses[key] += 1
        names[key].add(site.name)
    parts: list[ContextPart] = []
    for (path, name, first, last), count in sorted(uses.items(), key=lambda kv: (-kv[1], kv[0][0], kv[0][2])):
        if any(p.path == path and p.line <= first and last <= p.end_line for p in parts):
            continue
        body = _lines(files(path) or "", first, last)
        label = f"{name}: {count} use{'s' if count > 1 else ''} of {', '.join(sorted(names[(path, name, first, last)]))}"
        kind = "test" if is_test_path(path) else "caller"
        parts.append(ContextPart(kind, path, body, first, last, tokens(body), label))
    return parts


def _cut(part: ContextPart, room: int) -> ContextPart | None:
    """``part`` within ``room`` tokens, whole lines cut from its end; None when nothing fits."""
    if part.tokens <= room:
        return part if part.text.strip() else None
    keep = part.text.splitlines()
    while keep and tokens("\n".join(keep)) > room:
        keep.pop()
    text = "\n".join(keep)
    return ContextPart(part.kind, part.path, text, part.line, part.end_line, tokens(text), part.label + " (cut)") if text.strip() else None


def _fill(parts: list[ContextPart], room: int) -> list[ContextPart]:
    """Parts in order while they fit in ``room`` tokens; one too big is skipped."""
    kept = []
    for part in parts:
        if part.tokens <= room:
            kept.append(part)
            room -= part.tokens
    return kept


def pack(
    target: Target,
    source: str,
    target_text: str,
    signatures: list[str],
    sites: list[CallSite],
    files: Callable[[str], str | None],
    spans: Callable[[str], list[tuple[str, int, int]]],
    budget: int,
    repo_map: Callable[[int, set[str]], list[ContextPart]] | None = None,
) -> list[ContextPart]:
    """The parts of one request, highest priority first. ``files(path)`` reads a file at
    the session's commit, ``spans(path)`` lists its functions (name, first, last line);
    ``repo_map(room, shown)`` gives map parts within ``room``."""
    first, last = (target.line, target.end_line) if target.symbol else (1, target.end_line)
    parts = [ContextPart("target", target.path, target_text, first, last, tokens(target_text), target.symbol or "module")]
    room = max(0, budget - RESERVE)
    if target.symbol:
        head = outline(source, target, signatures)
        part = _cut(ContextPart("outline", target.path, head, 0, 0, tokens(head), "imports and other signatures"), int(room * SHARE))
        if part is not None:
            parts.append(part)
            room -= part.tokens
    found = used_units(sites, files, spans)
    callers = _fill([p for p in found if p.kind == "caller"], int(room * SHARE))
    room -= sum(p.tokens for p in callers)
    tests = _fill([p for p in found if p.kind == "test"], int(room * SHARE))
    room -= sum(p.tokens for p in tests)
    parts += callers + tests
    if repo_map is not None and room > WRAP:
        parts += repo_map(room, {p.path for p in parts})
    return parts
