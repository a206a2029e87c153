"""The outbox dispatcher: every safety rule at the moment of sending, a leased claim, at most once.

Twilio is the real SDK over a fake HttpClient; the database, Redis and RQ workers are real; racing
dispatchers run as threads with their own sessions and as separate processes.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from rq import SimpleWorker
from sqlmodel import Session, select

from core.clock import FixedClock
from core.config import AgentMode, Settings
from core.controls import get_controls, set_kill_switch
from core.models import Alert, MessagePurpose, OutboundMessage, OutboundStatus, Rep
from integrations.sms import LocalOutboxSender, SentSms, SmsSender, TwilioSender
from tests.factories import create_founder, create_outbound_message, create_rep
from tests.integrations.test_sms import ACCOUNT, FakeTwilioHttp, opted_out
from workers.dispatch import LEASE, dispatch_one, enqueue_dispatch, sweep_outbox
from workers.queues import QueueName, get_queue

NOW = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)


@pytest.fixture
def live_settings(settings: Settings) -> Settings:
    """Settings whose environment ceiling lets the database row decide (live, sending on)."""
    return settings.model_copy(update={"agent_mode": AgentMode.LIVE, "agent_send_enabled": True})


def set_controls(session: Session, *, mode: str = "live", send: bool = True, kill: bool = False) -> None:
    row = get_controls(session=session)
    row.mode, row.send_enabled, row.kill_switch = mode, send, kill  # type: ignore[assignment]
    session.add(row)
    session.commit()


def twilio(http: FakeTwilioHttp) -> TwilioSender:
    return TwilioSender(account_sid=ACCOUNT, auth_token="t", from_number="+15005550006", http_client=http)


def status_of(engine: sa.Engine, message_id: int | None) -> OutboundMessage:
    with Session(engine) as session:
        message = session.get(OutboundMessage, message_id)
        assert message is not None
        return message


def run(engine: sa.Engine, settings: Settings, sender: SmsSender, message_id: int | None, at: datetime = NOW) -> str:
    assert message_id is not None
    return dispatch_one(message_id=message_id, engine=engine, settings=settings, sender=sender,
                        clock=FixedClock(at)).outcome


def test_live_sends_once_and_records_the_sid(engine, session, live_settings) -> None:  # type: ignore[no-untyped-def]
    set_controls(session)
    rep = create_rep(session)
    message = create_outbound_message(session, to_number=rep.phone, rep_id=rep.id)
    session.commit()
    http = FakeTwilioHttp()
    assert run(engine, live_settings, twilio(http), message.id) == "sent"
    assert run(engine, live_settings, twilio(http), message.id) == "skipped"
    sent = status_of(engine, message.id)
    assert len(http.requests) == 1 and http.requests[0].data["To"] == rep.phone
    assert (sent.status, sent.attempts, sent.sent_at, sent.lease_expires_at) == ("sent", 1, NOW, None)
    assert sent.provider_sid and sent.provider_sid.startswith("SM")


def test_shadow_never_sends(engine, session, live_settings) -> None:  # type: ignore[no-untyped-def]
    rep = create_rep(session)
    in_shadow_now = create_outbound_message(session, to_number=rep.phone)
    session.commit()
    http = FakeTwilioHttp()
    assert run(engine, live_settings, twilio(http), in_shadow_now.id) == "shadow"
    # Queued while in shadow, dispatched after going live: still never sent.
    set_controls(session)
    queued_in_shadow = create_outbound_message(session, to_number=rep.phone, shadow_mode=True)
    session.commit()
    assert run(engine, live_settings, twilio(http), queued_in_shadow.id) == "shadow"
    # The environment's ceiling (AGENT_MODE=shadow) wins over a live row.
    env_shadow = create_outbound_message(session, to_number=rep.phone)
    session.commit()
    settings_shadow = live_settings.model_copy(update={"agent_mode": AgentMode.SHADOW})
    assert run(engine, settings_shadow, twilio(http), env_shadow.id) == "shadow"
    assert http.requests == []
    assert status_of(engine, in_shadow_now.id).status == "shadow"


def test_each_rule_blocks_at_the_moment_of_sending(engine, session, live_settings) -> None:  # type: ignore[no-untyped-def]
    set_controls(session)
    opted = create_rep(session, opted_out=True)
    inactive = create_rep(session, active=False)
    founder = create_founder(session, phone="+12125559999")
    unknown = create_outbound_message(session, to_number="+12125550000")
    to_opted = create_outbound_message(session, to_number=opted.phone)
    to_inactive = create_outbound_message(session, to_number=inactive.phone)
    pip_approved = create_outbound_message(session, to_number=founder.phone or "", purpose=MessagePurpose.PIP,
                                           approved_by=founder.id)
    session.commit()
    http = FakeTwilioHttp()
    assert run(engine, live_settings, twilio(http), unknown.id) == "blocked"
    assert run(engine, live_settings, twilio(http), to_opted.id) == "blocked"
    assert run(engine, live_settings, twilio(http), to_inactive.id) == "blocked"
    assert run(engine, live_settings, twilio(http), pip_approved.id) == "sent"
    assert "opted out" in (status_of(engine, to_opted.id).error or "")
    assert "not an active rep" in (status_of(engine, unknown.id).error or "")
    set_controls(session, send=False)
    rep = create_rep(session)
    send_off = create_outbound_message(session, to_number=rep.phone)
    session.commit()
    assert run(engine, live_settings, twilio(http), send_off.id) == "blocked"
    set_controls(session, kill=True)
    killed = create_outbound_message(session, to_number=rep.phone)
    session.commit()
    assert run(engine, live_settings, twilio(http), killed.id) == "blocked"
    assert status_of(engine, killed.id).error == "kill switch is on"
    assert len(http.requests) == 1


def test_opted_out_at_twilio_fails_and_marks_the_rep(engine, session, live_settings) -> None:  # type: ignore[no-untyped-def]
    set_controls(session)
    rep = create_rep(session)
    message = create_outbound_message(session, to_number=rep.phone)
    session.commit()
    assert run(engine, live_settings, twilio(FakeTwilioHttp(opted_out)), message.id) == "failed"
    with Session(engine) as check:
        assert check.get(Rep, rep.id).opted_out is True  # type: ignore[union-attr]
    assert "21610" in (status_of(engine, message.id).error or "")


def test_an_unknown_outcome_is_never_retried(engine, session, live_settings) -> None:  # type: ignore[no-untyped-def]
    set_controls(session)
    rep = create_rep(session)
    message = create_outbound_message(session, to_number=rep.phone)
    session.commit()
    http = FakeTwilioHttp(lambda _d: (503, {"code": 20500, "message": "down", "status": 503}))
    assert run(engine, live_settings, twilio(http), message.id) == "unknown"
    counts = sweep_outbox(engine=engine, settings=live_settings, sender=twilio(http), clock=FixedClock(NOW + LEASE * 3))
    assert counts == {"unknown_leases": 0}
    assert len(http.requests) == 1
    with Session(engine) as check:
        [alert] = check.exec(select(Alert)).all()
        assert alert.details == {"message_id": message.id} and alert.severity == "critical"


def test_a_lease_that_ran_out_becomes_unknown_for_a_human(engine, session, live_settings) -> None:  # type: ignore[no-untyped-def]
    set_controls(session)
    rep = create_rep(session)
    stuck = create_outbound_message(session, to_number=rep.phone, status=OutboundStatus.SENDING,
                                    lease_expires_at=NOW + LEASE, attempts=1)
    session.commit()
    http = FakeTwilioHttp()
    clock_in_lease = FixedClock(NOW + LEASE - timedelta(seconds=1))
    assert sweep_outbox(engine=engine, settings=live_settings, sender=twilio(http), clock=clock_in_lease) == {
        "unknown_leases": 0}
    after = FixedClock(NOW + LEASE + timedelta(seconds=1))
    assert sweep_outbox(engine=engine, settings=live_settings, sender=twilio(http), clock=after) == {
        "unknown_leases": 1}
    assert status_of(engine, stuck.id).status == "unknown"
    assert http.requests == []
    with Session(engine) as check:
        assert len(check.exec(select(Alert)).all()) == 1


class KillAfterFirst:
    """A sender that throws the kill switch (as a founder would, from another session) after its first send."""

    def __init__(self, engine: sa.Engine, inner: SmsSender) -> None:
        self.engine, self.inner, self.sent = engine, inner, 0

    def send(self, *, to: str, body: str) -> SentSms:
        result = self.inner.send(to=to, body=body)
        self.sent += 1
        if self.sent == 1:
            with Session(self.engine) as founder_session:
                set_kill_switch(session=founder_session, on=True, actor="founder:1")
                founder_session.commit()
        return result


def test_kill_switch_thrown_mid_run_blocks_what_is_still_queued(engine, session, live_settings) -> None:  # type: ignore[no-untyped-def]
    set_controls(session)
    rep = create_rep(session)
    ids = [create_outbound_message(session, to_number=rep.phone).id for _ in range(5)]
    session.commit()
    http = FakeTwilioHttp()
    counts = sweep_outbox(engine=engine, settings=live_settings, sender=KillAfterFirst(engine, twilio(http)),
                          clock=FixedClock(NOW))
    assert counts == {"unknown_leases": 0, "sent": 1, "blocked": 4}
    assert len(http.requests) == 1
    assert [status_of(engine, i).status for i in ids] == ["sent"] + ["blocked"] * 4


def test_kill_switch_between_claim_and_send_still_wins(engine, session, live_settings, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import workers.dispatch as dispatch

    set_controls(session)
    rep = create_rep(session)
    message = create_outbound_message(session, to_number=rep.phone)
    session.commit()
    real_controls = dispatch.effective_controls
    calls: list[int] = []

    def kill_before_the_recheck(**kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) == 2:  # the claim has committed; the founder throws the switch now
            with Session(engine) as founder_session:
                set_kill_switch(session=founder_session, on=True, actor="founder:1")
                founder_session.commit()
        return real_controls(**kwargs)

    monkeypatch.setattr(dispatch, "effective_controls", kill_before_the_recheck)
    http = FakeTwilioHttp()
    assert run(engine, live_settings, twilio(http), message.id) == "blocked"
    assert http.requests == [] and status_of(engine, message.id).lease_expires_at is None


def test_racing_dispatchers_in_threads_send_each_message_once(engine, session, live_settings) -> None:  # type: ignore[no-untyped-def]
    set_controls(session)
    reps = [create_rep(session) for _ in range(3)]
    ids = [create_outbound_message(session, to_number=reps[i % 3].phone, body=f"m{i}").id for i in range(30)]
    session.commit()
    http = FakeTwilioHttp()
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def dispatcher() -> None:
        try:
            barrier.wait()
            sweep_outbox(engine=engine, settings=live_settings, sender=twilio(http), clock=FixedClock(NOW))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=dispatcher) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    bodies = Counter(str(request.data["Body"]) for request in http.requests)
    assert len(http.requests) == 30 and set(bodies.values()) == {1}
    assert {status_of(engine, i).status for i in ids} == {"sent"}
    assert {status_of(engine, i).attempts for i in ids} == {1}


class FileLogSender:
    """Appends one line per send to a file shared by processes (O_APPEND writes of a line are atomic)."""

    def __init__(self, path: str) -> None:
        self.path = path

    def send(self, *, to: str, body: str) -> SentSms:
        with open(self.path, "a") as log:
            log.write(f"{body}\n")
        return LocalOutboxSender().send(to=to, body=body)


def _process_dispatcher(path: str, start: float) -> None:
    import time

    from core.clock import SystemClock
    from core.config import get_settings
    from core.db import get_engine

    settings = get_settings()
    while time.time() < start:  # line the processes up (a start line, not a wait on the clock under test)
        pass
    sweep_outbox(engine=get_engine(settings), settings=settings, sender=FileLogSender(path), clock=SystemClock())


def test_racing_dispatcher_processes_send_each_message_once(engine, session, monkeypatch, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import time

    monkeypatch.setenv("AGENT_MODE", "live")
    monkeypatch.setenv("AGENT_SEND_ENABLED", "true")
    set_controls(session)
    rep = create_rep(session)
    ids = [create_outbound_message(session, to_number=rep.phone, body=f"p{i}").id for i in range(40)]
    session.commit()
    log = tmp_path / "sent.log"
    log.touch()
    context = multiprocessing.get_context("spawn")
    start = time.time() + 3
    processes = [context.Process(target=_process_dispatcher, args=(str(log), start)) for _ in range(3)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=120)
    assert [process.exitcode for process in processes] == [0, 0, 0]
    lines = log.read_text().splitlines()
    assert sorted(lines) == sorted(f"p{i}" for i in range(40))
    assert {status_of(engine, i).status for i in ids} == {"delivered"}


def test_rq_worker_dispatches_from_the_outbound_queue(engine, session, redis_conn, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("AGENT_MODE", "live")
    monkeypatch.setenv("AGENT_SEND_ENABLED", "true")
    set_controls(session)
    rep = create_rep(session)
    message = create_outbound_message(session, to_number=rep.phone)
    session.commit()
    job = enqueue_dispatch(connection=redis_conn, message_id=message.id)
    enqueue_dispatch(connection=redis_conn, message_id=message.id)  # a duplicate enqueue is harmless
    queue = get_queue(QueueName.OUTBOUND, connection=redis_conn)
    SimpleWorker([queue], connection=redis_conn).work(burst=True)
    job.refresh()
    assert job.return_value() == "delivered"
    sent = status_of(engine, message.id)
    assert sent.status == "delivered" and sent.provider_sid and sent.provider_sid.startswith("LOCAL")
    assert sent.attempts == 1


def test_the_sweep_runs_every_minute_on_the_outbound_queue() -> None:
    from workers.schedule import SCHEDULE

    [entry] = [entry for entry in SCHEDULE if entry.name == "outbox-sweep"]
    assert (entry.cron, entry.queue, entry.func.__name__) == ("* * * * *", QueueName.OUTBOUND, "dispatch_sweep")
    assert os.environ.get("AGENT_MODE") == "shadow"


class SendThenHang:
    """Writes that it has reached the provider, then hangs (the worker is SIGKILLed mid-send)."""

    def __init__(self, path: str) -> None:
        self.path = path

    def send(self, *, to: str, body: str) -> SentSms:
        with open(self.path, "a") as log:
            log.write(f"{body}\n")
        threading.Event().wait()
        raise AssertionError("unreachable")


def _dispatch_and_hang(path: str, message_id: int) -> None:
    from core.clock import SystemClock
    from core.config import get_settings
    from core.db import get_engine

    settings = get_settings()
    dispatch_one(message_id=message_id, engine=get_engine(settings), settings=settings, sender=SendThenHang(path),
                 clock=SystemClock())


def test_a_worker_killed_mid_send_leaves_unknown_and_nothing_is_resent(engine, session, monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import signal
    import time

    from core.clock import SystemClock

    monkeypatch.setenv("AGENT_MODE", "live")
    monkeypatch.setenv("AGENT_SEND_ENABLED", "true")
    set_controls(session)
    rep = create_rep(session)
    message = create_outbound_message(session, to_number=rep.phone, body="once")
    session.commit()
    log = tmp_path / "sent.log"
    log.touch()
    process = multiprocessing.get_context("spawn").Process(target=_dispatch_and_hang, args=(str(log), message.id))
    process.start()
    deadline = time.monotonic() + 60
    while log.read_text() == "" and time.monotonic() < deadline:  # wait for the event: the send has started
        time.sleep(0.05)
    assert log.read_text() == "once\n"
    os.kill(process.pid, signal.SIGKILL)
    process.join(timeout=30)
    assert status_of(engine, message.id).status == "sending"
    settings = Settings().model_copy(update={"agent_mode": AgentMode.LIVE, "agent_send_enabled": True})
    http = FakeTwilioHttp()
    later = FixedClock(SystemClock().now() + LEASE + timedelta(minutes=1))
    assert sweep_outbox(engine=engine, settings=settings, sender=twilio(http), clock=later) == {"unknown_leases": 1}
    assert sweep_outbox(engine=engine, settings=settings, sender=twilio(http), clock=later) == {"unknown_leases": 0}
    assert status_of(engine, message.id).status == "unknown" and http.requests == []
    assert log.read_text() == "once\n"


def test_redis_flushed_mid_run_loses_nothing(engine, session, redis_conn, live_settings) -> None:  # type: ignore[no-untyped-def]
    set_controls(session)
    rep = create_rep(session)
    ids = [create_outbound_message(session, to_number=rep.phone).id for _ in range(3)]
    session.commit()
    for message_id in ids:
        enqueue_dispatch(connection=redis_conn, message_id=message_id)
    redis_conn.flushdb()  # every dispatch job is gone
    assert get_queue(QueueName.OUTBOUND, connection=redis_conn).count == 0
    http = FakeTwilioHttp()
    counts = sweep_outbox(engine=engine, settings=live_settings, sender=twilio(http), clock=FixedClock(NOW))
    assert counts == {"unknown_leases": 0, "sent": 3} and len(http.requests) == 3
