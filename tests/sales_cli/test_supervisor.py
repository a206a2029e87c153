"""The supervisor stops every child, grandchildren included, and notices a child that dies."""

from __future__ import annotations

import os
import sys

from sales_cli.supervisor import Child, Supervisor, read_run_file

# A child that starts a grandchild in its own process group and then waits: what reflex does.
SPAWNS_GRANDCHILD = (
    "import subprocess, sys, time;"
    "p = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(120)']);"
    "print(p.pid, flush=True); time.sleep(120)"
)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie still answers kill(0); read its state.
    with open(f"/proc/{pid}/stat") as stat:
        return stat.read().split()[2] != "Z"


def test_stop_all_ends_children_and_grandchildren(tmp_path) -> None:  # type: ignore[no-untyped-def]
    run_file = tmp_path / "processes.json"
    supervisor = Supervisor(run_file=run_file)
    supervisor.start(Child("sleeper", [sys.executable, "-c", "import time; time.sleep(120)"]))
    supervisor.start(Child("parent", [sys.executable, "-c", SPAWNS_GRANDCHILD]))
    pids = [child.pid for child in supervisor.children]
    recorded = read_run_file(run_file)
    assert recorded["sleeper"] == pids[0] and recorded["parent"] == pids[1]

    supervisor.stop_all(timeout=5)

    assert all(not child.running() for child in supervisor.children)
    assert not run_file.exists()
    # The grandchild shared the parent's process group, so it is gone too.
    group_members = [p for p in os.listdir("/proc") if p.isdigit() and _alive(int(p)) and _pgid(int(p)) == pids[1]]
    assert group_members == []


def _pgid(pid: int) -> int | None:
    try:
        return os.getpgid(pid)
    except ProcessLookupError:
        return None


def test_wait_returns_the_child_that_exited(tmp_path) -> None:  # type: ignore[no-untyped-def]
    supervisor = Supervisor(run_file=tmp_path / "p.json")
    supervisor.start(Child("long", [sys.executable, "-c", "import time; time.sleep(120)"]))
    supervisor.start(Child("crashes", [sys.executable, "-c", "raise SystemExit(3)"]))
    exited = supervisor.wait(poll_seconds=0.05)
    assert exited.name == "crashes" and exited.process is not None and exited.process.returncode == 3
    supervisor.stop_all(timeout=5)
    assert not supervisor.children[0].running()
