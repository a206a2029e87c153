"""The rep phone simulator: what each rep received, and a reply that runs the real signed webhook over HTTP."""

from __future__ import annotations

import asyncio
import os
import subprocess

import pytest
from sqlmodel import Session
from twilio.request_validator import RequestValidator

from benchmarks.webhook import serve
from core.models import Approval, MessagePurpose, OutboundStatus
from core.replies import CLARIFY_TEXT
from sales_dashboard.api.twilio import SMS_PATH
from sales_dashboard.launch import ensure_bun, free_port, reflex_command, reflex_env
from sales_dashboard.pages.simulator import ROUTE
from sales_dashboard.state.simulator import load_phones, post_as_rep, simulated_webhook
from tests.factories import create_founder, create_outbound_message, create_pending_approval, create_rep
from tests.sales_dashboard import test_browser


def test_the_simulated_webhook_is_signed_like_twilio(settings) -> None:  # type: ignore[no-untyped-def]
    url, params, signature = simulated_webhook(settings=settings, from_number="+12125550001", body="Y")
    assert url == settings.public_base_url.rstrip("/") + SMS_PATH
    assert params["MessageSid"].startswith("SM") and len(params["MessageSid"]) == 34
    validator = RequestValidator(settings.local_sms_auth_token.get_secret_value())
    assert validator.validate(url, params, signature)
    assert not validator.validate(url, {**params, "Body": "N"}, signature)


def test_phones_show_what_each_rep_received(engine, settings) -> None:  # type: ignore[no-untyped-def]
    with Session(engine, expire_on_commit=False) as session:
        rep, other = create_rep(session, name="Ada"), create_rep(session, name="Bo")
        create_rep(session, name="Gone", active=False)
        create_outbound_message(session, to_number=rep.phone, body="draft ready. Reply Y",
                                status=OutboundStatus.DELIVERED, purpose=MessagePurpose.APPROVAL_REQUEST)
        create_outbound_message(session, to_number=rep.phone, body="logged only", status=OutboundStatus.SHADOW)
        session.commit()
    phones = load_phones(settings=settings)
    assert [phone.name for phone in phones] == ["Ada", "Bo"]
    ada = phones[0]
    assert [(m.direction, m.body, m.status) for m in ada.messages] == [
        ("out", "draft ready. Reply Y", "delivered"), ("out", "logged only", "shadow")]
    assert phones[1].messages == [] and phones[1].rep_id == str(other.id)


def test_a_reply_posts_a_signed_webhook_to_the_running_backend(engine, settings, redis_conn) -> None:  # type: ignore[no-untyped-def]
    with Session(engine, expire_on_commit=False) as session:
        rep = create_rep(session)
        approval = create_pending_approval(session, rep)
        session.commit()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    served = settings.model_copy(update={"public_base_url": base})
    with serve({"PUBLIC_BASE_URL": base}, port):
        assert asyncio.run(post_as_rep(settings=served, from_number=rep.phone, body="hmm")) == 200
        assert asyncio.run(post_as_rep(settings=served, from_number=rep.phone, body="Y")) == 200
        # Signed for another URL (a wrong PUBLIC_BASE_URL): refused by the real server.
        wrong = settings.model_copy(update={"public_base_url": "http://127.0.0.1:1"})
        url, params, signature = simulated_webhook(settings=wrong, from_number=rep.phone, body="N")
        import httpx

        refused = httpx.post(base + SMS_PATH, data=params, headers={"X-Twilio-Signature": signature}, trust_env=False)
        assert refused.status_code == 403
    with Session(engine) as session:
        assert session.get(Approval, approval.id).status == "approved"  # type: ignore[union-attr]
    phone = next(p for p in load_phones(settings=settings) if p.phone == rep.phone)
    assert [(m.direction, m.body) for m in phone.messages if m.direction == "in"] == [("in", "hmm"), ("in", "Y")]
    assert CLARIFY_TEXT in [m.body for m in phone.messages if m.direction == "out"]


# --- one browser check: the page in real Chromium, a reply through the real backend ------------------------

# The browser fixtures of test_browser.py (Chromium paths, a fresh driver per test).
browser_paths = test_browser.browser_paths
driver = test_browser.driver


@pytest.fixture(scope="module")
def simulator_dashboard(browser_paths, settings, migrated_engine, redis_server, tmp_path_factory):  # type: ignore[no-untyped-def]
    """`reflex run` on free ports, with PUBLIC_BASE_URL naming its own backend (the simulator posts there)."""
    from tests.sales_dashboard.test_browser import Dashboard, _stop, _wait_until_serving

    ensure_bun()
    ported = settings.model_copy(update={"dashboard_port": free_port(), "backend_port": free_port()})
    work_dir = tmp_path_factory.mktemp("reflex-sim")
    log = work_dir / "reflex.log"
    env = {**os.environ, **reflex_env(settings=ported, work_dir=work_dir),
           "PUBLIC_BASE_URL": f"http://localhost:{ported.backend_port}"}
    with open(log, "wb") as output:
        process = subprocess.Popen(reflex_command(settings=ported), env=env, stdout=output, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, start_new_session=True)
    running = Dashboard(frontend=f"http://localhost:{ported.dashboard_port}",
                        backend=f"http://localhost:{ported.backend_port}", process=process, log=log)
    try:
        _wait_until_serving(running)
        yield running
    finally:
        _stop(process)


@pytest.mark.browser
def test_simulator_page_shows_the_inbox_and_replies_as_the_rep(simulator_dashboard, driver, engine) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec

    from tests.sales_dashboard.test_browser import PAGE_TIMEOUT, _by_id, _log_in, _text_of, _wait

    with Session(engine, expire_on_commit=False) as session:
        founder = create_founder(session, password="correct horse battery")
        rep = create_rep(session, name="Sim Rep")
        approval = create_pending_approval(session, rep)
        create_outbound_message(session, to_number=rep.phone, body="draft ready. Reply Y to approve",
                                status=OutboundStatus.DELIVERED, purpose=MessagePurpose.APPROVAL_REQUEST)
        session.commit()
    _log_in(driver, simulator_dashboard, founder.email)
    driver.get(simulator_dashboard.frontend + ROUTE)
    card = f"phone-{rep.id}"
    _wait(driver, PAGE_TIMEOUT).until(ec.visibility_of_element_located(_by_id(card)))
    assert "draft ready. Reply Y to approve" in _text_of(driver, card, "draft ready")
    box = driver.find_element(By.CSS_SELECTOR, f"#{card} textarea")
    box.send_keys("Y")
    driver.find_element(By.CSS_SELECTOR, f"#{card} button[type=submit]").click()
    _text_of(driver, "notice", "webhook answered 200")

    def approved(_driver) -> bool:  # type: ignore[no-untyped-def]
        with Session(engine) as check:
            return check.get(Approval, approval.id).status == "approved"  # type: ignore[union-attr]

    _wait(driver).until(approved)
    # The rep's own message appears in the thread by the periodic refresh or the reload after sending.
    bubbles = f"#{card} .sms-bubble"
    _wait(driver).until(lambda d: "Y" in [b.text.split("\n")[0] for b in d.find_elements(By.CSS_SELECTOR, bubbles)])

