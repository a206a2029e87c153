"""The nudge text (pure) and the counts behind it."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from core.models import ActivityEvent, ActivityKind, ApprovalStatus
from core.nudge import DraftDay, drafts_on, emails_sent_in_week, is_gsm7, nudge_text, previous_workday
from core.quota import plan_quota
from tests.factories import create_draft, create_rep

NY = ZoneInfo("America/New_York")
PLAN = plan_quota(sent_this_week=28, weekly_floor=200, workdays_left=3, daily_cap=15)
WED = date(2026, 11, 25)


def test_text_has_the_quota_math_and_yesterdays_drafts() -> None:
    text = nudge_text(first_name="Ana", plan=PLAN, drafts=DraftDay(date(2026, 11, 24), 15, 0), today=WED)
    assert text == (
        "Morning Ana: 28/200 this week, 172 to floor, 3 workdays left -> 58/day, capped at 15. "
        "0 of 15 drafts sent yesterday."
    )
    assert len(text) <= 160 and is_gsm7(text)


def test_monday_names_friday_and_no_drafts_says_nothing_of_them() -> None:
    monday = date(2026, 11, 23)
    assert previous_workday(monday) == date(2026, 11, 20)
    text = nudge_text(first_name="Ana", plan=PLAN, drafts=DraftDay(date(2026, 11, 20), 4, 3), today=monday)
    assert text.endswith("3 of 4 drafts sent on Friday.")
    assert "drafts" not in nudge_text(first_name="Ana", plan=PLAN, drafts=DraftDay(WED, 0, 0), today=WED)


def test_a_name_outside_gsm7_or_too_long_is_dropped() -> None:
    drafts = DraftDay(date(2026, 11, 24), 15, 0)
    assert nudge_text(first_name="Zoë🙂", plan=PLAN, drafts=drafts, today=WED).startswith("Morning: 28/200")
    assert nudge_text(first_name="A" * 80, plan=PLAN, drafts=drafts, today=WED).startswith("Morning: ")


def test_counts_read_activity_and_drafts_of_the_local_day(session) -> None:  # type: ignore[no-untyped-def]
    rep = create_rep(session)
    for n in range(3):
        session.add(ActivityEvent(rep_id=rep.id, kind=ActivityKind.EMAIL_SENT, occurred_at=datetime(2026, 11, 24,
                                  tzinfo=UTC), week_start=date(2026, 11, 23), source="t", external_id=str(n)))
    session.add(ActivityEvent(rep_id=rep.id, kind=ActivityKind.REPLY, occurred_at=datetime(2026, 11, 24, tzinfo=UTC),
                              week_start=date(2026, 11, 23), source="t", external_id="r"))
    create_draft(session, rep, datetime(2026, 11, 24, 14, tzinfo=UTC), ApprovalStatus.APPROVED)
    create_draft(session, rep, datetime(2026, 11, 25, 4, tzinfo=UTC))  # 23:00 local on the 24th
    create_draft(session, rep, datetime(2026, 11, 25, 6, tzinfo=UTC))  # the 25th locally
    assert emails_sent_in_week(session=session, rep_id=rep.id, week_start=date(2026, 11, 23)) == 3
    assert drafts_on(session=session, rep_id=rep.id, day=date(2026, 11, 24), tz=NY) == DraftDay(
        date(2026, 11, 24), 2, 1)


def test_previous_workday_skips_weekends_and_holidays() -> None:
    from datetime import date

    from core.nudge import previous_workday

    # Friday 2026-11-27 after Thanksgiving (Thursday 26th, a holiday): the workday before is Wednesday.
    assert previous_workday(date(2026, 11, 27), frozenset({date(2026, 11, 26)})) == date(2026, 11, 25)
    assert previous_workday(date(2026, 11, 30)) == date(2026, 11, 27)
