"""Verdicts in the database: history, one verdict per rep and week, routing applied, founders' decisions."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from core.config import AgentMode
from core.controls import get_controls
from core.errors import SafetyRefusal
from core.evidence import rep_sending_domain
from core.metrics import refresh_rep_weekly_metrics
from core.models import (
    Approval,
    ApprovalKind,
    ApprovalStatus,
    AuditEvent,
    MessagePurpose,
    OutboundMessage,
    Verdict,
    VerdictAction,
    VerdictLevel,
    VerdictStatus,
)
from core.outbox import queue_sms
from core.policy import metrics_ref
from core.routing import Route
from core.verdicts import (
    NewVerdict,
    approve_verdict_action,
    history_weeks,
    load_rep_history,
    record_verdict,
    reject_verdict_action,
)
from tests.factories import create_founder, create_rep, create_snapshot, create_week_activity

WEEK = date(2026, 11, 16)
NOW = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)


@pytest.fixture
def rep(session: Session, engine, settings):  # type: ignore[no-untyped-def]
    """A rep with two weeks of activity and a week of deliverability."""
    rep = create_rep(session, name="Ann", email="ann@ann.example")
    create_week_activity(session, rep, WEEK, emails=5, replies=1, meetings=1)
    create_week_activity(session, rep, WEEK - timedelta(weeks=1), emails=4)
    create_week_activity(session, rep, WEEK - timedelta(weeks=8), emails=9)  # before the period
    for day in range(7):
        create_snapshot(session, rep_sending_domain(rep), WEEK + timedelta(days=day), spam_rate=0.0004)
    session.commit()
    refresh_rep_weekly_metrics(engine, tz=settings.tz, today=WEEK)
    return rep


def live(session: Session, settings, *, send: bool = True, kill: bool = False):  # type: ignore[no-untyped-def]
    """Make the controls row live and return settings whose environment ceiling allows it."""
    row = get_controls(session=session)
    row.mode, row.send_enabled, row.kill_switch = AgentMode.LIVE, send, kill
    session.add(row)
    session.flush()
    return settings.model_copy(update={"agent_mode": AgentMode.LIVE, "agent_send_enabled": True})


def new(rep, level: VerdictLevel, action: VerdictAction, *, band: VerdictLevel | None = None, refs=None) -> NewVerdict:  # type: ignore[no-untyped-def]
    """A verdict for the rep's week citing its real metrics row."""
    return NewVerdict(
        rep_id=rep.id, week_start=WEEK, verdict=level, rationale="Five emails this week, well under the floor.",
        evidence_refs=refs if refs is not None else [metrics_ref(rep.id, WEEK).model_dump(mode="json")],
        policy_band=band or level, action=action, provider="offline-rules", model="offline-rules",
        prompt_version="policy-test",
    )  # fmt: skip


def messages(session: Session) -> list[OutboundMessage]:
    return list(session.exec(select(OutboundMessage)))


def test_history_has_the_period_rows_only(session: Session, rep) -> None:  # type: ignore[no-untyped-def]
    history = load_rep_history(session=session, rep_id=rep.id, week_start=WEEK)
    assert history.weeks == tuple(history_weeks(WEEK)) and len(history.weeks) == 8
    assert [(m.week_start, m.emails_sent, m.replies) for m in history.metrics] == [
        (WEEK - timedelta(weeks=1), 4, 0),
        (WEEK, 5, 1),
    ]
    assert len(history.deliverability) == 7 and all(d.id for d in history.deliverability)


def test_one_verdict_per_rep_and_week(session: Session, settings, rep) -> None:  # type: ignore[no-untyped-def]
    first, created = record_verdict(session=session, new=new(rep, VerdictLevel.MEETS, VerdictAction.NONE),
                                    settings=settings, now=NOW)  # fmt: skip
    again, created_again = record_verdict(
        session=session, new=new(rep, VerdictLevel.CRITICAL, VerdictAction.TERMINATE), settings=settings, now=NOW
    )
    assert created and not created_again and again.id == first.id and again.verdict == VerdictLevel.MEETS
    assert len(session.exec(select(Verdict)).all()) == 1
    assert session.exec(select(Approval)).all() == []
    assert first.status == VerdictStatus.LOGGED and first.shadow_mode and first.provider == "offline-rules"


def test_invalid_evidence_sends_the_verdict_to_a_founder(session: Session, settings, rep) -> None:  # type: ignore[no-untyped-def]
    refs = [{"table": "activity_events", "id": "999999"}, {"table": "rep_weekly_metrics", "id": f"{rep.id}:2020-01-06"}]
    verdict, _ = record_verdict(
        session=session, new=new(rep, VerdictLevel.BELOW_FLOOR, VerdictAction.WARNING, refs=refs),
        settings=live(session, settings), now=NOW,
    )  # fmt: skip
    assert verdict.status == VerdictStatus.NEEDS_REVIEW
    assert len(verdict.review_reasons) == 2 and "no such row" in verdict.review_reasons[0]
    assert messages(session) == []  # a warning with bad evidence does not go out, even live


def test_a_verdict_far_from_the_band_goes_to_a_founder(session: Session, settings, rep) -> None:  # type: ignore[no-untyped-def]
    verdict, _ = record_verdict(
        session=session, new=new(rep, VerdictLevel.EXCEEDS, VerdictAction.PRAISE, band=VerdictLevel.BELOW_FLOOR),
        settings=live(session, settings), now=NOW,
    )  # fmt: skip
    assert verdict.status == VerdictStatus.NEEDS_REVIEW and "2 bands" in verdict.review_reasons[0]
    assert messages(session) == []


def test_one_band_off_is_routed_normally(session: Session, settings, rep) -> None:  # type: ignore[no-untyped-def]
    verdict, _ = record_verdict(
        session=session, new=new(rep, VerdictLevel.MEETS, VerdictAction.NONE, band=VerdictLevel.BELOW_FLOOR),
        settings=settings, now=NOW,
    )  # fmt: skip
    assert verdict.status == VerdictStatus.LOGGED and verdict.review_reasons == []


@pytest.mark.parametrize(("send", "kill", "queued"), [(True, False, True), (False, False, False), (True, True, False)])
def test_warning_goes_out_only_live_with_sending_on_and_no_kill_switch(
    session: Session, settings, rep, send: bool, kill: bool, queued: bool
) -> None:  # type: ignore[no-untyped-def]
    verdict, _ = record_verdict(session=session, new=new(rep, VerdictLevel.BELOW_FLOOR, VerdictAction.WARNING),
                                settings=live(session, settings, send=send, kill=kill), now=NOW)  # fmt: skip
    sent = messages(session)
    if queued:
        assert verdict.status == VerdictStatus.QUEUED and not verdict.shadow_mode
        [message] = sent
        assert (message.purpose, message.idempotency_key, message.to_number, message.rep_id) == (
            MessagePurpose.WARNING, f"verdict:{verdict.id}:warning", rep.phone, rep.id)  # fmt: skip
    else:
        assert verdict.status == VerdictStatus.LOGGED and sent == []


def test_shadow_queues_nothing(session: Session, settings, rep) -> None:  # type: ignore[no-untyped-def]
    verdict, _ = record_verdict(session=session, new=new(rep, VerdictLevel.EXCEEDS, VerdictAction.PRAISE),
                                settings=settings, now=NOW)  # fmt: skip
    assert verdict.status == VerdictStatus.LOGGED and messages(session) == []
    audit = session.exec(select(AuditEvent).where(AuditEvent.action == "verdict.routed")).one()
    assert audit.details["status"] == "logged" and "shadow mode" in audit.details["reason"]


@pytest.mark.parametrize("action", [VerdictAction.PIP, VerdictAction.TERMINATE])
def test_pip_waits_for_a_founder_and_goes_out_with_their_id(session: Session, settings, rep, action) -> None:  # type: ignore[no-untyped-def]
    level = VerdictLevel.BELOW_FLOOR_PIP if action is VerdictAction.PIP else VerdictLevel.CRITICAL
    live_settings = live(session, settings)
    verdict, _ = record_verdict(session=session, new=new(rep, level, action), settings=live_settings, now=NOW)
    assert verdict.status == VerdictStatus.AWAITING_FOUNDER and messages(session) == []
    approval = session.exec(select(Approval)).one()
    assert (approval.kind, approval.subject_id, approval.status) == (
        ApprovalKind.VERDICT_ACTION, verdict.id, ApprovalStatus.PENDING)  # fmt: skip

    founder = create_founder(session)
    decision = approve_verdict_action(session=session, approval_id=approval.id, founder_id=founder.id,
                                      settings=live_settings, now=NOW + timedelta(hours=2))  # fmt: skip
    assert decision.decided and decision.message is not None
    [message] = messages(session)
    assert (message.purpose.value, message.approved_by, message.approval_id) == (action.value, founder.id, approval.id)
    assert decision.verdict.status == VerdictStatus.QUEUED
    session.refresh(approval)
    assert approval.status == ApprovalStatus.APPROVED and approval.resolved_by == f"founder:{founder.id}"
    # A second answer decides nothing and queues nothing more.
    again = approve_verdict_action(session=session, approval_id=approval.id, founder_id=founder.id,
                                   settings=live_settings, now=NOW + timedelta(hours=3))  # fmt: skip
    assert not again.decided and len(messages(session)) == 1


def test_approval_in_shadow_queues_nothing(session: Session, settings, rep) -> None:  # type: ignore[no-untyped-def]
    verdict, _ = record_verdict(session=session, new=new(rep, VerdictLevel.BELOW_FLOOR_PIP, VerdictAction.PIP),
                                settings=settings, now=NOW)  # fmt: skip
    approval = session.exec(select(Approval)).one()
    assert approval.shadow_mode
    founder = create_founder(session)
    decision = approve_verdict_action(session=session, approval_id=approval.id, founder_id=founder.id,
                                      settings=settings, now=NOW)  # fmt: skip
    assert decision.decided and decision.message is None and "shadow mode" in decision.notes[0]
    assert decision.verdict.status == VerdictStatus.APPROVED and messages(session) == []


def test_rejected_action_never_goes_out(session: Session, settings, rep) -> None:  # type: ignore[no-untyped-def]
    live_settings = live(session, settings)
    record_verdict(session=session, new=new(rep, VerdictLevel.CRITICAL, VerdictAction.TERMINATE),
                   settings=live_settings, now=NOW)  # fmt: skip
    approval = session.exec(select(Approval)).one()
    founder = create_founder(session)
    decision = reject_verdict_action(session=session, approval_id=approval.id, founder_id=founder.id, now=NOW)
    assert decision.decided and decision.verdict.status == VerdictStatus.REJECTED
    late = approve_verdict_action(session=session, approval_id=approval.id, founder_id=founder.id,
                                  settings=live_settings, now=NOW)  # fmt: skip
    assert not late.decided and messages(session) == []


def test_only_an_active_founder_decides(session: Session, settings, rep) -> None:  # type: ignore[no-untyped-def]
    record_verdict(session=session, new=new(rep, VerdictLevel.BELOW_FLOOR_PIP, VerdictAction.PIP),
                   settings=settings, now=NOW)  # fmt: skip
    approval = session.exec(select(Approval)).one()
    inactive = create_founder(session)
    inactive.active = False
    session.add(inactive)
    session.flush()
    for founder_id in (999999, inactive.id):
        with pytest.raises(SafetyRefusal):
            approve_verdict_action(session=session, approval_id=approval.id, founder_id=founder_id,
                                   settings=settings, now=NOW)  # fmt: skip
    session.refresh(approval)
    assert approval.status == ApprovalStatus.PENDING


@pytest.mark.parametrize("purpose", [MessagePurpose.PIP, MessagePurpose.TERMINATE])
def test_the_database_refuses_a_pip_message_without_a_founder(session: Session, rep, purpose) -> None:  # type: ignore[no-untyped-def]
    """Even a caller that skips the approval cannot queue one: the outbox CHECK refuses it."""
    with pytest.raises(IntegrityError):
        queue_sms(session=session, idempotency_key=f"verdict:1:{purpose.value}", to_number=rep.phone, body="x",
                  purpose=purpose, rep_id=rep.id)  # fmt: skip


def test_a_routing_bug_that_queues_a_pip_is_refused_by_the_database(session: Session, settings, rep, monkeypatch):  # type: ignore[no-untyped-def]
    """Defence in depth: even if the routing decision were wrong, record_verdict cannot queue a PIP message."""
    import core.verdicts

    def wrong(**_: object) -> Route:
        return Route(VerdictStatus.QUEUED, False, MessagePurpose.PIP, "a bug")

    monkeypatch.setattr(core.verdicts, "decide_route", wrong)
    with pytest.raises(IntegrityError):
        record_verdict(session=session, new=new(rep, VerdictLevel.BELOW_FLOOR_PIP, VerdictAction.PIP),
                       settings=live(session, settings), now=NOW)  # fmt: skip


def test_a_pip_under_review_still_waits_for_a_founder(session: Session, settings, rep) -> None:  # type: ignore[no-untyped-def]
    refs = [{"table": "activity_events", "id": "999999"}]
    verdict, _ = record_verdict(
        session=session, new=new(rep, VerdictLevel.BELOW_FLOOR_PIP, VerdictAction.PIP, refs=refs),
        settings=live(session, settings), now=NOW,
    )  # fmt: skip
    assert verdict.status == VerdictStatus.NEEDS_REVIEW and verdict.review_reasons
    assert session.exec(select(Approval)).one().subject_id == verdict.id and messages(session) == []
