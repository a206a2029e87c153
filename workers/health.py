"""The system's health in one report (dashboard panel, `salesagent status`, /api/health); never raises."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from redis import Redis
from redis.exceptions import RedisError
from rq import Worker
from sqlalchemy.exc import SQLAlchemyError

from core.config import Settings
from core.controls import EffectiveControls, effective_controls
from core.db import current_revision, get_engine, session_scope
from core.errors import SalesAgentError
from core.heartbeat import last_heartbeat
from core.redis_conn import get_redis
from workers.queues import queue_depths
from workers.schedule import ScheduledJob, registered_schedule, scheduler_alive

# The heartbeat runs every minute; three missed beats mean no worker is turning.
HEARTBEAT_STALE_AFTER = timedelta(minutes=3)


@dataclass
class HealthReport:
    """Each part's state and a one-line detail a person can act on."""

    database_ok: bool = False
    database_detail: str = ""
    redis_ok: bool = False
    redis_detail: str = ""
    controls: EffectiveControls | None = None
    last_heartbeat_at: datetime | None = None
    last_heartbeat_worker: str | None = None
    heartbeat_fresh: bool = False
    workers: list[str] = field(default_factory=list)
    scheduler_alive: bool = False
    schedule: list[ScheduledJob] = field(default_factory=list)
    queue_depths: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """All parts up and a worker has beaten recently."""
        return self.database_ok and self.redis_ok and self.heartbeat_fresh and self.scheduler_alive


def health_report(*, settings: Settings, now: datetime, connection: Redis | None = None) -> HealthReport:
    """Check the database, Redis, workers, the scheduler and the last heartbeat."""
    report = HealthReport()
    _check_database(report, settings=settings, now=now)
    _check_redis(report, connection=connection or get_redis(settings))
    return report


def _check_database(report: HealthReport, *, settings: Settings, now: datetime) -> None:
    engine = get_engine(settings)
    try:
        revision = current_revision(engine)
        with session_scope(engine) as session:
            report.controls = effective_controls(session=session, settings=settings)
            beat = last_heartbeat(session=session)
    except (SQLAlchemyError, SalesAgentError, OSError) as exc:
        report.database_detail = f"{engine.url.get_backend_name()}: {str(exc).splitlines()[0]}"
        return
    report.database_ok = True
    report.database_detail = f"{engine.url.get_backend_name()} at schema revision {revision or 'none'}"
    if beat is not None:
        report.last_heartbeat_at = beat.beat_at
        report.last_heartbeat_worker = beat.worker
        report.heartbeat_fresh = now - beat.beat_at <= HEARTBEAT_STALE_AFTER


def _check_redis(report: HealthReport, *, connection: Redis) -> None:
    try:
        info: dict[str, object] = connection.info("server")  # type: ignore[assignment]  # sync client
        report.redis_ok = True
        report.redis_detail = f"redis {info.get('redis_version', '?')}"
        report.queue_depths = queue_depths(connection=connection)
        report.workers = sorted(worker.name for worker in Worker.all(connection=connection))
        report.scheduler_alive = scheduler_alive(connection=connection)
        report.schedule = registered_schedule(connection=connection)
    except (RedisError, OSError) as exc:
        report.redis_detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
