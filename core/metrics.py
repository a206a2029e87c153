"""The weekly metrics view (`rep_weekly_metrics`): refreshed on PostgreSQL, always current on SQLite.

The view buckets drafts (touches) into company-local weeks through the `company_weeks` calendar, which
`refresh_rep_weekly_metrics` keeps filled for the company time zone; call it before reading on either
backend. Reads go through `rep_metrics`, one query for any number of reps.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session, col, delete, select

from core.models import CompanyWeek, rep_weekly_metrics

log = logging.getLogger(__name__)

# How far the calendar reaches either side of today: wider than any scorecard window (8 weeks).
CALENDAR_WEEKS_BACK = 104
CALENDAR_WEEKS_AHEAD = 104


@dataclass(frozen=True)
class WeeklyMetrics:
    """One rep's week as the view has it."""

    rep_id: int
    week_start: date
    emails_sent: int
    replies: int
    meetings: int
    calls: int
    reply_rate: float
    drafts_created: int
    drafts_sent: int


def week_bounds(week_start: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """The UTC instants where the local week starting on Monday `week_start` begins and ends (DST-aware)."""
    start = datetime.combine(week_start, time(0), tz).astimezone(UTC)
    end = datetime.combine(week_start + timedelta(days=7), time(0), tz).astimezone(UTC)
    return start, end


def ensure_company_weeks(*, session: Session, tz: ZoneInfo, around: date) -> int:
    """Make `company_weeks` hold every local week within two years of `around`, for `tz`; returns rows added.

    Rows written for another time zone are replaced (the company moved its clock), so the view always
    buckets in the configured zone. Idempotent and cheap when nothing is missing.
    """
    monday = around - timedelta(days=around.weekday())
    first = monday - timedelta(weeks=CALENDAR_WEEKS_BACK)
    last = monday + timedelta(weeks=CALENDAR_WEEKS_AHEAD)
    session.exec(delete(CompanyWeek).where(col(CompanyWeek.tz) != tz.key))  # type: ignore[call-overload]
    have = set(
        session.exec(
            select(col(CompanyWeek.week_start)).where(CompanyWeek.week_start >= first, CompanyWeek.week_start <= last)
        )
    )
    added = 0
    week = first
    while week <= last:
        if week not in have:
            starts_at, ends_at = week_bounds(week, tz)
            session.add(CompanyWeek(week_start=week, starts_at=starts_at, ends_at=ends_at, tz=tz.key))
            added += 1
        week += timedelta(weeks=1)
    session.flush()
    return added


def refresh_rep_weekly_metrics(engine: sa.Engine, *, tz: ZoneInfo | None = None, today: date | None = None) -> None:
    """Bring the view up to date: keep the week calendar filled, then a concurrent refresh of the
    materialized view on PostgreSQL (readers are never blocked); on SQLite the view is always current."""
    if tz is None:
        from core.config import get_settings

        tz = get_settings().tz
    with Session(engine) as session:
        ensure_company_weeks(session=session, tz=tz, around=today or datetime.now(tz).date())
        session.commit()
    if engine.dialect.name != "postgresql":
        return
    # CONCURRENTLY cannot run inside a transaction block.
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(sa.text("REFRESH MATERIALIZED VIEW CONCURRENTLY rep_weekly_metrics"))


def rep_metrics(
    connection: sa.Connection, *, rep_ids: Iterable[int] | None = None, weeks: Iterable[date] | None = None
) -> list[WeeklyMetrics]:
    """Rows of the view for the given reps and weeks (all when None), ordered by rep and week."""
    query = sa.select(rep_weekly_metrics).order_by(rep_weekly_metrics.c.rep_id, rep_weekly_metrics.c.week_start)
    if rep_ids is not None:
        query = query.where(rep_weekly_metrics.c.rep_id.in_(list(rep_ids)))
    if weeks is not None:
        query = query.where(rep_weekly_metrics.c.week_start.in_(list(weeks)))
    return [
        WeeklyMetrics(
            rep_id=row.rep_id,
            week_start=row.week_start,
            emails_sent=int(row.emails_sent),
            replies=int(row.replies),
            meetings=int(row.meetings),
            calls=int(row.calls),
            reply_rate=float(row.reply_rate),
            drafts_created=int(row.drafts_created),
            drafts_sent=int(row.drafts_sent),
        )
        for row in connection.execute(query)
    ]
