"""The outbox dispatcher: the only code that sends an SMS, at most once per outbound row.

For each queued message, at the moment of sending: the safety policy (core/dispatch_policy.py) decides
send / blocked / shadow on what the database says now; a send first claims the row with one conditional
update (queued -> sending, with a lease), then re-reads the switches (a kill switch thrown between the two
still wins), then calls the provider once. A row still `sending` after its lease has run out (a worker died
mid-send) becomes `unknown` with an alert for a human: it is never sent again.

Jobs: `dispatch_message(message_id)` (enqueued with `enqueue_dispatch` when a message is queued) and
`dispatch_sweep()` (every minute, on the `outbound` queue), which makes the outbox whole after any loss.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from redis import Redis
from rq.job import Job
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from core.audit import record_audit
from core.clock import Clock, SystemClock
from core.config import Settings, get_settings
from core.controls import effective_controls
from core.db import get_engine, session_scope
from core.dispatch_policy import Decision, Recipient, SendContext, Verdict, decide
from core.models import Alert, AlertSeverity, Founder, OutboundMessage, OutboundStatus, Rep
from integrations.sms import SmsOptedOut, SmsOutcomeUnknown, SmsRejected, SmsSender, build_sms_sender
from workers.queues import QueueName, get_queue

log = logging.getLogger(__name__)

# Twilio's client times out after 10 s; a lease well past that only runs out if the worker died.
LEASE = timedelta(minutes=2)
SWEEP_BATCH = 500
UNKNOWN_ALERT_KIND = "sms_outcome_unknown"


@dataclass(frozen=True)
class DispatchResult:
    """What happened to one message on this attempt (`skipped`: not queued, or another dispatcher had it)."""

    message_id: int
    outcome: str
    reason: str = ""


def enqueue_dispatch(*, connection: Redis, message_id: int) -> Job:
    """Put the dispatch of one queued message on the `outbound` queue now."""
    return get_queue(QueueName.OUTBOUND, connection=connection).enqueue(
        dispatch_message, message_id, description=f"dispatch sms {message_id}"
    )


def dispatch_message(message_id: int) -> str:
    """RQ job: dispatch one message (safe to run twice, or on two workers at once); returns the outcome."""
    settings = get_settings()
    result = dispatch_one(
        message_id=message_id,
        engine=get_engine(settings),
        settings=settings,
        sender=build_sms_sender(settings),
        clock=SystemClock(),
    )
    return result.outcome


def dispatch_sweep() -> dict[str, int]:
    """RQ job, every minute: stale leases become `unknown`, then every queued message is dispatched."""
    settings = get_settings()
    return sweep_outbox(
        engine=get_engine(settings), settings=settings, sender=build_sms_sender(settings), clock=SystemClock()
    )


def sweep_outbox(*, engine: Engine, settings: Settings, sender: SmsSender, clock: Clock) -> dict[str, int]:
    """Expire stale leases, then dispatch each queued message (oldest first); returns counts per outcome."""
    counts: dict[str, int] = {}
    with session_scope(engine) as session:
        counts["unknown_leases"] = len(expire_stale_leases(session=session, now=clock.now()))
        ids = queued_message_ids(session=session, limit=SWEEP_BATCH)
    for message_id in ids:
        result = dispatch_one(message_id=message_id, engine=engine, settings=settings, sender=sender, clock=clock)
        counts[result.outcome] = counts.get(result.outcome, 0) + 1
    return counts


def queued_message_ids(*, session: Session, limit: int = SWEEP_BATCH) -> list[int]:
    """Ids of queued messages, oldest first."""
    query = (
        select(OutboundMessage.id)
        .where(OutboundMessage.status == OutboundStatus.QUEUED)
        .order_by(col(OutboundMessage.id))
        .limit(limit)
    )
    return [message_id for message_id in session.exec(query) if message_id is not None]


def dispatch_one(
    *, message_id: int, engine: Engine, settings: Settings, sender: SmsSender, clock: Clock
) -> DispatchResult:
    """Decide, claim, re-check, send once, record: see the module docstring."""
    with session_scope(engine) as session:
        message = session.get(OutboundMessage, message_id)
        if message is None or message.status != OutboundStatus.QUEUED:
            return DispatchResult(message_id, "skipped")
        to, body = message.to_number, message.body
        decision = _decide(session=session, message=message, settings=settings)
        now = clock.now()
        if decision.verdict is not Verdict.SEND:
            target = OutboundStatus.SHADOW if decision.verdict is Verdict.SHADOW else OutboundStatus.BLOCKED
            if not _move(session, message_id, {OutboundStatus.QUEUED}, target, error=decision.reason):
                return DispatchResult(message_id, "skipped")
            log.info("sms %s %s: %s", message_id, target.value, decision.reason)
            return DispatchResult(message_id, target.value, decision.reason)
        claimed = _move(
            session,
            message_id,
            {OutboundStatus.QUEUED},
            OutboundStatus.SENDING,
            lease_expires_at=now + LEASE,
            attempts=OutboundMessage.__table__.c.attempts + 1,  # type: ignore[attr-defined]
        )
        if not claimed:
            return DispatchResult(message_id, "skipped")
    # The claim is committed. Re-read the switches: a kill switch thrown since the decision still stops it.
    with session_scope(engine) as session:
        if not effective_controls(session=session, settings=settings).may_send:
            reason = "switches changed before sending (kill switch, mode or send flag)"
            _move(session, message_id, {OutboundStatus.SENDING}, OutboundStatus.BLOCKED, error=reason, lease=None)
            return DispatchResult(message_id, OutboundStatus.BLOCKED.value, reason)
    return _send(message_id=message_id, to=to, body=body, engine=engine, sender=sender, clock=clock)


def expire_stale_leases(*, session: Session, now: datetime) -> list[int]:
    """Rows still `sending` after their lease: mark `unknown` (never re-sent) with an alert each."""
    stale = session.exec(
        select(OutboundMessage.id).where(
            OutboundMessage.status == OutboundStatus.SENDING, col(OutboundMessage.lease_expires_at) < now
        )
    ).all()
    expired = []
    for message_id in stale:
        assert message_id is not None
        if _move(
            session,
            message_id,
            {OutboundStatus.SENDING},
            OutboundStatus.UNKNOWN,
            error="lease ran out mid-send: the message may or may not have gone; check before resending",
            extra_where=OutboundMessage.__table__.c.lease_expires_at < now,  # type: ignore[attr-defined]
        ):
            _alert_unknown(session, message_id, "the sending worker stopped before recording the outcome")
            expired.append(message_id)
    return expired


def _decide(*, session: Session, message: OutboundMessage, settings: Settings) -> Decision:
    controls = effective_controls(session=session, settings=settings)
    rep = session.exec(select(Rep).where(Rep.phone == message.to_number)).first()
    founder = session.exec(select(Founder).where(Founder.phone == message.to_number)).first()
    recipient = Recipient(
        is_active_rep=bool(rep and rep.active),
        rep_opted_out=bool(rep and rep.opted_out),
        is_active_founder=bool(founder and founder.active),
    )
    return decide(
        SendContext(
            purpose=message.purpose,
            approved_by=message.approved_by,
            queued_in_shadow=message.shadow_mode,
            recipient=recipient,
            mode=controls.mode,
            send_enabled=controls.send_enabled,
            kill_switch=controls.kill_switch,
        )
    )


def _send(
    *, message_id: int, to: str, body: str, engine: Engine, sender: SmsSender, clock: Clock
) -> DispatchResult:
    try:
        sent = sender.send(to=to, body=body)
    except SmsOptedOut as exc:
        with session_scope(engine) as session:
            _move(session, message_id, {OutboundStatus.SENDING}, OutboundStatus.FAILED, error=str(exc), lease=None)
            _mark_opted_out(session, to, now=clock.now())
        return DispatchResult(message_id, OutboundStatus.FAILED.value, str(exc))
    except SmsRejected as exc:
        with session_scope(engine) as session:
            _move(session, message_id, {OutboundStatus.SENDING}, OutboundStatus.FAILED, error=str(exc), lease=None)
        return DispatchResult(message_id, OutboundStatus.FAILED.value, str(exc))
    except Exception as exc:  # SmsOutcomeUnknown, or a bug in a sender: the outcome is not known either way
        reason = str(exc) if isinstance(exc, SmsOutcomeUnknown) else f"sender raised {type(exc).__name__}"
        log.exception("sms %s: outcome unknown", message_id)
        with session_scope(engine) as session:
            if _move(session, message_id, {OutboundStatus.SENDING}, OutboundStatus.UNKNOWN, error=reason, lease=None):
                _alert_unknown(session, message_id, reason)
        return DispatchResult(message_id, OutboundStatus.UNKNOWN.value, reason)
    status = OutboundStatus.DELIVERED if sent.status == "delivered" else OutboundStatus.SENT
    with session_scope(engine) as session:
        # `unknown` too: a send that outlived its lease still records what the provider said.
        _move(
            session,
            message_id,
            {OutboundStatus.SENDING, OutboundStatus.UNKNOWN},
            status,
            provider_sid=sent.provider_sid,
            sent_at=clock.now(),
            lease=None,
            error=None,
        )
    log.info("sms %s %s (%s)", message_id, status.value, sent.provider_sid)
    return DispatchResult(message_id, status.value)


_UNSET = object()


def _move(
    session: Session,
    message_id: int,
    expected: Iterable[OutboundStatus],
    target: OutboundStatus,
    *,
    error: object = _UNSET,
    lease: object = _UNSET,
    extra_where: sa.ColumnElement[bool] | None = None,
    **values: object,
) -> bool:
    """One conditional update: `target` only if the row is still in one of `expected`; True if it won."""
    table = OutboundMessage.__table__  # type: ignore[attr-defined]
    changes: dict[str, object] = {"status": target.value, **values}
    if error is not _UNSET:
        changes["error"] = error[:2000] if isinstance(error, str) else error
    if lease is not _UNSET:
        changes["lease_expires_at"] = lease
    where = [table.c.id == message_id, table.c.status.in_([status.value for status in expected])]
    if extra_where is not None:
        where.append(extra_where)
    session.flush()  # pending changes first: the expire below must not discard them
    result = session.execute(sa.update(table).where(*where).values(**changes))
    session.expire_all()
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]


def _mark_opted_out(session: Session, phone: str, *, now: datetime) -> None:
    rep = session.exec(select(Rep).where(Rep.phone == phone)).first()
    if rep is None or rep.opted_out:
        return
    rep.opted_out = True
    session.add(rep)
    record_audit(
        session=session,
        actor="system:twilio",
        action="rep.opted_out",
        subject_type="rep",
        subject_id=rep.id,
        details={"source": "twilio 21610"},
        at=now,
    )


def _alert_unknown(session: Session, message_id: int, reason: str) -> None:
    session.add(
        Alert(
            kind=UNKNOWN_ALERT_KIND,
            severity=AlertSeverity.CRITICAL,
            message=f"SMS {message_id} may or may not have been sent ({reason}); it will not be retried.",
            details={"message_id": message_id},
        )
    )
