"""The health report tells each part's state and never raises."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from core.heartbeat import record_heartbeat
from core.redis_conn import connect
from workers.health import health_report
from workers.schedule import SCHEDULE, get_scheduler, register_schedule

NOW = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)


def test_fresh_heartbeat_and_schedule_are_reported(settings, session, redis_conn) -> None:  # type: ignore[no-untyped-def]
    record_heartbeat(session=session, worker="w1", job_id="j", at=NOW - timedelta(seconds=40))
    session.commit()
    register_schedule(get_scheduler(connection=redis_conn))
    report = health_report(settings=settings, now=NOW, connection=redis_conn)
    assert report.database_ok and report.redis_ok
    assert report.heartbeat_fresh and report.last_heartbeat_worker == "w1"
    assert [job.name for job in report.schedule] == sorted(entry.name for entry in SCHEDULE)
    assert report.queue_depths == {"agent": 0, "default": 0, "outbound": 0}
    assert report.controls is not None and report.controls.mode.value == "shadow"
    assert not report.ok  # no scheduler process is running


def test_stale_heartbeat_and_unreachable_redis(settings, session) -> None:  # type: ignore[no-untyped-def]
    record_heartbeat(session=session, worker="w1", job_id="j", at=NOW - timedelta(minutes=10))
    session.commit()
    dead = connect("redis://127.0.0.1:1/0")
    report = health_report(settings=settings, now=NOW, connection=dead)
    assert report.database_ok and not report.heartbeat_fresh
    assert not report.redis_ok and "connect" in report.redis_detail.lower()
