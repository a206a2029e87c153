"""The sequence state machine: one function per transition, each a conditional UPDATE that says whether it won.

    queued -> researched -> drafted | draft_failed | budget_exhausted
    drafted -> shadow_logged (shadow)  |  awaiting_rep (live: draft pushed, approval asked)
    awaiting_rep -> approved | edited | skipped | expired (the approval's answer)
    approved | edited | skipped | expired -> completed (touches 2 and 3 pushed)  |  lead_replied

A transition changes the row only if it is still in the expected state, so a re-run (a retried job, a
second worker, a sweep) is a no-op. Nothing here commits: the caller's unit of work does.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from collections.abc import Sequence as Seq
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from core.models import (
    Approval,
    ApprovalKind,
    ApprovalStatus,
    Lead,
    LeadStatus,
    Sequence,
    SequenceState,
    Touch,
)
from core.models.sequences import TouchChannel

log = logging.getLogger(__name__)

S = SequenceState
# States no job will ever move on from.
TERMINAL_STATES = frozenset({S.DRAFT_FAILED, S.BUDGET_EXHAUSTED, S.SHADOW_LOGGED, S.LEAD_REPLIED, S.COMPLETED})
# The rep answered (or the 48 hours ran out): touches 2 and 3 follow from here.
RESOLVED_STATES = frozenset({S.APPROVED, S.EDITED, S.SKIPPED, S.EXPIRED})
# States a lead's reply stops (awaiting_rep waits for the rep's answer first, so the slot is freed).
REPLY_STOPS = frozenset({S.QUEUED, S.RESEARCHED, S.DRAFTED, *RESOLVED_STATES})
APPROVAL_TO_STATE = {
    ApprovalStatus.APPROVED: S.APPROVED,
    ApprovalStatus.EDITED: S.EDITED,
    ApprovalStatus.SKIPPED: S.SKIPPED,
    ApprovalStatus.EXPIRED: S.EXPIRED,
    ApprovalStatus.REJECTED: S.SKIPPED,
}
# step -> (day offset, channel): the plan the touches table CHECKs.
TOUCH_PLAN = {1: (0, TouchChannel.EMAIL), 2: (3, TouchChannel.CALL_AND_EMAIL), 3: (7, TouchChannel.EMAIL)}


@dataclass(frozen=True)
class TouchText:
    """One drafted touch, as the drafter produced it (kept free of agent types: core sits below the agent)."""

    step: int
    subject: str
    body: str
    call_script: str | None
    slop_report: dict[str, Any]


def transition(
    *,
    session: Session,
    sequence_id: int,
    expected: SequenceState | Collection[SequenceState],
    to: SequenceState,
    now: datetime,
    **values: Any,
) -> bool:
    """UPDATE sequences SET state = :to WHERE id = :id AND state IN :expected; True if this call won."""
    states = [expected] if isinstance(expected, SequenceState) else list(expected)
    table = Sequence.__table__  # type: ignore[attr-defined]
    session.flush()  # pending changes first: expire_all below must not discard them
    result = session.execute(
        sa.update(table)
        .where(table.c.id == sequence_id, table.c.state.in_([state.value for state in states]))
        .values(state=to.value, updated_at=now, **values)
    )
    won = result.rowcount == 1  # type: ignore[attr-defined]
    if won:
        session.expire_all()  # loaded rows must not keep showing the old state
        log.info("sequence %s -> %s", sequence_id, to.value)
    return won


def mark_researched(*, session: Session, sequence_id: int, research: dict[str, Any], now: datetime) -> bool:
    """queued -> researched, keeping the research the draft is grounded in."""
    return transition(session=session, sequence_id=sequence_id, expected=S.QUEUED, to=S.RESEARCHED, now=now,
                      research=research)  # fmt: skip


def mark_drafted(
    *,
    session: Session,
    sequence_id: int,
    touches: Seq[TouchText],
    model: str,
    prompt_version: str,
    now: datetime,
) -> bool:
    """researched -> drafted, writing the three touches in the same unit of work (only if this call won)."""
    if sorted(touch.step for touch in touches) != [1, 2, 3]:
        raise ValueError("a drafted sequence has exactly touches 1, 2 and 3")
    won = transition(session=session, sequence_id=sequence_id, expected=S.RESEARCHED, to=S.DRAFTED, now=now,
                     model=model[:64], prompt_version=prompt_version[:64])  # fmt: skip
    if not won:
        return False
    for text in sorted(touches, key=lambda t: t.step):
        day, channel = TOUCH_PLAN[text.step]
        session.add(
            Touch(
                created_at=now, sequence_id=sequence_id, step=text.step, day_offset=day, channel=channel,
                subject=text.subject, body=text.body, call_script=text.call_script, slop_report=text.slop_report,
            )
        )  # fmt: skip
    session.flush()
    return True


def mark_draft_failed(
    *, session: Session, sequence_id: int, reasons: Seq[str], now: datetime, model: str | None = None,
    prompt_version: str | None = None,
) -> bool:  # fmt: skip
    """queued | researched -> draft_failed, with the reasons the rules gave."""
    values: dict[str, Any] = {"failure_reason": ("\n".join(reasons) or "draft failed")[:4000]}
    if model:
        values["model"] = model[:64]
    if prompt_version:
        values["prompt_version"] = prompt_version[:64]
    return transition(session=session, sequence_id=sequence_id, expected=(S.QUEUED, S.RESEARCHED),
                      to=S.DRAFT_FAILED, now=now, **values)  # fmt: skip


def mark_budget_exhausted(*, session: Session, sequence_id: int, reason: str, now: datetime) -> bool:
    """queued | researched -> budget_exhausted (the guard's audit event is in the same unit of work)."""
    return transition(session=session, sequence_id=sequence_id, expected=(S.QUEUED, S.RESEARCHED),
                      to=S.BUDGET_EXHAUSTED, now=now, failure_reason=reason[:4000])  # fmt: skip


def mark_shadow_logged(*, session: Session, sequence_id: int, now: datetime) -> bool:
    """drafted -> shadow_logged: in shadow mode nothing leaves; founders review the draft."""
    return transition(session=session, sequence_id=sequence_id, expected=S.DRAFTED, to=S.SHADOW_LOGGED, now=now,
                      shadow_mode=True)  # fmt: skip


def mark_awaiting_rep(*, session: Session, sequence_id: int, now: datetime) -> bool:
    """drafted -> awaiting_rep: touch 1 is in the rep's drafts and the approval SMS is queued."""
    return transition(session=session, sequence_id=sequence_id, expected=S.DRAFTED, to=S.AWAITING_REP, now=now,
                      shadow_mode=False)  # fmt: skip


def mark_resolved(*, session: Session, sequence_id: int, status: ApprovalStatus, now: datetime) -> bool:
    """awaiting_rep -> approved | edited | skipped | expired, following the approval's answer."""
    return transition(session=session, sequence_id=sequence_id, expected=S.AWAITING_REP,
                      to=APPROVAL_TO_STATE[status], now=now)  # fmt: skip


def mark_lead_replied(*, session: Session, sequence_id: int, now: datetime) -> bool:
    """Any state a reply stops -> lead_replied: nothing more goes out for this lead."""
    return transition(session=session, sequence_id=sequence_id, expected=REPLY_STOPS, to=S.LEAD_REPLIED, now=now)


def mark_completed(*, session: Session, sequence_id: int, now: datetime) -> bool:
    """approved | edited | skipped | expired -> completed, once touches 2 and 3 are out."""
    return transition(session=session, sequence_id=sequence_id, expected=RESOLVED_STATES, to=S.COMPLETED, now=now)


def create_sequence(
    *, session: Session, lead_id: int, rep_id: int, shadow_mode: bool, now: datetime
) -> Sequence | None:
    """A queued sequence for the lead, or None if the lead already has one (unique lead_id)."""
    sequence = Sequence(lead_id=lead_id, rep_id=rep_id, shadow_mode=shadow_mode, created_at=now, updated_at=now)
    try:
        with session.begin_nested():
            session.add(sequence)
    except IntegrityError:
        return None
    return sequence


def touches_of(*, session: Session, sequence_id: int) -> dict[int, Touch]:
    """The sequence's touches by step."""
    rows = session.exec(select(Touch).where(Touch.sequence_id == sequence_id)).all()
    return {touch.step: touch for touch in rows}


def draft_approval_of(*, session: Session, sequence_id: int) -> Approval | None:
    """The draft approval asked for this sequence, if any."""
    query = select(Approval).where(Approval.kind == ApprovalKind.DRAFT, Approval.subject_id == sequence_id)
    return session.exec(query).first()


def schedule_touches(*, session: Session, sequence_id: int, start: datetime) -> int:
    """Set each touch's due_at to start + its day offset where still unset; returns how many were set."""
    table = Touch.__table__  # type: ignore[attr-defined]
    session.flush()
    changed = 0
    for step, (day, _) in TOUCH_PLAN.items():
        result = session.execute(
            sa.update(table)
            .where(table.c.sequence_id == sequence_id, table.c.step == step, table.c.due_at.is_(None))
            .values(due_at=start + timedelta(days=day))
        )
        changed += result.rowcount  # type: ignore[attr-defined]
    session.expire_all()
    return changed


def record_draft_id(*, session: Session, touch_id: int, draft_id: str) -> bool:
    """Store the mailbox draft id of a touch unless one is stored already; True if this call stored it."""
    table = Touch.__table__  # type: ignore[attr-defined]
    session.flush()
    result = session.execute(
        sa.update(table)
        .where(table.c.id == touch_id, table.c.gmail_draft_id.is_(None))
        .values(gmail_draft_id=draft_id[:128])
    )
    session.expire_all()
    return result.rowcount == 1  # type: ignore[attr-defined]


def mark_touch_pushed(*, session: Session, touch_id: int, now: datetime) -> bool:
    """Record that a touch went to the rep (its draft and, for touch 2, the call task); True if this call won."""
    table = Touch.__table__  # type: ignore[attr-defined]
    session.flush()
    result = session.execute(
        sa.update(table).where(table.c.id == touch_id, table.c.pushed_at.is_(None)).values(pushed_at=now)
    )
    session.expire_all()
    return result.rowcount == 1  # type: ignore[attr-defined]


def lead_has_replied(*, session: Session, lead_id: int) -> bool:
    """True once the lead answered (the lead's status says so)."""
    lead = session.get(Lead, lead_id)
    return lead is not None and lead.status == LeadStatus.REPLIED


def sequences_with_due_work(*, session: Session, now: datetime, shadow: bool, may_send: bool) -> list[int]:
    """Sequences a job should move on now, derived from the database alone (what the sweep re-enqueues).

    queued and researched always; drafted in shadow mode, or (live, sending allowed) the oldest per rep whose
    approval slot is free; awaiting_rep once its approval is answered; the resolved states when a touch is
    unscheduled, due and not pushed (only while sending is allowed), or all pushed; any state a lead's reply
    stops when the lead has replied.
    """
    seq = Sequence.__table__  # type: ignore[attr-defined]
    touch = Touch.__table__  # type: ignore[attr-defined]
    approval = Approval.__table__  # type: ignore[attr-defined]
    lead = Lead.__table__  # type: ignore[attr-defined]
    ids: set[int] = set()

    def add(query: Any) -> None:
        ids.update(int(row[0]) for row in session.execute(query))

    add(sa.select(seq.c.id).where(seq.c.state.in_([S.QUEUED.value, S.RESEARCHED.value])))
    if shadow:
        add(sa.select(seq.c.id).where(seq.c.state == S.DRAFTED.value))
    elif may_send:
        pending = sa.select(approval.c.id).where(
            approval.c.rep_id == seq.c.rep_id,
            approval.c.kind == ApprovalKind.DRAFT.value,
            approval.c.status == ApprovalStatus.PENDING.value,
        )
        add(
            sa.select(sa.func.min(seq.c.id))
            .where(seq.c.state == S.DRAFTED.value, ~sa.exists(pending))
            .group_by(seq.c.rep_id)
        )
    answered = sa.select(approval.c.id).where(
        approval.c.kind == ApprovalKind.DRAFT.value,
        approval.c.subject_id == seq.c.id,
        approval.c.status != ApprovalStatus.PENDING.value,
    )
    add(sa.select(seq.c.id).where(seq.c.state == S.AWAITING_REP.value, sa.exists(answered)))

    resolved = [state.value for state in RESOLVED_STATES]
    unscheduled = sa.select(touch.c.id).where(touch.c.sequence_id == seq.c.id, touch.c.due_at.is_(None))
    unpushed = sa.select(touch.c.id).where(
        touch.c.sequence_id == seq.c.id, touch.c.step > 1, touch.c.pushed_at.is_(None)
    )
    due = unpushed.where(touch.c.due_at <= now)
    add(sa.select(seq.c.id).where(seq.c.state.in_(resolved), sa.exists(unscheduled) | ~sa.exists(unpushed)))
    if may_send:
        add(sa.select(seq.c.id).where(seq.c.state.in_(resolved), sa.exists(due)))

    replied = sa.select(lead.c.id).where(lead.c.id == seq.c.lead_id, lead.c.status == LeadStatus.REPLIED.value)
    add(sa.select(seq.c.id).where(seq.c.state.in_([s.value for s in REPLY_STOPS]), sa.exists(replied)))
    ids.discard(0)
    return sorted(i for i in ids if i)


def sequence_ids_in_state(*, session: Session, state: SequenceState) -> list[int]:
    """Ids of the sequences in one state, oldest first."""
    query = select(Sequence.id).where(Sequence.state == state).order_by(col(Sequence.id))
    return [int(i) for i in session.exec(query) if i is not None]
