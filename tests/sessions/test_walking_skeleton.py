"""The walking skeleton end to end: explore the sample offline, export every candidate,
apply each patch with git, and run the sample repository's own tests with it applied."""

from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import git


@pytest.mark.slow
def test_explore_offline_yields_valid_candidates_whose_patches_keep_the_sample_green(sample_repo, cli, tmp_path):
    doc = cli.json(
        "explore", sample_repo / "shop/reports.py::ReportService", "--repo", sample_repo, "--offline", "--headless"
    )
    baseline = [c for c in doc["candidates"] if c["baseline"]]
    others = [c for c in doc["candidates"] if not c["baseline"]]
    assert len(baseline) == 1 and baseline[0]["id"] == 0
    valid = [c for c in others if c["valid"]]
    assert len(valid) >= 4, [c["title"] for c in others]
    commit = doc["target"]["commit"]

    for candidate in valid:
        patch = tmp_path / f"candidate-{candidate['id']}.diff"
        code, _, err = cli("export", doc["session"], candidate["id"], "--patch", patch)
        assert code == 0, err
        checkout = tmp_path / f"checkout-{candidate['id']}"
        git(sample_repo, "worktree", "add", "-q", "--detach", str(checkout), commit)
        git(checkout, "apply", "--check", str(patch))
        git(checkout, "apply", str(patch))
        assert git(checkout, "status", "--porcelain").strip(), "the patch changed nothing"
        tests = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
            cwd=checkout,
            capture_output=True,
            text=True,
        )
        assert tests.returncode == 0, f"{candidate['title']}:\n{tests.stdout[-3000:]}"


def test_json_document_has_the_documented_shape(sample_repo, cli):
    doc = cli.json(
        "explore", "shop/reports.py::ReportService", "--repo", sample_repo, "--offline", "--headless", "--candidates", "3"
    )
    assert set(doc) >= {"session", "target", "candidates", "clusters", "usage"}
    assert doc["target"]["path"] == "shop/reports.py" and doc["target"]["symbol"] == "ReportService"
    assert len(doc["candidates"]) == 4  # the baseline and three candidates
    for c in doc["candidates"]:
        assert set(c) >= {"id", "title", "explorer", "baseline", "valid", "cluster", "scores"}
        assert {"simplicity", "extensibility", "validity", "overall"} <= set(c["scores"])
        assert all(0.0 <= v <= 1.0 for v in c["scores"].values())
    members = sorted(m for cluster in doc["clusters"] for m in cluster["members"])
    assert members == sorted(c["id"] for c in doc["candidates"])
    assert doc["usage"] == {"requests": 0, "input_tokens": 0, "output_tokens": 0, "cost_usd": 0}
    assert doc["candidates"][0]["scores"]["simplicity"] == 0.5


def test_sessions_show_and_search_read_what_explore_stored(sample_repo, cli):
    doc = cli.json("explore", sample_repo / "shop/reports.py::ReportService", "--repo", sample_repo, "--offline", "--headless")
    listed = cli.json("sessions")["sessions"]
    assert [s["id"] for s in listed] == [doc["session"]]
    assert listed[0]["candidates"] == len(doc["candidates"])
    one = cli.json("show", doc["session"], "1")
    assert one["title"] == doc["candidates"][1]["title"]
    assert one["patch"].startswith("diff --git a/shop/reports.py b/shop/reports.py")
    code, out, _ = cli("show", "last")
    assert code == 0 and "Today's code" in out


def test_show_explains_every_score(sample_repo, cli):
    doc = cli.json("explore", sample_repo / "shop/reports.py::ReportService", "--repo", sample_repo, "--offline", "--headless")
    one = cli.json("show", doc["session"], "1")
    assert set(one["explain"]) == {"simplicity", "extensibility", "validity", "overall"}
    assert one["explain"]["simplicity"].startswith("simplicity ") and "0.4 × worst unit" in one["explain"]["simplicity"]
    assert "0.8 × counts" in one["explain"]["extensibility"]
    s, e = one["scores"]["simplicity"], one["scores"]["extensibility"]
    assert one["explain"]["overall"].startswith(f"overall {one['scores']['overall']:.3f} = (1 × extensibility {e:.3f} + 1 × simplicity {s:.3f}) / 2")
    assert all(a["explain"] for a in one["assessments"])
    code, out, _ = cli("show", doc["session"], "1")
    assert code == 0 and "0.4 × worst unit" in out and "validity passed (a gate)" in out
    found = cli.json("search", "registry")["results"]
    registry_titles = {c["title"] for c in doc["candidates"] if "Registry" in c["title"]}
    assert registry_titles and {r["title"] for r in found} == registry_titles


def test_export_to_a_branch_and_a_decision_record(sample_repo, cli, tmp_path):
    doc = cli.json("explore", sample_repo / "shop/reports.py::ReportService", "--repo", sample_repo, "--offline", "--headless")
    (sample_repo / "scratch.txt").write_text("the engineer's own work in progress\n")
    head_before = git(sample_repo, "rev-parse", "HEAD")
    status_before = git(sample_repo, "status", "--porcelain")
    code, _, err = cli("export", doc["session"], "1", "--branch", "divergent/registry", "--adr", tmp_path / "adr.md")
    assert code == 0, err
    assert git(sample_repo, "rev-parse", "HEAD") == head_before
    assert git(sample_repo, "status", "--porcelain") == status_before
    changed = git(sample_repo, "diff", "--name-only", f"{doc['target']['commit']}..divergent/registry").split()
    assert changed == ["shop/reports.py"]
    exported = git(sample_repo, "show", "divergent/registry:shop/reports.py")
    assert exported == cli.json("show", doc["session"], "1")["files"]["shop/reports.py"]
    record = (tmp_path / "adr.md").read_text()
    assert record.startswith(f"# {doc['candidates'][1]['title']}")
    assert "## Alternatives weighed" in record
    assert record.count("\n| ") == len(doc["clusters"]) + 1  # a header row and a row per cluster
    code, _, err = cli("export", doc["session"], "1", "--branch", "divergent/registry")
    assert code == 2 and "already exists" in err
    code, _, err = cli("export", doc["session"], "1", "--branch", "--force")
    assert code == 2 and "branch" in err


def test_the_headless_table_counts_designs_and_clusters_as_the_document_has_them(sample_repo, cli):
    """The header names the designs made (today's code apart) and the clusters they fell in."""
    code, out, _ = cli("explore", "shop/reports.py::ReportService", "--repo", sample_repo, "--offline", "--headless", "--candidates", "3")
    assert code == 0
    doc = cli.json("show", "last")
    made = len([c for c in doc["candidates"] if not c["baseline"]])
    header = out.splitlines()[0]
    assert f"{made} candidates and today's code in {len(doc['clusters'])} clusters" in header, header
