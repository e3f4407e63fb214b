"""An engineer's own design, read as a candidate's files: a git branch or commit (the files
that differ from the session's base commit, and the files it deletes) or a folder laid out
like the repository (its files that differ from the base commit).
"""

from __future__ import annotations

import os
from pathlib import Path

import git

from divergent.context.repo import open_repo
from divergent.model import InputError

MAX_BYTES = 1_000_000  # a larger file is no design to weigh
SKIPPED = frozenset({".git", "__pycache__", "node_modules", ".venv", "venv", "target", "dist", "build"})


def read_design(top: Path, base: str, spec: str, cwd: Path) -> tuple[dict[str, str], list[str]]:
    """(files, deleted paths) of the design ``spec`` names (a folder if one exists there, else
    a git ref), against ``base``; InputError when it names neither or changes nothing."""
    folder = (cwd / spec).resolve()
    files, deleted = (from_folder(top, base, folder), []) if folder.is_dir() else from_ref(top, base, spec)
    if not files and not deleted:
        raise InputError(f"{spec} changes nothing against the session's commit {base[:12]}")
    return files, deleted


def from_ref(top: Path, base: str, ref: str) -> tuple[dict[str, str], list[str]]:
    """Files a branch or commit changes against ``base`` (their new text) and the paths it deletes."""
    if not ref or ref.startswith("-") or any(c.isspace() or ord(c) < 32 for c in ref):
        raise InputError(f"not a branch, commit or folder: {ref!r}")
    with open_repo(top) as repo:
        try:
            theirs = repo.commit(ref)
        except (git.BadName, git.BadObject, ValueError):
            raise InputError(f"not a branch, commit or folder: {ref!r}") from None
        files: dict[str, str] = {}
        deleted: list[str] = []
        for change in repo.commit(base).diff(theirs):
            if change.deleted_file or change.renamed_file:
                deleted.append(change.a_path)
            if not change.deleted_file:
                text = _text(change.b_blob.data_stream.read())
                if text is not None:
                    files[change.b_path] = text
        return files, sorted(deleted)


def from_folder(top: Path, base: str, folder: Path) -> dict[str, str]:
    """A folder's text files (paths relative to it) that differ from ``base``."""
    with open_repo(top) as repo:
        tree = repo.commit(base).tree
        files: dict[str, str] = {}
        for directory, subdirectories, names in os.walk(folder):
            subdirectories[:] = sorted(d for d in subdirectories if d not in SKIPPED and not d.startswith("."))
            for name in sorted(names):
                path = Path(directory) / name
                if not path.is_file() or path.is_symlink() or path.stat().st_size > MAX_BYTES:
                    continue
                relative = path.relative_to(folder).as_posix()
                text = _text(path.read_bytes())
                if text is None:
                    continue
                try:
                    today = _text((tree / relative).data_stream.read())
                except KeyError:
                    today = None
                if text != today:
                    files[relative] = text
        return files


def _text(data: bytes) -> str | None:
    if len(data) > MAX_BYTES or b"\0" in data:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None
