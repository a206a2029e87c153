"""The sequence state machine: each transition is a conditional update that says whether it won."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import select

from core import sequences as sm
from core.approvals import create_approval, resolve_approval
from core.models import ApprovalKind, ApprovalStatus, Lead, LeadStatus, Sequence, SequenceState, Touch
from tests.factories import create_lead, create_rep

T0 = datetime(2026, 11, 24, 14, 0, tzinfo=UTC)
S = SequenceState
TEXTS = [
    sm.TouchText(1, "Subject one", "Body one", None, {"passed": True}),
    sm.TouchText(2, "Subject two", "Body two", "Call script", {"passed": True}),
    sm.TouchText(3, "Subject three", "Body three", None, {"passed": True}),
]


def make(session, *, rep=None) -> int:  # type: ignore[no-untyped-def]
    rep = rep or create_rep(session)
    lead = create_lead(session, assigned_rep_id=rep.id, status=LeadStatus.IN_SEQUENCE)
    sequence = sm.create_sequence(session=session, lead_id=lead.id, rep_id=rep.id, shadow_mode=True, now=T0)
    assert sequence is not None and sequence.id is not None
    session.flush()
    return sequence.id


def state(session, sequence_id: int) -> str:  # type: ignore[no-untyped-def]
    session.expire_all()
    return session.get(Sequence, sequence_id).state


def drafted(session, *, rep=None) -> int:  # type: ignore[no-untyped-def]
    sequence_id = make(session, rep=rep)
    assert sm.mark_researched(session=session, sequence_id=sequence_id, research={"facts": []}, now=T0)
    assert sm.mark_drafted(session=session, sequence_id=sequence_id, touches=TEXTS, model="m", prompt_version="p",
                           now=T0)  # fmt: skip
    return sequence_id


def test_one_sequence_per_lead(session) -> None:  # type: ignore[no-untyped-def]
    rep = create_rep(session)
    lead = create_lead(session)
    assert sm.create_sequence(session=session, lead_id=lead.id, rep_id=rep.id, shadow_mode=True, now=T0)
    assert sm.create_sequence(session=session, lead_id=lead.id, rep_id=rep.id, shadow_mode=True, now=T0) is None
    assert len(session.exec(select(Sequence)).all()) == 1


def test_each_transition_wins_once_and_only_from_its_expected_state(session) -> None:  # type: ignore[no-untyped-def]
    sequence_id = make(session)
    assert not sm.mark_shadow_logged(session=session, sequence_id=sequence_id, now=T0)  # not drafted yet
    assert sm.mark_researched(session=session, sequence_id=sequence_id, research={"facts": [1]}, now=T0)
    assert not sm.mark_researched(session=session, sequence_id=sequence_id, research={}, now=T0)
    assert sm.mark_drafted(session=session, sequence_id=sequence_id, touches=TEXTS, model="m", prompt_version="p",
                           now=T0)  # fmt: skip
    # A second drafter loses and writes no touches (the first one's stay).
    assert not sm.mark_drafted(session=session, sequence_id=sequence_id, touches=TEXTS, model="m2",
                               prompt_version="p2", now=T0)  # fmt: skip
    touches = session.exec(select(Touch).where(Touch.sequence_id == sequence_id)).all()
    assert sorted((t.step, t.day_offset, t.channel) for t in touches) == [
        (1, 0, "email"), (2, 3, "call_and_email"), (3, 7, "email")
    ]  # fmt: skip
    assert sm.mark_awaiting_rep(session=session, sequence_id=sequence_id, now=T0)
    assert not sm.mark_shadow_logged(session=session, sequence_id=sequence_id, now=T0)
    assert sm.mark_resolved(session=session, sequence_id=sequence_id, status=ApprovalStatus.EDITED, now=T0)
    assert not sm.mark_resolved(session=session, sequence_id=sequence_id, status=ApprovalStatus.APPROVED, now=T0)
    assert state(session, sequence_id) == S.EDITED
    assert sm.mark_completed(session=session, sequence_id=sequence_id, now=T0)
    assert not sm.mark_lead_replied(session=session, sequence_id=sequence_id, now=T0)  # terminal stays terminal
    assert state(session, sequence_id) == S.COMPLETED


def test_drafted_needs_all_three_touches(session) -> None:  # type: ignore[no-untyped-def]
    sequence_id = make(session)
    sm.mark_researched(session=session, sequence_id=sequence_id, research={}, now=T0)
    with pytest.raises(ValueError, match="1, 2 and 3"):
        sm.mark_drafted(session=session, sequence_id=sequence_id, touches=TEXTS[:2], model="m", prompt_version="p",
                        now=T0)  # fmt: skip


def test_failures_record_why(session) -> None:  # type: ignore[no-untyped-def]
    failed, broke = make(session), make(session)
    assert sm.mark_draft_failed(session=session, sequence_id=failed, reasons=["a", "b"], now=T0)
    assert sm.mark_budget_exhausted(session=session, sequence_id=broke, reason="daily cap", now=T0)
    session.expire_all()
    assert session.get(Sequence, failed).failure_reason == "a\nb"
    assert session.get(Sequence, broke).state == S.BUDGET_EXHAUSTED


def test_schedule_touches_sets_due_dates_once(session) -> None:  # type: ignore[no-untyped-def]
    sequence_id = drafted(session)
    assert sm.schedule_touches(session=session, sequence_id=sequence_id, start=T0) == 3
    assert sm.schedule_touches(session=session, sequence_id=sequence_id, start=T0 + timedelta(days=1)) == 0
    due = {t.step: t.due_at for t in sm.touches_of(session=session, sequence_id=sequence_id).values()}
    assert due == {1: T0, 2: T0 + timedelta(days=3), 3: T0 + timedelta(days=7)}


def test_draft_id_is_stored_once(session) -> None:  # type: ignore[no-untyped-def]
    sequence_id = drafted(session)
    touch = sm.touches_of(session=session, sequence_id=sequence_id)[1]
    assert sm.record_draft_id(session=session, touch_id=touch.id, draft_id="d1")
    assert not sm.record_draft_id(session=session, touch_id=touch.id, draft_id="d2")
    assert sm.mark_touch_pushed(session=session, touch_id=touch.id, now=T0)
    assert not sm.mark_touch_pushed(session=session, touch_id=touch.id, now=T0)
    session.expire_all()
    assert session.get(Touch, touch.id).gmail_draft_id == "d1"


def test_due_work_is_derived_from_the_database(session) -> None:  # type: ignore[no-untyped-def]
    rep = create_rep(session)
    queued = make(session, rep=rep)
    waiting_one, waiting_two = drafted(session, rep=rep), drafted(session, rep=rep)

    def due(**kw) -> list[int]:  # type: ignore[no-untyped-def]
        return sm.sequences_with_due_work(session=session, now=kw.pop("now", T0), **kw)

    assert due(shadow=True, may_send=False) == [queued, waiting_one, waiting_two]
    assert due(shadow=False, may_send=False) == [queued]  # live with sending off: drafts wait
    assert due(shadow=False, may_send=True) == [queued, waiting_one]  # the oldest takes the rep's one slot

    sm.mark_awaiting_rep(session=session, sequence_id=waiting_one, now=T0)
    approval, _ = create_approval(session=session, kind=ApprovalKind.DRAFT, subject_id=waiting_one, rep_id=rep.id,
                                  now=T0, shadow_mode=False)  # fmt: skip
    assert due(shadow=False, may_send=True) == [queued]  # slot taken, approval pending: nothing for them
    resolve_approval(session=session, approval_id=approval.id, status=ApprovalStatus.APPROVED, reply_text=None,
                     resolved_by="rep:1", now=T0)  # fmt: skip
    assert due(shadow=False, may_send=True) == [queued, waiting_one, waiting_two]

    sm.mark_resolved(session=session, sequence_id=waiting_one, status=ApprovalStatus.APPROVED, now=T0)
    assert waiting_one in due(shadow=False, may_send=True)  # resolved, touches not yet scheduled
    sm.schedule_touches(session=session, sequence_id=waiting_one, start=T0)
    assert waiting_one not in due(shadow=False, may_send=True)
    assert waiting_one in due(shadow=False, may_send=True, now=T0 + timedelta(days=3))
    assert waiting_one not in due(shadow=False, may_send=False, now=T0 + timedelta(days=3))

    session.execute(sa.update(Lead).where(Lead.id == session.get(Sequence, queued).lead_id)
                    .values(status=LeadStatus.REPLIED))  # fmt: skip
    assert queued in due(shadow=False, may_send=False)
