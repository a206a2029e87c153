"""The periodic jobs, registered idempotently with rq-scheduler at every scheduler start.

rq-scheduler's cron is UTC: a job at a local hour (09:00 America/New_York) needs two UTC entries and a
local-hour guard in the job itself; the heartbeat below is hour-free.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from redis import Redis
from rq_scheduler import Scheduler

from workers import jobs
from workers.deliverability import deliverability_job
from workers.dispatch import dispatch_sweep
from workers.leadgen import LEAD_GEN_CRONS, daily_lead_gen
from workers.nudge import NUDGE_CRONS, morning_nudge_job
from workers.queues import QueueName
from workers.scorecards import SCORECARD_CRON, weekly_scorecards
from workers.sweeps import sweep_sequences

log = logging.getLogger(__name__)

# Every job id we own starts with this, so a stale entry from an older release can be found and removed.
SCHEDULE_PREFIX = "schedule-"


@dataclass(frozen=True)
class CronEntry:
    """One periodic job."""

    name: str
    cron: str
    func: Callable[..., Any]
    queue: QueueName
    description: str

    @property
    def job_id(self) -> str:
        """The fixed RQ job id, which makes registration idempotent."""
        return SCHEDULE_PREFIX + self.name


SCHEDULE: tuple[CronEntry, ...] = (
    CronEntry("heartbeat", "* * * * *", jobs.heartbeat, QueueName.DEFAULT, "worker heartbeat, every minute"),
    CronEntry("outbox-sweep", "* * * * *", dispatch_sweep, QueueName.OUTBOUND, "SMS outbox sweep, every minute"),
    # 08:30 local on workdays: two UTC entries (EDT, EST) and a local-hour guard in the job.
    CronEntry("morning-nudge-edt", NUDGE_CRONS[0], morning_nudge_job, QueueName.DEFAULT, "morning nudge (EDT entry)"),
    CronEntry("morning-nudge-est", NUDGE_CRONS[1], morning_nudge_job, QueueName.DEFAULT, "morning nudge (EST entry)"),
    CronEntry("deliverability", "15 11 * * *", deliverability_job, QueueName.DEFAULT, "Postmaster figures, daily"),
    CronEntry("weekly-scorecards", SCORECARD_CRON, weekly_scorecards, QueueName.AGENT, "Monday 09:00 local scorecards"),
    # 09:00 local on workdays: two UTC entries (EDT, EST), a local-hour guard and a once-per-date claim in the job.
    CronEntry("lead-gen-edt", LEAD_GEN_CRONS[0], daily_lead_gen, QueueName.AGENT, "daily lead gen (EDT entry)"),
    CronEntry("lead-gen-est", LEAD_GEN_CRONS[1], daily_lead_gen, QueueName.AGENT, "daily lead gen (EST entry)"),
    CronEntry("sequence-sweep", "* * * * *", sweep_sequences, QueueName.DEFAULT, "sequence sweeps, every minute"),
)


@dataclass(frozen=True)
class ScheduledJob:
    """A registered periodic job as the scheduler holds it."""

    name: str
    cron: str
    queue: str
    description: str
    next_run: datetime | None


class SelfHealingScheduler(Scheduler):  # type: ignore[misc]
    """rq-scheduler that re-registers the schedule before every pass.

    The cron entries live in Redis; Redis carries nothing durable here, so after a flush or a failover they
    would be gone until the scheduler restarted. Registration is idempotent and cheap, so it runs each pass.
    """

    def enqueue_jobs(self) -> list[Any]:
        """Restore any missing entries, then enqueue what is due."""
        register_schedule(self)
        return list(super().enqueue_jobs())


def get_scheduler(*, connection: Redis, interval: int = 60) -> Scheduler:
    """An rq-scheduler on `connection` (one that restores its schedule after Redis loses it)."""
    return SelfHealingScheduler(queue_name=QueueName.DEFAULT.value, connection=connection, interval=interval)


def register_schedule(scheduler: Scheduler, entries: tuple[CronEntry, ...] = SCHEDULE) -> list[str]:
    """Make the scheduler hold exactly `entries` (same ids, crons and functions); returns what changed."""
    changes: list[str] = []
    wanted = {entry.job_id: entry for entry in entries}
    for job in scheduler.get_jobs():
        if not job.id.startswith(SCHEDULE_PREFIX):
            continue
        entry = wanted.get(job.id)
        if entry is None or job.meta.get("cron_string") != entry.cron or job.func_name != _func_name(entry):
            scheduler.cancel(job)
            job.delete()
            changes.append(f"removed {job.id}")
    for entry in entries:
        if entry.job_id in scheduler:
            continue
        scheduler.cron(
            entry.cron,
            func=entry.func,
            id=entry.job_id,
            queue_name=entry.queue.value,
            description=entry.description,
            result_ttl=3600,
            timeout=300,
        )
        changes.append(f"registered {entry.job_id} ({entry.cron})")
    for change in changes:
        log.info("schedule: %s", change)
    return changes


def registered_schedule(*, connection: Redis) -> list[ScheduledJob]:
    """The periodic jobs the scheduler holds, with their next run (for the health panel and `status`)."""
    scheduler = get_scheduler(connection=connection)
    result = []
    for job, when in scheduler.get_jobs(with_times=True):
        if not job.id.startswith(SCHEDULE_PREFIX):
            continue
        result.append(
            ScheduledJob(
                name=job.id.removeprefix(SCHEDULE_PREFIX),
                cron=job.meta.get("cron_string", ""),
                queue=job.origin,
                description=job.description or "",
                next_run=when.replace(tzinfo=UTC) if when and when.tzinfo is None else when,
            )
        )
    return sorted(result, key=lambda job: job.name)


def scheduler_alive(*, connection: Redis) -> bool:
    """True if some rq-scheduler process has registered and not yet died (its key expires if it crashes)."""
    for key in connection.scan_iter(match=Scheduler.redis_scheduler_namespace_prefix + "*"):
        if not connection.hexists(key, "death"):
            return True
    return False


def _func_name(entry: CronEntry) -> str:
    return f"{entry.func.__module__}.{entry.func.__qualname__}"
