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


from core.models import Verdict  # noqa: E402  (appended section: verdicts and reviews)


def create_verdict(
    session: Session, rep: Rep, week_start: date_, **overrides: object
) -> tuple[Verdict, Approval | None]:
    """Add a verdict for `rep`'s week (MEETS by default) and, when its action is pip or terminate, its pending
    founder approval (None otherwise)."""
    from datetime import UTC

    from core.models import VerdictAction, VerdictLevel, VerdictStatus
    from core.policy import metrics_ref

    fields: dict[str, object] = {
        "rep_id": rep.id, "week_start": week_start, "verdict": VerdictLevel.MEETS, "policy_band": VerdictLevel.MEETS,
        "rationale": f"Rep {rep.id} met the floor.", "action": VerdictAction.NONE, "status": VerdictStatus.LOGGED,
        "evidence_refs": [metrics_ref(rep.id or 0, week_start).model_dump(mode="json")],
    }  # fmt: skip
    fields.update(overrides)
    verdict = Verdict(**fields)  # type: ignore[arg-type]
    session.add(verdict)
    session.flush()
    if verdict.action not in (VerdictAction.PIP, VerdictAction.TERMINATE):
        return verdict, None
    approval = Approval(kind=ApprovalKind.VERDICT_ACTION, subject_id=verdict.id, rep_id=rep.id,
                        expires_at=datetime(2030, 1, 1, tzinfo=UTC))  # fmt: skip
    session.add(approval)
    session.flush()
    return verdict, approval


# --- appended: dashboard queries (costs, reviews, inbound SMS, alerts, discovery and eval runs) ---------------


def create_cost(session: Session, *, day: date_, usd: float, model: str = "claude-haiku-5-5",
                rep: Rep | None = None, sequence_id: int | None = None) -> None:  # fmt: skip
    """Add one priced LLM call on a company-local day."""
    from datetime import UTC, time

    from core.models import AgentCost

    session.add(AgentCost(created_at=datetime.combine(day, time(15), tzinfo=UTC), rep_id=rep.id if rep else None,
                          sequence_id=sequence_id, purpose="draft" if sequence_id else "verdict", model=model,
                          usd=usd, local_date=day))  # fmt: skip
    session.flush()


def create_review(session: Session, *, founder: Founder, subject: str, subject_id: int, agrees: bool,
                  at: datetime) -> None:  # fmt: skip
    """Add a founder's review of a verdict or draft ("verdict" | "draft") made at `at`."""
    from core.models import Review, ReviewSubject

    session.add(Review(created_at=at, founder_id=founder.id, subject_kind=ReviewSubject(subject), subject_id=subject_id,
                       founder_call="x", agent_call="x" if agrees else "y", agrees=agrees))  # fmt: skip
    session.flush()


def create_inbound(session: Session, *, signature_ok: bool = True, allowed: bool = True, outcome: str = "received",
                   message_sid: str | None = None) -> None:  # fmt: skip
    """Add a recorded inbound SMS webhook call."""
    from core.models import InboundMessage

    n = next(_counter)
    session.add(InboundMessage(message_sid=message_sid or f"SM{n:032d}", from_number="+12125559999", body="Y",
                               signature_ok=signature_ok, allowed=allowed, outcome=outcome))  # fmt: skip
    session.flush()


def create_alert(session: Session, *, message: str = "three empty runs", acknowledged: bool = False) -> None:
    """Add an alert, open unless `acknowledged`."""
    from datetime import UTC

    from core.models import Alert

    session.add(Alert(kind="test", message=message,
                      acknowledged_at=datetime(2030, 1, 1, tzinfo=UTC) if acknowledged else None))  # fmt: skip
    session.flush()


def create_discovery_run(session: Session, *, status: str, day: date_, added: int = 0) -> None:
    """Add a finished discovery run ("ok" | "empty" | "failed" ...)."""
    from core.models import DiscoveryRun, DiscoveryStatus

    session.add(DiscoveryRun(source="test", local_date=day, status=DiscoveryStatus(status), added=added))
    session.flush()


def create_eval_run(
    session: Session, *, passed: bool, pass_rate: float, suites: dict[str, object] | None = None
) -> None:
    """Add an eval run with per-suite results in the runner's shape ({"suites": {...}})."""
    from core.models import EvalRun

    session.add(EvalRun(provider="offline", model="offline", prompt_version="v1", pass_rate=pass_rate,
                        passed=passed, suite_results={"suites": suites or {}}))  # fmt: skip
    session.flush()
