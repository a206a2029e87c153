"""The outbox: the only way a message can leave. Queueing is idempotent by key; sending is the
dispatcher's job (workers), which re-checks every safety rule at the moment of sending."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from core.models import MessagePurpose, OutboundMessage, OutboundStatus

SMS_MAX_CHARS = 1600


def queue_sms(
    *,
    session: Session,
    idempotency_key: str,
    to_number: str,
    body: str,
    purpose: MessagePurpose,
    rep_id: int | None = None,
    approval_id: int | None = None,
    approved_by: int | None = None,
    shadow_mode: bool = True,
) -> tuple[OutboundMessage, bool]:
    """Queue one SMS unless a message with this key exists; returns (the message, whether it is new).

    The database refuses a PIP or terminate message without `approved_by` (a CHECK), whatever the caller.
    """
    existing = session.exec(select(OutboundMessage).where(OutboundMessage.idempotency_key == idempotency_key)).first()
    if existing is not None:
        return existing, False
    if len(body) > SMS_MAX_CHARS:
        raise ValueError(f"SMS body is {len(body)} characters; the limit is {SMS_MAX_CHARS}")
    message = OutboundMessage(
        idempotency_key=idempotency_key,
        to_number=to_number,
        body=body,
        purpose=purpose,
        rep_id=rep_id,
        approval_id=approval_id,
        approved_by=approved_by,
        shadow_mode=shadow_mode,
        status=OutboundStatus.QUEUED,
    )
    # A savepoint: a concurrent writer with the same key loses cleanly instead of poisoning the transaction.
    try:
        with session.begin_nested():
            session.add(message)
    except IntegrityError:
        existing = session.exec(
            select(OutboundMessage).where(OutboundMessage.idempotency_key == idempotency_key)
        ).first()
        if existing is None:
            raise
        return existing, False
    return message, True
