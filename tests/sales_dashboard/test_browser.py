"""The real dashboard in real Chromium: `reflex run` on free ports against the test database and Redis.

Covers the login errors (wrong password, throttle), the overview (mode, health panel), the kill switch
with its confirmation (database row and audit event checked), logout, and that the overview stays shut
to a logged-out, revoked or expired token, whatever the browser holds.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, select

from core.clock import SystemClock
from core.founders import MAX_FAILED_LOGINS
from core.models import AuditEvent, Controls, FounderSession
from sales_dashboard import routes
from sales_dashboard.access import sign_in
from sales_dashboard.launch import ensure_bun, free_port, http_status, reflex_command, reflex_env
from tests.factories import create_founder

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
CHROMIUM_FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--window-size=1400,1000",
)
START_TIMEOUT = 600  # a first start installs the frontend's packages and compiles it
PAGE_TIMEOUT = 120  # the dev server compiles each page on its first request
WAIT = 30
PASSWORD = "correct horse battery"
TOKEN_KEY = "sales_dashboard_session"


@dataclass
class Dashboard:
    """A running dashboard."""

    frontend: str
    backend: str
    process: subprocess.Popen[bytes]
    log: Path






def _wait_until_serving(dashboard: Dashboard) -> None:
    """Poll the real process until both servers answer (bounded; fails early if it dies)."""
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if dashboard.process.poll() is not None:
            raise AssertionError(f"reflex exited with {dashboard.process.returncode}:\n{_tail(dashboard.log)}")
        if http_status(f"{dashboard.backend}/api/health") == 200 and http_status(f"{dashboard.frontend}/login") == 200:
            return
        time.sleep(0.5)
    raise AssertionError(f"the dashboard did not answer within {START_TIMEOUT}s:\n{_tail(dashboard.log)}")


def _tail(log: Path, lines: int = 40) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])


@pytest.fixture(scope="module")
def browser_paths() -> tuple[Path, Path]:
    """Debian's chromium and chromedriver; a skip on a developer's machine without them, a failure in CI."""
    missing = [str(path) for path in (CHROMIUM, CHROMEDRIVER) if not path.exists()]
    if missing:
        reason = f"{', '.join(missing)} missing: apt-get install -y chromium chromium-driver"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    return CHROMIUM, CHROMEDRIVER


@pytest.fixture(scope="module")
def dashboard(browser_paths, settings, migrated_engine, redis_server, tmp_path_factory) -> Iterator[Dashboard]:  # type: ignore[no-untyped-def]
    """`reflex run` once for the module, on free ports, in its own work directory; always stopped."""
    ensure_bun()
    ported = settings.model_copy(update={"dashboard_port": free_port(), "backend_port": free_port()})
    work_dir = tmp_path_factory.mktemp("reflex")
    log = work_dir / "reflex.log"
    env = {**os.environ, **reflex_env(settings=ported, work_dir=work_dir)}
    with open(log, "wb") as output:
        process = subprocess.Popen(
            reflex_command(settings=ported), env=env, stdout=output, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True,
        )
    running = Dashboard(
        frontend=f"http://localhost:{ported.dashboard_port}",
        backend=f"http://localhost:{ported.backend_port}",
        process=process,
        log=log,
    )
    try:
        started = time.monotonic()
        _wait_until_serving(running)
        print(f"dashboard serving after {time.monotonic() - started:.1f}s")
        yield running
    finally:
        _stop(process)


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM the whole process group (reflex, bun, vite, granian), then SIGKILL whatever is left."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=20)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


@pytest.fixture
def driver(browser_paths):  # type: ignore[no-untyped-def]
    """A fresh headless Chromium (empty localStorage) per test."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    chromium, chromedriver = browser_paths
    options = webdriver.ChromeOptions()
    options.binary_location = str(chromium)
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    browser = webdriver.Chrome(options=options, service=Service(executable_path=str(chromedriver)))
    try:
        yield browser
    finally:
        browser.quit()


# --- helpers driving the page -------------------------------------------------------------------------


def _wait(driver, timeout: float = WAIT):  # type: ignore[no-untyped-def]
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout)


def _by_id(element_id: str):  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    return (By.ID, element_id)


def _text_of(driver, element_id: str, text: str, timeout: float = WAIT) -> str:  # type: ignore[no-untyped-def]
    """Wait until the element shows `text`; return its whole text."""
    from selenium.webdriver.support import expected_conditions as ec

    _wait(driver, timeout).until(ec.text_to_be_present_in_element(_by_id(element_id), text))
    return str(driver.find_element(*_by_id(element_id)).text)


def _click(driver, element_id: str) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.support import expected_conditions as ec

    _wait(driver).until(ec.element_to_be_clickable(_by_id(element_id))).click()


def _open_login(driver, dashboard: Dashboard) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.support import expected_conditions as ec

    driver.get(dashboard.frontend + routes.LOGIN)
    _wait(driver, PAGE_TIMEOUT).until(ec.element_to_be_clickable(_by_id("login-submit")))


def _submit_login(driver, email: str, password: str) -> None:  # type: ignore[no-untyped-def]
    for element_id, value in (("login-email", email), ("login-password", password)):
        field = driver.find_element(*_by_id(element_id))
        field.clear()
        field.send_keys(value)
    _click(driver, "login-submit")


def _refused_login(driver, email: str, password: str) -> None:  # type: ignore[no-untyped-def]
    """Submit and wait for the server's answer: it empties the password field after every attempt."""
    _submit_login(driver, email, password)
    _wait(driver).until(lambda d: d.find_element(*_by_id("login-password")).get_attribute("value") == "")


def _log_in(driver, dashboard: Dashboard, email: str) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.support import expected_conditions as ec

    _open_login(driver, dashboard)
    _submit_login(driver, email, PASSWORD)
    _wait(driver, PAGE_TIMEOUT).until(ec.visibility_of_element_located(_by_id("health-panel")))


def _expect_login_page(driver, dashboard: Dashboard) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.support import expected_conditions as ec

    _wait(driver, PAGE_TIMEOUT).until(ec.url_to_be(dashboard.frontend + routes.LOGIN))
    _wait(driver).until(ec.element_to_be_clickable(_by_id("login-submit")))
    assert not driver.find_elements(*_by_id("health-panel"))


def _founder(session: Session):  # type: ignore[no-untyped-def]
    founder = create_founder(session, password=PASSWORD)
    session.commit()
    return founder


# --- the tests ------------------------------------------------------------------------------------------


def test_wrong_password_shows_an_error_and_repeated_failures_lock_the_email(  # type: ignore[no-untyped-def]
    dashboard, driver, session
) -> None:
    founder = _founder(session)
    _open_login(driver, dashboard)
    _refused_login(driver, founder.email, "not the password")
    assert _text_of(driver, "login-error", "Wrong email or password") == "Wrong email or password."
    assert driver.current_url == dashboard.frontend + routes.LOGIN

    for _ in range(MAX_FAILED_LOGINS - 1):
        _refused_login(driver, founder.email, "still not it")
    _refused_login(driver, founder.email, PASSWORD)  # the right password, but the email is locked now
    assert "Too many failed attempts" in _text_of(driver, "login-error", "Too many failed attempts")
    assert driver.current_url == dashboard.frontend + routes.LOGIN


def test_overview_without_a_session_goes_to_login(dashboard, driver) -> None:  # type: ignore[no-untyped-def]
    driver.get(dashboard.frontend + routes.OVERVIEW)
    _expect_login_page(driver, dashboard)


def test_login_kill_switch_with_confirmation_and_logout(dashboard, driver, session, engine) -> None:  # type: ignore[no-untyped-def]
    founder = _founder(session)
    _log_in(driver, dashboard, founder.email)

    assert _text_of(driver, "mode-value", "shadow") == "shadow"
    assert _text_of(driver, "kill-switch-value", "off") == "off"
    assert _text_of(driver, "health-database", "ok") == "ok"
    assert _text_of(driver, "health-redis", "ok") == "ok"
    assert _text_of(driver, "go-live-status", "refuses").endswith("refuses")
    assert "14 days of shadow" in driver.find_element(*_by_id("go-live-checks")).text
    assert founder.name in driver.find_element(*_by_id("signed-in-as")).text

    # Cancelling the dialog changes nothing; confirming throws the switch.
    _click(driver, "throw-kill-switch")
    _click(driver, "throw-kill-switch-cancel")
    _click(driver, "throw-kill-switch")
    _click(driver, "throw-kill-switch-confirm")
    assert _text_of(driver, "kill-switch-value", "ON").startswith("ON")

    with Session(engine) as check:
        assert check.get(Controls, 1).kill_switch is True  # type: ignore[union-attr]
        events = check.exec(select(AuditEvent).where(AuditEvent.action == "controls.kill_switch")).all()
        assert [(event.actor, event.details) for event in events] == [
            (f"founder:{founder.id}", {"from": "False", "to": "True"})
        ]

    # Going live asks the gate again; without the evidence it refuses, says why, and audits the refusal.
    _click(driver, "go-live")
    _click(driver, "go-live-confirm")
    assert "Go live refused" in _text_of(driver, "notice", "Go live refused")
    with Session(engine) as check:
        assert check.get(Controls, 1).mode == "shadow"  # type: ignore[union-attr]
        refused = check.exec(select(AuditEvent).where(AuditEvent.action == "controls.go_live_refused")).one()
        assert refused.actor == f"founder:{founder.id}" and refused.details["passed"] is False

    token = driver.execute_script(f"return window.localStorage.getItem('{TOKEN_KEY}')")
    assert token
    _click(driver, "logout")
    _expect_login_page(driver, dashboard)
    assert not driver.execute_script(f"return window.localStorage.getItem('{TOKEN_KEY}')")
    with Session(engine) as check:
        assert check.exec(select(FounderSession)).one().revoked_at is not None

    # Neither navigating back nor putting the revoked token back into the browser opens the overview.
    driver.get(dashboard.frontend + routes.OVERVIEW)
    _expect_login_page(driver, dashboard)
    driver.execute_script(f"window.localStorage.setItem('{TOKEN_KEY}', arguments[0])", token)
    driver.get(dashboard.frontend + routes.OVERVIEW)
    _expect_login_page(driver, dashboard)
    assert "session has ended" in _text_of(driver, "login-error", "session has ended")


def test_an_expired_session_does_not_open_the_overview(dashboard, driver, session, settings) -> None:  # type: ignore[no-untyped-def]
    founder = _founder(session)
    long_ago = SystemClock().now() - timedelta(hours=settings.session_hours, minutes=1)
    expired = sign_in(email=founder.email, password=PASSWORD, now=long_ago, settings=settings)
    _open_login(driver, dashboard)
    driver.execute_script(f"window.localStorage.setItem('{TOKEN_KEY}', arguments[0])", expired.token)
    driver.get(dashboard.frontend + routes.OVERVIEW)
    _expect_login_page(driver, dashboard)
    assert "session has ended" in _text_of(driver, "login-error", "session has ended")
