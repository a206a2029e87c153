"""Founders' reviews: recorded once per founder and subject, marked after the reveal, agreement over a window."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import Session, select

from core.metrics import refresh_rep_weekly_metrics
from core.models import AuditEvent, Review, ReviewSubject, VerdictAction, VerdictLevel
from core.policy import EvidenceTable
from core.reviews import (
    agreement,
    draft_approvals_in_flight,
    drafts_to_review,
    mark_agreement,
    pending_verdict_actions,
    record_review,
    resolve_evidence,
    verdicts_to_review,
)
from tests.factories import (
    create_draft,
    create_founder,
    create_pending_approval,
    create_rep,
    create_snapshot,
    create_verdict,
    create_week_activity,
)

NOW = datetime(2026, 11, 24, 14, 0, tzinfo=UTC)
WEEK = date(2026, 11, 16)


def _review(session: Session, founder_id: int, subject_id: int, *, agrees: bool, at: datetime = NOW, **kw):  # type: ignore[no-untyped-def]
    return record_review(
        session=session, founder_id=founder_id, subject_kind=kw.pop("kind", ReviewSubject.VERDICT),
        subject_id=subject_id, founder_call=kw.pop("founder_call", "MEETS"), agent_call="MEETS", agrees=agrees,
        shadow_mode=True, now=at, **kw,
    )  # fmt: skip


def test_a_review_is_recorded_once_per_founder_and_subject(session: Session) -> None:
    founder = create_founder(session)
    review, new = _review(session, founder.id, 7, agrees=True, notes="fine")
    again, new_again = _review(session, founder.id, 7, agrees=False, founder_call="CRITICAL")
    session.commit()
    assert new and not new_again and again.id == review.id
    stored = session.exec(select(Review)).one()
    assert (stored.founder_call, stored.agrees, stored.notes, stored.shadow_mode) == ("MEETS", True, "fine", True)
    assert session.exec(select(AuditEvent).where(AuditEvent.action == "review.recorded")).one().subject_id == 7
    # Another founder, or the same subject of the other kind, is a review of its own.
    other = create_founder(session)
    assert _review(session, other.id, 7, agrees=False)[1]
    assert _review(session, founder.id, 7, agrees=False, kind=ReviewSubject.DRAFT)[1]


def test_marking_changes_agrees_and_note_but_never_the_blind_call(session: Session) -> None:
    founder = create_founder(session)
    _review(session, founder.id, 3, agrees=False, founder_call="BELOW_FLOOR")
    marked = mark_agreement(
        session=session, founder_id=founder.id, subject_kind=ReviewSubject.VERDICT, subject_id=3, agrees=True,
        notes="adjacent level; fair call",
    )  # fmt: skip
    assert (marked.founder_call, marked.agrees, marked.notes) == ("BELOW_FLOOR", True, "adjacent level; fair call")
    with pytest.raises(ValueError, match="has not reviewed"):
        mark_agreement(
            session=session, founder_id=founder.id, subject_kind=ReviewSubject.VERDICT, subject_id=4, agrees=True,
            notes=None,
        )  # fmt: skip


def test_agreement_counts_the_trailing_window_per_kind(session: Session) -> None:
    founder = create_founder(session)
    assert agreement(session=session, subject_kind=ReviewSubject.VERDICT, now=NOW).rate is None
    _review(session, founder.id, 1, agrees=True, at=NOW - timedelta(days=1))
    _review(session, founder.id, 2, agrees=True, at=NOW - timedelta(days=13, hours=23))
    _review(session, founder.id, 3, agrees=False, at=NOW - timedelta(days=2))
    _review(session, founder.id, 4, agrees=False, at=NOW - timedelta(days=15))  # outside the window
    _review(session, founder.id, 5, agrees=False, at=NOW, kind=ReviewSubject.DRAFT)  # the other kind
    session.commit()
    result = agreement(session=session, subject_kind=ReviewSubject.VERDICT, now=NOW)
    assert (result.agreed, result.total) == (2, 3) and result.rate == pytest.approx(2 / 3)
    drafts = agreement(session=session, subject_kind=ReviewSubject.DRAFT, now=NOW)
    assert (drafts.agreed, drafts.total, drafts.rate) == (0, 1, 0.0)


def test_queues_leave_out_what_this_founder_reviewed(session: Session) -> None:
    founder, other = create_founder(session), create_founder(session)
    rep = create_rep(session)
    older, _ = create_verdict(session, rep, WEEK - timedelta(weeks=1))
    newer, approval = create_verdict(session, rep, WEEK, verdict=VerdictLevel.BELOW_FLOOR_PIP, action=VerdictAction.PIP)
    touch = create_draft(session, rep, NOW)
    session.commit()
    assert [v.id for v in verdicts_to_review(session=session, founder_id=founder.id)] == [newer.id, older.id]
    _review(session, founder.id, newer.id, agrees=True)
    assert [v.id for v in verdicts_to_review(session=session, founder_id=founder.id)] == [older.id]
    assert len(verdicts_to_review(session=session, founder_id=other.id)) == 2
    # create_draft leaves the sequence queued: not reviewable until drafted.
    assert drafts_to_review(session=session, founder_id=founder.id) == []
    assert [(a.id, v.id) for a, v in pending_verdict_actions(session=session)] == [(approval.id, newer.id)]
    in_flight = create_pending_approval(session, rep, subject_id=touch.sequence_id)
    assert [a.id for a in draft_approvals_in_flight(session=session)] == [in_flight.id]


def test_evidence_resolves_to_the_exact_rows(session: Session, engine, settings) -> None:  # type: ignore[no-untyped-def]
    rep = create_rep(session, email="ann@ann.example")
    create_week_activity(session, rep, WEEK, emails=50, replies=1, meetings=0)
    snapshot_id = create_snapshot(session, "ann.example", WEEK, spam_rate=0.002)
    session.commit()
    refresh_rep_weekly_metrics(engine, tz=settings.tz, today=WEEK)
    rows = resolve_evidence(
        session=session,
        refs=[
            {"table": "rep_weekly_metrics", "id": f"{rep.id}:{WEEK.isoformat()}"},
            {"table": "deliverability_snapshots", "id": snapshot_id},
            {"table": "activity_events", "id": 999_999},
            {"table": "nonsense"},
        ],
    )
    assert rows[0].label == "week of 2026-11-16: 50 emails, 2% reply rate, 0 meetings"
    assert ("emails_sent", "50") in rows[0].fields and rows[0].table == EvidenceTable.REP_WEEKLY_METRICS.value
    assert rows[1].label == "deliverability 2026-11-16 (ann.example): spam rate 0.20%"
    assert rows[2].label.endswith("no such row") and rows[2].fields == ()
    assert rows[3].label.startswith("malformed evidence reference")
