"""The audit log: who did what, recorded in the same transaction as the change itself."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from core.models import AuditEvent


def record_audit(
    *,
    session: Session,
    actor: str,
    action: str,
    subject_type: str | None = None,
    subject_id: int | None = None,
    details: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> AuditEvent:
    """Add an audit event to the session (committed with the caller's unit of work)."""
    event = AuditEvent(
        actor=actor, action=action, subject_type=subject_type, subject_id=subject_id, details=details or {}
    )
    if at is not None:
        event.created_at = at
    session.add(event)
    return event


def recent_audit(*, session: Session, limit: int = 50, action: str | None = None) -> list[AuditEvent]:
    """The newest audit events, optionally of one action."""
    query = select(AuditEvent).order_by(col(AuditEvent.id).desc()).limit(limit)
    if action:
        query = query.where(AuditEvent.action == action)
    return list(session.exec(query))
