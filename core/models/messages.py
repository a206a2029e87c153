"""SMS in and out: the outbox (the only path anything leaves by) and the inbound log."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from core.models.base import created_at_field, enum_check, enum_field, id_field, utc_field


class MessagePurpose(StrEnum):
    """Why an outbound message exists; PIP and terminate need a founder's approval by database CHECK."""

    APPROVAL_REQUEST = "approval_request"
    CALL_TASK = "call_task"
    NUDGE = "nudge"
    REPLY = "reply"
    PRAISE = "praise"
    WARNING = "warning"
    PIP = "pip"
    TERMINATE = "terminate"


class OutboundStatus(StrEnum):
    """An outbound message's life: `unknown` is a lease that ran out mid-send, left for a human."""

    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    DELIVERED = "delivered"
    FAILED = "failed"
    BLOCKED = "blocked"
    SHADOW = "shadow"
    UNKNOWN = "unknown"


class OutboundMessage(SQLModel, table=True):
    """One SMS to a rep or founder, sent at most once (unique idempotency key, leased claim)."""

    __tablename__ = "outbound_messages"
    __table_args__ = (
        enum_check("purpose", MessagePurpose, name="purpose"),
        enum_check("status", OutboundStatus, name="status"),
        # The database itself refuses a PIP or termination message that no founder approved.
        sa.CheckConstraint(
            "purpose NOT IN ('pip', 'terminate') OR approved_by IS NOT NULL",
            name="pip_terminate_need_founder",
        ),
        sa.CheckConstraint("length(body) <= 1600", name="body_length"),
    )

    id: int | None = id_field()
    created_at: datetime = created_at_field()
    idempotency_key: str = Field(max_length=200, unique=True)
    to_number: str = Field(max_length=16, index=True)
    rep_id: int | None = Field(default=None, foreign_key="reps.id", index=True)
    body: str = Field(max_length=1600)
    purpose: MessagePurpose = enum_field(MessagePurpose)
    status: OutboundStatus = enum_field(OutboundStatus, OutboundStatus.QUEUED, index=True)
    provider_sid: str | None = Field(default=None, max_length=64, unique=True)
    approved_by: int | None = Field(default=None, foreign_key="founders.id")
    approval_id: int | None = Field(default=None, foreign_key="approvals.id")
    lease_expires_at: datetime | None = utc_field()
    attempts: int = Field(default=0, ge=0)
    error: str | None = Field(default=None, max_length=2000)
    sent_at: datetime | None = utc_field()
    shadow_mode: bool = Field(default=True)


class InboundMessage(SQLModel, table=True):
    """One webhook call from Twilio (or the simulator); a signed MessageSid is recorded (and acted on) once."""

    __tablename__ = "inbound_messages"
    __table_args__ = (
        # Unique among signed calls only: a forged call carrying a real MessageSid first must not
        # make the genuine one look like a replay.
        sa.Index(
            "uq_inbound_messages_signed_sid",
            "message_sid",
            unique=True,
            sqlite_where=sa.text("signature_ok = 1"),
            postgresql_where=sa.text("signature_ok"),
        ),
    )

    id: int | None = id_field()
    created_at: datetime = created_at_field()
    message_sid: str = Field(max_length=64, index=True)
    from_number: str = Field(max_length=32, index=True)
    to_number: str | None = Field(default=None, max_length=32)
    body: str = Field(max_length=1600)
    signature_ok: bool
    allowed: bool
    outcome: str = Field(max_length=64)
    rep_id: int | None = Field(default=None, foreign_key="reps.id")
    founder_id: int | None = Field(default=None, foreign_key="founders.id")
