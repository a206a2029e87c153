"""The Monday scorecards: DST-correct timing, the demo reps end to end on a real worker, idempotence, and
the property that nothing about a person's job leaves without a founder."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import httpx2
import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, event, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from pydantic import SecretStr
from rq import SimpleWorker
from sqlmodel import Session, select

from core.config import AgentMode
from core.controls import get_controls
from core.demo.profiles import PROFILES
from core.demo.seed import seed_demo
from core.evidence import check_evidence, rep_sending_domain
from core.models import (
    AgentCost,
    Approval,
    ApprovalKind,
    ApprovalStatus,
    Founder,
    OutboundMessage,
    Rep,
    Verdict,
    VerdictLevel,
    VerdictStatus,
)
from core.verdicts import approve_verdict_action, history_weeks, reject_verdict_action
from tests.agent.llm.scripted import Script, message, text
from tests.conftest import _empty_tables
from tests.factories import create_founder, create_rep, create_snapshot, create_week_activity
from workers.queues import QueueName, get_queue
from workers.schedule import SCHEDULE
from workers.scorecards import SCORECARD_CRON, enqueue_weekly_scorecards, run_scorecards, scorecards_due

# Monday 23 Nov 2026, 09:00 in New York (EST, UTC-5).
MONDAY_9_EST = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)
LAST_WEEK = date(2026, 11, 16)
EXPECTED = {
    "exceeds": (VerdictLevel.EXCEEDS, VerdictStatus.LOGGED),
    "meets": (VerdictLevel.MEETS, VerdictStatus.LOGGED),
    "below_floor": (VerdictLevel.BELOW_FLOOR, VerdictStatus.LOGGED),
    "pip_path": (VerdictLevel.BELOW_FLOOR_PIP, VerdictStatus.AWAITING_FOUNDER),
    "critical": (VerdictLevel.CRITICAL, VerdictStatus.AWAITING_FOUNDER),
}


@pytest.mark.parametrize(
    ("now", "due"),
    [
        (datetime(2026, 11, 23, 13, 0, tzinfo=UTC), False),  # 08:00 EST
        (datetime(2026, 11, 23, 14, 0, tzinfo=UTC), True),  # 09:00 EST
        (datetime(2026, 7, 6, 13, 0, tzinfo=UTC), True),  # 09:00 EDT
        (datetime(2026, 7, 6, 14, 0, tzinfo=UTC), True),  # 10:00 EDT: the second entry, a no-op re-run
        (datetime(2026, 3, 9, 13, 0, tzinfo=UTC), True),  # the Monday after the spring change: 09:00 EDT
        (datetime(2026, 11, 2, 13, 0, tzinfo=UTC), False),  # the Monday after the autumn change: 08:00 EST
        (datetime(2026, 11, 24, 14, 0, tzinfo=UTC), False),  # a Tuesday
        (datetime(2026, 11, 23, 4, 30, tzinfo=UTC), False),  # Monday in UTC, still Sunday night in New York
    ],
)
def test_due_on_monday_from_0900_local(settings, now: datetime, due: bool) -> None:  # type: ignore[no-untyped-def]
    assert scorecards_due(now, settings) is due


def test_scheduled_twice_in_utc_on_mondays() -> None:
    [entry] = [e for e in SCHEDULE if e.name == "weekly-scorecards"]
    assert entry.cron == SCORECARD_CRON == "0 13,14 * * 1" and entry.queue is QueueName.AGENT


def _work(redis_conn) -> None:  # type: ignore[no-untyped-def]
    queues = [get_queue(name, connection=redis_conn) for name in (QueueName.AGENT, QueueName.DEFAULT)]
    SimpleWorker(queues, connection=redis_conn).work(burst=True)


def test_monday_job_on_a_real_worker_for_the_demo_reps(session: Session, settings, redis_conn) -> None:  # type: ignore[no-untyped-def]
    seed_demo(session=session, now=MONDAY_9_EST - timedelta(minutes=5), settings=settings)
    session.commit()

    job = enqueue_weekly_scorecards(connection=redis_conn, now=MONDAY_9_EST, provider="offline")
    _work(redis_conn)
    job.refresh()
    assert job.is_finished, job.latest_result()
    result = job.return_value()
    assert result["ran"] and result["week_start"] == LAST_WEEK.isoformat() and len(result["written"]) == 5

    session.expire_all()
    reps = {rep.email: rep for rep in session.exec(select(Rep))}
    for profile in PROFILES:
        rep = reps[profile.email]
        verdict = session.exec(select(Verdict).where(Verdict.rep_id == rep.id)).one()
        assert (verdict.verdict, verdict.status) == EXPECTED[profile.key], (profile.key, verdict.rationale)
        assert verdict.week_start == LAST_WEEK and verdict.policy_band == verdict.verdict
        assert verdict.provider == "offline-rules" and verdict.review_reasons == []
        assert check_evidence(session=session, rep_id=rep.id, weeks=history_weeks(LAST_WEEK),
                              refs=verdict.evidence_refs) == []  # fmt: skip
    approvals = session.exec(select(Approval)).all()
    assert {a.rep_id for a in approvals} == {reps[p.email].id for p in PROFILES if p.key in ("pip_path", "critical")}
    assert all(a.kind == ApprovalKind.VERDICT_ACTION and a.status == ApprovalStatus.PENDING for a in approvals)
    assert session.exec(select(OutboundMessage)).all() == []

    # Run again (the 14:00 UTC entry in summer, or a retry): nothing changes.
    before = _snapshot(session)
    again = enqueue_weekly_scorecards(connection=redis_conn, now=MONDAY_9_EST + timedelta(hours=1), provider="offline")
    _work(redis_conn)
    again.refresh()
    assert again.return_value()["skipped"] == sorted(r.id for r in reps.values())
    session.expire_all()
    assert _snapshot(session) == before


def test_job_before_0900_local_does_nothing(session: Session, settings, redis_conn) -> None:  # type: ignore[no-untyped-def]
    seed_demo(session=session, now=MONDAY_9_EST - timedelta(hours=2), settings=settings)
    session.commit()
    job = enqueue_weekly_scorecards(connection=redis_conn, now=MONDAY_9_EST - timedelta(hours=1))
    _work(redis_conn)
    job.refresh()
    assert job.return_value()["ran"] is False
    assert session.exec(select(Verdict)).all() == []


def _snapshot(session: Session) -> list[tuple[object, ...]]:
    rows: list[tuple[object, ...]] = []
    for table in ("verdicts", "approvals", "outbound_messages", "audit_events"):
        rows += [tuple(row) for row in session.execute(sa.text(f"SELECT * FROM {table} ORDER BY id"))]
    return rows


def test_claude_verdicts_are_paid_for_in_agent_costs(session: Session, settings, engine) -> None:  # type: ignore[no-untyped-def]
    rep = create_rep(session)
    for back in range(8):
        create_week_activity(session, rep, LAST_WEEK - timedelta(weeks=back), emails=210, replies=10, meetings=2)
    session.commit()
    answer = {"verdict": "MEETS", "rationale": "210 emails every week, at the 200 floor, with steady replies.",
              "evidence_refs": [{"table": "rep_weekly_metrics", "id": f"{rep.id}:{LAST_WEEK}"}], "action": "none"}
    script = Script(message(text(json.dumps(answer)), stop_reason="end_turn"))
    keyed = settings.model_copy(update={"anthropic_api_key": SecretStr("test")})
    run = run_scorecards(settings=keyed, now=MONDAY_9_EST, engine=engine,
                         http_client=httpx2.Client(transport=httpx2.MockTransport(script)))  # fmt: skip
    assert run.written == {rep.id: "logged"}
    verdict = session.exec(select(Verdict)).one()
    assert (verdict.provider, verdict.verdict) == ("anthropic", VerdictLevel.MEETS)
    [cost] = session.exec(select(AgentCost)).all()
    assert (cost.rep_id, cost.purpose) == (rep.id, "verdict")


def test_a_failed_verdict_is_retried_by_the_next_run(session: Session, settings, engine) -> None:  # type: ignore[no-untyped-def]
    rep = create_rep(session)
    create_week_activity(session, rep, LAST_WEEK, emails=210)
    session.commit()
    script = Script(*[message(text("no"), stop_reason="end_turn")] * 2)
    keyed = settings.model_copy(update={"anthropic_api_key": SecretStr("test")})
    run = run_scorecards(settings=keyed, now=MONDAY_9_EST, engine=engine,
                         http_client=httpx2.Client(transport=httpx2.MockTransport(script)))  # fmt: skip
    assert list(run.failed) == [rep.id] and session.exec(select(Verdict)).all() == []
    assert len(session.exec(select(AgentCost)).all()) == 2  # the failed calls are still paid for
    retry = run_scorecards(settings=settings, now=MONDAY_9_EST, engine=engine, provider="offline")
    assert list(retry.written) == [rep.id]


# -------------------------------------------------------------------------------------------- property

FLOOR = 20
WEEKS = 10
FIRST_WEEK = LAST_WEEK - timedelta(weeks=WEEKS - 1)

controls_change = st.tuples(st.just("controls"), st.sampled_from(list(AgentMode)), st.booleans(), st.booleans())
run_week = st.tuples(st.just("run"), st.integers(min_value=0, max_value=2))
decide = st.tuples(st.sampled_from(["approve", "reject"]), st.integers(min_value=0, max_value=5))
operations = st.lists(st.one_of(controls_change, run_week, decide), min_size=1, max_size=10)
activity = st.lists(  # per rep: weekly emails (up to 1.5x the floor) and the last week's spam rate
    st.tuples(st.lists(st.integers(min_value=0, max_value=30), min_size=WEEKS, max_size=WEEKS),
              st.sampled_from([0.0, 0.0005, 0.0012, 0.004])),
    min_size=1, max_size=3,
)  # fmt: skip


@hsettings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(histories=activity, ops=operations)
def test_no_pip_or_terminate_leaves_without_a_founder_and_evidence_resolves(
    engine: sa.Engine, settings, histories, ops
) -> None:  # type: ignore[no-untyped-def]
    _empty_tables(engine)
    # The environment ceiling lifted, so the controls row alone decides (what production allows).
    open_settings = settings.model_copy(
        update={"agent_mode": AgentMode.LIVE, "agent_send_enabled": True, "weekly_email_floor": FLOOR}
    )
    with Session(engine, expire_on_commit=False) as session:
        founder = create_founder(session)
        for n, (emails, spam) in enumerate(histories):
            rep = create_rep(session, email=f"rep{n}@rep{n}.example")
            for i, count in enumerate(emails):
                create_week_activity(session, rep, FIRST_WEEK + timedelta(weeks=i), emails=count, replies=count // 10)
            for day in range(7):
                create_snapshot(session, rep_sending_domain(rep), LAST_WEEK + timedelta(days=day), spam_rate=spam)
        session.commit()

    for op in ops:
        with Session(engine, expire_on_commit=False) as session:
            if op[0] == "controls":
                row = get_controls(session=session)
                row.mode, row.send_enabled, row.kill_switch = op[1], op[2], op[3]
                session.add(row)
            elif op[0] == "run":
                monday = MONDAY_9_EST - timedelta(weeks=op[1])
                run_scorecards(settings=open_settings, now=monday, engine=engine, provider="offline")
            else:
                pending = session.exec(select(Approval).where(Approval.status == ApprovalStatus.PENDING)).all()
                if pending:
                    approval = pending[op[1] % len(pending)]
                    decide_fn = approve_verdict_action if op[0] == "approve" else reject_verdict_action
                    kwargs = {"settings": open_settings} if op[0] == "approve" else {}
                    decide_fn(session=session, approval_id=approval.id, founder_id=founder.id, now=MONDAY_9_EST,
                              **kwargs)  # type: ignore[operator]  # fmt: skip
            session.commit()
        sent = _check_invariants(engine)
    event(f"founder-approved PIP/terminate messages queued: {sent > 0}")


def _check_invariants(engine: sa.Engine) -> int:
    """Assert the invariants; returns how many PIP/terminate messages are in the outbox."""
    sent = 0
    with Session(engine) as session:
        founders = {f.id for f in session.exec(select(Founder))}
        for msg in session.exec(select(OutboundMessage)):
            if msg.purpose in ("pip", "terminate"):
                sent += 1
                assert msg.approved_by in founders
                approval = session.get(Approval, msg.approval_id)
                assert approval is not None and approval.status == ApprovalStatus.APPROVED
                assert approval.resolved_by == f"founder:{msg.approved_by}"
        for verdict in session.exec(select(Verdict)):
            problems = check_evidence(session=session, rep_id=verdict.rep_id,
                                      weeks=history_weeks(verdict.week_start), refs=verdict.evidence_refs)  # fmt: skip
            if verdict.evidence_refs:
                assert problems == [], verdict
            else:  # no activity and no deliverability rows in the period: nothing to cite, so a founder looks
                assert verdict.review_reasons == ["the verdict cites no evidence"]
            if verdict.verdict in ("BELOW_FLOOR_PIP", "CRITICAL") or verdict.action in ("pip", "terminate"):
                assert verdict.status in ("awaiting_founder", "needs_review", "approved", "rejected", "queued")
                assert session.exec(select(Approval).where(Approval.subject_id == verdict.id)).one()
    return sent
