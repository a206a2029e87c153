"""RQ job bodies: module-level functions that take ids, open their own session and are safe to run twice."""

from __future__ import annotations

import logging
import os
import socket

from rq import get_current_job

from core.clock import SystemClock
from core.db import session_scope
from core.heartbeat import record_heartbeat

log = logging.getLogger(__name__)


def heartbeat() -> int:
    """Record that a worker is alive (scheduled every minute); returns the heartbeat row id."""
    job = get_current_job()
    worker = (job.worker_name if job and job.worker_name else None) or f"{socket.gethostname()}:{os.getpid()}"
    with session_scope() as session:
        beat = record_heartbeat(session=session, worker=worker, job_id=job.id if job else None, at=SystemClock().now())
        session.flush()
        assert beat.id is not None
        return beat.id
