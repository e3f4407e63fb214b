"""The engineer's own design as a candidate: a branch, a commit or a folder, headless."""

from __future__ import annotations

from conftest import git

TARGET = "shop/reports.py::ReportService"


def explored(cli, repo) -> dict:
    return cli.json("explore", repo / TARGET, "--repo", repo, "--offline", "--headless", "--candidates", "2")


def colleague_branch(repo) -> str:
    """A branch a colleague pushed: the registry rewrite by hand, a new helper, a file deleted."""
    base = git(repo, "rev-parse", "HEAD").strip()
    git(repo, "checkout", "-q", "-b", "colleague")
    reports = (repo / "shop/reports.py").read_text()
    (repo / "shop/reports.py").write_text(reports.replace("def render(self, kind, rows):", "def render(self, kind, rows, sep=','):"))
    (repo / "shop/formats.py").write_text("def csv(rows, sep=','):\n    return '\\n'.join(sep.join(map(str, r)) for r in rows)\n")
    tracked = git(repo, "ls-files").split()
    doomed = next(p for p in tracked if p.endswith(".md") or p.endswith(".txt") or p == "README")
    git(repo, "rm", "-q", doomed)
    git(repo, "add", "--all")
    git(repo, "commit", "-q", "-m", "colleague's design")
    git(repo, "checkout", "-q", base)
    return doomed


def test_a_branch_is_scored_clustered_and_ranked_like_any_candidate(sample_repo, cli):
    doc = explored(cli, sample_repo)
    doomed = colleague_branch(sample_repo)
    code, out, err = cli("steer", doc["session"], "add-design", "colleague", "--title", "Colleague's take", "--json")
    assert code == 0, err
    after = __import__("json").loads(out)
    mine = [c for c in after["candidates"] if c["title"] == "Colleague's take"]
    assert len(mine) == 1 and mine[0]["explorer"] == "engineer"
    assert mine[0]["cluster"] is not None and "overall" in mine[0]["scores"] and "simplicity" in mine[0]["scores"]
    shown = cli.json("show", doc["session"], str(mine[0]["id"]))
    assert set(shown["files"]) == {"shop/reports.py", "shop/formats.py"}
    assert shown["deleted"] == [doomed]
    assert "deleted file mode" in shown["patch"] and "+++ b/shop/formats.py" in shown["patch"]


def test_a_folder_is_a_design_too(sample_repo, cli, tmp_path):
    doc = explored(cli, sample_repo)
    folder = tmp_path / "mine"
    (folder / "shop").mkdir(parents=True)
    reports = (sample_repo / "shop/reports.py").read_text()
    (folder / "shop/reports.py").write_text(reports.replace("def render(self, kind, rows):", "def render(self, kind, rows, sep=','):"))
    (folder / "shop/unchanged.py").write_text((sample_repo / "shop/reports.py").read_text())
    code, _, err = cli("steer", doc["session"], "add-design", folder)
    assert code == 0, err
    shown = cli.json("show", doc["session"], str(len(doc["candidates"])))
    assert shown["explorer"] == "engineer" and shown["title"] == f"Engineer's design: {folder}"
    assert set(shown["files"]) == {"shop/reports.py", "shop/unchanged.py"}


def test_a_ref_that_is_neither_branch_nor_folder_is_bad_input(sample_repo, cli):
    doc = explored(cli, sample_repo)
    for ref in ("no-such-branch", "--upload-pack=evil"):
        code, _, err = cli("steer", doc["session"], "add-design", "--", ref)
        assert code == 2 and err.strip().splitlines() == [f"divergent: not a branch, commit or folder: {ref!r}"]
    code, _, err = cli("steer", doc["session"], "add-design", "HEAD")
    assert code == 2 and "changes nothing against the session's commit" in err
