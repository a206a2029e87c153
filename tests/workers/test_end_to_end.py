"""End to end through real worker processes and a real Redis: lead gen -> sequences -> approval SMS in the
outbox -> the approval resolved -> resumed -> touches 2 and 3 come due on the injected clock.

The workers are `salesagent worker --burst` subprocesses; the clock is injected by passing `at` to the jobs.
The environment's mode ceiling is lifted for the workers only (AGENT_MODE=live, AGENT_SEND_ENABLED=true) and
the controls row is set live by a test-only update.
"""

from __future__ import annotations

import email
import email.policy
import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlmodel import col, select
from starlette.applications import Starlette
from starlette.testclient import TestClient

from core.clock import FixedClock
from core.models import (
    Approval,
    ApprovalStatus,
    DiscoveryRun,
    JobRun,
    MessagePurpose,
    OutboundMessage,
    Rep,
    Sequence,
    SequenceState,
    Touch,
)
from sales_dashboard.api.twilio import SMS_PATH, sign_params, signed_url, twilio_routes
from tests.factories import create_rep, go_live
from workers.queues import enqueue_lead_gen, enqueue_resume_sequence, enqueue_sweep

T0 = datetime(2026, 11, 24, 14, 5, tzinfo=UTC)  # Tuesday 09:05 in New York (EST)
LIVE_ENV = {"AGENT_MODE": "live", "AGENT_SEND_ENABLED": "true", "DAILY_DRAFT_CAP": "2"}
SHADOW_ENV = {"DAILY_DRAFT_CAP": "2"}


def run_worker(name: str, env: dict[str, str]) -> None:
    """One burst worker process: runs every queued job (and the ones they enqueue), then exits."""
    result = subprocess.run(
        [sys.executable, "-m", "sales_cli.main", "worker", "--burst", "--name", name],
        env={**os.environ, **env}, timeout=300, capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]


def drafts_dir(settings) -> Path:  # type: ignore[no-untyped-def]
    path = settings.data_dir / "drafts"
    shutil.rmtree(path, ignore_errors=True)
    return path


def _eml_body(path: Path) -> str:
    """The text body of a local mail draft, decoded (long lines are wrapped on disk)."""
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    return str(message.get_body(preferencelist=("plain",)).get_content()).strip()  # type: ignore[union-attr]


def fresh(session) -> None:  # type: ignore[no-untyped-def]
    session.rollback()
    session.expire_all()


def states(session) -> dict[int, list[str]]:  # type: ignore[no-untyped-def]
    fresh(session)
    by_rep: dict[int, list[str]] = {}
    for sequence in session.exec(select(Sequence).order_by(col(Sequence.id))):
        by_rep.setdefault(sequence.rep_id, []).append(sequence.state)
    return by_rep


def assert_whole(session) -> None:  # type: ignore[no-untyped-def]
    """Every drafted sequence has exactly touches 1-3; no touch has two drafts, no key two messages."""
    fresh(session)
    for sequence in session.exec(select(Sequence)):
        steps = sorted(t.step for t in session.exec(select(Touch).where(Touch.sequence_id == sequence.id)))
        assert steps in ([], [1, 2, 3]), (sequence.id, sequence.state, steps)
        if sequence.state not in (SequenceState.QUEUED, SequenceState.RESEARCHED, SequenceState.DRAFT_FAILED):
            assert steps == [1, 2, 3]


def test_live_lead_to_completed_sequence_through_worker_processes(settings, engine, session, redis_conn) -> None:  # type: ignore[no-untyped-def]
    drafts = drafts_dir(settings)
    reps = [create_rep(session), create_rep(session)]
    session.commit()
    go_live(session)

    enqueue_lead_gen(connection=redis_conn, at=T0)
    run_worker("e2e-1", LIVE_ENV)

    fresh(session)
    assert session.exec(select(JobRun)).one().local_date.isoformat() == "2026-11-24"
    assert session.exec(select(DiscoveryRun)).one().added == 30
    # Two per rep (DAILY_DRAFT_CAP=2): the first waits for the rep, the second for the rep's approval slot.
    assert states(session) == {rep.id: ["awaiting_rep", "drafted"] for rep in reps}
    approvals = session.exec(select(Approval).order_by(col(Approval.id))).all()
    assert len(approvals) == 2 and {a.status for a in approvals} == {ApprovalStatus.PENDING}
    asks = session.exec(select(OutboundMessage).where(OutboundMessage.purpose == MessagePurpose.APPROVAL_REQUEST)).all()
    assert sorted(m.idempotency_key for m in asks) == sorted(f"approval:{a.id}" for a in approvals)
    assert all("Reply Y to approve, N to skip, or send your edit verbatim." in m.body for m in asks)
    assert len(list(drafts.rglob("*.eml"))) == 2

    # The reps answer by SMS through the real signed webhook: one approves with "Y", one sends an edit.
    answered = T0 + timedelta(hours=1)
    edit = (
        "Hi Dana, saw the new Denver office and the six SDR openings. Teams scaling outbound that fast usually "
        "lose track of follow-ups. Worth a short call next week to compare notes on sequencing?"
    )
    webhook = TestClient(Starlette(routes=twilio_routes(settings, clock=FixedClock(answered))))
    for n, (approval, reply) in enumerate(zip(approvals, ["Y", edit], strict=True)):
        rep = session.get(Rep, approval.rep_id)
        form = {"MessageSid": f"SM{n:032d}", "From": rep.phone, "To": "+15550000000", "Body": reply}
        url = signed_url(settings, SMS_PATH)
        response = webhook.post(SMS_PATH, data=form, headers={"X-Twilio-Signature": sign_params(settings, url, form)})
        assert response.status_code == 200 and response.headers["content-type"].startswith("text/xml")
    fresh(session)
    assert [session.get(Approval, a.id).status for a in approvals] == [ApprovalStatus.APPROVED, ApprovalStatus.EDITED]
    # The webhook enqueued the resumes; they run on the injected clock here.
    for approval in approvals:
        enqueue_resume_sequence(connection=redis_conn, sequence_id=approval.subject_id, at=answered)
    run_worker("e2e-2", LIVE_ENV)
    by_rep = states(session)
    assert by_rep[approvals[0].rep_id] == ["approved", "awaiting_rep"]
    assert by_rep[approvals[1].rep_id] == ["edited", "awaiting_rep"]
    edited_touch = session.exec(
        select(Touch).where(Touch.sequence_id == approvals[1].subject_id, Touch.step == 1)
    ).one()
    assert edited_touch.body == edit
    assert edit in [_eml_body(path) for path in drafts.rglob("*.eml")]

    # Day 3: the sweep finds touch 2 due (call task SMS + its draft); day 7: touch 3, then completed.
    enqueue_sweep(connection=redis_conn, at=answered + timedelta(days=3))
    run_worker("e2e-3", LIVE_ENV)
    fresh(session)
    calls = session.exec(select(OutboundMessage).where(OutboundMessage.purpose == MessagePurpose.CALL_TASK)).all()
    assert len(calls) == 2
    enqueue_sweep(connection=redis_conn, at=answered + timedelta(days=7))
    run_worker("e2e-4", LIVE_ENV)
    for approval in approvals:
        fresh(session)
        assert session.get(Sequence, approval.subject_id).state == SequenceState.COMPLETED
    # The second drafts were never answered: expired at 48 h (a skip), so their touch 1 drafts were dropped and
    # touch 2 came due 3 days after the expiry (day 6): pushed by the day-7 sweep.
    assert states(session) == {rep.id: ["completed", "expired"] for rep in reps}
    # Once more: nothing new is due, nothing changes.
    enqueue_sweep(connection=redis_conn, at=answered + timedelta(days=8))
    run_worker("e2e-5", LIVE_ENV)
    assert_whole(session)
    # touch 1 of the two answered sequences, touches 2-3 of those, touch 2 of the two expired ones
    assert len(list(drafts.rglob("*.eml"))) == 2 + 4 + 2
    keys = [m.idempotency_key for m in session.exec(select(OutboundMessage))]
    # four approval requests, four call tasks, and the webhook's two confirmations to the reps who answered
    assert len(keys) == len(set(keys)) == 4 + 4 + 2
    assert sorted(k for k in keys if k.startswith("reply:")) == [f"reply:SM{n:032d}" for n in range(2)]


def test_shadow_mode_ends_in_shadow_logged_with_nothing_queued_to_send(settings, engine, session, redis_conn) -> None:  # type: ignore[no-untyped-def]
    drafts = drafts_dir(settings)
    reps = [create_rep(session), create_rep(session)]
    session.commit()

    enqueue_lead_gen(connection=redis_conn, at=T0)
    enqueue_lead_gen(connection=redis_conn, at=T0 + timedelta(hours=1))  # the other UTC entry: not 09:00 local
    enqueue_lead_gen(connection=redis_conn, at=T0 + timedelta(minutes=30))  # a second scheduler: already run
    run_worker("e2e-shadow", SHADOW_ENV)
    enqueue_sweep(connection=redis_conn, at=T0 + timedelta(days=8))
    run_worker("e2e-shadow-2", SHADOW_ENV)

    assert states(session) == {rep.id: ["shadow_logged", "shadow_logged"] for rep in reps}
    assert session.exec(select(OutboundMessage)).all() == []
    assert session.exec(select(Approval)).all() == []
    assert not drafts.exists() or list(drafts.rglob("*.eml")) == []
    assert all(t.gmail_draft_id is None for t in session.exec(select(Touch)))
    assert len(session.exec(select(JobRun)).all()) == 1
    assert_whole(session)
