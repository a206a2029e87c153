"""Runs the local system's processes as children and stops every one of them cleanly.

`salesagent up` uses it: each child gets its own process group, so Ctrl-C (or SIGTERM) reaches the whole
tree (reflex starts its own children), and a child that dies takes the rest down with a clear message
rather than leaving a half-running system.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import signal
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)

STOP_TIMEOUT_SECONDS = 15.0


@dataclass
class Child:
    """One supervised process."""

    name: str
    args: Sequence[str]
    env: Mapping[str, str] | None = None
    process: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int | None:
        """The child's pid once started."""
        return self.process.pid if self.process else None

    def running(self) -> bool:
        """True while the child has not exited."""
        return self.process is not None and self.process.poll() is None


@dataclass
class Supervisor:
    """Starts children, watches them, and stops all of them in reverse order."""

    run_file: Path
    children: list[Child] = field(default_factory=list)

    def start(self, child: Child) -> None:
        """Start `child` in its own process group and record it in the run file."""
        env = {**os.environ, **(child.env or {})}
        child.process = subprocess.Popen(list(child.args), env=env, stdin=subprocess.DEVNULL, start_new_session=True)
        self.children.append(child)
        self._write_run_file()
        log.info("started %s (pid %s)", child.name, child.pid)

    def first_exited(self) -> Child | None:
        """The first child that has exited, if any."""
        return next((child for child in self.children if not child.running()), None)

    def wait(self, poll_seconds: float = 0.5) -> Child:
        """Block until some child exits; return it."""
        while True:
            exited = self.first_exited()
            if exited is not None:
                return exited
            time.sleep(poll_seconds)

    def stop_all(self, timeout: float = STOP_TIMEOUT_SECONDS) -> None:
        """SIGTERM each child's process group (newest first), then SIGKILL whatever is left after `timeout`."""
        for child in reversed(self.children):
            _signal_group(child, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        for child in reversed(self.children):
            if child.process is None:
                continue
            try:
                child.process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                log.warning("%s did not stop within %.0fs; killing it", child.name, timeout)
                _signal_group(child, signal.SIGKILL)
                child.process.wait()
            # Grandchildren (reflex's bun and granian) may outlive the leader: end the whole group.
            _signal_group(child, signal.SIGKILL)
        self.run_file.unlink(missing_ok=True)

    def _write_run_file(self) -> None:
        self.run_file.parent.mkdir(parents=True, exist_ok=True)
        record = {"supervisor": os.getpid(), "children": {child.name: child.pid for child in self.children}}
        self.run_file.write_text(json.dumps(record, indent=2))


def _signal_group(child: Child, sig: signal.Signals) -> None:
    if child.process is None:
        return
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(child.process.pid, sig)


def read_run_file(run_file: Path) -> dict[str, int | None]:
    """The processes `up` recorded, each with its pid if still alive (None if gone)."""
    try:
        record = json.loads(run_file.read_text())
    except (OSError, ValueError):
        return {}
    processes = {"supervisor": record.get("supervisor"), **record.get("children", {})}
    return {name: pid if pid and _alive(pid) else None for name, pid in processes.items()}


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
