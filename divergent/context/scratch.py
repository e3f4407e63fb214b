"""A scratch checkout where a candidate's tests run, away from the engineer's files.

Standard library only: ``verify_in_scratch`` runs on Ray workers (shipped by value,
divergent need not be installed there) and in the loopback-confined child that a
local Ray instance lives in (engine/ray_local.py).
"""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
from pathlib import Path

TAIL = 2000  # characters of the test output kept as evidence


def own_tmpdir(scratch: Path) -> dict[str, str]:
    """This process's environment with TMPDIR in ``scratch``: runs side by side must not share a
    temp root (pytest, for one, deletes older base temp dirs it finds there: another run's)."""
    tmp = scratch / "tmp"
    tmp.mkdir(exist_ok=True)
    return {**os.environ, "TMPDIR": str(tmp), "TEMP": str(tmp), "TMP": str(tmp)}


def verify_in_scratch(bundle: bytes, commit: str, patch: str, argv: list[str], timeout: float) -> tuple[bool, str]:
    """On a worker: clone the bundle, check out ``commit``, apply ``patch``, run ``argv``.

    It and ``own_tmpdir`` travel by value: standard library only."""
    with tempfile.TemporaryDirectory(prefix="divergent-ray-") as scratch:
        source, tree = Path(scratch) / "base.bundle", Path(scratch) / "tree"
        source.write_bytes(bundle)
        for args, stdin in (
            (["clone", "-q", "--no-checkout", str(source), str(tree)], None),
            (["-C", str(tree), "-c", "advice.detachedHead=false", "checkout", "-q", "--detach", commit], None),
            (["-C", str(tree), "apply", "--whitespace=nowarn", "-"], patch),
        ):
            if stdin == "":
                continue
            done = subprocess.run(["git", *args], input=stdin, capture_output=True, text=True)
            if done.returncode != 0:
                return False, f"git {args[2] if args[0] == '-C' else args[0]} failed on the worker: {done.stderr.strip()[-300:]}"
        try:
            run = subprocess.run(argv, cwd=tree, capture_output=True, text=True, timeout=timeout, env=own_tmpdir(Path(scratch)))
        except subprocess.TimeoutExpired:
            return False, f"timed out after {timeout:g} s"
        except FileNotFoundError as error:
            return False, f"cannot run {shlex.join(argv)!r}: {error}"
        return run.returncode == 0, (run.stdout + run.stderr)[-TAIL:]
