"""The morning nudge job: on company-local workdays at 08:xx, one SMS per active, opted-in rep.

rq-scheduler's cron is UTC, so the schedule has two entries (12:30 and 13:30 UTC: 08:30 local in EDT and
in EST) and the job only acts when the local hour is 8 on a weekday. Each message's idempotency key is
`nudge:{rep_id}:{local_date}`, so a second run that day (the other entry, a retry) queues nothing new.
In shadow mode messages are queued with shadow_mode=True and the dispatcher never sends them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, col, select

from core.clock import Clock, SystemClock
from core.config import AgentMode, Settings, get_settings
from core.controls import effective_controls
from core.db import get_engine
from core.models import MessagePurpose, Rep
from core.nudge import drafts_on, emails_sent_in_week, nudge_text, previous_workday
from core.outbox import queue_sms
from core.quota import plan_quota
from core.weeks import local_date, local_week_start, workdays_left_including_today

log = logging.getLogger(__name__)

NUDGE_LOCAL_HOUR = 8
# 08:30 America/New_York is 12:30 UTC in summer (EDT) and 13:30 UTC in winter (EST).
NUDGE_CRONS = ("30 12 * * 1-5", "30 13 * * 1-5")


@dataclass
class NudgeRun:
    """What one run did."""

    skipped: str | None = None
    queued: list[int] = field(default_factory=list)
    already: list[int] = field(default_factory=list)


def nudge_key(rep_id: int, day: object) -> str:
    """The idempotency key: one nudge per rep per local date."""
    return f"nudge:{rep_id}:{day}"


def send_morning_nudges(*, session: Session, settings: Settings, now: datetime, force: bool = False) -> NudgeRun:
    """Queue today's nudges (unless outside 08:xx on a local workday, when `force` is off)."""
    tz = settings.tz
    local_now = now.astimezone(tz)
    holidays = frozenset(settings.company_holidays)
    today = local_date(now, tz)
    if not force and (local_now.weekday() >= 5 or today in holidays or local_now.hour != NUDGE_LOCAL_HOUR):
        return NudgeRun(skipped=f"local time {local_now:%a %H:%M} is not a workday 0{NUDGE_LOCAL_HOUR}:xx")
    week = local_week_start(now, tz)
    workdays_left = workdays_left_including_today(now, tz, holidays)
    shadow = effective_controls(session=session, settings=settings).mode is AgentMode.SHADOW
    last_workday = previous_workday(today, holidays)
    run = NudgeRun()
    reps = session.exec(
        select(Rep).where(col(Rep.active).is_(True), col(Rep.opted_out).is_(False)).order_by(col(Rep.id))
    ).all()
    for rep in reps:
        assert rep.id is not None
        plan = plan_quota(
            sent_this_week=emails_sent_in_week(session=session, rep_id=rep.id, week_start=week),
            weekly_floor=settings.weekly_email_floor,
            workdays_left=workdays_left,
            daily_cap=settings.daily_draft_cap,
        )
        drafts = drafts_on(session=session, rep_id=rep.id, day=last_workday, tz=tz)
        body = nudge_text(first_name=rep.name.split()[0] if rep.name else "", plan=plan, drafts=drafts, today=today)
        _, new = queue_sms(
            session=session,
            idempotency_key=nudge_key(rep.id, today),
            to_number=rep.phone,
            body=body,
            purpose=MessagePurpose.NUDGE,
            rep_id=rep.id,
            shadow_mode=shadow,
        )
        (run.queued if new else run.already).append(rep.id)
    log.info(
        "morning nudge %s: %d queued, %d already queued (shadow=%s)", today, len(run.queued), len(run.already), shadow
    )
    return run


def morning_nudge_job(*, clock: Clock | None = None, settings: Settings | None = None) -> NudgeRun:
    """RQ job (two UTC cron entries, local-hour guard): queue the morning nudges; safe to run twice."""
    settings = settings or get_settings()
    now = (clock or SystemClock()).now()
    with Session(get_engine(settings), expire_on_commit=False) as session:
        run = send_morning_nudges(session=session, settings=settings, now=now)
        session.commit()
    return run
