"""The saved sessions as a UI reads them: the database, the diff between two candidates,
and exports, traces and the doctor's checks from a worker thread. (Options to reopen one: ``engine.options.saved_options``.)"""

from __future__ import annotations

from pathlib import Path

from divergent.storage.patch import unified_patch
from divergent.storage.store import Store


def open_store(path: str | Path | None = None) -> Store:
    """The sessions database (the default one when ``path`` is None)."""
    return Store(path)


def between(first: dict[str, str], second: dict[str, str]) -> str:
    """The patch from one candidate's files to another's."""
    paths = sorted(set(first) | set(second))
    return unified_patch([(p, first.get(p), second.get(p, first.get(p, ""))) for p in paths])


def export(path: Path, session: int, number: int, kind: str, target: str) -> str:
    """``engine.export.export`` with a connection of this thread's own (the app runs it in a
    worker thread); returns what was done, in words."""
    from divergent.engine import export as exports

    with Store(path) as store:
        return exports.export(store, session, number, kind, target, flag=f"the {'decision record' if kind == 'adr' else kind}")


def traces(path: Path, session: int, kind: str, target: str) -> str:
    """``divergent traces SESSION --jsonl target --kind kind`` from a worker thread: what was
    written, in words; InputError for a target that cannot be written or when there is nothing to write."""
    import io

    from divergent.engine.export import output_file, write
    from divergent.engine.traces import nothing_to_write, write_jsonl, wrote
    from divergent.model import InputError

    out = output_file(target, "the traces file")
    buffer = io.StringIO()
    with Store(path) as store:
        counts = write_jsonl(store, [session], buffer, kind)
    which = f"session {session}"
    if not any(counts.values()):
        raise InputError(nothing_to_write(kind, which))
    write(out, buffer.getvalue(), "the traces file")
    return wrote(counts, which, str(out))


def checks(path: Path) -> list:
    """``divergent doctor``'s checks (engine.doctor.Check), for a worker thread: they read the network."""
    from divergent.engine.doctor import run_checks

    return run_checks(path)
