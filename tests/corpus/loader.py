"""Fetch released package versions from their registries and read files out of them.

API (helper ``catalog`` reuses it):

- ``Release(registry, package, version, kind="")``: one released artefact. ``registry`` is
  ``"pypi"`` or ``"npm"``; for PyPI ``kind`` is ``"wheel"`` (default) or ``"sdist"``.
- ``archive(release) -> Path``: the downloaded artefact in the cache (downloaded once).
- ``read_files(release, paths) -> dict[path, text]``: the named files, each path as it
  sits inside the package (a wheel's own paths; an sdist's or npm tarball's paths with
  their top folder removed). Raises ``CorpusUnavailable`` when one is missing.
- ``load_pairs(manifest=PAIRS) -> list[Pair]`` and ``pair_files(pair) -> (before, after)``.
- ``unpack(release, dest) -> Path``: every file of the release written under ``dest``
  (paths as ``read_files`` names them), to run the project's own tests there.

The cache is ``$DIVERGENT_CORPUS_CACHE`` or ``~/.cache/divergent-corpus``. Anything that
cannot be had raises ``CorpusUnavailable`` (tests fail on it; they never skip).
Downloads go through the registries' ordinary clients: ``pip download`` for wheels,
``npm pack`` for npm tarballs, and the PyPI simple index (the JSON form pip reads) for
sdists, whose build backend pip would otherwise run.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import tomllib
import urllib.request
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

PAIRS = Path(__file__).with_name("pairs.toml")
SIMPLE_INDEX = "https://pypi.org/simple/{name}/"
TIMEOUT = 180


class CorpusUnavailable(RuntimeError):
    """A release or a file in it cannot be had."""


@dataclass(frozen=True)
class Release:
    registry: str  # pypi | npm
    package: str
    version: str
    kind: str = ""  # pypi: wheel (default) | sdist

    @property
    def slug(self) -> str:
        kind = self.kind or ("wheel" if self.registry == "pypi" else "tarball")
        return f"{self.registry}/{self.package}/{self.version}/{kind}"


@dataclass(frozen=True)
class Pair:
    """One human refactoring: the files of the release before it and of the release after."""

    id: str
    language: str
    registry: str
    package: str
    before: str
    after: str
    files: list[str]  # paths inside the package, before
    aimed_at: str
    repository: str
    commits: list[str]
    license: str
    tests: str
    kind: str = ""
    after_files: list[str] = field(default_factory=list)  # when the after has other paths
    target: str = ""  # the symbol the refactoring was about (documentation)
    note: str = ""
    units: list[str] = field(default_factory=list)  # definitions the commits changed (Class.method inside a class)
    refactoring_share: float = 1.0  # how much of the compared change the refactoring commits make
    ambiguous: str = ""  # why the pair is not counted in the agreement figures (scored and printed still)

    def release(self, version: str) -> Release:
        return Release(self.registry, self.package, version, self.kind)


def cache_dir() -> Path:
    found = os.environ.get("DIVERGENT_CORPUS_CACHE")
    return Path(found) if found else Path.home() / ".cache" / "divergent-corpus"


def load_pairs(manifest: Path = PAIRS) -> list[Pair]:
    data = tomllib.loads(manifest.read_text(encoding="utf-8"))
    return [Pair(**entry) for entry in data["pair"]]


def pair_files(pair: Pair) -> tuple[dict[str, str], dict[str, str]]:
    """Both sides' files; with ``pair.units``, only those top-level definitions of each file
    (a file left with none is kept empty, as code moved out of it), so the release's other
    work stays out."""
    before = read_files(pair.release(pair.before), pair.files)
    after = read_files(pair.release(pair.after), pair.after_files or pair.files)
    if pair.units:
        before, after = (_only_units(side, set(pair.units)) for side in (before, after))
    return before, after


def only_units(source: str, path: str, names: set[str]) -> str:
    """The top-level definitions of ``source`` named in ``names`` (with their decorators or
    export keyword), in file order, one blank line apart. A dotted name ``Class.method``
    keeps that class with only the methods named so (its fields and other lines stay), so a
    pair can compare the methods a commit changed inside a large class."""
    from divergent.context.figures import scanned
    from divergent.context.parsing import language_for

    data = source.encode("utf-8")
    units = scanned(source, language_for(path)).units
    methods = {name.split(".", 1)[0]: set() for name in names if "." in name}
    for name in names:
        if "." in name:
            methods[name.split(".", 1)[0]].add(name)
    pieces = []
    for index, unit in enumerate(units):
        if unit.parent is not None or (unit.name not in names and unit.name not in methods):
            continue
        node = _outer(unit.node)
        if unit.name in names or unit.name not in methods:
            pieces.append(data[node.start_byte : node.end_byte].decode("utf-8"))
            continue
        # the class without the methods no name asks for
        dropped = [
            _outer(u.node) for u in units
            if u.parent == index and not u.is_class and u.name not in methods[unit.name]
            and u.own_name not in KEPT_METHODS
        ]
        kept, start = [], node.start_byte
        for gone in sorted(dropped, key=lambda n: n.start_byte):
            kept.append(data[start : gone.start_byte])
            start = gone.end_byte
        kept.append(data[start : node.end_byte])
        pieces.append(b"".join(kept).decode("utf-8"))
    return "\n\n".join(pieces) + "\n" if pieces else ""


KEPT_METHODS = frozenset({"__init__", "constructor", "new"})  # they hold the class's state


def _outer(node):
    """A definition with its decorators or export keyword."""
    while node.parent is not None and node.parent.type in ("decorated_definition", "export_statement"):
        node = node.parent
    return node


def _only_units(files: dict[str, str], names: set[str]) -> dict[str, str]:
    return {path: only_units(text, path, names) for path, text in files.items()}


def read_files(release: Release, paths: list[str]) -> dict[str, str]:
    members = _members(archive(release))
    out = {}
    for path in paths:
        if path not in members:
            raise CorpusUnavailable(f"{release.slug} has no {path}")
        out[path] = members[path]().decode("utf-8")
    return out


def unpack(release: Release, dest: Path) -> Path:
    """Every file of the release under ``dest`` (no path may leave it)."""
    root = dest.resolve()
    for path, read in _members(archive(release)).items():
        out = (root / path).resolve()
        if root not in out.parents:
            raise CorpusUnavailable(f"{release.slug}: {path} would leave {dest}")
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(read())
    return dest


def archive(release: Release) -> Path:
    """The release's artefact in the cache, downloaded on first use."""
    folder = cache_dir() / release.slug
    done = [p for p in folder.glob("*") if p.is_file() and not p.name.startswith(".")] if folder.is_dir() else []
    if done:
        return done[0]
    with tempfile.TemporaryDirectory(prefix="corpus-") as tmp:
        got = _download(release, Path(tmp))
        folder.mkdir(parents=True, exist_ok=True)
        final = folder / got.name
        shutil.move(str(got), final)
    return final


def _download(release: Release, into: Path) -> Path:
    if release.registry == "npm":
        _run(["npm", "pack", f"{release.package}@{release.version}", "--silent", "--pack-destination", str(into)], release)
    elif release.registry == "pypi" and release.kind == "sdist":
        _sdist(release, into)
    elif release.registry == "pypi":
        _run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary", ":all:", "--quiet",
             "--dest", str(into), f"{release.package}=={release.version}"],
            release,
        )
    else:
        raise CorpusUnavailable(f"unknown registry {release.registry!r} for {release.package}")
    found = [p for p in into.iterdir() if p.is_file()]
    if len(found) != 1:
        raise CorpusUnavailable(f"{release.slug}: expected one artefact, got {[p.name for p in found]}")
    return found[0]


def _run(command: list[str], release: Release) -> None:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT, check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise CorpusUnavailable(f"{release.slug}: {error}") from error
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise CorpusUnavailable(f"{release.slug}: {command[0]} failed: {last}")


def _sdist(release: Release, into: Path) -> None:
    """An sdist by the simple index's JSON form (PEP 691), checked against its sha256."""
    import hashlib

    name = release.package.lower().replace("_", "-")
    request = urllib.request.Request(SIMPLE_INDEX.format(name=name), headers={"Accept": "application/vnd.pypi.simple.v1+json"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as reply:
            index = json.load(reply)
        stem = f"{release.package.replace('-', '_')}-{release.version}.tar.gz".lower()
        entry = next((f for f in index["files"] if f["filename"].lower() == stem), None)
        if entry is None:
            raise CorpusUnavailable(f"{release.slug}: no {stem} on the index")
        with urllib.request.urlopen(entry["url"], timeout=TIMEOUT) as reply:
            data = reply.read()
    except OSError as error:
        raise CorpusUnavailable(f"{release.slug}: {error}") from error
    expected = entry.get("hashes", {}).get("sha256")
    if expected and hashlib.sha256(data).hexdigest() != expected:
        raise CorpusUnavailable(f"{release.slug}: sha256 mismatch")
    (into / entry["filename"]).write_bytes(data)


def _members(path: Path):
    """path inside the package -> a reader of its bytes. Nothing is extracted to disk."""
    if path.suffix == ".whl" or path.suffix == ".zip":
        z = zipfile.ZipFile(path)
        return {info.filename: (lambda info=info: z.read(info)) for info in z.infolist() if not info.is_dir()}
    data = path.read_bytes()
    tar = tarfile.open(fileobj=io.BytesIO(data), mode="r:*")
    out = {}
    for member in tar.getmembers():
        if not member.isfile():
            continue
        parts = PurePosixPath(member.name).parts
        if len(parts) < 2:
            continue
        out[str(PurePosixPath(*parts[1:]))] = lambda member=member: tar.extractfile(member).read()
    return out
