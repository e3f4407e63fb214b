"""click's released source (the sdist from PyPI, cached by tests/corpus/loader.py) as a
temporary git repository, for benchmarks and session tests that need real code of size."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path, PurePosixPath

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from corpus.loader import Release, _members, archive  # noqa: E402

VERSION = "8.3.1"


def click_repo(dest: Path, version: str = VERSION) -> Path:
    """``dest`` made a git repository holding click ``version``'s sdist, committed."""
    members = _members(archive(Release("pypi", "click", version, "sdist")))
    for path, read in members.items():
        pure = PurePosixPath(path)
        if pure.is_absolute() or ".." in pure.parts:
            continue
        target = dest / pure
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(read())
    for args in (["init", "-q", "-b", "main"], ["add", "--all"], ["-c", "user.name=bench", "-c", "user.email=bench@localhost", "commit", "-qm", f"click {version}"]):
        subprocess.run(["git", "-C", str(dest), *args], check=True, capture_output=True)
    return dest
