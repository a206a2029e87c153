"""Outreach sequences (one per lead) and their three touches."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from core.models.base import created_at_field, enum_check, enum_field, id_field, json_field, utc_field


class SequenceState(StrEnum):
    """The sequence state machine (DESIGN.md, Flows); each transition is one conditional update."""

    QUEUED = "queued"
    RESEARCHED = "researched"
    DRAFTED = "drafted"
    DRAFT_FAILED = "draft_failed"
    BUDGET_EXHAUSTED = "budget_exhausted"
    SHADOW_LOGGED = "shadow_logged"
    AWAITING_REP = "awaiting_rep"
    APPROVED = "approved"
    EDITED = "edited"
    SKIPPED = "skipped"
    EXPIRED = "expired"
    LEAD_REPLIED = "lead_replied"
    COMPLETED = "completed"


class TouchChannel(StrEnum):
    """How a touch reaches the lead."""

    EMAIL = "email"
    CALL_AND_EMAIL = "call_and_email"


class Sequence(SQLModel, table=True):
    """A personalised 3-touch outreach for one lead by one rep."""

    __tablename__ = "sequences"
    __table_args__ = (
        enum_check("state", SequenceState, name="state"),
        sa.UniqueConstraint("lead_id", name="uq_sequences_lead_id"),
    )

    id: int | None = id_field()
    created_at: datetime = created_at_field()
    lead_id: int = Field(foreign_key="leads.id")
    rep_id: int = Field(foreign_key="reps.id", index=True)
    state: SequenceState = enum_field(SequenceState, SequenceState.QUEUED, index=True)
    prompt_version: str | None = Field(default=None, max_length=64)
    model: str | None = Field(default=None, max_length=64)
    cost_usd: float = Field(default=0.0, ge=0)
    shadow_mode: bool = Field(default=True)
    research: dict[str, Any] = json_field(dict)
    failure_reason: str | None = Field(default=None, max_length=4000)
    updated_at: datetime = created_at_field()


class Touch(SQLModel, table=True):
    """One step of a sequence: step 1 on day 0, step 2 (call + email) on day 3, step 3 on day 7."""

    __tablename__ = "touches"
    __table_args__ = (
        sa.UniqueConstraint("sequence_id", "step", name="uq_touches_sequence_step"),
        sa.CheckConstraint(
            "(step = 1 AND day_offset = 0) OR (step = 2 AND day_offset = 3) OR (step = 3 AND day_offset = 7)",
            name="step_day_offset",
        ),
        enum_check("channel", TouchChannel, name="channel"),
    )

    id: int | None = id_field()
    created_at: datetime = created_at_field()
    sequence_id: int = Field(foreign_key="sequences.id", index=True)
    step: int
    day_offset: int
    channel: TouchChannel = enum_field(TouchChannel, TouchChannel.EMAIL)
    subject: str = Field(max_length=200)
    body: str = Field(max_length=5000)
    # Touch 2 is a call and an email: what the rep says on the call.
    call_script: str | None = Field(default=None, max_length=1000)
    slop_report: dict[str, Any] = json_field(dict)
    due_at: datetime | None = utc_field(index=True)
    gmail_draft_id: str | None = Field(default=None, max_length=128)
    pushed_at: datetime | None = utc_field()
