"""The weekly metrics view with drafts: created (step-1 touches by local week) and sent (approved or edited)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlmodel import select

from core.metrics import ensure_company_weeks, refresh_rep_weekly_metrics, rep_metrics, week_bounds
from core.models import ActivityEvent, ActivityKind, ApprovalStatus, CompanyWeek
from tests.factories import create_draft, create_rep

NY = ZoneInfo("America/New_York")
WEEK = date(2026, 11, 16)
TODAY = date(2026, 11, 24)


def test_week_bounds_follow_dst() -> None:
    # The week of the November DST change is 169 hours long in New York.
    start, end = week_bounds(date(2026, 10, 26), NY)
    assert start == datetime(2026, 10, 26, 4, tzinfo=UTC) and end == datetime(2026, 11, 2, 5, tzinfo=UTC)


def test_calendar_is_filled_once_and_follows_the_zone(session) -> None:  # type: ignore[no-untyped-def]
    added = ensure_company_weeks(session=session, tz=NY, around=TODAY)
    assert added == 209 and ensure_company_weeks(session=session, tz=NY, around=TODAY) == 0
    assert ensure_company_weeks(session=session, tz=ZoneInfo("Europe/Berlin"), around=TODAY) == 209
    assert {w.tz for w in session.exec(select(CompanyWeek))} == {"Europe/Berlin"}


def test_view_counts_activity_and_drafts_per_local_week(session, engine) -> None:  # type: ignore[no-untyped-def]
    rep, quiet = create_rep(session), create_rep(session)
    for n, kind in enumerate([ActivityKind.EMAIL_SENT] * 4 + [ActivityKind.REPLY, ActivityKind.CALL]):
        session.add(ActivityEvent(rep_id=rep.id, kind=kind, occurred_at=datetime(2026, 11, 17, 15, tzinfo=UTC),
                                  week_start=WEEK, source="t", external_id=str(n)))
    create_draft(session, rep, datetime(2026, 11, 17, 14, tzinfo=UTC), ApprovalStatus.APPROVED)
    create_draft(session, rep, datetime(2026, 11, 18, 14, tzinfo=UTC), ApprovalStatus.EDITED)
    create_draft(session, rep, datetime(2026, 11, 19, 14, tzinfo=UTC), ApprovalStatus.SKIPPED)
    create_draft(session, rep, datetime(2026, 11, 20, 14, tzinfo=UTC))
    # Sunday 23:00 local is Monday 04:00 UTC: still the week of the 16th.
    create_draft(session, rep, datetime(2026, 11, 23, 4, tzinfo=UTC), ApprovalStatus.PENDING)
    # Monday 00:30 local: the next week, which has no activity yet, still gets a row.
    create_draft(session, rep, datetime(2026, 11, 23, 5, 30, tzinfo=UTC), ApprovalStatus.APPROVED)
    create_draft(session, quiet, datetime(2026, 11, 17, 14, tzinfo=UTC))
    session.commit()

    refresh_rep_weekly_metrics(engine, tz=NY, today=TODAY)
    with engine.connect() as connection:
        rows = {(m.rep_id, m.week_start): m for m in rep_metrics(connection)}
        only_rep = rep_metrics(connection, rep_ids=[rep.id], weeks=[WEEK])
    main = rows[(rep.id, WEEK)]
    assert (main.emails_sent, main.replies, main.calls, main.meetings) == (4, 1, 1, 0)
    assert main.reply_rate == 0.25
    assert (main.drafts_created, main.drafts_sent) == (5, 2)
    nxt = rows[(rep.id, date(2026, 11, 23))]
    assert (nxt.emails_sent, nxt.reply_rate, nxt.drafts_created, nxt.drafts_sent) == (0, 0.0, 1, 1)
    assert (rows[(quiet.id, WEEK)].drafts_created, rows[(quiet.id, WEEK)].drafts_sent) == (1, 0)
    assert only_rep == [main]
