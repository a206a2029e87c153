"""The periodic schedule is registered idempotently and really runs through scheduler -> queue -> worker."""

from __future__ import annotations

import subprocess
import sys

from rq import Queue
from rq.job import Job
from sqlmodel import select

from core.models import Heartbeat
from workers import jobs
from workers.queues import QueueName
from workers.schedule import (
    SCHEDULE,
    CronEntry,
    get_scheduler,
    register_schedule,
    registered_schedule,
    scheduler_alive,
)


def test_registering_twice_changes_nothing(redis_conn) -> None:  # type: ignore[no-untyped-def]
    scheduler = get_scheduler(connection=redis_conn)
    first = register_schedule(scheduler)
    second = register_schedule(scheduler)
    assert first == [f"registered schedule-{entry.name} ({entry.cron})" for entry in SCHEDULE]
    assert second == []
    assert [job.name for job in registered_schedule(connection=redis_conn)] == sorted(e.name for e in SCHEDULE)


def test_changed_cron_replaces_and_stale_entry_is_removed(redis_conn) -> None:  # type: ignore[no-untyped-def]
    scheduler = get_scheduler(connection=redis_conn)
    old = (
        CronEntry("heartbeat", "*/5 * * * *", jobs.heartbeat, QueueName.DEFAULT, "old cadence"),
        CronEntry("retired", "0 * * * *", jobs.heartbeat, QueueName.DEFAULT, "no longer scheduled"),
    )
    register_schedule(scheduler, old)
    changes = register_schedule(scheduler)
    assert "removed schedule-retired" in changes and "removed schedule-heartbeat" in changes
    held = [job for job in registered_schedule(connection=redis_conn) if job.name in ("heartbeat", "retired")]
    assert [(job.name, job.cron) for job in held] == [("heartbeat", "* * * * *")]
    assert held[0].next_run is not None and held[0].next_run.tzinfo is not None


def test_scheduler_and_worker_processes_write_a_heartbeat(redis_conn, engine, session) -> None:  # type: ignore[no-untyped-def]
    """The walking skeleton through real processes: scheduler enqueues, a worker runs, the database records."""
    scheduler = get_scheduler(connection=redis_conn)
    register_schedule(scheduler)
    # Make the heartbeat due now instead of waiting for the next minute.
    redis_conn.zadd(scheduler.scheduled_jobs_key, {"schedule-heartbeat": 0})

    cli = [sys.executable, "-m", "sales_cli.main"]
    subprocess.run([*cli, "scheduler", "--burst"], check=True, timeout=60, capture_output=True)
    # The due cron entry, and the start-up heartbeat every scheduler start enqueues (other every-minute
    # entries may also fall due if a minute turns meanwhile, so only heartbeats are counted).
    queued = [Job.fetch(job_id, connection=redis_conn) for job_id in Queue("default", connection=redis_conn).job_ids]
    heartbeats = [job for job in queued if job.func_name == "workers.jobs.heartbeat"]
    assert len(heartbeats) == 2 and "schedule-heartbeat" in {job.id for job in heartbeats}
    assert not scheduler_alive(connection=redis_conn)  # a burst scheduler registers its death on exit
    subprocess.run([*cli, "worker", "--burst", "--name", "test-worker"], check=True, timeout=60, capture_output=True)

    beats = session.exec(select(Heartbeat)).all()
    assert {beat.worker for beat in beats} == {"test-worker"}
    assert "schedule-heartbeat" in {beat.job_id for beat in beats} and len(beats) == 2
    # The cron job went back into the schedule for its next run.
    assert "schedule-heartbeat" in scheduler


def test_schedule_comes_back_after_redis_loses_it(redis_conn) -> None:  # type: ignore[no-untyped-def]
    scheduler = get_scheduler(connection=redis_conn)
    register_schedule(scheduler)
    redis_conn.flushdb()
    assert registered_schedule(connection=redis_conn) == []
    scheduler.enqueue_jobs()  # one pass of the running scheduler
    assert [job.name for job in registered_schedule(connection=redis_conn)] == sorted(e.name for e in SCHEDULE)
