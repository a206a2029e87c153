"""Company-local weeks, including DST changes and the Sunday-night-is-already-Monday-in-UTC case."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.weeks import local_date, local_week_start, week_starts_back, workdays_left_including_today

NY = ZoneInfo("America/New_York")


def ny(*args: int) -> datetime:
    return datetime(*args, tzinfo=NY)  # type: ignore[misc]


def test_sunday_night_local_is_already_monday_in_utc() -> None:
    at = ny(2026, 1, 11, 23, 30)  # Sunday 23:30 EST
    assert at.astimezone(UTC).date() == date(2026, 1, 12)  # Monday in UTC
    assert local_week_start(at, NY) == date(2026, 1, 5)
    assert local_week_start(ny(2026, 1, 12, 0, 0), NY) == date(2026, 1, 12)


@pytest.mark.parametrize(
    ("utc_instant", "expected"),
    [
        # Spring forward, Sunday 2026-03-08 02:00 EST -> 03:00 EDT.
        (datetime(2026, 3, 8, 6, 59, tzinfo=UTC), date(2026, 3, 2)),  # 01:59 EST
        (datetime(2026, 3, 8, 7, 0, tzinfo=UTC), date(2026, 3, 2)),  # 03:00 EDT
        (datetime(2026, 3, 9, 3, 59, tzinfo=UTC), date(2026, 3, 2)),  # Sunday 23:59 EDT
        (datetime(2026, 3, 9, 4, 0, tzinfo=UTC), date(2026, 3, 9)),  # Monday 00:00 EDT
        # Fall back, Sunday 2026-11-01 02:00 EDT -> 01:00 EST.
        (datetime(2026, 11, 1, 5, 30, tzinfo=UTC), date(2026, 10, 26)),  # 01:30 EDT
        (datetime(2026, 11, 1, 6, 30, tzinfo=UTC), date(2026, 10, 26)),  # 01:30 EST, the repeated hour
        (datetime(2026, 11, 2, 4, 59, tzinfo=UTC), date(2026, 10, 26)),  # Sunday 23:59 EST
        (datetime(2026, 11, 2, 5, 0, tzinfo=UTC), date(2026, 11, 2)),  # Monday 00:00 EST
    ],
)
def test_week_start_across_dst(utc_instant: datetime, expected: date) -> None:
    assert local_week_start(utc_instant, NY) == expected


def test_week_start_respects_the_zone() -> None:
    at = datetime(2026, 3, 9, 2, 0, tzinfo=UTC)  # Monday in UTC and London, still Sunday in New York
    assert local_week_start(at, ZoneInfo("Europe/London")) == date(2026, 3, 9)
    assert local_week_start(at, NY) == date(2026, 3, 2)


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        local_week_start(datetime(2026, 3, 9, 12, 0), NY)


@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)))
def test_week_start_is_the_monday_on_or_before_the_local_date(at: datetime) -> None:
    start = local_week_start(at, NY)
    assert start.weekday() == 0
    assert 0 <= (local_date(at, NY) - start).days <= 6


@pytest.mark.parametrize(
    ("local", "expected"),
    [
        (ny(2026, 3, 9, 8, 0), 5),  # Monday (the day after spring forward)
        (ny(2026, 3, 11, 23, 59), 3),  # Wednesday, late
        (ny(2026, 3, 13, 0, 1), 1),  # Friday
        (ny(2026, 3, 14, 12, 0), 0),  # Saturday
        (ny(2026, 3, 15, 23, 30), 0),  # Sunday 23:30, already Monday in UTC
        (ny(2026, 11, 2, 0, 30), 5),  # Monday after fall back
    ],
)
def test_workdays_left_including_today(local: datetime, expected: int) -> None:
    assert workdays_left_including_today(local, NY) == expected
    assert workdays_left_including_today(local.astimezone(UTC), NY) == expected


def test_holidays_are_not_workdays() -> None:
    thanksgiving = date(2026, 11, 26)  # Thursday
    monday = ny(2026, 11, 23, 9, 0)
    assert workdays_left_including_today(monday, NY, frozenset({thanksgiving, date(2026, 11, 27)})) == 3
    assert workdays_left_including_today(ny(2026, 11, 26, 9, 0), NY, {thanksgiving}) == 1
    # A holiday in another week changes nothing.
    assert workdays_left_including_today(monday, NY, {date(2026, 12, 25)}) == 5


def test_week_starts_back_are_completed_weeks_oldest_first() -> None:
    now = ny(2026, 3, 11, 10, 0)  # Wednesday of the week starting 2026-03-09
    assert week_starts_back(now, NY, 3) == [date(2026, 2, 16), date(2026, 2, 23), date(2026, 3, 2)]
    assert week_starts_back(now, NY, 3, include_current=True) == [
        date(2026, 2, 23),
        date(2026, 3, 2),
        date(2026, 3, 9),
    ]
    assert week_starts_back(now, NY, 0) == []
    with pytest.raises(ValueError):
        week_starts_back(now, NY, -1)


def test_week_starts_back_on_a_monday_morning_utc_that_is_sunday_local() -> None:
    now = datetime(2026, 11, 2, 3, 0, tzinfo=UTC)  # Sunday 22:00 EST: the week of 10-26 is not complete yet
    weeks = week_starts_back(now, NY, 8)
    assert weeks[-1] == date(2026, 10, 19)
    assert len(weeks) == 8
    assert all(b - a == timedelta(weeks=1) for a, b in zip(weeks, weeks[1:], strict=False))
