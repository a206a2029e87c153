"""The dashboard's read-only queries on a real database (both backends), with factory rows."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from core import dashboard_queries as q
from core.audit import record_audit
from core.models import MessagePurpose, OutboundStatus, ReviewSubject, VerdictAction
from core.reps import RepInvalid, add_rep, set_rep_active
from tests.factories import (
    create_alert,
    create_cost,
    create_discovery_run,
    create_eval_run,
    create_founder,
    create_inbound,
    create_lead,
    create_outbound_message,
    create_rep,
    create_review,
    create_snapshot,
    create_verdict,
)

NY = ZoneInfo("America/New_York")
DAY = date(2026, 5, 12)


def test_costs_per_day_rep_and_model(session) -> None:  # type: ignore[no-untyped-def]
    ada, bo = create_rep(session, name="Ada"), create_rep(session, name="Bo")
    create_cost(session, day=DAY, usd=0.20, rep=ada, sequence_id=None)
    create_cost(session, day=DAY, usd=1.50, rep=bo, model="claude-sonnet-5-5")
    create_cost(session, day=DAY + timedelta(days=1), usd=0.25, rep=ada)
    create_cost(session, day=DAY - timedelta(days=40), usd=9.0, rep=ada)  # outside the window
    session.commit()

    days = q.daily_costs(session=session, since=DAY - timedelta(days=1), until=DAY + timedelta(days=1))
    assert [(d.day, round(d.usd, 2)) for d in days] == [(DAY, 1.70), (DAY + timedelta(days=1), 0.25)]
    assert days[0].per_draft is None  # no sequence costs: nothing drafted

    by_rep = q.costs_by_rep(session=session, since=DAY, until=DAY + timedelta(days=1))
    assert [(g.key, round(g.usd, 2), g.calls) for g in by_rep] == [("Bo", 1.50, 1), ("Ada", 0.45, 2)]
    by_model = q.costs_by_model(session=session, since=DAY, until=DAY)
    assert [(g.key, round(g.usd, 2)) for g in by_model] == [("claude-sonnet-5-5", 1.50), ("claude-haiku-5-5", 0.20)]


def test_cost_per_draft_counts_only_drafting_spend(session) -> None:  # type: ignore[no-untyped-def]
    from tests.factories import create_draft

    rep = create_rep(session)
    sequences = [create_draft(session, rep, datetime(2026, 5, 12, 15, tzinfo=UTC)).sequence_id for _ in range(2)]
    create_cost(session, day=DAY, usd=0.10, rep=rep, sequence_id=sequences[0])
    create_cost(session, day=DAY, usd=0.30, rep=rep, sequence_id=sequences[1])
    create_cost(session, day=DAY, usd=5.0, rep=rep)  # a verdict call: not drafting
    session.commit()
    (day,) = q.daily_costs(session=session, since=DAY, until=DAY)
    assert day.drafts == 2 and day.per_draft == pytest.approx(0.20) and day.usd == pytest.approx(5.40)


def test_pipeline_counts_new_leads_and_empty_streak(session) -> None:  # type: ignore[no-untyped-def]
    for _ in range(3):
        create_lead(session)
    create_lead(session, assigned_rep_id=create_rep(session).id, status="in_sequence")
    create_discovery_run(session, status="succeeded", day=DAY, added=5)
    create_discovery_run(session, status="empty", day=DAY + timedelta(days=1))
    create_discovery_run(session, status="empty", day=DAY + timedelta(days=2))
    session.commit()

    counts = q.pipeline_counts(session=session)
    assert counts.new_unassigned == 3
    assert counts.by_status == {"new": 3, "in_sequence": 1}
    assert counts.empty_streak == 2
    assert [r.status for r in counts.recent_runs] == ["empty", "empty", "succeeded"]


def test_pipeline_counts_on_an_empty_database(session) -> None:  # type: ignore[no-untyped-def]
    counts = q.pipeline_counts(session=session)
    assert (counts.new_unassigned, counts.by_status, counts.empty_streak, counts.recent_runs) == (0, {}, 0, [])


def test_open_alerts_leave_out_acknowledged_ones(session) -> None:  # type: ignore[no-untyped-def]
    create_alert(session, message="old", acknowledged=True)
    create_alert(session, message="first")
    create_alert(session, message="second")
    session.commit()
    assert [a.message for a in q.open_alerts(session=session)] == ["second", "first"]


def test_safety_counters(session) -> None:  # type: ignore[no-untyped-def]
    rep = create_rep(session)
    create_inbound(session, signature_ok=False, allowed=False, outcome="bad_signature")
    create_inbound(session, signature_ok=True, allowed=False, outcome="unknown_number")
    create_inbound(session)  # a genuine one
    create_inbound(session, outcome="replay")
    create_outbound_message(session, to_number=rep.phone, status=OutboundStatus.UNKNOWN)
    create_outbound_message(session, to_number=rep.phone, status=OutboundStatus.SENT)
    create_verdict(session, rep, DAY, action=VerdictAction.PIP)  # its approval waits for a founder
    create_outbound_message(session, to_number=rep.phone, purpose=MessagePurpose.NUDGE)
    session.commit()

    counters = q.safety_counters(session=session)
    assert counters == q.SafetyCounters(
        unauthorized_inbound=2, replays_ignored=1, unknown_not_resent=1, verdict_actions_held=1
    )


def test_agreement_by_local_day_and_trailing_window(session) -> None:  # type: ignore[no-untyped-def]
    founder = create_founder(session)
    # 02:00 UTC on the 13th is still the 12th in New York.
    create_review(session, founder=founder, subject="verdict", subject_id=1, agrees=True,
                  at=datetime(2026, 5, 13, 2, tzinfo=UTC))
    create_review(session, founder=founder, subject="verdict", subject_id=2, agrees=False,
                  at=datetime(2026, 5, 12, 15, tzinfo=UTC))
    create_review(session, founder=founder, subject="verdict", subject_id=3, agrees=True,
                  at=datetime(2026, 5, 14, 15, tzinfo=UTC))
    create_review(session, founder=founder, subject="draft", subject_id=3, agrees=False,
                  at=datetime(2026, 5, 14, 15, tzinfo=UTC))
    create_review(session, founder=founder, subject="verdict", subject_id=4, agrees=False,
                  at=datetime(2026, 6, 14, 15, tzinfo=UTC))
    session.commit()  # fmt: skip

    days = q.agreement_by_day(session=session, subject=ReviewSubject.VERDICT, since=datetime(2026, 5, 1, tzinfo=UTC),
                              until=datetime(2026, 7, 1, tzinfo=UTC), tz=NY)  # fmt: skip
    assert [(d.day, d.reviews, d.agreed) for d in days] == [
        (date(2026, 5, 12), 2, 1), (date(2026, 5, 14), 1, 1), (date(2026, 6, 14), 1, 0)
    ]  # fmt: skip
    # The trailing 14 days: the June day has only its own review.
    assert q.trailing_agreement(days, window=14) == [0.5, pytest.approx(2 / 3), 0.0]
    drafts = q.agreement_by_day(session=session, subject=ReviewSubject.DRAFT, since=datetime(2026, 5, 1, tzinfo=UTC),
                                until=datetime(2026, 7, 1, tzinfo=UTC), tz=NY)  # fmt: skip
    assert [(d.reviews, d.agreed) for d in drafts] == [(1, 0)]


def test_audit_events_filter_newest_first_and_paginate(session) -> None:  # type: ignore[no-untyped-def]
    base = datetime(2026, 5, 12, 12, tzinfo=UTC)
    for i in range(5):
        record_audit(session=session, actor="founder:1", action="controls.kill_switch", at=base + timedelta(hours=i))
    record_audit(session=session, actor="system", action="demo.seeded", at=base)
    record_audit(session=session, actor="founder:2", action="controls.mode", at=base + timedelta(days=2))
    record_audit(session=session, actor="founder:1", action="controls_x%", at=base)  # LIKE wildcards are literal
    session.commit()

    events, total = q.audit_events(session=session, action="controls.", limit=2)
    assert total == 6 and [e.action for e in events] == ["controls.mode", "controls.kill_switch"]
    page2, _ = q.audit_events(session=session, action="controls.", limit=2, offset=2)
    assert [e.created_at for e in page2] == [base + timedelta(hours=3), base + timedelta(hours=2)]
    _, by_actor = q.audit_events(session=session, actor="founder:1")
    assert by_actor == 6
    _, in_window = q.audit_events(session=session, since=base + timedelta(days=1), until=base + timedelta(days=3))
    assert in_window == 1
    _, none = q.audit_events(session=session, action="controls_x_")
    assert none == 0
    actions, actors = q.audit_facets(session=session)
    assert actions == ["controls.kill_switch", "controls.mode", "controls_x%", "demo.seeded"]
    assert actors == ["founder:1", "founder:2", "system"]


def test_eval_runs_newest_first(session) -> None:  # type: ignore[no-untyped-def]
    create_eval_run(session, passed=False, pass_rate=0.8)
    create_eval_run(session, passed=True, pass_rate=0.95, suites={"drafting": {"pass_rate": 0.95}})
    session.commit()
    runs = q.eval_runs(session=session)
    assert [r.passed for r in runs] == [True, False]
    assert runs[0].suite_results == {"suites": {"drafting": {"pass_rate": 0.95}}}


def test_latest_spam_rate_per_domain(session) -> None:  # type: ignore[no-untyped-def]
    create_snapshot(session, "a.example", DAY, spam_rate=0.001)
    create_snapshot(session, "a.example", DAY + timedelta(days=1), spam_rate=0.004)
    create_snapshot(session, "b.example", DAY, spam_rate=0.0002)
    session.commit()
    rates = q.latest_spam_rates(session=session, domains=["a.example", "b.example", "c.example"])
    assert rates == {"a.example": (DAY + timedelta(days=1), 0.004), "b.example": (DAY, 0.0002)}
    assert q.latest_spam_rates(session=session, domains=[]) == {}


def test_add_rep_validates_the_phone_and_deactivate_is_audited(session) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(RepInvalid, match="not a valid phone number"):
        add_rep(session=session, name="X", email="x@example.com", phone="+1 555 0000", actor="founder:1")
    rep = add_rep(session=session, name="Dee", email="Dee@Example.com", phone="(212) 555-0188", actor="founder:1")
    assert (rep.phone, rep.email) == ("+12125550188", "dee@example.com")
    with pytest.raises(RepInvalid, match="already on the allowlist"):
        add_rep(session=session, name="Dup", email="dup@example.com", phone="+12125550188", actor="founder:1")
    assert set_rep_active(session=session, rep_id=rep.id, active=False, actor="founder:1") is True
    assert set_rep_active(session=session, rep_id=rep.id, active=False, actor="founder:1") is False
    session.commit()
    assert [r.active for r in q.all_reps(session=session)] == [False]
    _, total = q.audit_events(session=session, action="rep.")
    assert total == 2
