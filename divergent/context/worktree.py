"""A scratch git worktree: the repository at a commit, with some files written over it.

Verify runs the repo's tests there, and export commits a chosen candidate there.
The engineer's working tree and index are never touched; the worktree is removed
afterwards, whatever happens. Nothing here is passed to a shell.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable, Iterator

from divergent.context.repo import safe_relative
from divergent.model import InputError


NO_HOOKS = ("-c", "core.hooksPath=/dev/null")  # our own worktrees and commits run none of the repo's hooks
# git keeps one administrative list of worktrees per repository: adding and removing them is
# serialised (parallel verification runs its commands at once, not these steps)
_ADMIN = threading.Lock()


def git(repo: Path, *args: str) -> str:
    """``git -C repo args``'s output, hooks off; InputError with git's last line when it fails."""
    done = subprocess.run(["git", *NO_HOOKS, "-C", str(repo), *args], capture_output=True, text=True)
    if done.returncode != 0:
        raise InputError(f"git {args[0]} failed: {done.stderr.strip().splitlines()[-1] if done.stderr.strip() else done.returncode}")
    return done.stdout


@contextmanager
def scratch_worktree(
    repo: Path, commit: str, files: dict[str, str], branch: str | None = None, deleted: Iterable[str] = ()
) -> Iterator[Path]:
    """A temporary worktree of ``repo`` at ``commit`` with ``files`` written and ``deleted``
    removed (paths kept inside it).

    Detached unless ``branch`` names a new branch to create there. Safe to use from several threads.
    """
    with tempfile.TemporaryDirectory(prefix="divergent-worktree-") as scratch:
        tree = Path(scratch) / "tree"
        where = ["-b", branch] if branch else ["--detach"]
        with _ADMIN:
            git(repo, "worktree", "add", "--quiet", *where, str(tree), commit)
        try:
            for path, content in files.items():
                target = tree / safe_relative(tree, path)
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(content)
            for path in deleted:
                (tree / safe_relative(tree, path)).unlink(missing_ok=True)
            yield tree
        finally:
            with _ADMIN:
                _remove(repo, tree)


def _remove(repo: Path, tree: Path) -> None:
    """Remove our worktree and only ours: never ``git worktree prune``, which would also drop
    the records of the engineer's own worktrees whose folders are gone."""
    admin = None
    link = tree / ".git"
    if link.is_file():  # "gitdir: <repo>/.git/worktrees/<name>"
        admin = Path(link.read_text().partition("gitdir:")[2].strip())
    done = subprocess.run(["git", *NO_HOOKS, "-C", str(repo), "worktree", "remove", "--force", str(tree)], capture_output=True)
    if done.returncode != 0 and admin is not None and admin.parent.name == "worktrees" and admin.is_dir():
        shutil.rmtree(admin, ignore_errors=True)
