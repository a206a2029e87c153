"""The RQ queues, and one enqueue helper per job that passes the connection explicitly."""

from __future__ import annotations

from datetime import datetime
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


# Sequence jobs have a fixed id per sequence: the sweep asks RQ whether that job is still alive before it
# enqueues another, and a second copy that slips through is harmless (every step is a conditional update).
SEQUENCE_JOB_PREFIX = "sequence-"
# Drafting may make several LLM calls (tool loop and redrafts): longer than RQ's 180 s default.
SEQUENCE_JOB_TIMEOUT = 900


def sequence_job_id(sequence_id: int) -> str:
    """The RQ job id that moves one sequence on."""
    return f"{SEQUENCE_JOB_PREFIX}{sequence_id}"


def enqueue_advance_sequence(*, connection: Redis, sequence_id: int, at: datetime | None = None) -> Job:
    """Enqueue the job that moves a sequence on from whatever state it is in (agent queue: it may draft)."""
    from workers.sequences import advance_sequence

    return get_queue(QueueName.AGENT, connection=connection).enqueue(
        advance_sequence,
        sequence_id,
        at,
        job_id=sequence_job_id(sequence_id),
        description=f"advance sequence {sequence_id}",
        job_timeout=SEQUENCE_JOB_TIMEOUT,
        result_ttl=600,
        failure_ttl=86400,
    )


def enqueue_resume_sequence(*, connection: Redis, sequence_id: int, at: datetime | None = None) -> Job:
    """Enqueue the resume of a sequence whose approval was just resolved (the webhook and expiry call this)."""
    return enqueue_advance_sequence(connection=connection, sequence_id=sequence_id, at=at)


def enqueue_lead_gen(*, connection: Redis, at: datetime | None = None, force: bool = False) -> Job:
    """Enqueue the daily lead gen now (`force` skips the 09:00 local-hour guard, not the once-a-day claim)."""
    from workers.leadgen import daily_lead_gen

    return get_queue(QueueName.AGENT, connection=connection).enqueue(
        daily_lead_gen, at, force, description="daily lead gen", job_timeout=3600
    )


def enqueue_sweep(*, connection: Redis, at: datetime | None = None) -> Job:
    """Enqueue one run of the sequence sweeps now."""
    from workers.sweeps import sweep_sequences

    return get_queue(QueueName.DEFAULT, connection=connection).enqueue(
        sweep_sequences, at, description="sequence sweeps"
    )
