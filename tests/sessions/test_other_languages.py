"""Exploring a target that is not Python: a Go service, end to end against the fake server."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import make_repo
from fake_openai import default_content, schema_name

HERE = Path(__file__).parent.parent / "languages"
CALLER = """package main

import "shop/report"

func main() {
	svc := report.NewReportService("orders.db")
	out, _ := svc.Render("csv")
	println(out)
}
"""


def go_repo(tmp_path: Path) -> Path:
    return make_repo(
        tmp_path / "shop",
        {"report/report.go": (HERE / "before.go").read_text(), "cmd/main.go": CALLER, "README.md": "# shop\n"},
    )


def test_offline_a_go_target_is_refused_in_one_line(tmp_path, cli, db_path):
    repo = go_repo(tmp_path)
    code, out, err = cli("explore", "report/report.go::ReportService", "--repo", repo, "--offline", "--headless")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "rewrites Python only" in err and "report/report.go" in err
    assert not db_path.exists()


def test_a_go_target_is_framed_explored_and_scored(tmp_path, cli, endpoint_env):
    repo = go_repo(tmp_path)
    after = (HERE / "after.go").read_text()

    def responder(body: dict) -> str:
        if schema_name(body) == "candidate":  # every design the model is asked for: the table
            files = [{"path": "report/report.go", "content": after}]
            return json.dumps({"title": "Renderer table", "summary": "s", "rationale": "r", "files": files})
        return default_content(body)

    endpoint_env.responder = responder
    code, out, err = cli(
        "explore", "report/report.go::ReportService", "--repo", repo, "--headless", "--json",
        "--candidates", "2", "--goal", "add output formats without editing Render",
    )
    assert code == 0, err
    doc = json.loads(out)
    assert (doc["target"]["path"], doc["target"]["symbol"], doc["target"]["kind"]) == (
        "report/report.go", "ReportService", "class"
    )
    assert (doc["target"]["line"], doc["target"]["end_line"]) == (9, 12)  # the struct's declaration
    by_title = {c["title"]: c for c in doc["candidates"]}
    today, table = by_title["Today's code"], by_title["Renderer table"]
    # the model saw the Go code, and its design is scored by every static critic
    first = next(r["body"] for r in endpoint_env.requests if schema_name(r["body"]) == "candidate")
    assert "func (s *ReportService) Render(format string)" in json.dumps(first)
    assert table["scores"]["validity"] == 1.0  # Render and NewReportService, which main.go uses, remain
    assert table["scores"]["extensibility"] > today["scores"]["extensibility"] == 0.5
    assert table["scores"]["simplicity"] != 0.5


def test_a_go_type_is_framed_with_the_methods_declared_beside_it(tmp_path, cli):
    repo = go_repo(tmp_path)
    code, out, err = cli("context", "report/report.go::ReportService", "--repo", repo)
    assert code == 0, err
    assert "type ReportService struct {" in out and "func (s *ReportService) Heading() string {" in out
    assert out.count("func (s *ReportService) Render(") == 1  # not again as a call site
    caller = out[out.index("## caller cmd/main.go:"):]
    assert "(main: 1 use of Render)" in caller.splitlines()[0]  # the caller's function, whole
    assert "\tout, _ := svc.Render(\"csv\")\n\tprintln(out)\n}" in caller
    assert "func NewReportService(path string) *ReportService" in out  # another signature of the file
