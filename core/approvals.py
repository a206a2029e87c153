"""Approvals: the durable wait. The asking side creates and reads; the answering side resolves, once.

Every resolution is one conditional update (`WHERE status = 'pending'`) that says whether it won, and each
winning resolution is an audit event in the same transaction. One draft approval per rep is pending at a
time (a partial unique index), so a rep's bare "Y" is never ambiguous.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from core.audit import record_audit
from core.errors import SalesAgentError
from core.models import Approval, ApprovalKind, ApprovalStatus

log = logging.getLogger(__name__)

APPROVAL_TIMEOUT = timedelta(hours=48)
EXPIRY_ACTOR = "system:expiry"
RESOLVED_STATUSES = frozenset(
    {
        ApprovalStatus.APPROVED,
        ApprovalStatus.SKIPPED,
        ApprovalStatus.EDITED,
        ApprovalStatus.EXPIRED,
        ApprovalStatus.REJECTED,
    }
)


class ApprovalInFlight(SalesAgentError):
    """The rep already has a draft approval pending; a second one must wait until it is answered."""


@dataclass(frozen=True)
class ResolvedApproval:
    """An approval that one caller resolved (for enqueuing the resume of its subject)."""

    approval_id: int
    kind: ApprovalKind
    subject_id: int
    rep_id: int
    status: ApprovalStatus


def create_approval(
    *,
    session: Session,
    kind: ApprovalKind,
    subject_id: int,
    rep_id: int,
    now: datetime,
    timeout: timedelta = APPROVAL_TIMEOUT,
    shadow_mode: bool = True,
) -> tuple[Approval, bool]:
    """Ask for a decision on `subject_id` (a sequence for drafts); returns (the approval, whether it is new).

    Idempotent per (kind, subject): a re-run gets the existing row. Raises ApprovalInFlight when the rep
    already has another draft approval pending (the database's partial unique index decides, race-free).
    """
    existing = _for_subject(session=session, kind=kind, subject_id=subject_id)
    if existing is not None:
        return existing, False
    approval = Approval(
        kind=kind,
        subject_id=subject_id,
        rep_id=rep_id,
        status=ApprovalStatus.PENDING,
        expires_at=now + timeout,
        shadow_mode=shadow_mode,
    )
    approval.created_at = now
    try:
        with session.begin_nested():
            session.add(approval)
    except IntegrityError:
        existing = _for_subject(session=session, kind=kind, subject_id=subject_id)
        if existing is not None:
            return existing, False
        raise ApprovalInFlight(f"rep {rep_id} already has a draft approval pending") from None
    record_audit(
        session=session,
        actor="system",
        action="approval.requested",
        subject_type="approval",
        subject_id=approval.id,
        details={"kind": kind.value, "subject_id": subject_id, "rep_id": rep_id},
        at=now,
    )
    return approval, True


def pending_approval_for_rep(
    *, session: Session, rep_id: int, kind: ApprovalKind = ApprovalKind.DRAFT
) -> Approval | None:
    """The rep's pending approval of `kind` (at most one for drafts), oldest first for other kinds."""
    query = (
        select(Approval)
        .where(Approval.rep_id == rep_id, Approval.kind == kind, Approval.status == ApprovalStatus.PENDING)
        .order_by(col(Approval.id))
    )
    return session.exec(query).first()


def resolve_approval(
    *,
    session: Session,
    approval_id: int,
    status: ApprovalStatus,
    reply_text: str | None,
    resolved_by: str,
    now: datetime,
) -> bool:
    """Resolve a pending approval; True if this call won (it was still pending), False if someone else had.

    The winner's audit event is added in the same transaction; a loser changes nothing.
    """
    if status not in RESOLVED_STATUSES:
        raise ValueError(f"{status!r} is not a resolution")
    table = Approval.__table__  # type: ignore[attr-defined]
    session.flush()  # pending changes first: the expire below must not discard them
    result = session.execute(
        sa.update(table)
        .where(table.c.id == approval_id, table.c.status == ApprovalStatus.PENDING.value)
        .values(status=status.value, reply_text=reply_text, resolved_by=resolved_by, resolved_at=now)
    )
    won = result.rowcount == 1  # type: ignore[attr-defined]
    if not won:
        return False
    session.expire_all()  # loaded Approval objects must not keep showing `pending`
    details: dict[str, object] = {"status": status.value}
    if reply_text is not None:
        details["reply_chars"] = len(reply_text)
    record_audit(
        session=session,
        actor=resolved_by,
        action=f"approval.{status.value}",
        subject_type="approval",
        subject_id=approval_id,
        details=details,
        at=now,
    )
    log.info("approval %s %s by %s", approval_id, status.value, resolved_by)
    return True


def expire_due_approvals(*, session: Session, now: datetime) -> list[ResolvedApproval]:
    """Expire every pending approval past its deadline (handled as a skip); returns the ones this call
    expired, so the caller can enqueue each subject's resume. Safe to run concurrently: each expiry is a
    conditional update, so two sweeps never both claim one approval."""
    due = session.exec(
        select(Approval).where(Approval.status == ApprovalStatus.PENDING, col(Approval.expires_at) <= now)
    ).all()
    expired = []
    for approval in due:
        assert approval.id is not None
        if resolve_approval(
            session=session,
            approval_id=approval.id,
            status=ApprovalStatus.EXPIRED,
            reply_text=None,
            resolved_by=EXPIRY_ACTOR,
            now=now,
        ):
            expired.append(
                ResolvedApproval(
                    approval_id=approval.id,
                    kind=ApprovalKind(approval.kind),
                    subject_id=approval.subject_id,
                    rep_id=approval.rep_id,
                    status=ApprovalStatus.EXPIRED,
                )
            )
    return expired


def _for_subject(*, session: Session, kind: ApprovalKind, subject_id: int) -> Approval | None:
    return session.exec(select(Approval).where(Approval.kind == kind, Approval.subject_id == subject_id)).first()
