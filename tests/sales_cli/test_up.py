"""`salesagent up` on embedded defaults: everything starts, a worker beats, the dashboard answers, and
Ctrl-C stops every process it started."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from sales_dashboard.launch import free_port
from workers.schedule import SCHEDULE

pytestmark = pytest.mark.slow

START_TIMEOUT = 600  # the first start compiles the dashboard's frontend




def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def _poll(check, timeout: float, what: str):  # type: ignore[no-untyped-def]
    """Poll a real process's observable state until `check` returns a truthy value (bounded)."""
    deadline = time.monotonic() + timeout
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        try:
            result = check()
            if result:
                return result
        except OSError as error:
            last_error = error
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what} (last error: {last_error})")


@pytest.fixture
def up_env() -> Iterator[dict[str, str]]:
    with tempfile.TemporaryDirectory(prefix="sa-up-") as data_dir:
        env = {**os.environ, "DATA_DIR": data_dir, "DATABASE_URL": "", "REDIS_URL": "",
               "DASHBOARD_PORT": str(free_port()), "BACKEND_PORT": str(free_port())}
        yield env


def test_up_starts_everything_and_ctrl_c_stops_it_all(up_env: dict[str, str]) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "sales_cli.main", "up"], env=up_env, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )
    output: list[str] = []
    reader = threading.Thread(target=lambda: output.extend(iter(process.stdout.readline, "")), daemon=True)  # type: ignore[union-attr]
    reader.start()
    data_dir = Path(up_env["DATA_DIR"])
    try:
        _poll(lambda: any("Demo login: founder@demo.example" in line for line in output), 120, "the demo login")
        backend = f"http://127.0.0.1:{up_env['BACKEND_PORT']}"
        health = _poll(lambda: _health_with_heartbeat(backend), START_TIMEOUT, "a healthy backend with a heartbeat")
        assert health["database"]["ok"] and health["redis"]["ok"]
        assert {job["name"] for job in health["schedule"]} == {entry.name for entry in SCHEDULE}
        frontend = f"http://127.0.0.1:{up_env['DASHBOARD_PORT']}/"
        _poll(lambda: _get(frontend)[0] == 200, START_TIMEOUT, "the dashboard page")
        children = json.loads((data_dir / "processes.json").read_text())["children"]
        assert set(children) == {"worker", "scheduler", "dashboard"}
        assert (data_dir / "redis.sock").exists()

        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=60) == 0, "".join(output[-40:])
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    for name, pid in children.items():
        assert not _alive(pid), f"{name} (pid {pid}) outlived `up`"
    assert not (data_dir / "redis.sock").exists()
    assert not (data_dir / "processes.json").exists()
    assert any(line.strip() == "stopped" for line in output)


def _health_with_heartbeat(backend: str) -> dict | None:  # type: ignore[type-arg]
    status, body = _get(f"{backend}/api/health")
    if status != 200:
        return None
    health = json.loads(body)
    return health if health.get("heartbeat", {}).get("at") else None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as stat:
        return stat.read().split()[2] != "Z"
