"""The reps, costs, agreement, pipeline, evals, audit and settings pages (and the overview's panels) in real
Chromium against a running dashboard: each renders its key element for a signed-in founder, charts draw with
the basic plotly bundle, and settings adds a rep only with a valid phone number."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, select

from core.clock import SystemClock
from core.models import Rep
from sales_dashboard import routes
from tests.factories import (
    create_alert,
    create_cost,
    create_eval_run,
    create_founder,
    create_inbound,
    create_lead,
    create_review,
    create_week_activity,
)
from tests.sales_dashboard import test_browser as harness
from tests.sales_dashboard.test_browser import PAGE_TIMEOUT, PASSWORD, _by_id, _click, _log_in, _text_of, _wait

# The real dashboard and browser fixtures of the main browser module (one `reflex run` for this module).
browser_paths, dashboard, driver = harness.browser_paths, harness.dashboard, harness.driver

pytestmark = pytest.mark.browser


def _seed(session: Session, settings) -> str:  # type: ignore[no-untyped-def]
    founder = create_founder(session, password=PASSWORD)
    now = SystemClock().now()
    today = now.astimezone(settings.tz).date()
    monday = today - timedelta(days=today.weekday())
    from tests.factories import create_rep

    rep = create_rep(session, name="Avery Brooks")
    for weeks_ago in range(1, 4):
        create_week_activity(session, rep, monday - timedelta(weeks=weeks_ago), emails=150 + weeks_ago, replies=3,
                             meetings=1)  # fmt: skip
    create_cost(session, day=today, usd=1.25, rep=rep)
    create_review(session, founder=founder, subject="verdict", subject_id=1, agrees=True, at=now - timedelta(days=1))
    create_eval_run(session, passed=True, pass_rate=0.96, suites={"drafting": {"pass_rate": 0.96, "passed": 24,
                                                                               "total": 25}})  # fmt: skip
    create_lead(session)
    create_alert(session, message="Three empty discovery runs in a row")
    create_inbound(session, signature_ok=False, allowed=False, outcome="bad_signature")
    from core.audit import record_audit

    record_audit(session=session, actor="system:test", action="demo.seeded", at=datetime(2026, 1, 1, tzinfo=UTC))
    session.commit()
    return founder.email


def _open(driver, dashboard, route: str, element_id: str) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.support import expected_conditions as ec

    driver.get(dashboard.frontend + route)
    _wait(driver, PAGE_TIMEOUT).until(ec.visibility_of_element_located(_by_id(element_id)))


def _plot_drawn(driver, element_id: str) -> None:  # type: ignore[no-untyped-def]
    """Plotly has drawn an SVG inside the chart's box."""
    from selenium.webdriver.common.by import By

    _wait(driver, PAGE_TIMEOUT).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, f"#{element_id} .main-svg")
    )


def test_every_page_renders_and_settings_validates_phones(dashboard, driver, session, settings, engine) -> None:  # type: ignore[no-untyped-def]
    email = _seed(session, settings)
    _log_in(driver, dashboard, email)

    # The overview's extra panels.
    assert _text_of(driver, "spend-today", "$1.25") == "$1.25"
    assert "Three empty discovery runs" in _text_of(driver, "open-alerts", "Three empty")
    assert _text_of(driver, "safety-unauthorized", "1") == "1"
    assert _text_of(driver, "overview-new-leads", "1") == "1"

    _open(driver, dashboard, routes.REPS, "reps-table")
    assert "Avery Brooks" in driver.find_element(*_by_id("reps-table")).text
    assert "/200 this week" in driver.find_element(*_by_id("reps-table")).text
    _plot_drawn(driver, "chart-emails")

    _open(driver, dashboard, routes.COSTS, "costs-by-rep")
    assert "$1.25 of $10.00 today" in _text_of(driver, "costs-today", "$1.25")
    _plot_drawn(driver, "chart-spend")

    _open(driver, dashboard, routes.AGREEMENT, "agreement-verdicts")
    assert "100.0% (1/1)" in _text_of(driver, "agreement-verdicts", "100.0%")
    _wait(driver).until(lambda d: d.find_elements(*_by_id("agreement-drafts-empty")))  # no draft reviews: said so

    _open(driver, dashboard, routes.PIPELINE, "pipeline-new-leads")
    assert "1 new unassigned leads" in _text_of(driver, "pipeline-new-leads", "new unassigned")
    _wait(driver).until(lambda d: d.find_elements(*_by_id("pipeline-no-runs")))

    _open(driver, dashboard, routes.EVALS, "evals-table")
    assert "drafting 96% (24/25)" in driver.find_element(*_by_id("evals-table")).text

    _open(driver, dashboard, routes.AUDIT, "audit-table")
    assert "demo.seeded" in driver.find_element(*_by_id("audit-table")).text
    field = driver.find_element(*_by_id("audit-action"))
    field.send_keys("controls.")
    _click(driver, "audit-filter")
    _wait(driver).until(lambda d: d.find_elements(*_by_id("audit-empty")))

    _open(driver, dashboard, routes.SETTINGS, "reps-allowlist")
    assert "Caps" in driver.find_element(*_by_id("settings-page")).text
    assert "$10.00" in driver.find_element(*_by_id("caps")).text
    assert driver.find_element(*_by_id("icp")).text  # the ICP renders

    def add(phone: str) -> None:
        for element_id, value in (("add-rep-name", "Dee Newman"), ("add-rep-email", "dee@example.com"),
                                  ("add-rep-phone", phone)):
            box = driver.find_element(*_by_id(element_id))
            box.clear()
            box.send_keys(value)
        _click(driver, "add-rep-submit")  # fmt: skip

    add("555-12")
    assert "not a" in _text_of(driver, "add-rep-error", "phone number")
    add("(212) 555-0188")
    _wait(driver).until(lambda d: d.find_elements(*_by_id("rep-row-+12125550188")))
    assert not driver.find_elements(*_by_id("add-rep-error"))
    with Session(engine) as check:
        rep = check.exec(select(Rep).where(Rep.email == "dee@example.com")).one()
        assert rep.phone == "+12125550188" and rep.active


def test_pages_without_a_session_go_to_login(dashboard, driver) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.support import expected_conditions as ec

    for route in (routes.REPS, routes.COSTS, routes.AGREEMENT, routes.PIPELINE, routes.EVALS, routes.AUDIT,
                  routes.SETTINGS):  # fmt: skip
        driver.get(dashboard.frontend + route)
        _wait(driver, PAGE_TIMEOUT).until(ec.url_to_be(dashboard.frontend + routes.LOGIN))
        assert not driver.find_elements(*_by_id("settings-page"))
