"""The sequence sweep: expiry of approvals, and re-enqueueing work the database says is due and no live job carries."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from datetime import UTC, datetime, timedelta

from rq import SimpleWorker, Worker
from rq.job import JobStatus
from sqlmodel import select

from core.clock import FixedClock
from core.config import AgentMode
from core.models import Approval, ApprovalStatus, AuditEvent, LeadStatus, Sequence, SequenceState
from core.sequences import create_sequence
from tests.factories import create_lead, create_rep, go_live
from workers.queues import WORKER_QUEUES, QueueName, enqueue_sweep, get_queue, sequence_job_id
from workers.sequences import SequenceDeps, run_sequence
from workers.sweeps import job_alive, run_sweep, worker_alive

T0 = datetime(2026, 11, 24, 14, 5, tzinfo=UTC)


def live(settings):  # type: ignore[no-untyped-def]
    return settings.model_copy(update={"agent_mode": AgentMode.LIVE, "agent_send_enabled": True})


def new_sequence(session, rep=None) -> int:  # type: ignore[no-untyped-def]
    rep = rep or create_rep(session)
    lead = create_lead(session, domain="tallyhr.example", company="Tally HR", status=LeadStatus.IN_SEQUENCE,
                       assigned_rep_id=rep.id)  # fmt: skip
    sequence = create_sequence(session=session, lead_id=lead.id, rep_id=rep.id, shadow_mode=True, now=T0)
    session.commit()
    assert sequence is not None and sequence.id is not None
    return sequence.id


def test_sweep_enqueues_due_work_once_and_a_worker_runs_it(settings, engine, session, redis_conn) -> None:  # type: ignore[no-untyped-def]
    sequence_id = new_sequence(session)
    first = run_sweep(engine=engine, settings=settings, connection=redis_conn, clock=FixedClock(T0))
    assert first["enqueued"] == [sequence_id]
    second = run_sweep(engine=engine, settings=settings, connection=redis_conn, clock=FixedClock(T0))
    assert second["enqueued"] == [] and second["due"] == 1  # its job is still queued
    SimpleWorker([get_queue(q, connection=redis_conn) for q in WORKER_QUEUES], connection=redis_conn).work(burst=True)
    session.expire_all()
    assert session.get(Sequence, sequence_id).state == SequenceState.SHADOW_LOGGED
    assert run_sweep(engine=engine, settings=settings, connection=redis_conn, clock=FixedClock(T0))["due"] == 0


def test_the_sweep_job_runs_through_rq(settings, engine, session, redis_conn) -> None:  # type: ignore[no-untyped-def]
    sequence_id = new_sequence(session)
    enqueue_sweep(connection=redis_conn, at=T0)
    SimpleWorker([get_queue(q, connection=redis_conn) for q in WORKER_QUEUES], connection=redis_conn).work(burst=True)
    session.expire_all()
    assert session.get(Sequence, sequence_id).state == SequenceState.SHADOW_LOGGED


def test_expired_approvals_are_a_skip_and_audited(settings, engine, session, redis_conn, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from agent.wiring import build_provider
    from integrations.mail_drafts import LocalMailDrafts

    go_live(session)
    sequence_id = new_sequence(session)
    clock = FixedClock(T0)
    deps = SequenceDeps(settings=live(settings), engine=engine, clock=clock, mail=LocalMailDrafts(tmp_path),
                        provider_factory=lambda ledger: build_provider(settings, ledger=ledger))  # fmt: skip
    assert run_sequence(sequence_id, deps=deps) == SequenceState.AWAITING_REP

    early = run_sweep(engine=engine, settings=live(settings), connection=redis_conn,
                      clock=FixedClock(T0 + timedelta(hours=47)))  # fmt: skip
    assert early["expired_approvals"] == [] and early["enqueued"] == []
    late = run_sweep(engine=engine, settings=live(settings), connection=redis_conn,
                     clock=FixedClock(T0 + timedelta(hours=48)))  # fmt: skip
    assert len(late["expired_approvals"]) == 1 and late["enqueued"] == [sequence_id]
    session.expire_all()
    approval = session.exec(select(Approval)).one()
    assert approval.status == ApprovalStatus.EXPIRED and approval.resolved_by == "system:expiry"
    assert session.exec(select(AuditEvent).where(AuditEvent.action == "approval.expired")).one()
    clock.advance(timedelta(hours=48))
    assert run_sequence(sequence_id, deps=deps) == SequenceState.EXPIRED
    assert list(tmp_path.rglob("*.eml")) == []  # the unanswered touch 1 draft was dropped


def test_job_liveness_follows_the_worker(redis_conn) -> None:  # type: ignore[no-untyped-def]
    queue = get_queue(QueueName.AGENT, connection=redis_conn)
    job = queue.enqueue("builtins.print", job_id=sequence_job_id(99))
    assert job_alive(connection=redis_conn, job_id=job.id)
    assert not job_alive(connection=redis_conn, job_id=sequence_job_id(100))  # no such job

    # Started on a worker that is alive (this process) ...
    me = Worker([queue], connection=redis_conn, name="alive-worker")
    me.register_birth()
    redis_conn.lrem(queue.key, 0, job.id)
    job.set_status(JobStatus.STARTED)
    job.worker_name = "alive-worker"
    job.save()
    assert worker_alive(connection=redis_conn, name="alive-worker")
    assert job_alive(connection=redis_conn, job_id=job.id)

    # ... and on one whose process is gone (same host: seen at once, not when its key expires).
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead = Worker([queue], connection=redis_conn, name="dead-worker")
    dead.register_birth()
    redis_conn.hset(dead.key, mapping={"pid": gone.stdout.strip(), "hostname": socket.gethostname()})
    job.worker_name = "dead-worker"
    job.save()
    assert not worker_alive(connection=redis_conn, name="dead-worker")
    assert not job_alive(connection=redis_conn, job_id=job.id)
    assert os.getpid() != int(gone.stdout)
    me.register_death()
