"""Request tokens against target size on click 8.3.1 (from PyPI, as a temporary git repo).

For each target, divergent explores headless against the fake server (tests/fake_openai.py,
its own process, edit-format replies) and the fake counts each request's prompt tokens
(four characters a token, divergent's own estimate). A second run answers every request
with a change to the target alone: the target's source with one line changed, as the edit
format's JSON; its reply tokens are counted the same way. Before issue 11 the model got
the whole module and answered with the whole module: those figures are printed beside.
Targets: input <= target tokens + context budget; output <= 2 x target tokens.

    python bench/context_tokens.py [--context-tokens 8000]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

from click_repo import VERSION, click_repo  # noqa: E402
from fake_openai import FakeOpenAI, default_content, prompt_text, prompt_tokens, schema_name, target_block  # noqa: E402

from divergent.cli import main as divergent  # noqa: E402
from divergent.tokens import estimate_tokens  # noqa: E402

TARGETS = ("src/click/core.py::Context", "src/click/globals.py::resolve_color_default")


def target_only(body: dict) -> str:
    """A reply changing the target alone: its source with its first line commented."""
    if schema_name(body) != "candidate":
        return json.dumps({"dimensions": []})
    path, source, _ = target_block(prompt_text(body))
    lines = source.split("\n")
    lines.insert(1, lines[0][: len(lines[0]) - len(lines[0].lstrip())] + "    # reviewed")
    return json.dumps({
        "title": "Reviewed", "summary": "One comment.", "rationale": "Nothing else changes.",
        "edits": [{"kind": "target", "path": path, "content": "\n".join(lines)}],
    })


def run(repo: Path, target: str, budget: int, responder=None) -> list[tuple[int, int]]:
    """(prompt tokens, reply tokens) of each candidate request of a two-candidate session,
    as the fake server counts them."""
    with FakeOpenAI(mode="edits", responder=responder) as server, tempfile.TemporaryDirectory() as scratch:
        os.environ.update(OPENAI_BASE_URL=server.base_url, OPENAI_API_KEY="sk-bench", DIVERGENT_DB=str(Path(scratch) / "s.db"))
        saved = sys.stdout, sys.stderr
        sys.stdout = sys.stderr = open(os.devnull, "w")
        try:
            code = divergent(["explore", str(repo / target), "--repo", str(repo), "--headless", "--candidates", "2",
                              "--context-tokens", str(budget), "--json"])
        finally:
            sys.stdout.close()
            sys.stdout, sys.stderr = saved
        if code != 0:
            raise SystemExit(f"explore failed on {target}")
        reply = responder or (lambda body: default_content(body, "edits"))
        return [(prompt_tokens(r["body"]), estimate_tokens(reply(r["body"]))) for r in server.requests if schema_name(r["body"]) == "candidate"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--context-tokens", type=int, default=8000)
    args = parser.parse_args()
    budget = args.context_tokens
    with tempfile.TemporaryDirectory(prefix="bench-click-") as scratch:
        repo = click_repo(Path(scratch) / "click")
        from divergent.context.problem import frame

        print(f"click {VERSION}; context budget {budget} tokens; tokens are four characters each")
        print(f"{'target':<44} {'target':>7} {'module':>7} {'input':>7} {'in/(t+b)':>9} {'output':>7} {'out/t':>6}")
        ok = True
        for spec in TARGETS:
            problem = frame(spec, str(repo), repo, context_tokens=budget)
            target = estimate_tokens(problem.source)
            module = estimate_tokens(problem.files[problem.target.path])
            inputs = [p for p, _ in run(repo, spec, budget)]
            outputs = [o for _, o in run(repo, spec, budget, target_only)]
            worst_in, worst_out = max(inputs), max(outputs)
            ratio_in, ratio_out = worst_in / (target + budget), worst_out / target
            ok &= ratio_in <= 1 and ratio_out <= 2
            print(f"{spec:<44} {target:>7} {module:>7} {worst_in:>7} {ratio_in:>9.2f} {worst_out:>7} {ratio_out:>6.2f}")
        print("targets: in/(t+b) <= 1, out/t <= 2 for a change to the target alone:", "ok" if ok else "MISSED")
        print("before issue 11 a request carried the whole module and the reply was the whole module (column 'module').")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
