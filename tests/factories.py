"""Factories for test rows: small, explicit, with unique defaults."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta

from sqlmodel import Session

from core.models import Approval, ApprovalKind, ApprovalStatus, Founder, Lead, Rep, Sequence, Touch

_counter = itertools.count(1)


def create_rep(session: Session, **overrides: object) -> Rep:
    """Add an active rep with a unique email and valid US number."""
    n = next(_counter)
    fields: dict[str, object] = {
        "name": f"Rep {n}",
        "email": f"rep{n}@example.com",
        "phone": f"+1212555{n:04d}",
    }
    fields.update(overrides)
    rep = Rep(**fields)  # type: ignore[arg-type]
    session.add(rep)
    session.flush()
    return rep


def create_founder(session: Session, password: str = "correct horse battery", **overrides: object) -> Founder:
    """Add a founder through the real account code (hashed password)."""
    from core.founders import create_founder as add_founder

    n = next(_counter)
    fields: dict[str, object] = {"name": f"Founder {n}", "email": f"founder{n}@example.com"}
    fields.update(overrides)
    return add_founder(session=session, password=password, actor="test", **fields)  # type: ignore[arg-type]


def create_lead(session: Session, **overrides: object) -> Lead:
    """Add a new unassigned lead with a unique domain."""
    n = next(_counter)
    fields: dict[str, object] = {"domain": f"company{n}.example", "company": f"Company {n}", "source": "test"}
    fields.update(overrides)
    lead = Lead(**fields)  # type: ignore[arg-type]
    session.add(lead)
    session.flush()
    return lead


def create_draft(session: Session, rep: Rep, created_at: datetime, approval: ApprovalStatus | None = None) -> Touch:
    """Add a sequence for a new lead with its step-1 touch created at `created_at`, and optionally the
    rep's answer on the draft (an approval row with that status)."""
    lead = create_lead(session, assigned_rep_id=rep.id)
    sequence = Sequence(lead_id=lead.id, rep_id=rep.id, created_at=created_at, updated_at=created_at)
    session.add(sequence)
    session.flush()
    touch = Touch(sequence_id=sequence.id, step=1, day_offset=0, subject="Hi", body="Hello", created_at=created_at)
    session.add(touch)
    if approval is not None:
        session.add(
            Approval(
                kind=ApprovalKind.DRAFT,
                subject_id=sequence.id,
                rep_id=rep.id,
                status=approval,
                expires_at=created_at + timedelta(hours=48),
            )
        )
    session.flush()
    return touch


from datetime import date as date_  # noqa: E402  (appended helpers below)


def create_week_activity(
    session: Session, rep: Rep, week_start: date_, *, emails: int, replies: int = 0, meetings: int = 0, calls: int = 0
) -> list[int]:
    """Add a rep's activity events for one company-local week (Monday 15:00 UTC, inside the local week);
    returns the new event ids, emails first."""
    from datetime import UTC, time

    from core.models import ActivityEvent, ActivityKind

    at = datetime.combine(week_start, time(15), tzinfo=UTC)
    events = [
        ActivityEvent(rep_id=rep.id, kind=kind, occurred_at=at, week_start=week_start, source="test",
                      external_id=f"{rep.id}:{week_start}:{kind.value}:{i}")
        for kind, count in ((ActivityKind.EMAIL_SENT, emails), (ActivityKind.REPLY, replies),
                            (ActivityKind.MEETING_BOOKED, meetings), (ActivityKind.CALL, calls))
        for i in range(count)
    ]  # fmt: skip
    session.add_all(events)
    session.flush()
    return [event.id for event in events if event.id is not None]


def create_snapshot(session: Session, domain: str, day: date_, spam_rate: float = 0.0005) -> int:
    """Add one day of deliverability for a sending domain; returns its id."""
    from core.models import DeliverabilitySnapshot

    snapshot = DeliverabilitySnapshot(domain=domain, day=day, spam_rate=spam_rate, spf_pass_rate=1.0,
                                      dkim_pass_rate=1.0, dmarc_pass_rate=1.0, delivery_errors=0.0)  # fmt: skip
    session.add(snapshot)
    session.flush()
    assert snapshot.id is not None
    return snapshot.id


from core.models import MessagePurpose, OutboundMessage  # noqa: E402  (appended section: SMS and approvals)


def create_pending_approval(
    session: Session, rep: Rep, *, subject_id: int | None = None, expires_at: datetime | None = None
) -> Approval:
    """Add a pending draft approval for `rep` (the subject id need not exist: approvals hold a bare id)."""
    from datetime import UTC

    approval = Approval(
        kind=ApprovalKind.DRAFT,
        subject_id=subject_id if subject_id is not None else 10_000 + next(_counter),
        rep_id=rep.id,
        expires_at=expires_at or datetime(2030, 1, 1, tzinfo=UTC),
        shadow_mode=False,
    )
    session.add(approval)
    session.flush()
    return approval


def create_outbound_message(session: Session, *, to_number: str, **overrides: object) -> OutboundMessage:
    """Add a queued outbound SMS (queued in live mode unless `shadow_mode` says otherwise)."""
    n = next(_counter)
    fields: dict[str, object] = {
        "idempotency_key": f"test-{n}",
        "to_number": to_number,
        "body": f"message {n}",
        "purpose": MessagePurpose.NUDGE,
        "shadow_mode": False,
    }
    fields.update(overrides)
    message = OutboundMessage(**fields)  # type: ignore[arg-type]
    session.add(message)
    session.flush()
    return message


def go_live(session: Session, *, send_enabled: bool = True) -> None:
    """Test-only: put the controls row in live mode (the real path is the go-live gate in core.controls)."""
    import sqlalchemy as sa

    session.execute(sa.text("UPDATE controls SET mode = 'live', send_enabled = :on WHERE id = 1"), {"on": send_enabled})
    session.commit()
