"""Approvals: one pending draft per rep, resolved once by a conditional update, expired after 48 h; audited."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, select

from core.approvals import (
    APPROVAL_TIMEOUT,
    ApprovalInFlight,
    create_approval,
    expire_due_approvals,
    pending_approval_for_rep,
    resolve_approval,
)
from core.models import Approval, ApprovalKind, ApprovalStatus, AuditEvent
from tests.factories import create_rep

NOW = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)


def test_create_is_idempotent_per_subject(session: Session) -> None:
    rep = create_rep(session)
    first, new = create_approval(session=session, kind=ApprovalKind.DRAFT, subject_id=7, rep_id=rep.id, now=NOW)
    again, new_again = create_approval(session=session, kind=ApprovalKind.DRAFT, subject_id=7, rep_id=rep.id, now=NOW)
    assert new and not new_again and first.id == again.id
    assert first.expires_at == NOW + APPROVAL_TIMEOUT == NOW + timedelta(hours=48)
    assert pending_approval_for_rep(session=session, rep_id=rep.id).id == first.id  # type: ignore[union-attr]


def test_one_draft_in_flight_per_rep(session: Session) -> None:
    rep, other = create_rep(session), create_rep(session)
    create_approval(session=session, kind=ApprovalKind.DRAFT, subject_id=1, rep_id=rep.id, now=NOW)
    with pytest.raises(ApprovalInFlight):
        create_approval(session=session, kind=ApprovalKind.DRAFT, subject_id=2, rep_id=rep.id, now=NOW)
    # The failed insert rolled back only its savepoint: the session is usable and other reps are unaffected.
    _, new = create_approval(session=session, kind=ApprovalKind.DRAFT, subject_id=3, rep_id=other.id, now=NOW)
    assert new
    session.commit()


def test_resolve_wins_once_and_is_audited(session: Session) -> None:
    rep = create_rep(session)
    approval, _ = create_approval(session=session, kind=ApprovalKind.DRAFT, subject_id=1, rep_id=rep.id, now=NOW)
    assert approval.id is not None
    won = resolve_approval(session=session, approval_id=approval.id, status=ApprovalStatus.EDITED,
                           reply_text="my text", resolved_by=f"rep:{rep.id}", now=NOW)
    lost = resolve_approval(session=session, approval_id=approval.id, status=ApprovalStatus.APPROVED,
                            reply_text="Y", resolved_by=f"rep:{rep.id}", now=NOW)
    assert (won, lost) == (True, False)
    row = session.get(Approval, approval.id)
    assert row is not None
    assert (row.status, row.reply_text, row.resolved_by, row.resolved_at) == ("edited", "my text", f"rep:{rep.id}", NOW)
    events = session.exec(select(AuditEvent).where(AuditEvent.subject_type == "approval")).all()
    assert [event.action for event in events] == ["approval.requested", "approval.edited"]
    assert pending_approval_for_rep(session=session, rep_id=rep.id) is None
    # A resolved approval frees the rep for the next draft.
    _, new = create_approval(session=session, kind=ApprovalKind.DRAFT, subject_id=2, rep_id=rep.id, now=NOW)
    assert new


def test_resolve_refuses_pending_as_an_answer(session: Session) -> None:
    with pytest.raises(ValueError):
        resolve_approval(session=session, approval_id=1, status=ApprovalStatus.PENDING, reply_text=None,
                         resolved_by="x", now=NOW)


def test_concurrent_resolutions_have_one_winner(engine) -> None:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        rep = create_rep(session)
        approval, _ = create_approval(session=session, kind=ApprovalKind.DRAFT, subject_id=1, rep_id=rep.id, now=NOW)
        session.commit()
        approval_id = approval.id
    barrier = threading.Barrier(4)
    results: list[bool] = []

    def answer(status: ApprovalStatus) -> None:
        with Session(engine) as own:
            barrier.wait()
            results.append(resolve_approval(session=own, approval_id=approval_id, status=status, reply_text="x",
                                            resolved_by="rep", now=NOW))
            own.commit()

    threads = [threading.Thread(target=answer, args=(status,)) for status in
               (ApprovalStatus.APPROVED, ApprovalStatus.SKIPPED, ApprovalStatus.APPROVED, ApprovalStatus.SKIPPED)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False, False, False, True]
    with Session(engine) as session:
        resolutions = session.exec(select(AuditEvent).where(AuditEvent.action != "approval.requested")).all()
        assert len(resolutions) == 1


def test_expiry_after_48_hours_is_a_skip_handled_once(session: Session) -> None:
    rep, other = create_rep(session), create_rep(session)
    due, _ = create_approval(session=session, kind=ApprovalKind.DRAFT, subject_id=1, rep_id=rep.id, now=NOW)
    fresh, _ = create_approval(session=session, kind=ApprovalKind.DRAFT, subject_id=2, rep_id=other.id,
                               now=NOW + timedelta(hours=1))
    assert expire_due_approvals(session=session, now=NOW + timedelta(hours=47, minutes=59)) == []
    expired = expire_due_approvals(session=session, now=NOW + timedelta(hours=48))
    assert [(item.approval_id, item.subject_id, item.status) for item in expired] == [(due.id, 1, "expired")]
    assert expire_due_approvals(session=session, now=NOW + timedelta(hours=48)) == []
    assert session.get(Approval, due.id).resolved_by == "system:expiry"  # type: ignore[union-attr]
    assert session.get(Approval, fresh.id).status == "pending"  # type: ignore[union-attr]
    assert session.exec(select(AuditEvent).where(AuditEvent.action == "approval.expired")).one().subject_id == due.id
