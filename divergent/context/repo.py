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
    done = subprocess.run(["git", "-C", str(top), "rev-parse", "--verify", "--quiet", "HEAD^{commit}"], capture_output=True, text=True)
    if done.returncode == 0 and done.stdout.strip():
        return done.stdout.strip()
    # say what git says: no commits yet, or a refusal (safe.directory, permissions)
    fatal = [line for line in done.stderr.splitlines() if line.startswith(("fatal:", "error:"))]
    if fatal:
        hint = f" (if you trust it: git config --global --add safe.directory {top})" if "dubious ownership" in done.stderr else ""
        raise InputError(f"git refuses the repository {top}: {fatal[0].partition(':')[2].strip()}{hint}")
    raise InputError(f"the repository has no commits yet: {top}")


def read_at(top: Path, commit: str, path: str) -> str | None:
    """A file's text at ``commit``, or None when the commit does not hold it (as a file)."""
    _check_commit(commit)
    pure = PurePosixPath(path)
    if pure.is_absolute() or ".." in pure.parts or not pure.parts:
        return None
    done = subprocess.run(["git", "-C", str(top), "cat-file", "blob", f"{commit}:{pure.as_posix()}"], capture_output=True)
    return done.stdout.decode("utf-8", errors="replace") if done.returncode == 0 else None


def _check_commit(commit: str) -> None:
    if not commit or not all(c in "0123456789abcdef" for c in commit.lower()):
        raise InputError(f"not a commit id: {commit!r}")


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
    """A file's size in bytes at ``commit`` (read from git's object header, not the file), or
    None when the commit holds no file there. One ``git ls-tree -l`` (the path taken literally)."""
    _check_commit(commit)
    done = subprocess.run(
        ["git", "-C", str(top), "--literal-pathspecs", "ls-tree", "-l", "-z", "--full-tree", commit, "--", path], capture_output=True
    )
    for entry in done.stdout.split(b"\0") if done.returncode == 0 else []:
        meta, _, name = entry.partition(b"\t")
        parts = meta.split()  # mode, type, sha, size
        if len(parts) == 4 and parts[1] == b"blob" and parts[3].isdigit() and name.decode("utf-8", errors="surrogateescape") == path:
            return int(parts[3])
    return None


def head_file(top: Path, path: str) -> tuple[str, int | None, str | None] | None:
    """(HEAD's commit, the size of the file ``path`` there or None when it holds none, its text
    when within ``max_file_bytes``), through one ``git cat-file --batch`` that is never made to
    read a file over the limit. None when git does not answer so (no commit yet, a refusal, a
    path a batch line cannot carry): ``head_commit`` then says why."""
    if "\n" in path or "\r" in path:
        return None
    limit = max_file_bytes()
    git = subprocess.Popen(["git", "-C", str(top), "cat-file", "--batch"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        head = _batch_header(git, "HEAD")
        if head is None or head[1] != b"commit":
            return None
        git.stdout.read(head[2] + 1)  # the commit object, then a newline
        commit = head[0].decode()
        blob = _batch_header(git, f"{commit}:{path}")
        if blob is None or blob[1] != b"blob":
            return commit, None, None
        if blob[2] > limit:
            return commit, blob[2], None
        return commit, blob[2], git.stdout.read(blob[2]).decode("utf-8", errors="replace")
    except OSError:  # git left before reading its input: a refusal
        return None
    finally:
        git.kill()
        for pipe in (git.stdin, git.stdout):
            try:
                pipe.close()
            except OSError:  # what was written and never read
                pass
        git.wait()


def _batch_header(git: subprocess.Popen, name: str) -> tuple[bytes, bytes, int] | None:
    """Ask a running ``git cat-file --batch`` for ``name``: (sha, type, size), or None (missing)."""
    git.stdin.write(f"{name}\n".encode())
    git.stdin.flush()
    header = git.stdout.readline().split()
    return (header[0], header[1], int(header[2])) if len(header) == 3 and header[2].isdigit() else None


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


def blob_shas(top: Path, commit: str, suffixes: tuple[str, ...]) -> dict[str, str]:
    """path -> git blob sha of every file of ``commit`` with one of ``suffixes`` (one ``git ls-tree``)."""
    _check_commit(commit)
    done = subprocess.run(["git", "-C", str(top), "ls-tree", "-r", "-z", "--full-tree", commit], capture_output=True, check=True)
    out = {}
    for entry in done.stdout.split(b"\0"):
        meta, _, path = entry.partition(b"\t")
        parts = meta.split()
        if len(parts) == 3 and parts[1] == b"blob":
            name = path.decode("utf-8", errors="replace")
            if name.endswith(suffixes):
                out[name] = parts[2].decode()
    return out


def oversized(top: Path, shas: list[str]) -> set[str]:
    """Which blobs are over ``max_file_bytes`` (generated, vendored, minified): one
    ``git cat-file --batch-check``, which reads only the objects' headers."""
    if not shas:
        return set()
    limit = max_file_bytes()
    done = subprocess.run(
        ["git", "-C", str(top), "cat-file", "--batch-check"], input="".join(f"{sha}\n" for sha in shas).encode(), capture_output=True, check=True
    )
    out = set()
    for line in done.stdout.decode().splitlines():
        parts = line.split()  # sha, type, size
        if len(parts) == 3 and parts[2].isdigit() and int(parts[2]) > limit:
            out.add(parts[0])
    return out


def read_blobs(top: Path, shas: list[str]) -> dict[str, bytes]:
    """sha -> content of each blob, through one ``git cat-file --batch``."""
    if not shas:
        return {}
    done = subprocess.run(
        ["git", "-C", str(top), "cat-file", "--batch"], input="".join(f"{sha}\n" for sha in shas).encode(), capture_output=True, check=True
    )
    data, out, at = done.stdout, {}, 0
    for sha in shas:
        end = data.index(b"\n", at)
        header = data[at:end].split()
        at = end + 1
        if len(header) == 3 and header[1] == b"blob":
            size = int(header[2])
            out[sha] = data[at : at + size]
            at += size + 1
    return out


def grep_files(top: Path, commit: str, strings: list[str], suffixes: tuple[str, ...]) -> set[str]:
    """Paths of ``commit``'s files with one of ``suffixes`` holding one of ``strings`` as whole
    words (one ``git grep -F -w``; every string is passed after ``-e``, never as an option)."""
    if not strings:
        return set()
    args = ["git", "-C", str(top), "grep", "-l", "-w", "-F", "-I", "--no-color"]
    for string in strings:
        args += ["-e", string]
    args += [commit, "--", *(f"*{suffix}" for suffix in suffixes)]
    done = subprocess.run(args, capture_output=True)
    if done.returncode not in (0, 1):  # 1: nothing found
        raise InputError(f"git grep failed: {done.stderr.decode(errors='replace').strip()[-200:]}")
    prefix = f"{commit}:"
    return {line.removeprefix(prefix) for line in done.stdout.decode("utf-8", errors="replace").splitlines()}


def read_many_blobs(top: Path, blobs: dict[str, str]) -> dict[str, str]:
    """path -> text for ``{path: blob sha}``."""
    data = read_blobs(top, sorted(set(blobs.values())))
    return {path: data[sha].decode("utf-8", errors="replace") for path, sha in blobs.items() if sha in data}
