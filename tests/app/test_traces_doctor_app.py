"""Traces and doctor from the app's command palette, as the CLI's ``traces`` and ``doctor``.

The session is made headless against the fake server; the traces the app writes are
checked against what that server received and answered (its request log and its own
responder), and the doctor's lines against the server and database the test set up.
"""

from __future__ import annotations

import json

import pytest
from apptools import screen_text, until
from fake_openai import default_content
from textual.widgets import Input, Static

from divergent.app.main import DivergentApp, Start
from divergent.app.screens.dialogs import TracesScreen
from divergent.app.screens.doctor import DoctorScreen
from divergent.app.screens.explore import ExploreScreen

pytestmark = pytest.mark.tui

TARGET = "shop/reports.py::ReportService"
SIZE = (120, 40)


async def palette(pilot, command: str) -> None:
    """Open the command palette, type ``command``, take the first hit."""
    await pilot.press("ctrl+p")
    await pilot.pause(0.3)
    await pilot.press(*command)
    await pilot.pause(0.6)
    await pilot.press("enter")


async def traces_in_the_app(db_path, out) -> tuple[str, str]:
    """Open session 1, save its traces to ``out`` from the palette: (what the dialog said, the file it offered)."""
    app = DivergentApp(db_path, Start("open", session=1))
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, ExploreScreen) and app.screen.session is not None and not app.screen.busy)
        await palette(pilot, "traces")
        await until(pilot, lambda: isinstance(app.screen, TracesScreen))
        target = app.screen.query_one("#export-target", Input)
        offered, target.value = target.value, str(out)
        await pilot.press("enter")
        result = app.screen.query_one("#export-result", Static)
        await until(pilot, lambda: str(result.render()) not in ("", "writing…"))
        return str(result.render()), offered


def reply_to(server, messages: list[dict]) -> str:
    bodies = [r["body"] for r in server.requests if r["body"].get("messages") == messages]
    assert bodies, "no such request reached the server"
    return default_content(bodies[0], "json")


@pytest.fixture
def marked(sample_repo, endpoint_env, cli) -> tuple[dict, dict]:
    """Session 1, made headless against the fake server, one design marked up and one down."""
    code, _, err = cli("explore", sample_repo / TARGET, "--repo", sample_repo, "--headless", "--candidates", "4")
    assert code == 0, err
    made = [c for c in cli.json("show", "1")["candidates"] if c["explorer"] in ("lenses", "dimensions")]
    up, down = made[0], made[1]
    assert cli("steer", "1", "mark", str(up["id"]), "up")[0] == 0
    assert cli("steer", "1", "mark", str(down["id"]), "down")[0] == 0
    return up, down


@pytest.fixture
def offline_session(sample_repo, cli) -> None:
    code, _, err = cli("explore", sample_repo / TARGET, "--repo", sample_repo, "--headless", "--candidates", "2", "--offline")
    assert code == 0, err


async def test_traces_from_the_palette_writes_the_engineer_s_marks_as_preference_records(marked, sample_repo, endpoint_env, db_path, tmp_path):
    up, down = marked
    out = tmp_path / "from-the-app.jsonl"

    said, offered = await traces_in_the_app(db_path, out)
    assert said.startswith("wrote"), said
    assert str(sample_repo) not in offered, "the default file is not inside the repository"
    records = [json.loads(line) for line in out.read_text().splitlines()]
    preferences = [r for r in records if set(r) == {"prompt", "chosen", "rejected"}]
    assert preferences, "the marks make a preference record"
    first = preferences[0]
    assert json.loads(first["chosen"][0]["content"])["title"] == up["title"]
    assert json.loads(first["rejected"][0]["content"])["title"] == down["title"]
    assert first["chosen"][0]["content"] == reply_to(endpoint_env, first["prompt"])


async def test_traces_with_nothing_to_write_says_why_and_writes_no_file(offline_session, db_path, tmp_path):
    out = tmp_path / "none.jsonl"
    said, _ = await traces_in_the_app(db_path, out)
    assert said.startswith("no records in session 1"), said
    assert not out.exists()


async def test_doctor_from_the_palette_shows_each_check_on_a_line(endpoint_env, db_path, monkeypatch):
    monkeypatch.setenv("DIVERGENT_MODEL", "fake-model")
    app = DivergentApp(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.3)
        await palette(pilot, "doctor")
        await until(pilot, lambda: isinstance(app.screen, DoctorScreen))
        await until(pilot, lambda: "all pass" in screen_text(app) or "checks fail" in screen_text(app))
        text = screen_text(app)
        assert "fake-model is listed" in text and endpoint_env.base_url in text
        assert str(db_path) in text
        assert endpoint_env.others and not endpoint_env.requests, "it asked for the model list and sent no chat"
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, DoctorScreen))


async def test_doctor_in_the_app_says_which_check_fails(fake_server, db_path, monkeypatch):
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")  # nothing listens on the discard port
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-key")
    app = DivergentApp(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.3)
        await palette(pilot, "doctor")
        await until(pilot, lambda: "checks fail" in screen_text(app), seconds=30)
        assert "cannot reach http://127.0.0.1:9/v1" in screen_text(app)
