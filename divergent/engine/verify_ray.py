"""Verification on Ray, for test suites that outgrow one machine.

``--verify-on ray://HOST:PORT`` joins the engineer's cluster through Ray Client (a
cluster with token authentication wants ``RAY_AUTH_MODE=token`` in our environment, as
every Ray client does);
``--verify-on ray`` starts a local instance. Ray schedules; we write no scheduler.
Each task gets the session's base commit as a git bundle (made once) and the
candidate's patch; the worker clones the bundle into a scratch directory, applies
the patch and runs the command there. The workers' environment is the engineer's
(set through Ray's ``runtime_env``), without any variable whose name says it holds a
secret (API keys, tokens, passwords).

A local instance listens on loopback only. Ray's own servers bind every interface
and have no setting against it, so the instance lives in a child process
(engine/ray_local.py) inside a network namespace of its own that holds nothing but
loopback (Linux user namespaces); jobs and verdicts go through its stdin and stdout. Where that namespace cannot be made, ``--verify-on
ray`` refuses and says so.

Needs the extra: ``pip install 'divergent[ray]'``.
"""

from __future__ import annotations

import asyncio
import importlib.util
import itertools
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from divergent.context import scratch
from divergent.context.scratch import verify_in_scratch
from divergent.critics.verify import default_jobs
from divergent.engine.export import candidate_patch
from divergent.model import Candidate, InputError, Problem

# Ray's local processes die with the thread that started them (Linux PR_SET_PDEATHSIG):
# ray.init runs on this thread, which lives as long as the process
_RAY_THREAD = ThreadPoolExecutor(1, thread_name_prefix="divergent-ray")
SECRET = re.compile(r"KEY|TOKEN|SECRET|PASSW|CREDENTIAL|AUTH", re.I)


def worker_env(environ: dict[str, str] | None = None) -> dict[str, str]:
    """The engineer's environment for the workers, less secrets and Ray's own settings."""
    environ = dict(os.environ if environ is None else environ)
    return {k: v for k, v in environ.items() if not SECRET.search(k) and not k.startswith("RAY_")}


def base_bundle(repo: Path, commit: str, into: Path) -> Path:
    """A git bundle holding ``commit`` and its history, written in ``into`` (a bundle needs a
    ref: it is made in a scratch repository)."""
    base, bundle = into / "base", into / "base.bundle"
    for args in (
        ["init", "-q", str(base)],
        ["-C", str(base), "fetch", "-q", "--no-tags", str(repo), commit],
        ["-C", str(base), "update-ref", "refs/heads/base", commit],
        ["-C", str(base), "bundle", "create", "-q", str(bundle), "base"],
    ):
        done = subprocess.run(["git", *args], capture_output=True, text=True)
        if done.returncode != 0:
            raise InputError(f"cannot bundle {commit[:8]} of {repo}: {done.stderr.strip()[-200:]}")
    return bundle


# a local instance, confined to loopback ---------------------------------------------------

class LocalRay:
    """The parent's end of ``serve``: a child process, jobs out on its stdin, verdicts back."""

    def __init__(self, cpus: int) -> None:
        self.log = tempfile.TemporaryFile()
        self.child = subprocess.Popen(
            [sys.executable, "-m", "divergent.engine.ray_local", "--cpus", str(cpus)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.log, text=True, env=worker_env(),
        )
        first = json.loads(self.child.stdout.readline() or '{"error": "it exited before it was ready"}')
        if "error" in first:
            self.child.wait()
            raise RuntimeError(f"--verify-on ray: cannot start a local Ray instance confined to loopback ({first['error']}); "
                            "start one yourself and pass --verify-on ray://HOST:PORT")
        self.waiting: dict[int, Future] = {}
        self.ids = itertools.count()
        self.lock = threading.Lock()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.child.stdout:
            verdict = json.loads(line)
            self.waiting.pop(verdict["id"]).set_result((verdict["passed"], verdict["output"]))
        for future in self.waiting.values():  # the child is gone: nothing more will come
            future.set_result((False, "the local Ray instance exited"))

    async def run(self, bundle: Path, commit: str, patch: str, argv: list[str], timeout: float) -> tuple[bool, str]:
        future: Future = Future()
        with self.lock:
            job = next(self.ids)
            self.waiting[job] = future
            line = {"id": job, "bundle": str(bundle), "commit": commit, "patch": patch, "argv": argv, "timeout": timeout, "env": worker_env()}
            self.child.stdin.write(json.dumps(line) + "\n")
            self.child.stdin.flush()
        return await asyncio.wrap_future(future)


class RayRunner:
    """Implements ``critics.verify.Runner`` on Ray: one task (one CPU) per candidate."""

    def __init__(self, address: str | None = None, jobs: int | None = None) -> None:
        try:
            import ray  # noqa: F401
        except ImportError:
            raise InputError("--verify-on ray needs Ray: pip install 'divergent[ray]'") from None
        if jobs is not None and jobs < 1:
            raise InputError("--verify-jobs must be at least 1")
        if address is not None and importlib.util.find_spec("grpc") is None:  # Ray Client speaks gRPC
            raise InputError("--verify-on ray://HOST:PORT needs Ray Client (ray[client]): pip install 'divergent[ray]'")
        self.address = address  # None: a local instance of our own
        self.jobs = jobs  # for a local instance: its CPUs (default: the cores)
        self._local: LocalRay | None = None
        self._task = None
        self._scratch = tempfile.TemporaryDirectory(prefix="divergent-bundles-")
        self._bundles: dict[tuple[str, str], tuple[Path, object]] = {}
        self._ready = threading.Lock()

    def _connect(self) -> None:
        if self.address is None:
            self._local = LocalRay(self.jobs or default_jobs())
            return
        import ray
        from ray import cloudpickle

        if not ray.is_initialized():
            try:
                ray.init(address=self.address, logging_level="ERROR", log_to_driver=False)
            except ConnectionError as error:
                raise ConnectionError(
                    f"cannot reach Ray at {self.address} ({error}): is its head up with --ray-client-server-port? "
                    "A cluster started with token authentication (Ray turns it on when a token exists) "
                    "is reached with RAY_AUTH_MODE=token set here"
                ) from None
        cloudpickle.register_pickle_by_value(scratch)  # the workers need not have divergent installed
        self._task = ray.remote(num_cpus=1, max_retries=0)(verify_in_scratch)

    def _prepare(self, repo: Path, commit: str) -> tuple[Path, object]:
        """Connect and bundle once, whoever comes first; the bundle's path and (on a cluster) its object."""
        with self._ready:
            if self._local is None and self._task is None:
                _RAY_THREAD.submit(self._connect).result()
            key = (str(repo), commit)
            if key not in self._bundles:
                into = Path(self._scratch.name) / str(len(self._bundles))
                into.mkdir()
                path = base_bundle(repo, commit, into)
                if self._local is None:
                    import ray

                    self._bundles[key] = (path, ray.put(path.read_bytes()))
                else:
                    self._bundles[key] = (path, None)
            return self._bundles[key]

    async def run(self, problem: Problem, candidate: Candidate, command: str, timeout: float) -> tuple[bool, str]:
        commit = problem.target.commit
        path, shared = await asyncio.to_thread(self._prepare, Path(problem.target.repo), commit)
        patch = candidate_patch(problem, candidate)
        if self._local is not None:
            return await self._local.run(path, commit, patch, shlex.split(command), timeout)
        import ray

        ref = self._task.options(runtime_env={"env_vars": worker_env()}).remote(shared, commit, patch, shlex.split(command), timeout)
        return await asyncio.to_thread(ray.get, ref)
