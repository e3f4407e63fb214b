"""Change cost: the static ripple and the executable speculative change, on real code."""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path

from divergent.context.problem import frame
from divergent.critics.change_cost import ChangeCost, Speculative, measure
from divergent.explorers.catalog import handlers
from divergent.model import Candidate
from model_critics import assess_with

SCENARIO = "add a new output format: yaml"

ELIF = '''        elif kind == "json":
            return json.dumps(rows, sort_keys=True)
'''
YAML_ELIF = ELIF + '''        elif kind == "yaml":
            return "\\n".join(f"- {row['customer']}: {row['total']}" for row in rows)
'''
YAML_HANDLER = '''

def _render_yaml(report_service, rows):
    return "\\n".join(f"- {row['customer']}: {row['total']}" for row in rows)
'''


def apply_yaml(source: str) -> str:
    """What a competent engineer would do in each design (the fake model's answer)."""
    if "_RENDER_BY_KIND = {" in source:
        source = source.replace("_RENDER_BY_KIND = {", YAML_HANDLER.lstrip("\n") + "\n\n_RENDER_BY_KIND = {")
        return source.replace('    "text": _render_text,\n', '    "text": _render_text,\n    "yaml": _render_yaml,\n')
    return source.replace(ELIF, YAML_ELIF)


def responder(body: dict) -> str:
    user = next(m["content"] for m in body["messages"] if m["role"] == "user")
    path, content = re.search(r'<file path="([^"]+)">\n(.*?)\n</file>', user, re.S).groups()
    new = apply_yaml(content + "\n")
    return json.dumps({"title": "yaml", "summary": "", "rationale": "", "files": [{"path": path, "content": new}]})


def test_registry_design_costs_less_to_extend_than_if_elif(sample_repo, fake_server):
    problem = frame("shop/reports.py::ReportService", str(sample_repo), Path.cwd(), scenarios=[SCENARIO])
    today = problem.files["shop/reports.py"]
    registry_source = handlers.rewrite(today, problem.target).source
    baseline = Candidate("Today's code", dict(problem.files), baseline=True, id=0)
    design = Candidate("Registry", {"shop/reports.py": registry_source}, id=1)
    fake_server.responder = responder

    (base,), (mine,) = asyncio.run(assess_with(fake_server, Speculative(), [(baseline, problem), (design, problem)]))
    raw_base, raw_mine = base.raw[SCENARIO], mine.raw[SCENARIO]
    assert raw_mine["cost_after"] < raw_base["cost_after"]
    assert mine.score > 0.5 == base.score
    assert raw_base["touched"] == ["shop/reports.py:ReportService.render"] and raw_base["edited_lines"] == 2
    assert raw_mine["touched"] == [] and raw_mine["broken"] == []
    assert fake_server.count == 2  # the baseline's application is reused for the second design


BEFORE = "def keep(a):\n    return a\n\n\ndef grow(a, b):\n    total = a + b\n    return total\n"


def test_measure_appending_a_function_is_new_code_only():
    diff = measure({"m.py": BEFORE}, {"m.py": BEFORE + "\n\ndef extra():\n    return 1\n"})
    assert (diff.edited_lines, diff.new_lines, diff.touched, diff.broken) == (0, 4, (), ())
    assert diff.cost == 4 * 0.25


def test_measure_a_line_inserted_in_a_function_edits_it():
    after = BEFORE.replace("    total = a + b\n", "    total = a + b\n    total *= 2\n")
    diff = measure({"m.py": BEFORE}, {"m.py": after})
    assert (diff.edited_lines, diff.new_lines, diff.touched, diff.broken) == (1, 0, ("m.py:grow",), ())
    assert diff.cost == 1 + 2


def test_measure_removed_or_narrowed_public_names_are_broken():
    narrowed = BEFORE.replace("def grow(a, b):\n    total = a + b", "def grow(a):\n    total = a")
    assert measure({"m.py": BEFORE}, {"m.py": narrowed}).broken == ("m.py:grow",)
    removed = "def grow(a, b):\n    total = a + b\n    return total\n"
    diff = measure({"m.py": BEFORE}, {"m.py": removed})
    assert diff.broken == ("m.py:keep",) and diff.edited_lines == 2  # keep's lines; blanks between units are in none
    assert measure({"m.py": BEFORE}, {"m.py": BEFORE}).cost == 0


def test_static_ripple_follows_the_units_the_engineer_names(sample_repo):
    scenario = "support a discount code => ReportService.add_order, line_total"
    problem = frame("shop/reports.py::ReportService", str(sample_repo), Path.cwd(), scenarios=[scenario])
    assert problem.scenarios == ["support a discount code"]
    assert problem.scenario_terms == {"support a discount code": ["ReportService.add_order", "line_total"]}
    today = problem.files["shop/reports.py"]
    (same,) = asyncio.run(ChangeCost().assess(Candidate("same", dict(problem.files)), problem))
    raw = same.raw["support a discount code"]
    # add_order: 1 + its callers (cli.py 2, the sample's tests 8); line_total: 1 + 2 calls inside the file + 1 test
    assert set(raw["touched"]) == {"ReportService.add_order", "ReportService.line_total"}
    assert raw["ripple_before"] == raw["ripple_after"] == (1 + 2 + 8) + (1 + 2 + 1)
    assert same.score == 0.5
    # a design that calls line_total from one more place spreads a change to it further
    busier = today.replace("        subtotal = sum(", "        self.line_total(1, 1, 0)\n        subtotal = sum(")
    (worse,) = asyncio.run(ChangeCost().assess(Candidate("busier", {"shop/reports.py": busier}), problem))
    assert worse.raw["support a discount code"]["ripple_after"] == raw["ripple_before"] + 1 and worse.score < 0.5


def test_no_named_units_means_no_static_verdict(sample_repo):
    problem = frame("shop/reports.py", str(sample_repo), Path.cwd(), scenarios=["add a YAML output format"])
    assert asyncio.run(ChangeCost().assess(Candidate("x", dict(problem.files)), problem)) == []
