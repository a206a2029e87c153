"""The review pages in real Chromium against the real app (started as in test_browser.py, on free ports).

A founder logs in, reviews a verdict blind (the agent's call is not in the page before their own call, and is
after), sees the agreement rate move and opens a cited row; marks a draft; approves a PIP (the reason is required)
and the database shows the approval approved and, in shadow mode, no message queued.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlmodel import Session, select

from core.metrics import refresh_rep_weekly_metrics
from core.models import (
    Approval,
    ApprovalStatus,
    OutboundMessage,
    Review,
    SequenceState,
    VerdictAction,
    VerdictLevel,
    VerdictStatus,
)
from core.models import Sequence as SequenceRow
from sales_dashboard import routes
from tests.factories import create_draft, create_founder, create_rep, create_verdict, create_week_activity
from tests.sales_dashboard import test_browser as harness

pytestmark = pytest.mark.browser

# The real app, browser and helpers of the dashboard's main browser module (fixtures re-exported for pytest).
browser_paths = harness.browser_paths
dashboard = harness.dashboard
driver = harness.driver
_click, _text_of, _by_id, _wait = harness._click, harness._text_of, harness._by_id, harness._wait

WEEK = date(2026, 11, 16)
RATIONALE = "Fourteen emails against a floor of 200, three weeks running: the PIP band."


def _seed(session: Session, engine, settings):  # type: ignore[no-untyped-def]
    founder = create_founder(session, password=harness.PASSWORD)
    rep = create_rep(session, name="Ann Example", email="ann@ann.example")
    create_week_activity(session, rep, WEEK, emails=14, replies=1)
    verdict, approval = create_verdict(
        session, rep, WEEK, verdict=VerdictLevel.BELOW_FLOOR_PIP, policy_band=VerdictLevel.BELOW_FLOOR_PIP,
        action=VerdictAction.PIP, rationale=RATIONALE, status=VerdictStatus.AWAITING_FOUNDER,
    )  # fmt: skip
    touch = create_draft(session, rep, datetime(2026, 11, 23, 15, tzinfo=UTC))
    sequence = session.get(SequenceRow, touch.sequence_id)
    assert sequence is not None
    sequence.state = SequenceState.SHADOW_LOGGED
    sequence.research = {"facts": [{"text": "Opened a Denver office", "source_url": "https://example.com/denver"}]}
    session.add(sequence)
    session.commit()
    refresh_rep_weekly_metrics(engine, tz=settings.tz, today=WEEK)
    return founder, verdict, approval, touch.sequence_id


def _open(driver, dashboard, route: str, ready_id: str) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.support import expected_conditions as ec

    driver.get(dashboard.frontend + route)
    _wait(driver, harness.PAGE_TIMEOUT).until(ec.element_to_be_clickable(_by_id(ready_id)))


def _type(driver, element_id: str, text: str) -> None:  # type: ignore[no-untyped-def]
    field = driver.find_element(*_by_id(element_id))
    field.send_keys(text)
    _wait(driver).until(lambda d: d.find_element(*_by_id(element_id)).get_attribute("value") == text)


def test_blind_verdict_review_draft_mark_and_pip_approval(dashboard, driver, session, engine, settings) -> None:  # type: ignore[no-untyped-def]
    founder, verdict, approval, sequence_id = _seed(session, engine, settings)
    harness._log_in(driver, dashboard, founder.email)

    # Verdict review, blind: the founder's own call first; the agent's is not in the page at all until then.
    _open(driver, dashboard, routes.VERDICTS, f"open-verdict-{verdict.id}")
    assert "no verdict reviews" in _text_of(driver, "agreement-rate", "no verdict reviews")
    _click(driver, f"open-verdict-{verdict.id}")
    _wait(driver).until(lambda d: d.find_elements(*_by_id("blind-metrics")))
    assert "The agent's call stays hidden" in _text_of(driver, "blind-note", "stays hidden")
    assert not driver.find_elements(*_by_id("agent-call")) and RATIONALE not in driver.page_source
    assert "14" in driver.find_element(*_by_id("blind-metrics")).text  # the rep's week is there to judge
    _click(driver, "call-BELOW_FLOOR")
    assert _text_of(driver, "agent-call", "BELOW_FLOOR_PIP") == "BELOW_FLOOR_PIP"
    assert _text_of(driver, "founder-call", "BELOW_FLOOR") == "BELOW_FLOOR"
    assert RATIONALE in driver.find_element(*_by_id("agent-rationale")).text
    assert _text_of(driver, "agreement-rate", "0% (0/1)").startswith("0% (0/1)")
    # Evidence opens the exact row it cites.
    assert _text_of(driver, "evidence-0", "week of 2026-11-16").startswith("week of 2026-11-16: 14 emails")
    _click(driver, "evidence-0")
    assert "emails_sent: 14" in _text_of(driver, "evidence-detail", "emails_sent")
    _type(driver, "review-note", "Adjacent band; the PIP is fair.")
    _click(driver, "mark-agree")
    assert _text_of(driver, "agreement-rate", "100% (1/1)").startswith("100% (1/1)")
    with Session(engine) as check:
        review = check.exec(select(Review).where(Review.subject_kind == "verdict")).one()
        assert (review.founder_call, review.agent_call, review.agrees, review.shadow_mode) == (
            "BELOW_FLOOR", "BELOW_FLOOR_PIP", True, True,
        )  # fmt: skip
        assert review.notes == "Adjacent band; the PIP is fair."

    # Draft review: the touches, the research with its source, and the founder's call.
    _open(driver, dashboard, routes.DRAFTS, f"send-{sequence_id}")
    card = driver.find_element(*_by_id(f"draft-{sequence_id}"))
    assert "Opened a Denver office" in card.text and "Hello" in card.text
    _click(driver, f"send-{sequence_id}")
    assert "send as is" in _text_of(driver, "notice", "send as is")
    with Session(engine) as check:
        draft_review = check.exec(select(Review).where(Review.subject_kind == "draft")).one()
        assert (draft_review.subject_id, draft_review.founder_call, draft_review.agrees) == (sequence_id, "send", True)

    # Approval queue: a reason is required; approving in shadow mode queues nothing.
    _open(driver, dashboard, routes.APPROVALS, f"select-approval-{approval.id}")
    assert RATIONALE in driver.find_element(*_by_id(f"approval-{approval.id}")).text
    _click(driver, f"select-approval-{approval.id}")
    _click(driver, "approve-action")
    _click(driver, "approve-action-confirm")
    assert _text_of(driver, "decision-problem", "reason is required") == "A reason is required."
    with Session(engine) as check:
        assert check.get(Approval, approval.id).status == ApprovalStatus.PENDING  # type: ignore[union-attr]
    _type(driver, "decision-reason", "Three weeks under the floor.")
    _click(driver, "approve-action")
    _click(driver, "approve-action-confirm")
    assert "Approved: pip" in _text_of(driver, "notice", "Approved")
    with Session(engine) as check:
        decided = check.get(Approval, approval.id)
        assert decided is not None and decided.status == ApprovalStatus.APPROVED
        assert decided.resolved_by == f"founder:{founder.id}" and decided.reply_text == "Three weeks under the floor."
        assert check.exec(select(OutboundMessage)).all() == []
