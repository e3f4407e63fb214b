"""Hermetic fixtures: a temp database, no endpoint variables, real git repositories."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from divergent.cli import main
from divergent.samples import create


@pytest.fixture(autouse=True)
def hermetic(tmp_path, monkeypatch):
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "DIVERGENT_MODEL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DIVERGENT_DB", str(tmp_path / "sessions.db"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("GIT_AUTHOR_NAME", "test")
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "test@example.invalid")
    monkeypatch.setenv("GIT_COMMITTER_NAME", "test")
    monkeypatch.setenv("GIT_COMMITTER_EMAIL", "test@example.invalid")


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "sessions.db"


@pytest.fixture
def sample_repo(tmp_path) -> Path:
    """The shipped sample shop, as a fresh git repository with one commit."""
    return create("shop", tmp_path / "shop")


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True).stdout


def make_repo(root: Path, files: dict[str, str]) -> Path:
    """A git repository holding ``files``, committed."""
    root.mkdir(parents=True, exist_ok=True)
    for path, text in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "--all")
    git(root, "commit", "-q", "-m", "initial")
    return root


class CLI:
    """Runs ``divergent`` in process and captures what it printed."""

    def __init__(self, capsys):
        self.capsys = capsys

    def __call__(self, *args: str) -> tuple[int, str, str]:
        code = main([str(a) for a in args])
        out, err = self.capsys.readouterr()
        return code, out, err

    def json(self, *args: str):
        code, out, err = self(*args, "--json")
        assert code == 0, err
        return json.loads(out)


@pytest.fixture
def cli(capsys) -> CLI:
    return CLI(capsys)


@pytest.fixture
def fake_server():
    from fake_openai import FakeOpenAI

    with FakeOpenAI(mode="json", latency=0.0) as server:
        yield server


SECRET_KEY = "sk-test-0123456789abcdef-never-store-me"


@pytest.fixture
def endpoint_env(fake_server, monkeypatch):
    """The CLI pointed at the fake server, with a recognisable key."""
    monkeypatch.setenv("OPENAI_BASE_URL", fake_server.base_url)
    monkeypatch.setenv("OPENAI_API_KEY", SECRET_KEY)
    return fake_server
