"""click 8.3.1's ``Context`` (a 700-line class in a 3,400-line module) explored end to end
against the fake server, with edit-format replies and with whole-file markdown replies.
click's released source comes from PyPI through tests/corpus/loader.py's cache."""

from __future__ import annotations

import json
import subprocess

import pytest

from click_repo import click_repo
from fake_openai import prompt_tokens, schema_name
from divergent.tokens import estimate_tokens

pytestmark = pytest.mark.slow
TARGET = "src/click/core.py::Context"


@pytest.fixture(scope="module")
def click(tmp_path_factory):
    return click_repo(tmp_path_factory.mktemp("click") / "click")


@pytest.mark.parametrize("mode", ["edits", "markdown-edits", "markdown"])
def test_click_context_explores_with_edits_and_keeps_the_rest_of_core(click, cli, endpoint_env, mode):
    endpoint_env.mode = mode
    code, out, err = cli("explore", click / TARGET, "--repo", click, "--headless", "--candidates", "3", "--json")
    assert code == 0, err
    doc = json.loads(out)
    designs = [cli.json("show", doc["session"], c["id"]) for c in doc["candidates"] if not c["baseline"]]
    assert designs and all(d["valid"] for d in designs), [d["invalid_reason"] for d in designs]
    core = (click / "src/click/core.py").read_text()
    start, end = core.index("class Context:"), core.index("\nclass Command:")
    for design in designs:
        new = design["files"]["src/click/core.py"].replace("  # reviewed by this design", "")  # the fake's caller edit
        assert new.startswith(core[:start]) and new.endswith(core[end:])  # only the target's span changed
        code, patch, err = cli("export", doc["session"], design["id"], "--patch", "-")
        assert code == 0, err
        check = subprocess.run(["git", "-C", str(click), "apply", "--check", "-"], input=patch, text=True, capture_output=True)
        assert check.returncode == 0, check.stderr
    target = estimate_tokens(core[start:end])
    asks = [r["body"] for r in endpoint_env.requests if schema_name(r["body"]) in ("candidate", None)]
    assert asks and all(prompt_tokens(body) <= target + 8000 for body in asks)
    assert all(prompt_tokens(body) < estimate_tokens(core) for body in asks)  # less than the module alone
