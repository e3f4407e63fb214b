"""Verify: the repository's own tests, run in a temporary git worktree with the candidate applied.

Opt-in (``--verify-tests CMD``): it runs code that came from the model. The
engineer's working tree and index are never touched; the worktree is removed
afterwards, whatever happens. Where the tests run is a ``Runner``: parallel
worktrees on this machine (``Worktrees``, ``--verify-jobs N``), or a Ray cluster
(engine/verify_ray.py, ``--verify-on``).
"""

from __future__ import annotations

import asyncio
import functools
import os
import shlex
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Protocol

from divergent.context.scratch import TAIL, own_tmpdir
from divergent.context.worktree import scratch_worktree
from divergent.critics.base import CriticContext
from divergent.model import Assessment, Candidate, InputError, Problem

DEFAULT_TIMEOUT = 300.0


def run_in_worktree(
    repo: Path, commit: str, files: dict[str, str], command: str, timeout: float, deleted: tuple[str, ...] = ()
) -> tuple[bool, str]:
    """(passed, output tail) of ``command`` in a detached worktree at ``commit`` with ``files`` written."""
    with scratch_worktree(repo, commit, files, deleted=deleted) as tree:
        try:
            done = subprocess.run(
                shlex.split(command), cwd=tree, capture_output=True, text=True, timeout=timeout, env=own_tmpdir(tree.parent)
            )
        except subprocess.TimeoutExpired:
            return False, f"timed out after {timeout:g} s"
        except FileNotFoundError as error:
            return False, f"cannot run {command!r}: {error}"
        return done.returncode == 0, (done.stdout + done.stderr)[-TAIL:]


def default_jobs() -> int:
    """Candidates verified at once by default: one per core this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


class Runner(Protocol):
    """Where a candidate's tests run: here in worktrees, or on a cluster (engine.verify_ray)."""

    async def run(self, problem: Problem, candidate: Candidate, command: str, timeout: float) -> tuple[bool, str]: ...


class Worktrees:
    """On this machine, each candidate in its own worktree, at most ``jobs`` at once."""

    def __init__(self, jobs: int | None = None) -> None:
        if jobs is not None and jobs < 1:
            raise InputError("--verify-jobs must be at least 1")
        self.jobs = jobs or default_jobs()
        self._threads: ThreadPoolExecutor | None = None  # its own: the loop's default pool is capped at cores + 4

    async def run(self, problem: Problem, candidate: Candidate, command: str, timeout: float) -> tuple[bool, str]:
        if self._threads is None:
            self._threads = ThreadPoolExecutor(self.jobs, thread_name_prefix="divergent-verify")
        repo, commit = Path(problem.target.repo), problem.target.commit
        job = functools.partial(run_in_worktree, repo, commit, candidate.files, command, timeout, tuple(candidate.deleted))
        return await asyncio.get_running_loop().run_in_executor(self._threads, job)


class Verify:
    """Opt-in: the repo's test command must pass with the candidate applied.

    Its phase is ``verify``: the session runs it beside the stream of candidates, many
    at once (``runner``), and each verdict lands as it comes (engine/verification.py).
    """

    name = "verify"
    dimensions = ("validity",)
    phase = "verify"

    @classmethod
    def from_context(cls, context: CriticContext) -> Verify:
        return cls(**context.settings)

    def __init__(self, command: str = "", timeout: float = DEFAULT_TIMEOUT, runner: Runner | None = None) -> None:
        if command and not shlex.split(command):
            raise InputError("--verify-tests needs a command, e.g. --verify-tests 'python -m pytest -q'")
        self.command = command
        self.timeout = timeout
        self.runner: Runner = runner or Worktrees()

    async def assess(self, candidate: Candidate, problem: Problem) -> list[Assessment]:
        if not self.command or not candidate.valid:
            return []
        passed, output = await self.runner.run(problem, candidate, self.command, self.timeout)
        last = output.strip().splitlines()[-1] if output.strip() else ""
        evidence = f"tests pass ({self.command}): {last}" if passed else f"tests fail ({self.command}): {last}"
        return [Assessment(self.name, "validity", 1.0 if passed else 0.0, {"passed": passed, "output": output}, evidence)]
