"""Save a screenshot of every dashboard page to docs/screenshots/.

    python -m scripts.screenshots            # or: python scripts/screenshots.py [--out DIR]

Starts the dashboard (`reflex run`, dev) on free ports against a throwaway SQLite database seeded with the
demo data (core.demo.seed) and its own embedded Redis, logs in as the demo founder in headless Debian
Chromium (/usr/bin/chromium + /usr/bin/chromedriver), and saves one full-page PNG per page. Everything it
starts is stopped and the throwaway directory removed, whatever happens.

Like the test harness, this launcher sets the environment for the settings it and its child read, before
any project module is imported.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from sales_dashboard.launch import free_port, http_status  # noqa: E402  (after the path is set)

log = logging.getLogger("screenshots")

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
WIDTH = 1400
START_TIMEOUT = 600
PAGE_TIMEOUT = 120






def prepare_environment(data_dir: Path) -> tuple[int, int]:
    """A throwaway database and Redis under `data_dir`, shadow mode, no outside services, free ports."""
    frontend, backend = free_port(), free_port()
    os.environ.update(
        {
            "ENVIRONMENT": "development",
            "DATA_DIR": str(data_dir),
            "DATABASE_URL": f"sqlite:///{data_dir / 'screenshots.db'}",
            "AGENT_MODE": "shadow",
            "AGENT_SEND_ENABLED": "false",
            "DASHBOARD_PORT": str(frontend),
            "BACKEND_PORT": str(backend),
        }
    )
    for key in ("REDIS_URL", "ANTHROPIC_API_KEY", "TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "MINDSTUDIO_API_KEY"):
        os.environ.pop(key, None)
    return frontend, backend


def seed() -> str:
    """Migrate the throwaway database and seed the demo; returns the demo founder's email."""
    from core.clock import SystemClock
    from core.config import get_settings
    from core.db import session_scope, upgrade_database
    from core.demo.seed import seed_demo

    settings = get_settings()
    upgrade_database(settings)
    with session_scope() as session:
        summary = seed_demo(session=session, now=SystemClock().now(), settings=settings)
    log.info("seeded %s reps, %s activity events, %s leads", summary.reps, summary.events, summary.leads)
    assert summary.founder_email
    return summary.founder_email


def _pages() -> list[tuple[str, str]]:
    """(file name, route) for every page the app registers, login first."""
    from sales_dashboard import routes

    names = ["LOGIN", "OVERVIEW", "VERDICTS", "DRAFTS", "APPROVALS", "REPS", "COSTS", "AGREEMENT", "PIPELINE",
             "EVALS", "AUDIT", "SETTINGS", "SIMULATOR"]  # fmt: skip
    return [(name.lower(), getattr(routes, name)) for name in names if hasattr(routes, name)]


def settled(driver) -> bool:  # type: ignore[no-untyped-def]
    """No spinner left, and every chart box (id chart-...) holds plotly's drawn SVG (plotly loads lazily)."""
    return bool(
        driver.execute_script(
            "if (document.querySelector('.rt-Spinner')) return false;"
            "const charts = document.querySelectorAll('[id^=\"chart-\"]');"
            "return Array.from(charts).every(c => c.querySelector('.main-svg'));"
        )
    )


def _shoot(driver, path: Path) -> None:  # type: ignore[no-untyped-def]
    """A full-page PNG: the window is made as tall as the page first."""
    height = int(driver.execute_script("return document.documentElement.scrollHeight"))
    driver.set_window_size(WIDTH, min(max(height, 800), 6000))
    driver.save_screenshot(str(path))
    driver.set_window_size(WIDTH, 1000)


def browser():  # type: ignore[no-untyped-def]
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--hide-scrollbars", f"--window-size={WIDTH},1000"):
        options.add_argument(flag)  # fmt: skip
    return webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))


def _capture(frontend: str, email: str, out: Path) -> list[Path]:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    from core.demo.seed import DEMO_FOUNDER_PASSWORD

    saved = []
    driver = browser()
    try:
        wait = WebDriverWait(driver, PAGE_TIMEOUT)
        for name, route in _pages():
            driver.get(frontend + route)
            if name == "login":
                wait.until(ec.element_to_be_clickable((By.ID, "login-submit")))
                _shoot(driver, out / "login.png")
                saved.append(out / "login.png")
                driver.find_element(By.ID, "login-email").send_keys(email)
                driver.find_element(By.ID, "login-password").send_keys(DEMO_FOUNDER_PASSWORD)
                driver.find_element(By.ID, "login-submit").click()
                wait.until(ec.visibility_of_element_located((By.ID, "health-panel")))
                continue
            wait.until(ec.visibility_of_element_located((By.ID, "signed-in-as")))
            wait.until(settled)
            path = out / f"{name}.png"
            _shoot(driver, path)
            saved.append(path)
            log.info("saved %s", path.relative_to(PROJECT_ROOT) if path.is_relative_to(PROJECT_ROOT) else path)
    finally:
        driver.quit()
    return saved


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM the whole process group (reflex, bun, vite, granian), then SIGKILL whatever is left."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=20)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


@contextlib.contextmanager
def running_dashboard(data_dir: Path, frontend_port: int, backend_port: int, *, prod: bool = False) -> Iterator[str]:
    """The dashboard (and the embedded Redis) running on the prepared environment; yields the frontend URL.

    `prod` builds the frontend once and serves everything on the frontend port (as deployed)."""
    from core.config import get_settings
    from core.redis_conn import ensure_redis
    from sales_dashboard.launch import ensure_bun, reflex_command, reflex_env

    settings = get_settings()
    redis_server = ensure_redis(settings)  # the health panel checks Redis: give it the embedded one
    process = None
    try:
        ensure_bun()
        reflex_log = data_dir / "reflex.log"
        env = {**os.environ, **reflex_env(settings=settings, work_dir=data_dir / "reflex")}
        with open(reflex_log, "wb") as output:
            process = subprocess.Popen(reflex_command(settings=settings, prod=prod), env=env, stdout=output,
                                       stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
                                       cwd=PROJECT_ROOT)  # fmt: skip
        frontend = f"http://localhost:{frontend_port}"
        backend = frontend if prod else f"http://localhost:{backend_port}"
        deadline = time.monotonic() + START_TIMEOUT
        while not (http_status(f"{backend}/api/health") == 200 and http_status(f"{frontend}/login") == 200):
            if process.poll() is not None or time.monotonic() > deadline:
                tail = reflex_log.read_text(errors="replace")[-4000:]
                raise RuntimeError(f"the dashboard did not start:\n{tail}")
            time.sleep(0.5)
        yield frontend
    finally:
        if process is not None:
            stop(process)
        if redis_server is not None:
            redis_server.stop()


def main(argv: list[str] | None = None) -> int:
    """Run the dashboard on a throwaway demo database and save every page's screenshot."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "docs" / "screenshots")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    for tool in (CHROMIUM, CHROMEDRIVER):
        if not Path(tool).exists():
            print(f"{tool} missing: apt-get install -y chromium chromium-driver", file=sys.stderr)
            return 2
    data_dir = Path(tempfile.mkdtemp(prefix="sa-shots-"))  # short: unix socket paths are limited
    try:
        ports = prepare_environment(data_dir)
        email = seed()
        with running_dashboard(data_dir, *ports) as frontend:
            args.out.mkdir(parents=True, exist_ok=True)
            saved = _capture(frontend, email, args.out)
        print(f"saved {len(saved)} screenshots to {args.out}")
        return 0
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
