"""Company-local weeks: week starts, workdays left, recent weeks.

Pure functions: the instant and the zone are inputs. Every week is Monday to Sunday in the company's time
zone, so an instant is first turned into a local date and all arithmetic after that is on dates, which is
what keeps DST changes (23- or 25-hour days) out of the counting.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

FRIDAY = 4


def local_date(at: datetime, tz: ZoneInfo) -> date:
    """The company-local calendar date of the aware instant `at`."""
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("naive datetime given; pass a timezone-aware instant")
    return at.astimezone(tz).date()


def local_week_start(at: datetime, tz: ZoneInfo) -> date:
    """The Monday of the company-local week containing the aware instant `at`."""
    day = local_date(at, tz)
    return day - timedelta(days=day.weekday())


def workdays_left_including_today(now: datetime, tz: ZoneInfo, holidays: Collection[date] = frozenset()) -> int:
    """Workdays (Mon-Fri, not a holiday) from today to Friday of this local week; 0 on a weekend."""
    today = local_date(now, tz)
    return sum(1 for offset in range(FRIDAY - today.weekday() + 1) if (today + timedelta(days=offset)) not in holidays)


def week_starts_back(now: datetime, tz: ZoneInfo, weeks: int, *, include_current: bool = False) -> list[date]:
    """The Mondays of the last `weeks` weeks, oldest first.

    By default these are the `weeks` completed weeks before the current one (what a Monday scorecard
    looks at); with `include_current=True` the current, unfinished week is the last of them.
    """
    if weeks < 0:
        raise ValueError(f"weeks must be 0 or more, not {weeks}")
    current = local_week_start(now, tz)
    newest = current if include_current else current - timedelta(weeks=1)
    return [newest - timedelta(weeks=back) for back in range(weeks - 1, -1, -1)]
