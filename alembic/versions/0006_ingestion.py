"""ingestion: sources with hashed keys, the company-week calendar, compliance, drafts in the metrics view

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24

- `ingestion_sources`: one row per system allowed to POST activity; only the SHA-256 of its bearer key.
- `company_weeks`: each company-local week as a UTC interval [starts_at, ends_at). SQLite has no time
  zones, so this table is how SQL on both backends puts a UTC timestamp into a local week. It is filled
  (idempotently) by `core.metrics.ensure_company_weeks`, which `refresh_rep_weekly_metrics` calls.
- `deliverability_snapshots.compliant`: Postmaster's compliance status for the day (nullable).
- `rep_weekly_metrics` gains two columns, per rep and company-local week:
  * `drafts_created`: step-1 touches (the first email of a sequence: one per drafted sequence) of the
    rep's sequences, bucketed by the touch's `created_at` into the local week through `company_weeks`;
  * `drafts_sent`: of those, the ones whose draft approval the rep answered `approved` or `edited` (the
    rep said Y, or sent their own text verbatim). There is no per-touch "sent" marker: the rep sends from
    their own mailbox, and the approval is the record that they did. Mail actually leaving is counted
    separately, as `emails_sent`, from ingested `email_sent` activity. In shadow mode no approvals are
    asked for, so `drafts_sent` stays 0.
  A rep-week with drafts but no activity (or the reverse) still gets a row; missing counts are 0.
  The view is recreated: materialized with its unique index on PostgreSQL (refreshed concurrently), a
  plain view on SQLite. The SQL is frozen here, not imported from core.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "ingestion_sources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ingestion_sources")),
        sa.UniqueConstraint("name", name=op.f("uq_ingestion_sources_name")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_ingestion_sources_key_hash")),
    )

    op.create_table(
        "company_weeks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("tz", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_company_weeks")),
        sa.UniqueConstraint("week_start", name=op.f("uq_company_weeks_week_start")),
    )
    with op.batch_alter_table("company_weeks", schema=None) as batch_op:
        batch_op.create_index("ix_company_weeks_starts_at", ["starts_at", "ends_at"], unique=False)

    with op.batch_alter_table("deliverability_snapshots", schema=None) as batch_op:
        batch_op.add_column(sa.Column("compliant", sa.Boolean(), nullable=True))

    _drop_view()
    _create_view(_METRICS_SELECT_0006)


def downgrade() -> None:
    _drop_view()
    _create_view(_METRICS_SELECT_0001)
    with op.batch_alter_table("deliverability_snapshots", schema=None) as batch_op:
        batch_op.drop_column("compliant")
    with op.batch_alter_table("company_weeks", schema=None) as batch_op:
        batch_op.drop_index("ix_company_weeks_starts_at")
    op.drop_table("company_weeks")
    op.drop_table("ingestion_sources")


def _drop_view() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP MATERIALIZED VIEW IF EXISTS rep_weekly_metrics")
    else:
        op.execute("DROP VIEW IF EXISTS rep_weekly_metrics")


def _create_view(select_sql: str) -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE MATERIALIZED VIEW rep_weekly_metrics AS " + select_sql.format(real="DOUBLE PRECISION") + " WITH DATA"
        )
        # A unique index is what REFRESH MATERIALIZED VIEW CONCURRENTLY requires.
        op.execute("CREATE UNIQUE INDEX uq_rep_weekly_metrics_rep_week ON rep_weekly_metrics (rep_id, week_start)")
    else:
        op.execute("CREATE VIEW rep_weekly_metrics AS " + select_sql.format(real="REAL"))


_METRICS_SELECT_0006 = """
WITH activity AS (
    SELECT
        rep_id,
        week_start,
        SUM(CASE WHEN kind = 'email_sent' THEN 1 ELSE 0 END) AS emails_sent,
        SUM(CASE WHEN kind = 'reply' THEN 1 ELSE 0 END) AS replies,
        SUM(CASE WHEN kind = 'meeting_booked' THEN 1 ELSE 0 END) AS meetings,
        SUM(CASE WHEN kind = 'call' THEN 1 ELSE 0 END) AS calls
    FROM activity_events
    GROUP BY rep_id, week_start
),
drafts AS (
    SELECT
        s.rep_id AS rep_id,
        w.week_start AS week_start,
        COUNT(*) AS drafts_created,
        SUM(CASE WHEN a.status IN ('approved', 'edited') THEN 1 ELSE 0 END) AS drafts_sent
    FROM touches t
    JOIN sequences s ON s.id = t.sequence_id
    JOIN company_weeks w ON t.created_at >= w.starts_at AND t.created_at < w.ends_at
    LEFT JOIN approvals a ON a.kind = 'draft' AND a.subject_id = s.id
    WHERE t.step = 1
    GROUP BY s.rep_id, w.week_start
),
rep_weeks AS (
    SELECT rep_id, week_start FROM activity
    UNION
    SELECT rep_id, week_start FROM drafts
)
SELECT
    k.rep_id AS rep_id,
    k.week_start AS week_start,
    COALESCE(a.emails_sent, 0) AS emails_sent,
    COALESCE(a.replies, 0) AS replies,
    COALESCE(a.meetings, 0) AS meetings,
    COALESCE(a.calls, 0) AS calls,
    CASE WHEN COALESCE(a.emails_sent, 0) > 0
         THEN CAST(a.replies AS {real}) / a.emails_sent
         ELSE 0 END AS reply_rate,
    COALESCE(d.drafts_created, 0) AS drafts_created,
    COALESCE(d.drafts_sent, 0) AS drafts_sent
FROM rep_weeks k
LEFT JOIN activity a ON a.rep_id = k.rep_id AND a.week_start = k.week_start
LEFT JOIN drafts d ON d.rep_id = k.rep_id AND d.week_start = k.week_start
"""

# 0001's view, for downgrade.
_METRICS_SELECT_0001 = """
SELECT
    rep_id,
    week_start,
    SUM(CASE WHEN kind = 'email_sent' THEN 1 ELSE 0 END) AS emails_sent,
    SUM(CASE WHEN kind = 'reply' THEN 1 ELSE 0 END) AS replies,
    SUM(CASE WHEN kind = 'meeting_booked' THEN 1 ELSE 0 END) AS meetings,
    SUM(CASE WHEN kind = 'call' THEN 1 ELSE 0 END) AS calls,
    CASE WHEN SUM(CASE WHEN kind = 'email_sent' THEN 1 ELSE 0 END) > 0
         THEN CAST(SUM(CASE WHEN kind = 'reply' THEN 1 ELSE 0 END) AS {real})
              / SUM(CASE WHEN kind = 'email_sent' THEN 1 ELSE 0 END)
         ELSE 0 END AS reply_rate
FROM activity_events
GROUP BY rep_id, week_start
"""
