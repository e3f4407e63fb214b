"""Several processes on one database, and a request budget that holds across kill -9.

Real processes (``python -m divergent``) against the fake OpenAI server over loopback.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

pytestmark = pytest.mark.slow

TARGET = "shop/reports.py::ReportService"


def chats(server) -> int:
    """Chat requests the server received (a probe of /v1/models is no request)."""
    return sum(1 for r in server.requests if r["path"] == "/v1/chat/completions")


def recorded(db) -> int:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        return conn.execute("select count(*) from llm_calls").fetchone()[0]


def divergent(*args: str, env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "divergent", *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def test_three_writers_and_a_reader_on_one_db_all_finish_and_record_every_request(sample_repo, db_path, endpoint_env):
    endpoint_env.latency = 0.05
    env = {**os.environ, "DIVERGENT_DB": str(db_path)}
    runs = [
        divergent("explore", str(sample_repo / TARGET), "--repo", str(sample_repo), "--headless", "--json",
                  "--candidates", "6", "--budget", "24", "--goal", f"writer {n}", env=env)
        for n in range(3)
    ]
    reads = 0
    while any(run.poll() is None for run in runs):  # a reader on the same file meanwhile
        if db_path.exists():
            shown = subprocess.run([sys.executable, "-m", "divergent", "sessions", "--json"], env=env, capture_output=True, text=True)
            assert shown.returncode == 0, shown.stderr
            reads += 1
        time.sleep(0.1)
    for run in runs:
        out, err = run.communicate()
        assert run.returncode == 0, err
        assert "locked" not in err
        assert json.loads(out)["status"] == "done"
    assert reads >= 1
    assert recorded(db_path) == chats(endpoint_env), "the db records exactly the requests the server received"
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"
        goals = sorted(g for (g,) in conn.execute("select goal from sessions"))
        held = conn.execute("select count(*) from llm_calls where holder != ''").fetchone()[0]
    assert goals == ["writer 0", "writer 1", "writer 2"]
    assert held == 0, "every request sent got its reply recorded"


def kill_when_in_flight(run: subprocess.Popen, server, at_least: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and run.poll() is None:
        if chats(server) >= at_least and server._current > 0:
            break
        time.sleep(0.01)
    run.send_signal(signal.SIGKILL)
    run.wait()


def test_budget_holds_across_kill_9_and_open_headless(sample_repo, db_path, endpoint_env):
    endpoint_env.latency = 0.6
    env = {**os.environ, "DIVERGENT_DB": str(db_path)}
    run = divergent("explore", str(sample_repo / TARGET), "--repo", str(sample_repo), "--headless",
                    "--candidates", "12", "--budget", "12", "--concurrency", "4", env=env)
    kill_when_in_flight(run, endpoint_env, at_least=6)
    assert chats(endpoint_env) < 12, "killed midway"
    assert recorded(db_path) >= chats(endpoint_env), "requests in flight were recorded before they were sent"
    done = subprocess.run([sys.executable, "-m", "divergent", "open", "1", "--headless", "--json"],
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert chats(endpoint_env) <= 12, "the server never receives more requests than the budget"
    assert json.loads(done.stdout)["usage"]["requests"] <= 12


def test_budget_holds_across_two_kills_and_a_further_budget(sample_repo, db_path, endpoint_env):
    endpoint_env.latency = 0.6
    env = {**os.environ, "DIVERGENT_DB": str(db_path)}
    run = divergent("explore", str(sample_repo / TARGET), "--repo", str(sample_repo), "--headless",
                    "--candidates", "10", "--budget", "10", "--concurrency", "5", env=env)
    kill_when_in_flight(run, endpoint_env, at_least=3)
    run = divergent("open", "1", "--headless", env=env)
    kill_when_in_flight(run, endpoint_env, at_least=chats(endpoint_env) + 1)
    assert chats(endpoint_env) <= 10
    done = subprocess.run([sys.executable, "-m", "divergent", "open", "1", "--headless", "--json", "--budget", "3"],
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert chats(endpoint_env) <= 13, "the session's 10 and the 3 more asked for, never beyond"


def killed_while_matching(sample_repo, db_path, server) -> dict:
    """An explore killed while the model matches its scenario's units (a reply that never comes)."""
    server.latency = 30
    env = {**os.environ, "DIVERGENT_DB": str(db_path)}
    run = divergent("explore", str(sample_repo / TARGET), "--repo", str(sample_repo), "--headless",
                    "--scenario", "export reports as YAML", "--candidates", "4", env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and chats(server) == 0:
        time.sleep(0.02)
    run.send_signal(signal.SIGKILL)
    run.wait()
    return env


def test_a_session_killed_before_its_baseline_was_stored_reopens(sample_repo, db_path, endpoint_env):
    env = killed_while_matching(sample_repo, db_path, endpoint_env)
    endpoint_env.latency = 0.0
    with sqlite3.connect(db_path) as conn:  # emulate the old order: the session without today's code
        conn.execute("delete from assessments where candidate_id in (select id from candidates where number = 0)")
        conn.execute("delete from candidate_files where candidate_id in (select id from candidates where number = 0)")
        conn.execute("delete from candidates where number = 0")
    shown = subprocess.run([sys.executable, "-m", "divergent", "open", "1", "--headless", "--json"],
                           env=env, capture_output=True, text=True, timeout=120)
    assert shown.returncode == 0, shown.stderr
    doc = json.loads(shown.stdout)
    baseline = [c for c in doc["candidates"] if c["id"] == 0]
    assert baseline and baseline[0]["explorer"] == "baseline"
    listed = subprocess.run([sys.executable, "-m", "divergent", "sessions", "--json"], env=env, capture_output=True, text=True)
    assert json.loads(listed.stdout)["sessions"][0]["candidates"] == 1


def test_a_kill_during_scenario_matching_leaves_the_baseline_stored(sample_repo, db_path, endpoint_env):
    killed_while_matching(sample_repo, db_path, endpoint_env)
    with sqlite3.connect(db_path) as conn:
        numbers = [n for (n,) in conn.execute("select number from candidates where session_id = 1")]
    assert numbers == [0]
