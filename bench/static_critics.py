"""Static critics: divergent's figures against radon over a standard-library corpus.

Times what the static critics compute per file, ``divergent.context.metrics.analyze``
(units and file figures from one tree-sitter parse; the figures radon also computes), and
with ``divergent.context.structure`` (extensibility's design features) as well, against radon's ``cc_visit`` plus
``raw.analyze`` on the same files, in the same process, with the sources read into
memory beforehand; each side is the best of N repeats, the sides taking turns. Issue 4's target:
divergent time / radon time <= 0.33.
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from radon.complexity import cc_visit  # noqa: E402
from radon.raw import analyze as raw_analyze  # noqa: E402

from divergent.context.figures import scanned  # noqa: E402
from divergent.context.metrics import analyze  # noqa: E402
from divergent.critics import extensibility, simplicity  # noqa: E402

MODULES = (
    "argparse", "json.decoder", "email._header_value_parser", "difflib", "inspect", "tarfile", "ast",
    "dataclasses", "typing", "pathlib", "asyncio.base_events", "textwrap", "configparser", "pydoc", "zipfile",
)  # fmt: skip
TARGET = 0.33


def corpus() -> list[tuple[str, str]]:
    files = []
    for name in MODULES:
        path = Path(inspect.getsourcefile(importlib.import_module(name)))
        if path.name == "__init__.py":  # a package (pathlib, zipfile in 3.12+): take all its files
            files += [(str(p), p.read_text()) for p in sorted(path.parent.glob("*.py"))]
        else:
            files.append((str(path), path.read_text()))
    return files


def best(repeats: int, *works) -> list[float]:
    """Each work's best time; the works take turns, so that load from elsewhere hits them alike."""
    times = [[] for _ in works]
    for _ in range(repeats):
        for work, spent in zip(works, times):
            started = time.perf_counter()
            work()
            spent.append(time.perf_counter() - started)
    return [min(spent) for spent in times]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    files = corpus()

    def divergent_analyze():
        for path, source in files:
            analyze(source, path)

    def divergent_critics():  # what the simplicity and extensibility critics read, from scratch
        scanned.cache_clear()
        for path, source in files:
            simplicity.figures([(path, source)])
            extensibility.features([(path, source)])

    def radon():
        for _, source in files:
            cc_visit(source)
            raw_analyze(source)

    divergent_analyze(), radon()  # warm up: grammar, compiled queries, imports
    ours, critics, theirs = best(args.repeats, divergent_analyze, divergent_critics, radon)
    lines = sum(source.count("\n") for _, source in files)
    print(f"corpus: {len(files)} files of {len(MODULES)} stdlib modules, {lines} lines (Python {sys.version.split()[0]})")
    print(f"best of {args.repeats}, the three taking turns")
    print(f"divergent analyze()            {ours:7.3f} s")
    print(f"simplicity + extensibility     {critics:7.3f} s   (both static critics; radon has no design features)")
    print(f"radon cc_visit + raw.analyze   {theirs:7.3f} s")
    print(f"analyze / radon                {ours / theirs:7.3f}   (issue target <= {TARGET})")
    print(f"both critics / radon           {critics / theirs:7.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
