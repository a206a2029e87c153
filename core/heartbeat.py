"""Worker heartbeats: the walking skeleton's proof that scheduler, queue and worker all turn."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from core.models import Heartbeat


def record_heartbeat(*, session: Session, worker: str, job_id: str | None, at: datetime) -> Heartbeat:
    """Record that `worker` ran the heartbeat job at `at`."""
    beat = Heartbeat(worker=worker, job_id=job_id, beat_at=at)
    session.add(beat)
    return beat


def last_heartbeat(*, session: Session) -> Heartbeat | None:
    """The most recent heartbeat, if any worker has ever run one."""
    return session.exec(select(Heartbeat).order_by(col(Heartbeat.beat_at).desc()).limit(1)).first()
