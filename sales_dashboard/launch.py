"""How to start the dashboard: the `reflex run` command, the environment it needs, and bun.

Reflex 0.10.1 downloads bun from github.com, which cannot work here. `scripts/install_bun.sh` installs the
pinned bun from the npm registry into `.tools/`, and `rxconfig.py` points Reflex's `bun_path` at it: Reflex
uses a configured `bun_path` that exists and skips its own download when that bun is new enough (>= 1.4.4).
(The other way, `REFLEX_USE_SYSTEM_BUN=1` with bun on PATH, would need PATH rewritten, and only
core/config.py may read the environment.)

Run as `python -m sales_dashboard.launch <reflex args>`, it changes to the project root (where
`rxconfig.py` lives, which `reflex run` insists on) and execs `python -m reflex <args>` in the same process.
"""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

from core.config import PROJECT_ROOT, Settings

log = logging.getLogger(__name__)

INSTALL_BUN_SCRIPT = PROJECT_ROOT / "scripts" / "install_bun.sh"
TOOLS_DIR = PROJECT_ROOT / ".tools"
BUN_PATH = TOOLS_DIR / "node_modules" / ".bin" / "bun"


def ensure_bun() -> Path:
    """Install the pinned bun into .tools/ unless that version is there already; return its path.

    The script checks the installed version itself (a few milliseconds when nothing is to do).
    """
    result = subprocess.run(["bash", str(INSTALL_BUN_SCRIPT)], capture_output=True, text=True, timeout=600, check=False)
    if result.returncode != 0 or not BUN_PATH.exists():
        detail = (result.stderr.strip().splitlines() or ["no output"])[-1]
        raise RuntimeError(f"could not install bun with {INSTALL_BUN_SCRIPT.name}: {detail}")
    return BUN_PATH


def reflex_command(*, settings: Settings, prod: bool = False) -> list[str]:
    """The command that runs the dashboard: dev serves the frontend and backend on their two ports; prod
    builds the frontend once and serves everything on the dashboard port."""
    base = [sys.executable, "-m", "sales_dashboard.launch", "run"]
    if prod:
        port = str(settings.dashboard_port)
        return [*base, "--env", "prod", "--single-port", "--frontend-port", port, "--backend-port", port]
    return [
        *base,
        "--env",
        "dev",
        "--frontend-port",
        str(settings.dashboard_port),
        "--backend-port",
        str(settings.backend_port),
    ]


def reflex_env(*, settings: Settings, work_dir: Path | None = None) -> dict[str, str]:
    """The environment to add to the current one for `reflex_command`.

    `work_dir` gives this instance its own compiled frontend, state files and an empty hot-reload watch
    list, so it can run beside another instance in the same checkout (tests do that).
    """
    env = {
        # The child's own get_settings() must see the same ports as the command line says.
        "DASHBOARD_PORT": str(settings.dashboard_port),
        "BACKEND_PORT": str(settings.backend_port),
        "REFLEX_TELEMETRY_ENABLED": "false",
        # Skips a call to pypi.org for the latest Reflex version at every start.
        "REFLEX_CHECK_LATEST_VERSION": "false",
        "PYTHONUNBUFFERED": "1",
    }
    if work_dir is not None:
        watch = work_dir / "no-hot-reload"
        watch.mkdir(parents=True, exist_ok=True)
        env |= {
            "REFLEX_WEB_WORKDIR": str(work_dir / "web"),
            "REFLEX_STATES_WORKDIR": str(work_dir / "states"),
            "REFLEX_HOT_RELOAD_OVERRIDE_PATHS": str(watch),
        }
    elif settings.data_dir.is_dir() and settings.data_dir.resolve().parent == PROJECT_ROOT:
        # The dev backend reloads when a file under the project changes. The SQLite WAL, the migration
        # lock and the embedded Redis socket under data/ change all the time: without this the backend
        # would restart every time the database is written, and its own migration at start would loop.
        env["REFLEX_HOT_RELOAD_EXCLUDE_PATHS"] = str(settings.data_dir.resolve())
    return env


def free_port() -> int:
    """A free TCP port on 127.0.0.1 (tests, the screenshot command and benchmarks start the app on one)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def http_status(url: str) -> int | None:
    """The HTTP status `url` answers with, or None if nothing answers (for waiting on a starting server)."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)
    except OSError:
        return None


def main(argv: list[str]) -> None:
    """Run the Reflex CLI from the project root with `argv` (replaces this process)."""
    os.chdir(PROJECT_ROOT)
    os.execv(sys.executable, [sys.executable, "-m", "reflex", *argv])


if __name__ == "__main__":
    main(sys.argv[1:])
