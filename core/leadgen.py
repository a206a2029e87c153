"""Daily lead gen: the pure planning (when to run, how many to pull, each rep's target) and its data access.

The decisions are pure functions over plain values (tested without mocks); the rest are small keyword-only
functions the job in `workers/leadgen.py` calls inside its own unit of work.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable
from collections.abc import Sequence as Seq
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from core.models import (
    ActivityEvent,
    ActivityKind,
    Alert,
    AlertSeverity,
    DiscoveryRun,
    DiscoveryStatus,
    JobRun,
    JobRunStatus,
    Lead,
    LeadStatus,
    Sequence,
)
from core.quota import QuotaPlan, plan_quota
from core.weeks import local_date, local_week_start, workdays_left_including_today

LEAD_GEN_JOB = "lead_gen"
LEAD_GEN_HOUR = 9
EMPTY_RUNS_ALERT = 3
# A claimed run that has not finished after this long is taken to have died; another may take it over.
STALE_CLAIM = timedelta(hours=1)


@dataclass(frozen=True)
class RepDay:
    """What the plan needs to know about one active rep today."""

    rep_id: int
    sent_this_week: int
    started_today: int


@dataclass(frozen=True)
class RepTarget:
    """How many new sequences one rep gets today, and why."""

    rep_id: int
    plan: QuotaPlan
    started_today: int
    to_assign: int


def is_lead_gen_time(now: datetime, tz: ZoneInfo, holidays: Collection[date] = frozenset(), *,
                     hour: int = LEAD_GEN_HOUR) -> bool:  # fmt: skip
    """True in the company-local `hour` of a workday that is not a holiday (the guard behind two UTC crons)."""
    local = now.astimezone(tz)
    return local.weekday() < 5 and local.date() not in holidays and local.hour == hour


def discovery_request(new_unassigned: int, floor: int) -> int:
    """How many fresh candidates to ask the lead source for: enough to get back to the floor, else none."""
    return max(0, floor - new_unassigned)


def dedupe_by_domain(domains: Iterable[str], known: Collection[str]) -> tuple[list[int], int]:
    """Indexes of the first occurrence of each domain not already known, and how many were duplicates."""
    seen = set(known)
    items = list(domains)
    keep: list[int] = []
    for index, domain in enumerate(items):
        if domain in seen:
            continue
        seen.add(domain)
        keep.append(index)
    return keep, len(items) - len(keep)


def empty_streak(statuses_newest_first: Seq[DiscoveryStatus]) -> int:
    """How many of the latest finished discovery runs in a row found nothing."""
    streak = 0
    for status in statuses_newest_first:
        if status is not DiscoveryStatus.EMPTY:
            break
        streak += 1
    return streak


def budget_draft_cap(remaining_usd: float, worst_case_per_draft_usd: float) -> int:
    """How many more drafts today's remaining LLM budget covers at the worst case per draft."""
    if worst_case_per_draft_usd <= 0:
        return 0
    return max(0, math.floor(round(remaining_usd / worst_case_per_draft_usd, 9)))


def plan_rep_targets(
    reps: Seq[RepDay], *, weekly_floor: int, workdays_left: int, daily_cap: int, budget_drafts: int | None
) -> list[RepTarget]:
    """Each rep's quota plan for today; the day's LLM budget (in drafts) is shared, reps in the given order.

    `to_assign` is what is still missing today (a second run the same day, after a crash, adds only that).
    """
    targets: list[RepTarget] = []
    left = budget_drafts
    for rep in reps:
        cap = None if left is None else left + rep.started_today
        plan = plan_quota(
            sent_this_week=rep.sent_this_week, weekly_floor=weekly_floor, workdays_left=workdays_left,
            daily_cap=daily_cap, budget_cap=cap,
        )  # fmt: skip
        to_assign = max(0, plan.target - rep.started_today)
        if left is not None:
            left = max(0, left - to_assign)
        targets.append(RepTarget(rep.rep_id, plan, rep.started_today, to_assign))
    return targets


def claim_daily_run(*, session: Session, name: str, day: date, now: datetime) -> bool:
    """Claim today's run of a daily job; False if another run has it (or finished it).

    The insert is the claim (unique (name, local_date)), so two schedulers cannot both run it. A claim left
    `running` longer than STALE_CLAIM (its worker died) is taken over by a conditional update.
    """
    try:
        with session.begin_nested():
            session.add(JobRun(name=name, local_date=day, claimed_at=now, created_at=now))
        return True
    except IntegrityError:
        pass
    table = JobRun.__table__  # type: ignore[attr-defined]
    result = session.execute(
        sa.update(table)
        .where(
            table.c.name == name,
            table.c.local_date == day,
            table.c.status == JobRunStatus.RUNNING.value,
            table.c.claimed_at < now - STALE_CLAIM,
        )
        .values(claimed_at=now)
    )
    return result.rowcount == 1  # type: ignore[attr-defined]


def finish_daily_run(*, session: Session, name: str, day: date, now: datetime, summary: dict[str, object]) -> None:
    """Mark today's run done with what it did."""
    table = JobRun.__table__  # type: ignore[attr-defined]
    session.execute(
        sa.update(table)
        .where(table.c.name == name, table.c.local_date == day)
        .values(status=JobRunStatus.DONE.value, finished_at=now, summary=summary)
    )


def count_new_unassigned(*, session: Session) -> int:
    """Leads waiting for a rep."""
    query = (
        select(func.count()).select_from(Lead).where(Lead.status == LeadStatus.NEW, col(Lead.assigned_rep_id).is_(None))
    )
    return int(session.exec(query).one())


def known_domains(*, session: Session, domains: Collection[str]) -> set[str]:
    """Which of these domains are leads already."""
    if not domains:
        return set()
    return set(session.exec(select(Lead.domain).where(col(Lead.domain).in_(list(domains)))))


def recent_discovery_statuses(*, session: Session, limit: int = EMPTY_RUNS_ALERT) -> list[DiscoveryStatus]:
    """The statuses of the latest finished discovery runs, newest first."""
    query = (
        select(DiscoveryRun.status)
        .where(DiscoveryRun.status != DiscoveryStatus.RUNNING)
        .order_by(col(DiscoveryRun.id).desc())
        .limit(limit)
    )
    return [DiscoveryStatus(status) for status in session.exec(query)]


def raise_empty_runs_alert(*, session: Session, streak: int, source: str, now: datetime) -> Alert:
    """An open alert: the lead source found nothing new `streak` runs in a row."""
    alert = Alert(
        created_at=now, kind="discovery.empty_runs", severity=AlertSeverity.WARNING,
        message=f"The lead source ({source}) found no new domains {streak} runs in a row; check it or add leads.",
        details={"streak": streak, "source": source},
    )  # fmt: skip
    session.add(alert)
    return alert


def sent_this_week(*, session: Session, rep_id: int, now: datetime, tz: ZoneInfo) -> int:
    """Emails the rep sent in the current company-local week (activity events)."""
    query = (
        select(func.count())
        .select_from(ActivityEvent)
        .where(
            ActivityEvent.rep_id == rep_id,
            ActivityEvent.kind == ActivityKind.EMAIL_SENT,
            ActivityEvent.week_start == local_week_start(now, tz),
        )
    )
    return int(session.exec(query).one())


def started_on(*, session: Session, rep_id: int, day: date, tz: ZoneInfo) -> int:
    """Sequences created for the rep on a company-local date."""
    start = datetime.combine(day, datetime.min.time(), tzinfo=tz)
    query = (
        select(func.count())
        .select_from(Sequence)
        .where(
            Sequence.rep_id == rep_id,
            col(Sequence.created_at) >= start,
            col(Sequence.created_at) < start + timedelta(days=1),
        )
    )
    return int(session.exec(query).one())


def assign_lead(*, session: Session, lead_id: int, rep_id: int, fit: float, reasons: list[str]) -> bool:
    """new, unassigned -> in a sequence for the rep (a conditional update); True if this call won."""
    table = Lead.__table__  # type: ignore[attr-defined]
    result = session.execute(
        sa.update(table)
        .where(table.c.id == lead_id, table.c.status == LeadStatus.NEW.value, table.c.assigned_rep_id.is_(None))
        .values(status=LeadStatus.IN_SEQUENCE.value, assigned_rep_id=rep_id, icp_fit=fit, icp_reasons=reasons)
    )
    return result.rowcount == 1  # type: ignore[attr-defined]


def disqualify_lead(*, session: Session, lead_id: int, fit: float, reasons: list[str]) -> bool:
    """new -> disqualified with the ICP score and reasons (it is not qualified again tomorrow)."""
    table = Lead.__table__  # type: ignore[attr-defined]
    result = session.execute(
        sa.update(table)
        .where(table.c.id == lead_id, table.c.status == LeadStatus.NEW.value)
        .values(status=LeadStatus.DISQUALIFIED.value, icp_fit=fit, icp_reasons=reasons)
    )
    return result.rowcount == 1  # type: ignore[attr-defined]


def workdays_left(now: datetime, tz: ZoneInfo, holidays: Collection[date]) -> int:
    """Workdays left in the local week including today (re-exported for the job)."""
    return workdays_left_including_today(now, tz, holidays)


def today(now: datetime, tz: ZoneInfo) -> date:
    """The company-local date of `now`."""
    return local_date(now, tz)
