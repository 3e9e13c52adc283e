"""`regulars serve` as a real process on the loopback address: while it runs it owns the
workspace and other commands say so plainly; a workspace another process has open is refused
plainly by serve; nobody sees DuckDB's lock error."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.subprocess

REGULARS = str(Path(sys.executable).parent / "regulars")
HOLD = """
import sys, time
from regulars.store import open_workspace
store = open_workspace(sys.argv[1]).store()
print("holding", flush=True)
time.sleep(60)
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(path: Path) -> tuple[subprocess.Popen, str]:
    """`regulars serve` on a free port, once it answers."""
    port = free_port()
    server = subprocess.Popen([REGULARS, "serve", str(path), "--port", str(port)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/api/v1/health", timeout=2) as answer:
                assert json.loads(answer.read())["ok"]
                return server, url
        except OSError:
            if server.poll() is not None:
                raise AssertionError(f"serve stopped: {server.stderr.read()}") from None
            time.sleep(0.2)
    server.kill()
    raise AssertionError("serve did not answer within 60 s")


def regulars(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([REGULARS, *args], capture_output=True, text=True, timeout=120)


def plain(done: subprocess.CompletedProcess) -> str:
    """The output, checked to hold no traceback and no raw DuckDB error."""
    text = done.stdout + done.stderr
    for raw in ("Traceback", "IO Error", "Conflicting lock", "duckdb"):
        assert raw not in text, text
    return text


def test_while_served_other_commands_say_where_and_after_it_they_work(shop):
    path, keys = shop
    server, url = start(path)
    try:
        busy = regulars("status", str(path))
        assert busy.returncode == 5
        assert "being served by `regulars serve`" in plain(busy) and url in busy.stderr
        assert regulars("today", str(path), "--json").returncode == 5
        request = urllib.request.Request(f"{url}/api/v1/status", headers={"Authorization": f"Bearer {keys['owner']}"})
        with urllib.request.urlopen(request, timeout=30) as answer:
            assert json.loads(answer.read())["tables"]["orders"]["rows"] > 0
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=30)
    assert not (path / "serving.json").exists()
    assert regulars("status", str(path)).returncode == 0


def test_a_workspace_in_use_is_refused_plainly_by_serve_and_by_commands(shop):
    path, _ = shop
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(path)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "holding"
        refused = regulars("serve", str(path), "--port", str(free_port()))
        assert refused.returncode == 5
        assert f"another process (pid {holder.pid}) is using this workspace" in plain(refused)
        assert not (path / "serving.json").exists()  # serve gave the workspace back
        status = regulars("status", str(path))
        assert status.returncode == 5 and "is using this workspace" in plain(status)
    finally:
        holder.kill()
        holder.wait()
    assert regulars("status", str(path)).returncode == 0


def test_a_server_that_died_does_not_hold_the_workspace(shop):
    path, _ = shop
    server, _ = start(path)
    os.kill(server.pid, signal.SIGKILL)
    server.wait(timeout=30)
    assert (path / "serving.json").exists()  # left behind, naming a process that is gone
    assert regulars("status", str(path)).returncode == 0
    again, _ = start(path)
    again.send_signal(signal.SIGINT)
    again.wait(timeout=30)


@pytest.mark.parametrize("setting", ['port = 0', 'max_body_mb = -1', 'daily_run_at = "25:00"',
                                     'report_day = "someday"'])
def test_bad_serve_settings_are_named(shop, setting):
    path, _ = shop
    settings = path / "regulars.toml"
    key = setting.split(" = ")[0]
    settings.write_text(re.sub(rf"(?m)^{key} = .*$", setting, settings.read_text(), count=1))
    refused = regulars("serve", str(path))
    assert refused.returncode == 2 and "serve." in plain(refused)


def test_a_port_in_use_is_said_plainly_and_the_workspace_stays_free(shop):
    path, _ = shop
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        refused = regulars("serve", str(path), "--port", str(port))
    assert refused.returncode == 2 and f"cannot listen on 127.0.0.1:{port}" in plain(refused)
    assert "choose another with --port" in refused.stderr
    assert not (path / "serving.json").exists()
