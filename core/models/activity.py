"""What reps did (activity events), how their mail lands (deliverability), and the weekly metrics view."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from core.models.base import created_at_field, enum_check, enum_field, id_field, utc_field


class ActivityKind(StrEnum):
    """The kinds of rep activity the scorecards count."""

    EMAIL_SENT = "email_sent"
    REPLY = "reply"
    MEETING_BOOKED = "meeting_booked"
    CALL = "call"


class ActivityEvent(SQLModel, table=True):
    """One thing a rep did, idempotent on (source, external_id)."""

    __tablename__ = "activity_events"
    __table_args__ = (
        enum_check("kind", ActivityKind, name="kind"),
        sa.UniqueConstraint("source", "external_id", name="uq_activity_events_source_external_id"),
        sa.Index("ix_activity_events_rep_week", "rep_id", "week_start"),
    )

    id: int | None = id_field()
    created_at: datetime = created_at_field()
    rep_id: int = Field(foreign_key="reps.id")
    kind: ActivityKind = enum_field(ActivityKind)
    occurred_at: datetime = utc_field(nullable=False)
    # The Monday of the company-local week, fixed at ingestion so SQLite and PostgreSQL group alike.
    week_start: date
    source: str = Field(max_length=64)
    external_id: str = Field(max_length=200)


class DeliverabilitySnapshot(SQLModel, table=True):
    """One day of a sending domain's deliverability (Postmaster Tools or fixtures)."""

    __tablename__ = "deliverability_snapshots"
    __table_args__ = (sa.UniqueConstraint("domain", "day", name="uq_deliverability_domain_date"),)

    id: int | None = id_field()
    created_at: datetime = created_at_field()
    domain: str = Field(max_length=253, index=True)
    day: date
    spam_rate: float | None = Field(default=None, ge=0, le=1)
    spf_pass_rate: float | None = Field(default=None, ge=0, le=1)
    dkim_pass_rate: float | None = Field(default=None, ge=0, le=1)
    dmarc_pass_rate: float | None = Field(default=None, ge=0, le=1)
    delivery_errors: float | None = Field(default=None, ge=0, le=1)
    # Postmaster's compliance status for the domain (None: unknown, e.g. from fixtures without it).
    compliant: bool | None = Field(default=None)
    source: str = Field(default="fixture", max_length=64)
    fetched_at: datetime | None = utc_field()


# The weekly metrics view (created by migration, not by the models: a materialized view with a unique
# index on PostgreSQL, a plain view on SQLite). This table object is for reading it; it is deliberately
# kept out of SQLModel.metadata so `create_all` and autogenerate never treat it as a table.
rep_weekly_metrics = sa.Table(
    "rep_weekly_metrics",
    sa.MetaData(),
    sa.Column("rep_id", sa.Integer, primary_key=True),
    sa.Column("week_start", sa.Date, primary_key=True),
    sa.Column("emails_sent", sa.Integer),
    sa.Column("replies", sa.Integer),
    sa.Column("meetings", sa.Integer),
    sa.Column("calls", sa.Integer),
    sa.Column("reply_rate", sa.Float),
    sa.Column("drafts_created", sa.Integer),
    sa.Column("drafts_sent", sa.Integer),
)
