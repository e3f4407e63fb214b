"""Framing a target on the Python standard library as a git repository, against Universal Ctags.

The standard library of this Python (site-packages and caches left out) is copied into a
temporary git repository. Universal Ctags (Debian package ``universal-ctags``) tags its
``.py`` files; divergent frames ``argparse.py::ArgumentParser`` (``context.problem.frame``
in process: resolve, index, call sites, packing): cold with an empty index database, warm
with the one the cold run filled (every blob indexed, the repo map's ranking kept). For
information, warm with the index alone: the ranking computed again, as after a commit that
changes a file near the target (less that file's parse). Each figure is the best of N
runs, the sides taking turns. Issue 11's targets: cold <= 3 x ctags, warm <= 0.10 x cold.

    python bench/framing.py [--repeat 3] [--target argparse.py::ArgumentParser]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


from divergent.context.index import SymbolIndex  # noqa: E402
from divergent.context.problem import frame  # noqa: E402
from divergent.storage.store import Store  # noqa: E402
from divergent.storage.symbols import SqliteSymbols  # noqa: E402

COLD, WARM = 3.0, 0.10


def stdlib_repo(dest: Path) -> Path:
    source = Path(sysconfig.get_paths()["stdlib"])
    shutil.copytree(source, dest, ignore=shutil.ignore_patterns("site-packages", "__pycache__", "*.pyc"), symlinks=True)
    for args in (["init", "-q", "-b", "main"], ["add", "--all"], ["-c", "user.name=bench", "-c", "user.email=bench@localhost", "commit", "-qm", "stdlib"]):
        subprocess.run(["git", "-C", str(dest), *args], check=True, capture_output=True)
    return dest


def ctags_seconds(repo: Path, out: Path) -> float:
    files = subprocess.run(["git", "-C", str(repo), "ls-files", "*.py"], capture_output=True, text=True, check=True).stdout
    start = time.perf_counter()
    subprocess.run(["ctags", "-L", "-", "-f", str(out), "--languages=Python"], input=files, text=True, cwd=repo, check=True)
    return time.perf_counter() - start


class IndexOnly(SqliteSymbols):
    """The symbol index in the database, without the repo map's kept rankings."""

    def ranking(self, key: str) -> dict | None:
        return None

    def remember_ranking(self, key: str, ranking: dict) -> None:
        pass


def frame_seconds(repo: Path, target: str, db: Path, symbols=SqliteSymbols) -> tuple[float, int]:
    store = Store(db)
    index = SymbolIndex(symbols(store))
    start = time.perf_counter()
    frame(target, str(repo), repo, index=index)
    seconds = time.perf_counter() - start
    store.close()
    return seconds, index.parsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--target", default="argparse.py::ArgumentParser")
    args = parser.parse_args()
    if shutil.which("ctags") is None:
        print("needs Universal Ctags: apt-get install universal-ctags", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="bench-framing-") as scratch:
        repo = stdlib_repo(Path(scratch) / "stdlib")
        files = len(subprocess.run(["git", "-C", str(repo), "ls-files", "*.py"], capture_output=True, text=True).stdout.split())
        ctags, cold, warm, index_only = [], [], [], []
        parsed = 0
        for i in range(args.repeat):
            ctags.append(ctags_seconds(repo, Path(scratch) / f"tags{i}"))
            db = Path(scratch) / f"index{i}.db"
            seconds, parsed = frame_seconds(repo, args.target, db)
            cold.append(seconds)
            warm.append(frame_seconds(repo, args.target, db)[0])
            index_only.append(frame_seconds(repo, args.target, db, IndexOnly)[0])
        best_ctags, best_cold, best_warm, best_index = min(ctags), min(cold), min(warm), min(index_only)
        print(f"standard library: {files} .py files; target {args.target}; best of {args.repeat}")
        print(f"ctags (all files)         {best_ctags:7.3f} s")
        print(f"divergent cold            {best_cold:7.3f} s  ({parsed} files parsed)")
        print(f"divergent warm            {best_warm:7.3f} s  (0 files parsed)")
        print(f"  with the index alone    {best_index:7.3f} s  (0 files parsed, the map ranked again)")
        print(f"cold / ctags  {best_cold / best_ctags:6.2f}   (target <= {COLD:g})   {'ok' if best_cold / best_ctags <= COLD else 'MISSED'}")
        print(f"warm / cold   {best_warm / best_cold:6.2f}   (target <= {WARM:g})  {'ok' if best_warm / best_cold <= WARM else 'MISSED'}")
        print(f"  index alone {best_index / best_cold:6.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
