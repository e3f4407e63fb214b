"""What a request costs: the target, and around it no more than --context-tokens, whatever
the size of the target's module; measured by the fake server on the requests it got."""

from __future__ import annotations

import json

from conftest import make_repo
from fake_openai import prompt_tokens, schema_name
from divergent.tokens import estimate_tokens

TARGET_SOURCE = '''class Meter:
    """Counts what passes."""

    def __init__(self):
        self.count = 0

    def tick(self, n=1):
        self.count += n
        return self.count
'''


def big_module(functions: int = 150) -> str:
    """About 20 lines per function: a 3,000-line module around a 9-line class."""
    parts = ["import math\nimport os\n\n"]
    for i in range(functions):
        body = "\n".join(f"    value = value * {j} + math.sqrt({i} + {j})" for j in range(15))
        parts.append(f"\ndef step_{i}(value, meter=None):\n    \"\"\"Step {i}.\"\"\"\n{body}\n    return value\n\n")
        if i == functions // 2:
            parts.append("\n" + TARGET_SOURCE + "\n")
    return "".join(parts)


def repo_with_big_module(tmp_path):
    callers = {
        f"app/use_{k}.py": f"from lib.big import Meter, step_{k}\n\n\ndef run_{k}():\n    meter = Meter()\n    meter.tick({k})\n    return step_{k}(meter.count)\n"
        for k in range(12)
    }
    tests = {"tests/test_meter.py": "from lib.big import Meter\n\n\ndef test_tick():\n    assert Meter().tick(2) == 2\n"}
    return make_repo(tmp_path / "repo", {"lib/__init__.py": "", "lib/big.py": big_module(), **callers, **tests})


def test_a_small_target_in_a_3000_line_module_costs_under_4k_tokens(tmp_path, cli, endpoint_env):
    repo = repo_with_big_module(tmp_path)
    assert len((repo / "lib/big.py").read_text().splitlines()) >= 3000
    endpoint_env.mode = "edits"
    code, out, err = cli("explore", repo / "lib/big.py::Meter", "--repo", repo, "--headless", "--candidates", "3",
                         "--context-tokens", "2000", "--json")
    assert code == 0, err
    asks = [r["body"] for r in endpoint_env.requests if schema_name(r["body"]) == "candidate"]
    assert asks
    target = estimate_tokens(TARGET_SOURCE)
    for body in asks:
        assert prompt_tokens(body) < 4000
        assert prompt_tokens(body) <= target + 2000
        shown = json.dumps(body)
        assert "def tick(self, n=1)" in shown and "def step_0(value, meter=None)" in shown  # the outline, cut
        assert "meter.tick(" in shown  # a caller, whole
    doc = json.loads(out)
    assert all(c["valid"] for c in doc["candidates"])


def test_the_context_command_shows_each_part_with_its_tokens_within_the_budget(tmp_path, cli):
    repo = repo_with_big_module(tmp_path)
    for budget in (800, 2000, 8000):
        doc = cli.json("context", "lib/big.py::Meter", "--repo", repo, "--context-tokens", str(budget))
        parts = doc["parts"]
        assert parts[0]["kind"] == "target" and parts[0]["text"] == TARGET_SOURCE
        around = sum(p["tokens"] for p in parts[1:])
        assert around <= budget and doc["tokens"] == sum(p["tokens"] for p in parts)
        kinds = [p["kind"] for p in parts]
        assert kinds == sorted(kinds, key=["target", "outline", "caller", "test", "map"].index)  # in priority order
    wide = cli.json("context", "lib/big.py::Meter", "--repo", repo, "--context-tokens", "8000")["parts"]
    assert {"caller", "test", "map"} <= {p["kind"] for p in wide}
    callers = [p for p in wide if p["kind"] == "caller"]
    assert callers[0]["text"].startswith("def run_") and "meter.tick(" in callers[0]["text"]


def test_a_bad_context_budget_is_refused_in_one_line(tmp_path, cli, monkeypatch):
    repo = repo_with_big_module(tmp_path)
    code, out, err = cli("context", "lib/big.py::Meter", "--repo", repo, "--context-tokens", "-5")
    assert code == 2 and len(err.strip().splitlines()) == 1 and "context_tokens" in err
