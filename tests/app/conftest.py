"""Fixtures of the app's tests: one offline session made once, copied for each test."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import pytest

from divergent.context.problem import frame
from divergent.engine.session import Session, make_options
from divergent.samples import create
from divergent.storage.store import Store

TARGET = "shop/reports.py::ReportService"


@pytest.fixture(scope="session")
def offline_db(tmp_path_factory) -> Path:
    """One offline session (today's code and 15 catalog designs, a scenario), made once."""
    root = tmp_path_factory.mktemp("offline")
    repo = create("shop", root / "shop")
    db = root / "sessions.db"

    async def make() -> None:
        with Store(db) as store:
            problem = frame(TARGET, str(repo), root, scenarios=["add a YAML output format"])
            session = await Session.create(store, problem, make_options(offline=True), lambda event: None)
            await session.first_wave()
            await session.close()

    asyncio.run(make())
    return db


@pytest.fixture
def db(offline_db, tmp_path) -> Path:
    """A copy of the offline session's database for one test to change."""
    copy = tmp_path / "sessions.db"
    shutil.copy(offline_db, copy)
    return copy


