"""Sample repositories shipped with divergent, for demos and tests.

``shop``: a messy ``ReportService`` class (type-code branching, methods that ignore
``self``, a constructor that opens its own connection, a long parameter list) and
its own pytest tests.
"""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

import git

SAMPLES = ("shop",)


def create(name: str, dest: Path) -> Path:
    """Copy a sample into ``dest`` (which must not exist or be empty) and commit it."""
    if dest.exists() and any(dest.iterdir()):
        raise FileExistsError(f"{dest} exists and is not empty")
    with resources.as_file(resources.files("divergent.samples").joinpath(name)) as source:
        shutil.copytree(source, dest, dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache"))
    with git.Repo.init(dest, initial_branch="main") as repo:
        repo.git.add("--all")
        with repo.config_writer() as config:
            config.set_value("user", "name", "divergent sample")
            config.set_value("user", "email", "sample@divergent.invalid")
        repo.index.commit("A small shop with a report service")
    return dest
