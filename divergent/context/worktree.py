"""A scratch git worktree: the repository at a commit, with some files written over it.

Verify runs the repo's tests there, and export commits a chosen candidate there.
The engineer's working tree and index are never touched; the worktree is removed
afterwards, whatever happens. Nothing here is passed to a shell.
"""

from __future__ import annotations

import subprocess
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable, Iterator

from divergent.context.repo import safe_relative
from divergent.model import InputError


def git(repo: Path, *args: str) -> str:
    """``git -C repo args``'s output; InputError with git's last line when it fails."""
    done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True)
    if done.returncode != 0:
        raise InputError(f"git {args[0]} failed: {done.stderr.strip().splitlines()[-1] if done.stderr.strip() else done.returncode}")
    return done.stdout


@contextmanager
def scratch_worktree(
    repo: Path, commit: str, files: dict[str, str], branch: str | None = None, deleted: Iterable[str] = ()
) -> Iterator[Path]:
    """A temporary worktree of ``repo`` at ``commit`` with ``files`` written and ``deleted``
    removed (paths kept inside it).

    Detached unless ``branch`` names a new branch to create there.
    """
    with tempfile.TemporaryDirectory(prefix="divergent-worktree-") as scratch:
        tree = Path(scratch) / "tree"
        where = ["-b", branch] if branch else ["--detach"]
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
            subprocess.run(["git", "-C", str(repo), "worktree", "remove", "--force", str(tree)], capture_output=True)
            subprocess.run(["git", "-C", str(repo), "worktree", "prune"], capture_output=True)
