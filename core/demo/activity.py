"""The demo reps' activity and deliverability, planned as plain values: pure and deterministic in `now`.

Randomness only spreads events over the working hours; each week (and each day of deliverability) has its
own generator seeded from the profile key and the date, so the same `now` always yields the same plan and
a later `now` in the same week only adds the events that have happened since.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from core.demo.profiles import DEMO_WEEKS, RepProfile
from core.models import ActivityKind
from core.weeks import local_date, local_week_start, week_starts_back

DEMO_SOURCE = "demo"
WORKDAYS = 5
# Activity lands between 08:00 and 18:00 local time: far from midnight and from the 02:00 DST changes.
WORKDAY_START_MINUTE = 8 * 60
WORKDAY_END_MINUTE = 18 * 60


@dataclass(frozen=True)
class PlannedEvent:
    """One activity event to insert for a rep."""

    kind: ActivityKind
    occurred_at: datetime
    week_start: date
    external_id: str


@dataclass(frozen=True)
class PlannedSnapshot:
    """One day of deliverability for a rep's sending domain."""

    day: date
    spam_rate: float
    spf_pass_rate: float
    dkim_pass_rate: float
    dmarc_pass_rate: float
    delivery_errors: float


def weekly_email_targets(profile: RepProfile, floor: int) -> list[int]:
    """Emails the profile sends in each completed week, oldest first."""
    return [round(floor * ratio) for ratio in profile.weekly_floor_ratios]


def plan_events(profile: RepProfile, *, now: datetime, tz: ZoneInfo, floor: int) -> list[PlannedEvent]:
    """The profile's events for the completed weeks before `now`'s week and its current week up to `now`."""
    weeks = week_starts_back(now, tz, DEMO_WEEKS)
    plan: list[PlannedEvent] = []
    for week_start, emails in zip(weeks, weekly_email_targets(profile, floor), strict=True):
        plan.extend(_plan_week(profile, week_start, emails, tz))
    current = local_week_start(now, tz)
    current_emails = round(floor * profile.current_floor_ratio)
    plan.extend(event for event in _plan_week(profile, current, current_emails, tz) if event.occurred_at < now)
    return plan


def plan_snapshots(profile: RepProfile, *, now: datetime, tz: ZoneInfo) -> list[PlannedSnapshot]:
    """Daily deliverability from the first seeded week up to yesterday (today's numbers are not in yet)."""
    first = week_starts_back(now, tz, DEMO_WEEKS)[0]
    days = (local_date(now, tz) - first).days
    start, end = profile.spam_rate
    plan = []
    for n in range(days):
        day = first + timedelta(days=n)
        rng = random.Random(f"demo:{profile.key}:deliverability:{day.isoformat()}")
        trend = start + (end - start) * n / max(days - 1, 1)
        spf, dkim, dmarc = (_jitter_rate(rng, rate) for rate in profile.auth_pass_rates)
        plan.append(
            PlannedSnapshot(
                day=day,
                spam_rate=round(trend * rng.uniform(0.95, 1.05), 6),
                spf_pass_rate=spf,
                dkim_pass_rate=dkim,
                dmarc_pass_rate=dmarc,
                delivery_errors=round(profile.delivery_error_rate * rng.uniform(0.8, 1.2), 6),
            )
        )
    return plan


def _plan_week(profile: RepProfile, week_start: date, emails: int, tz: ZoneInfo) -> list[PlannedEvent]:
    rng = random.Random(f"demo:{profile.key}:activity:{week_start.isoformat()}")
    replies = round(emails * profile.reply_rate * rng.uniform(0.8, 1.2))
    meetings = round(replies * profile.meeting_rate * rng.uniform(0.8, 1.2))
    calls = round(emails * profile.call_rate * rng.uniform(0.8, 1.2))
    plan = []
    counts = (
        (ActivityKind.EMAIL_SENT, emails),
        (ActivityKind.REPLY, replies),
        (ActivityKind.MEETING_BOOKED, meetings),
        (ActivityKind.CALL, calls),
    )
    for kind, count in counts:
        for i, at in enumerate(_spread_over_workdays(rng, week_start, count, tz)):
            external_id = f"demo:{profile.key}:{week_start.isoformat()}:{kind.value}:{i:04d}"
            plan.append(PlannedEvent(kind, at, local_week_start(at, tz), external_id))
    return plan


def _spread_over_workdays(rng: random.Random, week_start: date, count: int, tz: ZoneInfo) -> list[datetime]:
    """`count` UTC instants spread evenly over Monday-Friday, at random times within local working hours."""
    instants = []
    for i in range(count):
        day = week_start + timedelta(days=i * WORKDAYS // count)
        minute = rng.randrange(WORKDAY_START_MINUTE, WORKDAY_END_MINUTE)
        local = datetime.combine(day, time(minute // 60, minute % 60, rng.randrange(60)), tzinfo=tz)
        instants.append(local.astimezone(UTC))
    return sorted(instants)


def _jitter_rate(rng: random.Random, rate: float) -> float:
    # A perfect 100% stays perfect; anything less wobbles a little from day to day.
    return rate if rate >= 1.0 else round(min(1.0, max(0.0, rate + rng.uniform(-0.005, 0.005))), 4)
