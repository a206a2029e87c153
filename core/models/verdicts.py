"""Weekly accountability verdicts and founders' reviews of the agent's calls (the shadow agreement data)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from core.models.base import created_at_field, enum_check, enum_field, id_field, json_field


class VerdictLevel(StrEnum):
    """A rep's week, from best to worst; the policy band and the model's verdict use the same scale."""

    EXCEEDS = "EXCEEDS"
    MEETS = "MEETS"
    BELOW_FLOOR = "BELOW_FLOOR"
    BELOW_FLOOR_PIP = "BELOW_FLOOR_PIP"
    CRITICAL = "CRITICAL"


class VerdictAction(StrEnum):
    """What a verdict recommends; PIP and terminate always wait for a founder."""

    NONE = "none"
    PRAISE = "praise"
    WARNING = "warning"
    PIP = "pip"
    TERMINATE = "terminate"


class VerdictStatus(StrEnum):
    """Where a verdict is in its routing."""

    PROPOSED = "proposed"
    NEEDS_REVIEW = "needs_review"
    AWAITING_FOUNDER = "awaiting_founder"
    APPROVED = "approved"
    REJECTED = "rejected"
    QUEUED = "queued"
    LOGGED = "logged"


class Verdict(SQLModel, table=True):
    """One rep's verdict for one company-local week, with the evidence behind it."""

    __tablename__ = "verdicts"
    __table_args__ = (
        sa.UniqueConstraint("rep_id", "week_start", name="uq_verdicts_rep_week"),
        enum_check("verdict", VerdictLevel, name="verdict"),
        enum_check("policy_band", VerdictLevel, name="policy_band"),
        enum_check("action", VerdictAction, name="action"),
        enum_check("status", VerdictStatus, name="status"),
    )

    id: int | None = id_field()
    created_at: datetime = created_at_field()
    rep_id: int = Field(foreign_key="reps.id", index=True)
    week_start: date
    verdict: VerdictLevel = enum_field(VerdictLevel)
    rationale: str = Field(max_length=8000)
    # [{"table": "rep_weekly_metrics", "id": ...}, ...]: checked to exist and belong to this rep and period.
    evidence_refs: list[Any] = json_field(list)
    policy_band: VerdictLevel = enum_field(VerdictLevel)
    action: VerdictAction = enum_field(VerdictAction, VerdictAction.NONE)
    status: VerdictStatus = enum_field(VerdictStatus, VerdictStatus.PROPOSED, index=True)
    # Why a founder must look at it (invalid evidence, far from the policy band); empty when routed normally.
    review_reasons: list[Any] = json_field(list)
    provider: str | None = Field(default=None, max_length=64)
    model: str | None = Field(default=None, max_length=64)
    prompt_version: str | None = Field(default=None, max_length=64)
    shadow_mode: bool = Field(default=True)


class ReviewSubject(StrEnum):
    """What a founder reviewed."""

    VERDICT = "verdict"
    DRAFT = "draft"


class Review(SQLModel, table=True):
    """A founder's own call beside the agent's, and whether they agree: the go-live evidence."""

    __tablename__ = "reviews"
    __table_args__ = (
        enum_check("subject_kind", ReviewSubject, name="subject_kind"),
        sa.UniqueConstraint("founder_id", "subject_kind", "subject_id", name="uq_reviews_founder_subject"),
    )

    id: int | None = id_field()
    created_at: datetime = created_at_field()
    founder_id: int = Field(foreign_key="founders.id", index=True)
    subject_kind: ReviewSubject = enum_field(ReviewSubject)
    subject_id: int
    founder_call: str = Field(max_length=64)
    agent_call: str = Field(max_length=64)
    agrees: bool
    notes: str | None = Field(default=None, max_length=4000)
    edit_text: str | None = Field(default=None, max_length=5000)
    shadow_mode: bool = Field(default=True)
