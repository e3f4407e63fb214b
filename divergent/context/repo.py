"""The git repository: where it is, what a commit holds. Read-only."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import Iterator

import git

from divergent.model import InputError


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
            raise InputError(f"the repository has no commits yet: {top}") from None


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


def read_many(top: Path, commit: str, paths: list[str]) -> dict[str, str]:
    with open_repo(top) as repo:
        tree = repo.commit(commit).tree
        out = {}
        for path in paths:
            try:
                out[path] = (tree / path).data_stream.read().decode("utf-8", errors="replace")
            except KeyError:
                continue
        return out


def safe_relative(top: Path, path: str) -> str:
    """``path`` as a POSIX path relative to ``top``; InputError if it leaves the repository.

    Rejects absolute paths, ``..`` that climbs out, and symlinks that lead outside.
    """
    pure = PurePosixPath(path.replace("\\", "/"))
    if pure.is_absolute() or not pure.parts:
        raise InputError(f"not a path inside the repository: {path}")
    resolved = (top / pure).resolve()
    try:
        rel = resolved.relative_to(top.resolve())
    except ValueError:
        raise InputError(f"path leaves the repository: {path}") from None
    return rel.as_posix()
