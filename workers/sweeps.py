"""The sequence sweep (every minute): re-derive due work from the database and make sure a job carries it.

Redis only carries work that is due now; after a crash, a killed worker or a flushed Redis this sweep is
what makes the system whole again:
- approvals past their 48 hours expire (handled as a skip, an audit event each) and their sequences resume;
- every sequence with work due now (queued, drafting interrupted, a draft waiting for the rep's free
  approval slot, an answered approval, touches 2 and 3 due, a lead that replied) gets an `advance_sequence`
  job unless a live one exists: queued, or started on a worker that is still alive (RQ registries).
"""

from __future__ import annotations

import logging
import os
import socket
from datetime import datetime
from typing import Any

from redis import Redis
from rq import Worker
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus
from sqlalchemy.engine import Engine

from core.approvals import expire_due_approvals
from core.clock import Clock, FixedClock, SystemClock
from core.config import AgentMode, Settings, get_settings
from core.controls import effective_controls
from core.db import get_engine, session_scope
from core.models import ApprovalKind
from core.sequences import sequences_with_due_work
from workers.queues import enqueue_advance_sequence, sequence_job_id

log = logging.getLogger(__name__)

_WAITING = {JobStatus.QUEUED, JobStatus.DEFERRED, JobStatus.SCHEDULED}


def sweep_sequences(at: datetime | None = None) -> dict[str, Any]:
    """RQ job (every minute): expire approvals, then enqueue every sequence with due work and no live job."""
    from rq import get_current_job

    from core.redis_conn import get_redis

    job = get_current_job()
    settings = get_settings()
    connection = job.connection if job else get_redis(settings)
    return run_sweep(
        engine=get_engine(settings),
        settings=settings,
        connection=connection,
        clock=FixedClock(at) if at is not None else SystemClock(),
    )


def run_sweep(*, engine: Engine, settings: Settings, connection: Redis, clock: Clock) -> dict[str, Any]:
    """One sweep; returns what it expired and enqueued."""
    now = clock.now()
    at = now if isinstance(clock, FixedClock) else None
    with session_scope(engine) as session:
        expired = expire_due_approvals(session=session, now=now)
    for approval in expired:
        if approval.kind is ApprovalKind.DRAFT:
            log.info("approval %s expired: resuming sequence %s as a skip", approval.approval_id, approval.subject_id)
    with session_scope(engine) as session:
        controls = effective_controls(session=session, settings=settings)
        due = sequences_with_due_work(
            session=session, now=now, shadow=controls.mode is AgentMode.SHADOW, may_send=controls.may_send
        )
    enqueued = []
    for sequence_id in due:
        if job_alive(connection=connection, job_id=sequence_job_id(sequence_id)):
            continue
        enqueue_advance_sequence(connection=connection, sequence_id=sequence_id, at=at)
        enqueued.append(sequence_id)
    if enqueued:
        log.info("sweep enqueued %d sequence(s): %s", len(enqueued), enqueued[:20])
    return {"expired_approvals": [a.approval_id for a in expired], "due": len(due), "enqueued": enqueued}


def job_alive(*, connection: Redis, job_id: str) -> bool:
    """True if the job waits in its queue, or is started on a worker that is still alive."""
    try:
        job = Job.fetch(job_id, connection=connection)
    except NoSuchJobError:
        return False
    status = job.get_status(refresh=False)
    if status in _WAITING:
        if status is JobStatus.QUEUED:
            # Popped by a worker that died before marking it started: the status says queued, the queue disagrees.
            return connection.lpos(f"rq:queue:{job.origin}", job_id) is not None
        return True
    if status is JobStatus.STARTED:
        return worker_alive(connection=connection, name=job.worker_name)
    return False


def worker_alive(*, connection: Redis, name: str | None) -> bool:
    """True while an RQ worker is registered; on this host, also its process must exist (a SIGKILL is seen at
    once rather than when its registration expires)."""
    if not name:
        return False
    worker = Worker.find_by_key(Worker.redis_worker_namespace_prefix + name, connection=connection)
    if worker is None:
        return False
    if worker.hostname == socket.gethostname() and worker.pid:
        try:
            os.kill(worker.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
    return True
