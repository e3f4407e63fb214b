"""Verify: the repository's own tests, run in a temporary git worktree with the candidate applied.

Opt-in (``--verify-tests CMD``): it runs code that came from the model. The
engineer's working tree and index are never touched; the worktree is removed
afterwards, whatever happens.
"""

from __future__ import annotations

import asyncio
import shlex
import subprocess
from pathlib import Path

from divergent.context.worktree import scratch_worktree
from divergent.critics.base import CriticContext
from divergent.model import Assessment, Candidate, InputError, Problem

DEFAULT_TIMEOUT = 300.0
TAIL = 2000  # characters of the test output kept as evidence


def run_in_worktree(
    repo: Path, commit: str, files: dict[str, str], command: str, timeout: float, deleted: tuple[str, ...] = ()
) -> tuple[bool, str]:
    """(passed, output tail) of ``command`` in a detached worktree at ``commit`` with ``files`` written."""
    with scratch_worktree(repo, commit, files, deleted=deleted) as tree:
        try:
            done = subprocess.run(shlex.split(command), cwd=tree, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            return False, f"timed out after {timeout:g} s"
        except FileNotFoundError as error:
            return False, f"cannot run {command!r}: {error}"
        return done.returncode == 0, (done.stdout + done.stderr)[-TAIL:]


class Verify:
    """Opt-in: the repo's test command must pass with the candidate applied."""

    name = "verify"
    dimensions = ("validity",)
    phase = "each"

    @classmethod
    def from_context(cls, context: CriticContext) -> Verify:
        return cls(**context.settings)

    def __init__(self, command: str = "", timeout: float = DEFAULT_TIMEOUT) -> None:
        if command and not shlex.split(command):
            raise InputError("--verify-tests needs a command, e.g. --verify-tests 'python -m pytest -q'")
        self.command = command
        self.timeout = timeout

    async def assess(self, candidate: Candidate, problem: Problem) -> list[Assessment]:
        if not self.command or not candidate.valid:
            return []
        repo, commit = Path(problem.target.repo), problem.target.commit
        passed, output = await asyncio.to_thread(run_in_worktree, repo, commit, candidate.files, self.command, self.timeout, tuple(candidate.deleted))
        last = output.strip().splitlines()[-1] if output.strip() else ""
        evidence = f"tests pass ({self.command}): {last}" if passed else f"tests fail ({self.command}): {last}"
        return [Assessment(self.name, "validity", 1.0 if passed else 0.0, {"passed": passed, "output": output}, evidence)]
