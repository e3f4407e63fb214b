"""The git repository: where it is, what a commit holds. Read-only."""

from __future__ import annotations

import os
import subprocess
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import Iterator

import git

from divergent.model import InputError

MAX_FILE_BYTES = 1_000_000  # a target this large is generated or vendored, not designed


def find_top_level(repo_arg: str | None, cwd: Path) -> Path:
    """The repository's top level: ``--repo`` if given, else the one around ``cwd``."""
    start = Path(repo_arg).expanduser() if repo_arg else cwd
    if not start.exists():
        raise InputError(f"no such directory: {start}")
    try:
        with git.Repo(start, search_parent_directories=repo_arg is None) as repo:
            if repo.working_tree_dir is None:
                raise InputError(f"a bare repository has no files to explore: {start}")
            return Path(repo.working_tree_dir).resolve()
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        raise InputError(f"not a git repository: {start.resolve()} (use --repo DIR)") from None


@contextmanager
def open_repo(top: Path) -> Iterator[git.Repo]:
    with git.Repo(top) as repo:
        yield repo


def head_commit(top: Path) -> str:
    with open_repo(top) as repo:
        try:
            return repo.head.commit.hexsha
        except ValueError:
            pass
    # say what git says: no commits yet, or a refusal (safe.directory, permissions)
    done = subprocess.run(["git", "-C", str(top), "rev-parse", "--verify", "--quiet", "HEAD"], capture_output=True, text=True)
    fatal = [line for line in done.stderr.splitlines() if line.startswith(("fatal:", "error:"))]
    if done.returncode == 0 and done.stdout.strip():
        return done.stdout.strip()
    if fatal:
        hint = f" (if you trust it: git config --global --add safe.directory {top})" if "safe.directory" in done.stderr or "dubious ownership" in done.stderr else ""
        raise InputError(f"git refuses the repository {top}: {fatal[0].partition(':')[2].strip()}{hint}")
    raise InputError(f"the repository has no commits yet: {top}")


def read_at(top: Path, commit: str, path: str) -> str | None:
    """A file's text at ``commit``, or None when the commit does not hold it."""
    with open_repo(top) as repo:
        try:
            blob = repo.commit(commit).tree / path
        except KeyError:
            return None
        return blob.data_stream.read().decode("utf-8", errors="replace")


def tracked_files(top: Path, commit: str, suffixes: tuple[str, ...] = (".py",)) -> list[str]:
    with open_repo(top) as repo:
        return sorted(
            item.path
            for item in repo.commit(commit).tree.traverse()
            if item.type == "blob" and item.path.endswith(suffixes)
        )


def max_file_bytes() -> int:
    """The largest file divergent reads as a target or as a caller ($DIVERGENT_MAX_TARGET_BYTES)."""
    value = os.environ.get("DIVERGENT_MAX_TARGET_BYTES", "")
    if not value:
        return MAX_FILE_BYTES
    if not (value.isascii() and value.isdigit()) or int(value) < 1:
        raise InputError(f"DIVERGENT_MAX_TARGET_BYTES must be a whole number of bytes, not {value!r}")
    return int(value)


def blob_size(top: Path, commit: str, path: str) -> int | None:
    """A file's size in bytes at ``commit`` (read from git's object header, not the file), or None."""
    with open_repo(top) as repo:
        try:
            return (repo.commit(commit).tree / path).size
        except KeyError:
            return None


def read_many(top: Path, commit: str, paths: list[str]) -> dict[str, str]:
    """Files' text at ``commit``; files over ``max_file_bytes`` are left out (memory stays bounded)."""
    limit = max_file_bytes()
    with open_repo(top) as repo:
        tree = repo.commit(commit).tree
        out = {}
        for path in paths:
            try:
                blob = tree / path
            except KeyError:
                continue
            if blob.size <= limit:
                out[path] = blob.data_stream.read().decode("utf-8", errors="replace")
        return out


def is_dirty(top: Path, path: str) -> bool:
    with open_repo(top) as repo:
        return bool(repo.git.status("--porcelain", "--", path).strip())


def safe_relative(top: Path, path: str) -> str:
    """``path`` as a POSIX path relative to ``top``; InputError if it leaves the repository.

    Rejects absolute paths, ``..`` that climbs out, and symlinks that lead outside.
    """
    if "\x00" in path:
        raise InputError(f"a path with a NUL byte: {path!r}")
    pure = PurePosixPath(path.replace("\\", "/"))
    if pure.is_absolute() or not pure.parts:
        raise InputError(f"not a path inside the repository: {path!r}")
    if any(part.lower() == ".git" for part in pure.parts):
        raise InputError(f"a path under .git/, which is git's own: {path!r}")
    try:
        resolved = (top / pure).resolve()
    except (OSError, RuntimeError) as error:  # a name too long, a symlink loop
        raise InputError(f"not a usable path: {path!r} ({error})") from None
    try:
        rel = resolved.relative_to(top.resolve())
    except ValueError:
        raise InputError(f"path leaves the repository: {path}") from None
    return rel.as_posix()
