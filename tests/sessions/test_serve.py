"""divergent serve: loopback only, a checked port, no shell for what the engineer typed,
and the app started from our own package whatever the current directory holds."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import aiohttp
import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def one_line(err: str) -> str:
    assert err.count("\n") == 1 and "Traceback" not in err, err
    return err


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.10", "example.com", ""])
def test_serve_refuses_a_host_other_than_this_machine(cli, host):
    code, _, err = cli("serve", "--host", host, "--port", str(free_port()))
    assert code == 2 and "this machine only" in one_line(err)


@pytest.mark.parametrize("port", ["99999", "0", "-1", "65536"])
def test_serve_refuses_a_port_out_of_range(cli, port):
    code, _, err = cli("serve", "--port", port)
    assert code == 2 and "--port" in one_line(err)


def test_serve_refuses_a_port_in_use(cli):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        code, _, err = cli("serve", "--host", "127.0.0.1", "--port", str(taken.getsockname()[1]))
    assert code == 2 and "cannot listen" in one_line(err)


def test_serve_refuses_a_db_that_is_not_ours(cli, tmp_path):
    notes = tmp_path / "notes.db"
    notes.write_text("my notes\n")
    code, _, err = cli("serve", "--port", str(free_port()), "--db", notes)
    assert code == 2 and "not an SQLite database" in one_line(err)


async def browse(port: int, seconds: float) -> bytes:
    """Connect as a browser would and collect what the app sends for ``seconds``."""
    seen = b""
    async with aiohttp.ClientSession() as session:
        async with session.ws_connect(f"http://127.0.0.1:{port}/ws?width=100&height=30") as ws:
            deadline = time.monotonic() + seconds
            while time.monotonic() < deadline:
                try:
                    message = await ws.receive(timeout=max(0.1, deadline - time.monotonic()))
                except asyncio.TimeoutError:
                    break
                if message.type in (aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.ERROR):
                    break
                data = message.data
                seen += data if isinstance(data, bytes) else str(data).encode()
                if b"divergent" in seen.lower() and len(seen) > 2000:
                    break
    return seen


def wait_listening(port: int, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert server.poll() is None, server.communicate()
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise AssertionError("serve never listened")


def test_serve_starts_our_app_with_a_hostile_db_name_and_a_decoy_package(tmp_path):
    work = tmp_path / "work"
    decoy = work / "divergent"
    decoy.mkdir(parents=True)
    marker = tmp_path / "decoy-ran"
    (decoy / "__init__.py").write_text(f"open({str(marker)!r}, 'w').write('imported')\n")
    (decoy / "__main__.py").write_text(f"open({str(marker)!r}, 'w').write('ran')\n")
    db = work / "x.db; touch INJECTED"
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "DIVERGENT_DB"}
    server = subprocess.Popen(
        [sys.executable, "-P", "-m", "divergent", "serve", "--port", str(port), "--db", str(db.name)],
        cwd=work, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    try:
        wait_listening(port, server)
        seen = asyncio.run(browse(port, 40))
    finally:
        server.terminate()
        server.communicate(timeout=30)
    assert not (work / "INJECTED").exists(), "the --db text reached a shell"
    assert not marker.exists(), "the app came from the divergent/ folder in the current directory"
    assert db.exists(), "the app started on the --db it was given"
    assert b"divergent" in seen.lower()
