"""`python server.py` as a newcomer and as production run it (core/logs.py, server.py):
a short readable start banner and nothing noisy by default; one JSON object per line with
PORTAL_LOG_FORMAT=json.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tests.conftest import free_port

ROOT = Path(__file__).resolve().parents[1]


def wait_for(output: Path, text: str) -> str:
    """The log once `text` appears in it (the server writes from its own process)."""
    deadline = time.monotonic() + 20
    while text not in (content := output.read_text()):
        assert time.monotonic() < deadline, content
        time.sleep(0.05)  # waiting for another process to write, not for time to pass
    return content


def _accepts(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


@contextmanager
def server_py(tmp_path: Path, **settings: str) -> Iterator[tuple[str, Path]]:
    """`python server.py` in an empty folder with only `settings`: (its URL, its log file)."""
    port = free_port()
    output = tmp_path / "server.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PORTAL_")}
    env.update({"PORTAL_PORT": str(port), **settings})
    with output.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, str(ROOT / "server.py")],
            cwd=tmp_path,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while "ready on" not in output.read_text():
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"server.py did not start:\n{output.read_text()}")
            time.sleep(0.1)  # waiting for a process to start, not for time to pass
        # the banner is the lifespan's last word; uvicorn binds its socket right after it
        while not _accepts(port):
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"server.py did not listen:\n{output.read_text()}")
            time.sleep(0.02)  # waiting for the socket to be bound, not for time to pass
        yield url, output
    finally:
        process.send_signal(signal.SIGINT)
        try:
            assert process.wait(timeout=20) == 0, output.read_text()
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            raise


@pytest.mark.slow
def test_fresh_start_logs_a_short_banner_and_nothing_noisy(tmp_path: Path) -> None:
    """No settings at all: the console shows where GraphiQL and the portal links are, in a
    few lines, with no warnings, no tracebacks and no library chatter."""
    with server_py(tmp_path) as (url, output):
        started = output.read_text()
        port = url.rsplit(":", 1)[1]
        response = httpx.post(f"{url}/graphql", json={"query": "query Hello { __typename }"})
        assert response.status_code == 200
        after = wait_for(output, "portal.access")
    lines = started.strip().splitlines()
    assert len(lines) <= 8, started
    assert f"Customers Portal API ready on http://127.0.0.1:{port}" in started
    assert f"GraphiQL     http://127.0.0.1:{port}/graphql" in started
    assert f"Portal links http://localhost:{port}" in started
    for noise in ("WARNING", "ERROR", "Traceback", "fontTools", "Uvicorn running", "Waiting for"):
        assert noise not in started, started
    [access] = [line for line in after.splitlines() if "portal.access" in line]
    assert access.endswith("op=Hello")
    assert "POST /graphql 200" in access


@pytest.mark.slow
def test_json_log_format_writes_one_object_per_line(tmp_path: Path) -> None:
    with server_py(tmp_path, PORTAL_LOG_FORMAT="json") as (url, output):
        httpx.post(
            f"{url}/graphql",
            json={"query": "query Hello { __typename }"},
            headers={"X-Request-ID": "json-1"},
        )
        text = wait_for(output, '"portal.access"')
    lines = [json.loads(line) for line in text.splitlines() if line.strip()]
    assert all({"time", "level", "logger", "message", "request_id"} <= set(x) for x in lines)
    [access] = [x for x in lines if x["logger"] == "portal.access"]
    assert access["request_id"] == "json-1"
    assert (access["method"], access["path"], access["status"], access["operation"]) == (
        "POST",
        "/graphql",
        200,
        "Hello",
    )
    assert any("ready on" in x["message"] for x in lines)
