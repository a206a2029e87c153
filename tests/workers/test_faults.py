"""Faults: a worker SIGKILLed in the middle of a step, and Redis flushed mid-run. Afterwards a fresh worker and
the sweep finish the work, every sequence is whole, and nothing (mail draft, approval, SMS) exists twice.

The step blocks on a barrier the test controls (Redis lists), never on time: the job pushes where it is and its
pid to `test:reached`, then waits on `test:release`, which the test never pushes; the test kills it there.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
from rq import get_current_job
from sqlmodel import col, select

from core.approvals import resolve_approval
from core.clock import FixedClock
from core.config import AgentMode
from core.models import Approval, ApprovalStatus, LeadStatus, OutboundMessage, Sequence, SequenceState, Touch
from core.sequences import create_sequence
from tests.factories import create_lead, create_rep, go_live
from workers.queues import QueueName, get_queue, sequence_job_id
from workers.sequences import default_deps, run_sequence
from workers.sweeps import job_alive, run_sweep

T0 = datetime(2026, 11, 24, 14, 5, tzinfo=UTC)
LIVE_ENV = {"AGENT_MODE": "live", "AGENT_SEND_ENABLED": "true", "DAILY_DRAFT_CAP": "2"}
REACHED, RELEASE = "test:reached", "test:release"


def advance_with_barrier(sequence_id: int, at: datetime, point: str) -> str:
    """The real job body with a barrier at `point` (runs in the worker's work horse)."""
    job = get_current_job()
    assert job is not None
    connection = job.connection

    def hook(where: str, _sequence_id: int) -> None:
        if where == point:
            connection.rpush(REACHED, f"{where}:{os.getpid()}")
            connection.blpop([RELEASE], timeout=600)  # the test kills us before anyone pushes

    return run_sequence(sequence_id, deps=default_deps(at=at, connection=connection, hook=hook))


def start_worker(name: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "sales_cli.main", "worker", "--burst", "--name", name],
        env={**os.environ, **LIVE_ENV}, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


def run_worker(name: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "sales_cli.main", "worker", "--burst", "--name", name],
        env={**os.environ, **LIVE_ENV}, timeout=300, capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]


def kill_at_barrier(redis_conn, worker: subprocess.Popen[bytes]) -> str:  # type: ignore[no-untyped-def]
    """Wait until the job reports it is at the barrier, then SIGKILL the worker and its work horse."""
    reached = redis_conn.blpop([REACHED], timeout=120)
    assert reached is not None, "the job never reached the barrier"
    where, horse = reached[1].decode().rsplit(":", 1)
    os.killpg(worker.pid, signal.SIGKILL)
    os.kill(int(horse), signal.SIGKILL)  # RQ puts the work horse in its own process group
    worker.wait(timeout=30)
    return where


def live_settings(settings):  # type: ignore[no-untyped-def]
    return settings.model_copy(update={"agent_mode": AgentMode.LIVE, "agent_send_enabled": True})


def fresh(session) -> None:  # type: ignore[no-untyped-def]
    session.rollback()
    session.expire_all()


def new_sequence(session, rep=None) -> int:  # type: ignore[no-untyped-def]
    rep = rep or create_rep(session)
    lead = create_lead(session, domain="shipwright-cloud.example", company="Shipwright Cloud",
                       contact_email="dana@shipwright-cloud.example", status=LeadStatus.IN_SEQUENCE,
                       assigned_rep_id=rep.id)  # fmt: skip
    sequence = create_sequence(session=session, lead_id=lead.id, rep_id=rep.id, shadow_mode=False, now=T0)
    assert sequence is not None and sequence.id is not None
    session.commit()
    return sequence.id


def assert_whole_and_single(session, settings, sequence_id: int) -> None:  # type: ignore[no-untyped-def]
    fresh(session)
    touches = session.exec(select(Touch).where(Touch.sequence_id == sequence_id).order_by(col(Touch.step))).all()
    assert [t.step for t in touches] == [1, 2, 3]
    # One draft file per pushed touch (of every sequence), never two; a skipped or expired touch 1 was dropped.
    dropped = {SequenceState.SKIPPED, SequenceState.EXPIRED}
    states = {seq.id: seq.state for seq in session.exec(select(Sequence))}
    expected = [
        t.gmail_draft_id
        for t in session.exec(select(Touch))
        if t.gmail_draft_id and not (t.step == 1 and states[t.sequence_id] in dropped)
    ]
    files = sorted(path.stem for path in (settings.data_dir / "drafts").rglob("*.eml"))
    assert files == sorted(expected)
    keys = [m.idempotency_key for m in session.exec(select(OutboundMessage))]
    assert len(keys) == len(set(keys))
    assert len(session.exec(select(Approval).where(Approval.subject_id == sequence_id)).all()) <= 1


@pytest.fixture
def clean_drafts(settings):  # type: ignore[no-untyped-def]
    import shutil

    shutil.rmtree(settings.data_dir / "drafts", ignore_errors=True)
    yield
    shutil.rmtree(settings.data_dir / "drafts", ignore_errors=True)


@pytest.mark.parametrize("point", ["drafted", "mail_pushed", "offered"])
def test_worker_killed_mid_step_then_sweep_and_fresh_worker_finish_it(
    settings, engine, session, redis_conn, clean_drafts, point
) -> None:  # type: ignore[no-untyped-def]
    go_live(session)
    sequence_id = new_sequence(session)
    get_queue(QueueName.AGENT, connection=redis_conn).enqueue(
        advance_with_barrier, sequence_id, T0, point, job_id=sequence_job_id(sequence_id), job_timeout=600
    )
    worker = start_worker(f"doomed-{point}")
    assert kill_at_barrier(redis_conn, worker) == point

    # The job still looks started in RQ, but its worker is dead: the sweep sees through it.
    assert not job_alive(connection=redis_conn, job_id=sequence_job_id(sequence_id))
    swept = run_sweep(engine=engine, settings=live_settings(settings), connection=redis_conn, clock=FixedClock(T0))
    expected = [] if point == "offered" else [sequence_id]  # awaiting_rep with a pending approval: nothing due
    assert swept["enqueued"] == expected
    # A second sweep does not enqueue it again while it is queued.
    again = run_sweep(engine=engine, settings=live_settings(settings), connection=redis_conn, clock=FixedClock(T0))
    assert again["enqueued"] == []
    run_worker(f"fresh-{point}")

    fresh(session)
    assert session.get(Sequence, sequence_id).state == SequenceState.AWAITING_REP
    assert_whole_and_single(session, settings, sequence_id)
    assert len(session.exec(select(OutboundMessage)).all()) == 1


def test_worker_killed_while_pushing_touch_two(settings, engine, session, redis_conn, clean_drafts) -> None:  # type: ignore[no-untyped-def]
    go_live(session)
    sequence_id = new_sequence(session)
    run_sequence(sequence_id, deps=_in_process(settings, engine, T0))
    approval = session.exec(select(Approval)).one()
    resolve_approval(session=session, approval_id=approval.id, status=ApprovalStatus.APPROVED, reply_text=None,
                     resolved_by="rep:1", now=T0)  # fmt: skip
    session.commit()
    day3 = T0 + timedelta(days=3)
    get_queue(QueueName.AGENT, connection=redis_conn).enqueue(
        advance_with_barrier, sequence_id, day3, "touch2_mail_pushed", job_id=sequence_job_id(sequence_id)
    )
    worker = start_worker("doomed-touch2")
    kill_at_barrier(redis_conn, worker)

    swept = run_sweep(engine=engine, settings=live_settings(settings), connection=redis_conn, clock=FixedClock(day3))
    assert swept["enqueued"] == [sequence_id]
    run_worker("fresh-touch2")
    fresh(session)
    touches = {t.step: t for t in session.exec(select(Touch).where(Touch.sequence_id == sequence_id))}
    assert touches[2].pushed_at is not None and touches[3].pushed_at is None
    assert_whole_and_single(session, settings, sequence_id)
    assert len(session.exec(select(OutboundMessage)).all()) == 2  # the approval request and one call task


def test_redis_flushed_mid_run_the_sweep_rederives_the_work(
    settings, engine, session, redis_conn, clean_drafts
) -> None:  # type: ignore[no-untyped-def]
    from workers.queues import enqueue_lead_gen

    go_live(session)
    reps = [create_rep(session), create_rep(session)]
    session.commit()
    enqueue_lead_gen(connection=redis_conn, at=T0)
    run_worker("flush-1")  # lead gen and the first sequences
    fresh(session)
    assert session.exec(select(Sequence)).all()

    # Everything Redis held is lost: queued jobs, registries, the lot.
    redis_conn.flushdb()
    for approval in session.exec(select(Approval)).all():
        resolve_approval(session=session, approval_id=approval.id, status=ApprovalStatus.APPROVED,
                         reply_text=None, resolved_by="rep", now=T0 + timedelta(hours=1))  # fmt: skip
    session.commit()
    # The resume jobs the webhook would have enqueued are lost too; the sweep finds the answered approvals, and
    # the drafts waiting for those reps' now free approval slots.
    swept = run_sweep(engine=engine, settings=live_settings(settings), connection=redis_conn,
                      clock=FixedClock(T0 + timedelta(hours=1)))  # fmt: skip
    assert len(swept["enqueued"]) == 4
    run_worker("flush-2")
    fresh(session)
    by_rep = {rep.id: sorted(s.state for s in session.exec(select(Sequence).where(Sequence.rep_id == rep.id)))
              for rep in reps}  # fmt: skip
    assert by_rep == {rep.id: ["approved", "awaiting_rep"] for rep in reps}

    redis_conn.flushdb()
    swept = run_sweep(engine=engine, settings=live_settings(settings), connection=redis_conn,
                      clock=FixedClock(T0 + timedelta(days=3, hours=1)))  # fmt: skip
    run_worker("flush-3")
    fresh(session)
    for sequence in session.exec(select(Sequence)).all():
        assert_whole_and_single(session, settings, sequence.id or 0)
    keys = [m.idempotency_key for m in session.exec(select(OutboundMessage))]
    assert len(keys) == len(set(keys))
    # Two approval requests per rep (the second drafts took the freed slots), and the first drafts' call tasks;
    # the second drafts' approvals ran out at 48 h (expired, a skip), their touch 2 comes 3 days after that.
    assert sorted(s.state for s in session.exec(select(Sequence))) == ["approved"] * 2 + ["expired"] * 2
    assert sorted(k.split(":")[0] for k in keys) == ["approval"] * 4 + ["call"] * 2


def _in_process(settings, engine, at: datetime):  # type: ignore[no-untyped-def]
    from agent.wiring import build_provider
    from integrations.mail_drafts import build_mail_drafts
    from workers.sequences import SequenceDeps

    live = live_settings(settings)
    return SequenceDeps(settings=live, engine=engine, clock=FixedClock(at), mail=build_mail_drafts(live),
                        provider_factory=lambda ledger: build_provider(live, ledger=ledger))  # fmt: skip
