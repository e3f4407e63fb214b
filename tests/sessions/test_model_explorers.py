"""Model explorers end to end against the fake server: headless runs, lenient replies,
rejected paths, the key never stored, and what each explorer asks for."""

from __future__ import annotations

import asyncio
import json
import os

import pytest

from conftest import SECRET_KEY
from divergent.explorers.base import EXPLORERS, ExploreRequest
from divergent.explorers.model.lenses import LENSES
from divergent.explorers.model.scenarios import propose_scenarios
from divergent.llm.budget import Budget
from divergent.llm.client import MemoryCallLog, ModelClient
from divergent.llm.config import Endpoint
from divergent.model import Assessment, Candidate, Fidelity

TARGET = "shop/reports.py::ReportService"


def explore(cli, repo, *extra):
    return cli("explore", repo / TARGET, "--repo", repo, "--headless", *extra)


@pytest.mark.parametrize("mode", ["json", "markdown", "edits", "markdown-edits"])
def test_headless_first_wave_fills_usage_and_candidates(sample_repo, cli, endpoint_env, mode):
    endpoint_env.mode = mode
    code, out, err = explore(cli, sample_repo, "--candidates", "10", "--budget", "30", "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert err.splitlines()[0].startswith("estimate: 11 requests")  # 10 candidates and the dimensions request
    models = [c for c in doc["candidates"] if not c["baseline"]]
    assert len(models) == 10 and all(c["valid"] for c in models)
    assert {c["explorer"] for c in models} == {"lenses", "dimensions"}
    usage = doc["usage"]
    wave = [r for r in endpoint_env.requests if r["body"]["response_format"]["json_schema"]["name"] in ("candidate", "dimensions")] if mode in ("json", "edits") else None
    assert usage["requests"] == endpoint_env.count
    if wave is not None:
        assert len(wave) == 11
    assert usage["input_tokens"] > 0 and usage["output_tokens"] > 0
    assert usage["cost_usd"] > 0  # gpt-4o-mini is in the price table
    dimension = next(c for c in models if c["explorer"] == "dimensions")
    shown = cli.json("show", doc["session"], dimension["id"])
    assert set(shown["choices"]) == {"dispatch", "state", "coupling"}


def test_fault_mode_run_finishes_and_counts_every_attempt(sample_repo, cli, endpoint_env):
    endpoint_env.fail_next(429, times=3, retry_after=0)
    endpoint_env.fail_next(500, times=2)
    endpoint_env.malformed_next(times=1)
    endpoint_env.garbage_content_next(times=1)
    code, out, err = explore(cli, sample_repo, "--candidates", "8", "--budget", "12", "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["usage"]["requests"] == endpoint_env.count <= 12
    assert len(doc["candidates"]) - 1 in range(1, 9)  # some designs despite the faults, never more than asked


def test_budget_stops_the_wave_without_overspending(sample_repo, cli, endpoint_env):
    code, out, err = explore(cli, sample_repo, "--candidates", "20", "--budget", "6", "--json")
    assert code == 0, err
    assert endpoint_env.count == 6 and json.loads(out)["usage"]["requests"] == 6


def test_paths_leaving_the_repo_are_rejected_and_the_candidate_kept(sample_repo, cli, endpoint_env, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (sample_repo / "escape").symlink_to(outside)
    files = [
        {"path": "shop/reports.py", "content": "class ReportService:\n    pass\n"},
        {"path": "../evil.py", "content": "x = 1\n"},
        {"path": "/etc/evil.py", "content": "x = 1\n"},
        {"path": "escape/evil.py", "content": "x = 1\n"},
    ]
    reply = json.dumps({"title": "Sneaky", "summary": "s", "rationale": "r", "files": files})
    endpoint_env.responder = lambda body: reply if "Direction" in json.dumps(body) else '{"dimensions": []}'
    code, out, err = explore(cli, sample_repo, "--candidates", "1", "--json")
    assert code == 0, err
    doc = json.loads(out)
    shown = cli.json("show", doc["session"], doc["candidates"][1]["id"])
    assert not shown["valid"]
    for bad in ("../evil.py", "/etc/evil.py", "escape/evil.py"):
        assert bad in shown["invalid_reason"]
    assert list(shown["files"]) == ["shop/reports.py"]
    assert not list(outside.iterdir()) and not (tmp_path / "evil.py").exists()


def test_the_api_key_is_in_no_byte_of_the_database(sample_repo, cli, endpoint_env, db_path):
    endpoint_env.fail_next(500, times=1)
    code, _, err = explore(cli, sample_repo, "--candidates", "4")
    assert code == 0, err
    files = [p for p in db_path.parent.iterdir() if p.name.startswith(db_path.name)]
    assert files
    for path in files:
        assert SECRET_KEY.encode() not in path.read_bytes(), path


def test_unreachable_endpoint_is_one_line_exit_2_and_the_session_is_kept(sample_repo, cli, monkeypatch):
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-x")
    code, out, err = explore(cli, sample_repo, "--candidates", "3")
    assert code == 2 and out == ""
    line = err.strip().splitlines()[-1]
    assert "cannot reach the model endpoint" in line and "session 1 kept" in line
    assert "Traceback" not in err
    sessions = cli.json("sessions")["sessions"]
    assert sessions[0]["status"] == "stopped" and sessions[0]["candidates"] == 1  # the baseline


def test_a_refused_key_is_one_line_exit_2(sample_repo, cli, monkeypatch):
    from fake_openai import FakeOpenAI

    with FakeOpenAI(api_key="sk-right") as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        monkeypatch.setenv("OPENAI_API_KEY", "sk-wrong")
        code, _, err = explore(cli, sample_repo, "--candidates", "2")
    assert code == 2 and "refused the API key (401)" in err.strip().splitlines()[-1]


# each explorer, called directly ---------------------------------------------------


@pytest.fixture
def problem(sample_repo):
    from pathlib import Path

    from divergent.context.problem import frame

    return frame(TARGET, str(sample_repo), Path.cwd(), goal="easier to add report formats", scenarios=["add YAML"])


def collect(name: str, request: ExploreRequest, server) -> list[Candidate]:
    async def go():
        client = ModelClient(
            Endpoint(base_url=server.base_url, api_key="sk", model="m", timeout=5), Budget(max_requests=50), MemoryCallLog()
        )
        request.client = client
        try:
            return [c async for c in EXPLORERS.create(name).propose(request)]
        finally:
            await client.close()

    return asyncio.run(go())


def prompts_of(server) -> list[str]:
    return [m["content"] for r in server.requests for m in r["body"]["messages"] if m["role"] == "user"]


def test_lenses_are_many_distinct_and_each_request_carries_one(problem, fake_server):
    assert len(LENSES) >= 12 and len({l.name for l in LENSES}) == len(LENSES)
    candidates = collect("lenses", ExploreRequest(problem, count=len(LENSES)), fake_server)
    assert sorted(c.lens for c in candidates) == sorted(l.name for l in LENSES)
    prompts = prompts_of(fake_server)
    assert all("Goal: easier to add report formats" in p and "- add YAML" in p for p in prompts)
    for lens in LENSES:
        assert sum(lens.instruction in p for p in prompts) == 1


def test_dimensions_ask_for_uncovered_combinations(problem, fake_server):
    covered = [{"dispatch": "registry", "state": "mutable object", "coupling": "injected"}]
    candidates = collect("dimensions", ExploreRequest(problem, count=50, covered=covered), fake_server)
    combos = [tuple(sorted(c.choices.items())) for c in candidates]
    assert len(combos) == 3 * 2 * 2 - 1 == len(set(combos))
    assert tuple(sorted(covered[0].items())) not in combos


def test_novelty_names_every_known_cluster(problem, fake_server):
    known = [("Registry of handlers", "cases in a dict"), ("Strategy objects", "one class per format")]
    collect("novelty", ExploreRequest(problem, count=2, known=known), fake_server)
    for prompt in prompts_of(fake_server):
        assert "1. Registry of handlers: cases in a dict" in prompt and "2. Strategy objects" in prompt


def test_refine_sends_the_parent_and_its_evidence(problem, fake_server):
    parent = Candidate("Parent", {"shop/reports.py": "PARENT_MARKER = 1\n"}, id=4, choices={"dispatch": "registry"})
    evidence = {4: [Assessment("simplicity", "simplicity", 0.31, {}, "worst cyclomatic 6 → 9 (+50 %)")]}
    result = collect("refine", ExploreRequest(problem, count=1, parents=[parent], evidence=evidence), fake_server)
    prompt = prompts_of(fake_server)[0]
    assert "PARENT_MARKER = 1" in prompt and "simplicity 0.31: worst cyclomatic 6 → 9 (+50 %)" in prompt
    assert result[0].parents == [4] and result[0].explorer == "refine"


def test_combine_sends_both_parents(problem, fake_server):
    a = Candidate("Alpha", {"shop/reports.py": "A_MARKER = 1\n"}, summary="sa", id=1)
    b = Candidate("Beta", {"shop/reports.py": "B_MARKER = 2\n"}, summary="sb", id=2)
    result = collect("combine", ExploreRequest(problem, count=1, parents=[a, b]), fake_server)
    prompt = prompts_of(fake_server)[0]
    assert 'design="A"' in prompt and "A_MARKER" in prompt and 'design="B"' in prompt and "B_MARKER" in prompt
    assert result[0].parents == [1, 2]


def test_sketches_and_materialize(problem, fake_server):
    sketches = collect("lenses", ExploreRequest(problem, count=1, sketch=True), fake_server)
    assert sketches[0].fidelity is Fidelity.SKETCH and "SKETCH" in prompts_of(fake_server)[0]
    sketch = sketches[0]
    sketch.id = 3
    full = collect("materialize", ExploreRequest(problem, count=1, parents=[sketch]), fake_server)
    assert full[0].fidelity is Fidelity.FULL and full[0].parents == [3]
    assert "Implement this sketch" in prompts_of(fake_server)[-1]


def test_scenarios_are_proposed_by_the_model(problem, fake_server):
    async def go():
        client = ModelClient(Endpoint(base_url=fake_server.base_url, api_key="sk", model="m"), Budget(max_requests=2))
        try:
            return await propose_scenarios(client, problem)
        finally:
            await client.close()

    assert asyncio.run(go()) == ["add a YAML output format", "make storage async", "support multiple currencies"]
    fake_server.mode = "markdown"  # a JSON block inside prose
    fake_server.reset()
    assert len(asyncio.run(go())) == 3


def test_offline_flag_needs_no_endpoint_and_model_explorers_say_why_not(problem):
    assert os.environ.get("OPENAI_API_KEY") is None
    from divergent.model import InputError

    with pytest.raises(InputError, match="needs a model endpoint"):
        asyncio.run(EXPLORERS.create("lenses").propose(ExploreRequest(problem)).__anext__())
