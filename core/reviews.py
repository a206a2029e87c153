"""Founders' reviews of the agent's calls (the shadow agreement data) and the queues they review from.

A review is recorded once per founder and subject (the table's unique constraint): a second record for the same
subject changes nothing and returns the first. For verdicts the founder's own call is made blind, before the agent's
is shown, and never changes afterwards; `agrees` starts as "the two calls are the same level" and the founder may
then mark it agree or disagree with a note (for example, an adjacent level they accept), because the figure counts
what the founder thinks of the agent's call, with their blind call kept beside it for audit.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from core.audit import record_audit
from core.evidence import parse_refs
from core.models import (
    ActivityEvent,
    Approval,
    ApprovalKind,
    ApprovalStatus,
    DeliverabilitySnapshot,
    Review,
    ReviewSubject,
    Sequence,
    SequenceState,
    Verdict,
    rep_weekly_metrics,
)
from core.policy import EvidenceRef, EvidenceTable

log = logging.getLogger(__name__)

AGREEMENT_WINDOW = timedelta(days=14)
# The draft states a founder can still judge the agent's draft in (it has touches and was not thrown away).
REVIEWABLE_DRAFT_STATES = (
    SequenceState.SHADOW_LOGGED,
    SequenceState.DRAFTED,
    SequenceState.AWAITING_REP,
    SequenceState.APPROVED,
    SequenceState.EDITED,
    SequenceState.SKIPPED,
    SequenceState.EXPIRED,
)


class DraftCall:
    """What a founder says about a draft (the agent's call on its own draft is always "send")."""

    SEND = "send"
    EDIT = "edit"
    SKIP = "skip"
    ALL = (SEND, EDIT, SKIP)


@dataclass(frozen=True)
class Agreement:
    """How often founders agreed with the agent over a window."""

    agreed: int
    total: int

    @property
    def rate(self) -> float | None:
        """The share agreed, or None with no reviews."""
        return self.agreed / self.total if self.total else None


def get_review(*, session: Session, founder_id: int, subject_kind: ReviewSubject, subject_id: int) -> Review | None:
    """This founder's review of one subject, if recorded."""
    return session.exec(
        select(Review).where(
            Review.founder_id == founder_id, Review.subject_kind == subject_kind, Review.subject_id == subject_id
        )
    ).first()


def record_review(
    *,
    session: Session,
    founder_id: int,
    subject_kind: ReviewSubject,
    subject_id: int,
    founder_call: str,
    agent_call: str,
    agrees: bool,
    shadow_mode: bool,
    now: datetime,
    notes: str | None = None,
    edit_text: str | None = None,
) -> tuple[Review, bool]:
    """Record a founder's review once; returns (the review, whether this call recorded it)."""
    existing = get_review(session=session, founder_id=founder_id, subject_kind=subject_kind, subject_id=subject_id)
    if existing is not None:
        return existing, False
    review = Review(
        created_at=now, founder_id=founder_id, subject_kind=subject_kind, subject_id=subject_id,
        founder_call=founder_call[:64], agent_call=agent_call[:64], agrees=agrees,
        notes=(notes or None) and notes[:4000], edit_text=(edit_text or None) and edit_text[:5000],
        shadow_mode=shadow_mode,
    )  # fmt: skip
    try:
        with session.begin_nested():  # the same founder in two tabs: one row, the first wins
            session.add(review)
    except IntegrityError:
        winner = get_review(session=session, founder_id=founder_id, subject_kind=subject_kind, subject_id=subject_id)
        if winner is None:
            raise
        return winner, False
    record_audit(
        session=session, actor=f"founder:{founder_id}", action="review.recorded", subject_type=subject_kind.value,
        subject_id=subject_id, at=now,
        details={"founder_call": review.founder_call, "agent_call": review.agent_call, "agrees": agrees},
    )  # fmt: skip
    session.flush()
    log.info("founder %s reviewed %s %s: agrees=%s", founder_id, subject_kind.value, subject_id, agrees)
    return review, True


def mark_agreement(
    *, session: Session, founder_id: int, subject_kind: ReviewSubject, subject_id: int, agrees: bool, notes: str | None
) -> Review:
    """After the reveal: the founder marks agree or disagree with a note (their own blind call stays as made)."""
    review = get_review(session=session, founder_id=founder_id, subject_kind=subject_kind, subject_id=subject_id)
    if review is None:
        raise ValueError(f"founder {founder_id} has not reviewed {subject_kind.value} {subject_id} yet")
    review.agrees, review.notes = agrees, (notes or None) and notes[:4000]
    session.add(review)
    session.flush()
    return review


def agreement(
    *, session: Session, subject_kind: ReviewSubject, now: datetime, window: timedelta = AGREEMENT_WINDOW
) -> Agreement:
    """Founders' agreement with the agent over the reviews recorded in the trailing window (all founders)."""
    rows = session.exec(
        select(Review.agrees).where(Review.subject_kind == subject_kind, col(Review.created_at) >= now - window)
    ).all()
    return Agreement(agreed=sum(1 for agrees in rows if agrees), total=len(rows))


def _reviewed_ids(founder_id: int, subject_kind: ReviewSubject) -> Any:
    # A subquery, so the database leaves out what was reviewed however many reviews there are.
    return select(Review.subject_id).where(Review.founder_id == founder_id, Review.subject_kind == subject_kind)


def verdicts_to_review(*, session: Session, founder_id: int, limit: int = 50) -> list[Verdict]:
    """Verdicts this founder has not reviewed yet, newest week first."""
    query = (
        select(Verdict)
        .where(col(Verdict.id).not_in(_reviewed_ids(founder_id, ReviewSubject.VERDICT)))
        .order_by(col(Verdict.week_start).desc(), col(Verdict.id))
    )
    return list(session.exec(query.limit(limit)).all())


def drafts_to_review(*, session: Session, founder_id: int, limit: int = 50) -> list[Sequence]:
    """Drafted sequences this founder has not reviewed yet, newest first."""
    query = (
        select(Sequence)
        .where(
            col(Sequence.state).in_([s.value for s in REVIEWABLE_DRAFT_STATES]),
            col(Sequence.id).not_in(_reviewed_ids(founder_id, ReviewSubject.DRAFT)),
        )
        .order_by(col(Sequence.created_at).desc(), col(Sequence.id).desc())
    )
    return list(session.exec(query.limit(limit)).all())


def pending_verdict_actions(*, session: Session) -> list[tuple[Approval, Verdict]]:
    """PIP and terminate recommendations waiting for a founder, oldest first, with their verdicts."""
    rows = session.exec(
        select(Approval, Verdict)
        .join(Verdict, col(Verdict.id) == col(Approval.subject_id))
        .where(Approval.kind == ApprovalKind.VERDICT_ACTION, Approval.status == ApprovalStatus.PENDING)
        .order_by(col(Approval.created_at), col(Approval.id))
    ).all()
    return [(approval, verdict) for approval, verdict in rows]


def draft_approvals_in_flight(*, session: Session) -> list[Approval]:
    """Reps' pending draft approvals, the soonest to expire first."""
    return list(
        session.exec(
            select(Approval)
            .where(Approval.kind == ApprovalKind.DRAFT, Approval.status == ApprovalStatus.PENDING)
            .order_by(col(Approval.expires_at))
        ).all()
    )


@dataclass(frozen=True)
class EvidenceRow:
    """One cited row, resolved: a line a person reads, and the row's stored fields (empty when it is missing)."""

    table: str
    ref_id: str
    label: str
    fields: tuple[tuple[str, str], ...] = ()


def resolve_evidence(*, session: Session, refs: list[Any]) -> list[EvidenceRow]:
    """Each reference of a verdict as the exact row it names ("week of 2026-05-12: 14 emails, ...")."""
    parsed, problems = parse_refs(refs)
    rows = [_resolve_one(session, ref) for ref in parsed]
    return rows + [EvidenceRow(table="?", ref_id="?", label=problem) for problem in problems]


def _resolve_one(session: Session, ref: EvidenceRef) -> EvidenceRow:
    missing = EvidenceRow(table=ref.table.value, ref_id=ref.id, label=f"{ref.table.value} {ref.id}: no such row")
    if ref.table is EvidenceTable.REP_WEEKLY_METRICS:
        rep_part, _, week_part = ref.id.partition(":")
        try:
            rep_id, week = int(rep_part), date.fromisoformat(week_part)
        except ValueError:
            return missing
        m = rep_weekly_metrics.c
        row = session.execute(sa.select(rep_weekly_metrics).where(m.rep_id == rep_id, m.week_start == week)).first()
        if row is None:
            return missing
        data = row._mapping
        label = (
            f"week of {week.isoformat()}: {int(data['emails_sent'])} emails, "
            f"{float(data['reply_rate']):.0%} reply rate, {int(data['meetings'])} meetings"
        )
        return EvidenceRow(ref.table.value, ref.id, label, tuple((str(k), str(v)) for k, v in data.items()))
    try:
        row_id = int(ref.id)
    except ValueError:
        return missing
    model: Any = ActivityEvent if ref.table is EvidenceTable.ACTIVITY_EVENTS else DeliverabilitySnapshot
    found = session.get(model, row_id)
    if found is None:
        return missing
    fields = tuple((name, str(value)) for name, value in found.model_dump().items())
    if isinstance(found, ActivityEvent):
        label = f"activity event {row_id}: {found.kind} at {found.occurred_at:%Y-%m-%d %H:%M} UTC"
    else:
        spam = f"{found.spam_rate:.2%}" if found.spam_rate is not None else "unknown"
        label = f"deliverability {found.day.isoformat()} ({found.domain}): spam rate {spam}"
    return EvidenceRow(ref.table.value, ref.id, label, fields)
