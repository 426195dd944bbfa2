"""The servers as `enforcelink serve` starts them (granian; Django's development server for the demo),
with real clients."""

from __future__ import annotations

import http.client
import io
import os
import signal
import socket
import subprocess
import sys
import time

import pytest
from django.core.management import call_command


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _connect(port: int, timeout: float = 5, seconds: float = 60) -> http.client.HTTPConnection:
    deadline = time.monotonic() + seconds
    while True:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        try:
            connection.connect()
            return connection
        except OSError:
            connection.close()
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def _get(connection: http.client.HTTPConnection) -> int:
    connection.request("GET", "/api/v1/requests/")
    response = connection.getresponse()
    response.read()
    assert not response.will_close  # the client keeps its connection, as an agency's system does
    return response.status


@pytest.fixture
def one_thread_server(tmp_path):
    port = _free_port()
    env = {**os.environ, "ENFORCELINK_DEBUG": "0", "ENFORCELINK_HTTPS": "0", "ENFORCELINK_SECRET_KEY": "s3rve-Key" * 7,
           "ENFORCELINK_VAR_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}  # fmt: skip
    process = subprocess.Popen(
        [sys.executable, "-m", "enforcelink.cli", "serve", "--port", str(port), "--workers", "1", "--threads", "1"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    try:
        yield port
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def test_idle_kept_alive_clients_do_not_lock_others_out(one_thread_server):
    """granian's backpressure counts open connections: tied to the thread count (one here), the first
    client's idle connection kept every other client waiting for ever."""
    first = _connect(one_thread_server, timeout=60)  # the first answer waits for Django to load
    assert _get(first) == 401  # served: no key given
    others = [_connect(one_thread_server) for _ in range(3)]
    assert [_get(client) for client in others] == [401, 401, 401]
    assert _get(first) == 401  # and the first one is still served on its kept connection
    for client in [first, *others]:
        client.close()


@pytest.mark.parametrize("asked", [False, True])
def test_the_development_server_logs_requests_only_when_asked(tmp_path, asked):
    """`make demo`'s simulators poll every few seconds: a line per request flooded the console
    (issue 14 §11). Off by default; `serve --request-log` (or ENFORCELINK_REQUEST_LOG=1) brings it back."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ENFORCELINK_", "DATABASE_URL"))}
    env.update(ENFORCELINK_DEBUG="1", ENFORCELINK_VAR_DIR=str(tmp_path),
               DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")  # fmt: skip
    console = tmp_path / "console.log"
    flag = ["--request-log"] if asked else []
    with console.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "enforcelink.cli", "serve", "--port", str(port), *flag],
            env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    try:
        connection = _connect(port, timeout=60)
        connection.request("GET", "/no-such-page/")
        assert connection.getresponse().status == 404
        connection.close()
        time.sleep(0.5)  # the line is written after the answer
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=15)
    text = console.read_text()
    assert ('"GET /no-such-page/ HTTP/1.1" 404' in text) is asked, text
    assert (
        text.count("Development server on") + text.count("开发服务器运行于") == 1
    )  # not again from the reloader


def test_serve_passes_the_request_log_on_to_granian(settings):
    settings.DEBUG, settings.SECRET_KEY = False, "k3y-Secret" * 6
    quiet, asked = io.StringIO(), io.StringIO()
    call_command("serve", "--dry-run", stdout=quiet)
    assert "--access-log" not in quiet.getvalue()
    settings.REQUEST_LOG = True  # ENFORCELINK_REQUEST_LOG=1
    call_command("serve", "--dry-run", stdout=asked)
    assert "--access-log" in asked.getvalue()
