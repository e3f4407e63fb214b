"""A candidate as a unified diff (a/ b/ prefixes) that ``git apply`` takes at the session commit."""

from __future__ import annotations

import difflib

NO_NEWLINE = "\\ No newline at end of file\n"


def _lines(text: str) -> list[str]:
    """Lines as git sees them: split on \\n only (str.splitlines also splits on \\f, \\u2028...)."""
    lines = [line + "\n" for line in text.split("\n")]
    lines[-1] = lines[-1][:-1]
    if not lines[-1]:
        lines.pop()
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n" + NO_NEWLINE  # marks the missing newline the way git does
    return lines


def file_diff(path: str, old: str | None, new: str) -> str:
    """One file's diff; ``old`` None means the file is new, ``new`` "" that it is deleted."""
    if old == new:
        return ""
    header = [f"diff --git a/{path} b/{path}\n"]
    deleted = old is not None and new == ""  # an empty text for a file that exists deletes it
    if old is None:
        header.append("new file mode 100644\n")
    elif deleted:
        header.append("deleted file mode 100644\n")
    before = _lines(old or "")
    after = _lines(new)
    body = list(
        difflib.unified_diff(
            before,
            after,
            fromfile="/dev/null" if old is None else f"a/{path}",
            tofile="/dev/null" if deleted else f"b/{path}",
            n=3,
        )
    )
    return "".join(header + body)


def unified_patch(changes: list[tuple[str, str | None, str]]) -> str:
    """(path, text at the commit or None, the candidate's text) for each file, as one patch."""
    return "".join(file_diff(path, old, new) for path, old, new in sorted(changes))
