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


def file_diff(path: str, old: str | None, new: str | None) -> str:
    """One file's diff; ``old`` None means the file is new, ``new`` None that it is deleted."""
    if old == new or (old is None and new is None):
        return ""
    header = [f"diff --git a/{path} b/{path}\n"]
    if old is None:
        header.append("new file mode 100644\n")
    if new is None:
        header.append("deleted file mode 100644\n")
    body = list(
        difflib.unified_diff(
            _lines(old or ""),
            _lines(new or ""),
            fromfile="/dev/null" if old is None else f"a/{path}",
            tofile="/dev/null" if new is None else f"b/{path}",
            n=3,
        )
    )
    if not body:  # an empty file created or deleted: git wants the header alone
        return "".join(header)
    return "".join(header + body)


def unified_patch(changes: list[tuple[str, str | None, str | None]]) -> str:
    """(path, text at the commit or None, the candidate's text or None when it deletes the
    file) for each file, as one patch."""
    return "".join(file_diff(path, old, new) for path, old, new in sorted(changes))
