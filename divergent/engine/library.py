"""The saved sessions as a UI reads them: the database, the diff between two candidates,
and exports recorded as events. (Options to reopen one: ``engine.options.saved_options``.)"""

from __future__ import annotations

from pathlib import Path

from divergent.storage.lineage import record_export
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
    """Export a candidate (``patch`` or ``adr`` to the file ``target``, ``branch`` named
    ``target``) with a connection of this thread's own; returns what was done, in words."""
    from divergent.engine import export as exports
    from divergent.model import InputError

    with Store(path) as store:
        if kind == "branch":
            sha = exports.branch(store, session, number, target)
            record_export(store, session, number, "branch", f"{target}@{sha}")
            return f"branch {target} at {sha[:8]}; your working tree is untouched"
        file = Path(target).expanduser()
        if not file.parent.is_dir():
            raise InputError(f"no such directory: {file.parent}")
        file.write_text(exports.decision_record(store, session, number) if kind == "adr" else exports.patch(store, session, number))
        record_export(store, session, number, kind, str(file.resolve()))
        return f"wrote {file}" + (f" — apply with: git apply {file}" if kind == "patch" else "")
