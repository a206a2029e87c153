"""The RQ queues, and one enqueue helper per job that passes the connection explicitly."""

from __future__ import annotations

from enum import StrEnum

from redis import Redis
from rq import Queue
from rq.job import Job


class QueueName(StrEnum):
    """The queues: `agent` for LLM work, `default` for the rest, `outbound` for the only sender."""

    AGENT = "agent"
    DEFAULT = "default"
    OUTBOUND = "outbound"


# The order a worker listens in: sending first (it is quick and time-sensitive), LLM work last.
WORKER_QUEUES: tuple[QueueName, ...] = (QueueName.OUTBOUND, QueueName.DEFAULT, QueueName.AGENT)


def get_queue(name: QueueName, *, connection: Redis) -> Queue:
    """The RQ queue called `name` on `connection`."""
    return Queue(name.value, connection=connection)


def queue_depths(*, connection: Redis) -> dict[str, int]:
    """How many jobs wait in each queue."""
    return {name.value: get_queue(name, connection=connection).count for name in QueueName}


def enqueue_heartbeat(*, connection: Redis) -> Job:
    """Put a heartbeat job on the default queue now."""
    from workers.jobs import heartbeat

    return get_queue(QueueName.DEFAULT, connection=connection).enqueue(heartbeat, description="worker heartbeat")
