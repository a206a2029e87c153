"""The durable wait: an approval is a row, never a blocked worker."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from core.models.base import created_at_field, enum_check, enum_field, id_field, utc_field


class ApprovalKind(StrEnum):
    """What is waiting: a rep's answer on a draft, or a founder's on a verdict's action (PIP, terminate)."""

    DRAFT = "draft"
    VERDICT_ACTION = "verdict_action"


class ApprovalStatus(StrEnum):
    """An approval's answer; `pending` until someone (or the 48-hour timer) decides."""

    PENDING = "pending"
    APPROVED = "approved"
    SKIPPED = "skipped"
    EDITED = "edited"
    EXPIRED = "expired"
    REJECTED = "rejected"


class Approval(SQLModel, table=True):
    """A request for a human decision and, once resolved, its answer."""

    __tablename__ = "approvals"
    __table_args__ = (
        enum_check("kind", ApprovalKind, name="kind"),
        enum_check("status", ApprovalStatus, name="status"),
        # One draft approval in flight per rep, so a bare "Y" is never ambiguous.
        sa.Index(
            "uq_approvals_one_pending_draft_per_rep",
            "rep_id",
            unique=True,
            sqlite_where=sa.text("status = 'pending' AND kind = 'draft'"),
            postgresql_where=sa.text("status = 'pending' AND kind = 'draft'"),
        ),
        sa.UniqueConstraint("kind", "subject_id", name="uq_approvals_kind_subject"),
    )

    id: int | None = id_field()
    created_at: datetime = created_at_field()
    kind: ApprovalKind = enum_field(ApprovalKind)
    # The sequence id (draft) or verdict id (verdict_action) waiting on the decision.
    subject_id: int
    rep_id: int = Field(foreign_key="reps.id", index=True)
    status: ApprovalStatus = enum_field(ApprovalStatus, ApprovalStatus.PENDING, index=True)
    reply_text: str | None = Field(default=None, max_length=5000)
    expires_at: datetime = utc_field(nullable=False, index=True)
    # "rep:<id>", "founder:<id>" or "system:expiry".
    resolved_by: str | None = Field(default=None, max_length=64)
    resolved_at: datetime | None = utc_field()
    shadow_mode: bool = Field(default=True)
