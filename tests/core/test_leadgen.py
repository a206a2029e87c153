"""Lead gen planning (pure functions, no mocks) and its once-per-local-date claim."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from core import leadgen
from core.models import DiscoveryStatus, JobRun, JobRunStatus

NY = ZoneInfo("America/New_York")


@pytest.mark.parametrize(
    ("utc", "expected"),
    [
        (datetime(2026, 7, 14, 13, 0, tzinfo=UTC), True),  # EDT: 13:00 UTC is 09:00 local
        (datetime(2026, 7, 14, 14, 0, tzinfo=UTC), False),  # EDT: the winter entry fires at 10:00 local
        (datetime(2026, 11, 24, 14, 0, tzinfo=UTC), True),  # EST: 14:00 UTC is 09:00 local
        (datetime(2026, 11, 24, 13, 0, tzinfo=UTC), False),  # EST: the summer entry fires at 08:00 local
        (datetime(2026, 11, 28, 14, 0, tzinfo=UTC), False),  # a Saturday
        (datetime(2026, 3, 9, 13, 0, tzinfo=UTC), True),  # Monday after the spring change
        (datetime(2026, 11, 2, 14, 0, tzinfo=UTC), True),  # Monday after the autumn change
    ],
)
def test_local_hour_guard_is_dst_correct(utc: datetime, expected: bool) -> None:
    assert leadgen.is_lead_gen_time(utc, NY) is expected


def test_holidays_are_not_lead_gen_days() -> None:
    thanksgiving = datetime(2026, 11, 26, 14, 30, tzinfo=UTC)
    assert leadgen.is_lead_gen_time(thanksgiving, NY)
    assert not leadgen.is_lead_gen_time(thanksgiving, NY, {date(2026, 11, 26)})


def test_discovery_tops_up_to_the_floor() -> None:
    assert leadgen.discovery_request(12, 30) == 18
    assert leadgen.discovery_request(30, 30) == 0
    assert leadgen.discovery_request(45, 30) == 0


def test_dedupe_keeps_the_first_of_each_new_domain() -> None:
    keep, duplicates = leadgen.dedupe_by_domain(["a.com", "b.com", "a.com", "c.com", "d.com"], {"c.com"})
    assert keep == [0, 1, 4] and duplicates == 2
    assert leadgen.dedupe_by_domain([], {"a.com"}) == ([], 0)


def test_empty_streak_counts_from_the_newest() -> None:
    E, S = DiscoveryStatus.EMPTY, DiscoveryStatus.SUCCEEDED
    assert leadgen.empty_streak([E, E, E, S]) == 3
    assert leadgen.empty_streak([E, S, E]) == 1
    assert leadgen.empty_streak([]) == 0


def test_budget_cap_in_worst_case_drafts() -> None:
    assert leadgen.budget_draft_cap(10.0, 0.30) == 33
    assert leadgen.budget_draft_cap(0.9, 0.30) == 3  # no float error drops the third draft
    assert leadgen.budget_draft_cap(0.29, 0.30) == 0
    assert leadgen.budget_draft_cap(5.0, 0) == 0


def test_rep_targets_follow_the_quota_and_share_the_budget() -> None:
    reps = [leadgen.RepDay(1, sent_this_week=28, started_today=0), leadgen.RepDay(2, 190, 0),
            leadgen.RepDay(3, 0, 0)]  # fmt: skip
    targets = leadgen.plan_rep_targets(reps, weekly_floor=200, workdays_left=3, daily_cap=15, budget_drafts=20)
    # 172 to floor over 3 days: 58/day, capped at 15; 10 to floor: 4/day; the third gets what budget is left.
    assert [t.to_assign for t in targets] == [15, 4, 1]
    assert targets[0].plan.explain() == "28/200 this week, 172 to floor, 3 workdays left -> 58/day, capped at 15"
    assert targets[2].plan.capped_by == "LLM budget"
    unbounded = leadgen.plan_rep_targets(reps, weekly_floor=200, workdays_left=3, daily_cap=15, budget_drafts=None)
    assert [t.to_assign for t in unbounded] == [15, 4, 15]


def test_a_second_run_the_same_day_adds_only_what_is_missing() -> None:
    reps = [leadgen.RepDay(1, sent_this_week=0, started_today=6)]
    [target] = leadgen.plan_rep_targets(reps, weekly_floor=200, workdays_left=5, daily_cap=15, budget_drafts=None)
    assert target.to_assign == 9


def test_claim_is_once_per_local_date_and_a_stale_claim_is_taken_over(session) -> None:  # type: ignore[no-untyped-def]
    now = datetime(2026, 11, 24, 14, 0, tzinfo=UTC)
    day = leadgen.today(now, NY)
    assert leadgen.claim_daily_run(session=session, name="lead_gen", day=day, now=now)
    session.commit()
    assert not leadgen.claim_daily_run(session=session, name="lead_gen", day=day, now=now + timedelta(minutes=59))
    assert leadgen.claim_daily_run(session=session, name="other_job", day=day, now=now)
    assert leadgen.claim_daily_run(session=session, name="lead_gen", day=day, now=now + timedelta(hours=2))
    leadgen.finish_daily_run(session=session, name="lead_gen", day=day, now=now, summary={"sequences": 3})
    session.commit()
    assert not leadgen.claim_daily_run(session=session, name="lead_gen", day=day, now=now + timedelta(hours=5))
    run = session.exec(select(JobRun).where(JobRun.name == "lead_gen")).one()
    assert run.status == JobRunStatus.DONE and run.summary == {"sequences": 3}
