"""The go-live gate: each way it can fail, and the one way it passes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from core.clock import FixedClock
from core.config import AgentMode, Settings
from core.controls import get_controls, set_kill_switch, switch_to_live, switch_to_shadow
from core.golive import EvalRecord, ModeChange, ReviewRecord, evaluate_go_live
from core.models import AuditEvent, EvalRun, Review
from tests.factories import create_founder

TZ = ZoneInfo("America/New_York")
NOW = datetime(2026, 11, 24, 17, 0, tzinfo=UTC)
MODEL, PROMPT = "claude-sonnet-5-5", "abc123def456"


def _reviews(n: int, agree: int, days: int = 14) -> list[ReviewRecord]:
    """`n` reviews spread over `days` local days ending today, `agree` of them agreeing."""
    return [
        ReviewRecord(at=NOW - timedelta(days=i % days, hours=1), agrees=i < agree, subject_kind="verdict")
        for i in range(n)
    ]


def _eval(pass_rate: float = 0.95, prompt: str = PROMPT, days_ago: float = 1, passed: bool | None = None) -> EvalRecord:
    return EvalRecord(
        at=NOW - timedelta(days=days_ago),
        model=MODEL,
        prompt_version=prompt,
        pass_rate=pass_rate,
        passed=pass_rate >= 0.9 if passed is None else passed,
    )


def _gate(*, started_days_ago: float = 30, changes=(), reviews=None, evals=None):  # type: ignore[no-untyped-def]
    return evaluate_go_live(
        now=NOW,
        tz=TZ,
        system_started_at=NOW - timedelta(days=started_days_ago),
        mode_changes=changes,
        reviews=_reviews(50, 48) if reviews is None else reviews,
        eval_runs=[_eval()] if evals is None else evals,
        model=MODEL,
        prompt_version=PROMPT,
    )


def test_passes_with_all_the_evidence() -> None:
    report = _gate()
    assert report.passed and report.reasons == []
    assert [check.name for check in report.checks] == ["14 days of shadow", "founder reviews", "agreement", "eval gate"]


@pytest.mark.parametrize(
    ("kwargs", "reason"),
    [
        ({"started_days_ago": 13}, "14 days of shadow: 13.0 days of shadow"),
        (
            {
                "changes": [
                    ModeChange(NOW - timedelta(days=20), AgentMode.LIVE),
                    ModeChange(NOW - timedelta(days=13), AgentMode.SHADOW),
                ]
            },
            "13.0 days of shadow",
        ),
        ({"changes": [ModeChange(NOW - timedelta(days=20), AgentMode.LIVE)]}, "the system is live now"),
        ({"reviews": _reviews(39, 39)}, "founder reviews: 39 reviews on 14 days"),
        ({"reviews": _reviews(60, 60, days=9)}, "founder reviews: 60 reviews on 9 days"),
        ({"reviews": _reviews(1000, 899)}, "agreement: 89.9% (899/1000); must be above 90%"),
        ({"reviews": _reviews(50, 45)}, "agreement: 90.0% (45/50)"),
        ({"evals": [_eval(prompt="0ld0ld0ld0ld")]}, f"eval gate: no eval run for {MODEL} with prompt version {PROMPT}"),
        ({"evals": [_eval(0.95, days_ago=3), _eval(0.85, days_ago=1)]}, "failed at 85.0%"),
        ({"evals": [_eval(0.95, passed=False)]}, "failed at 95.0%"),
        ({"evals": []}, "no eval run"),
    ],
    ids=[
        "13-days",
        "live-13-days-ago",
        "live-now",
        "too-few-reviews",
        "too-few-days",
        "89.9%",
        "exactly-90%",
        "older-prompt",
        "latest-eval-failed",
        "eval-marked-failed",
        "no-eval",
    ],
)
def test_each_failure_refuses_with_its_reason(kwargs, reason) -> None:  # type: ignore[no-untyped-def]
    report = _gate(**kwargs)
    assert not report.passed
    assert any(reason in line for line in report.reasons), report.reasons


def test_a_shadow_stretch_after_an_old_live_period_counts() -> None:
    changes = [
        ModeChange(NOW - timedelta(days=40), AgentMode.LIVE),
        ModeChange(NOW - timedelta(days=20), AgentMode.SHADOW),
    ]
    assert _gate(started_days_ago=60, changes=changes).passed


def test_reviews_older_than_the_window_do_not_count() -> None:
    old = [ReviewRecord(at=NOW - timedelta(days=15 + i % 5), agrees=True, subject_kind="draft") for i in range(100)]
    report = _gate(reviews=old)
    assert "founder reviews: 0 reviews on 0 days" in report.reasons[0]


def _settings() -> Settings:
    return Settings(_env_file=None, agent_mode="live", agent_send_enabled=True)  # type: ignore[call-arg]


def test_switch_to_live_refuses_and_audits_without_evidence(session) -> None:  # type: ignore[no-untyped-def]
    report = switch_to_live(
        session=session,
        actor="founder:1",
        settings=_settings(),
        model=MODEL,
        prompt_version=PROMPT,
        clock=FixedClock(NOW),
    )
    session.commit()
    assert not report.passed
    assert get_controls(session=session).mode == AgentMode.SHADOW
    refused = session.exec(select(AuditEvent).where(AuditEvent.action == "controls.go_live_refused")).one()
    assert refused.details["passed"] is False and len(refused.details["checks"]) == 4


def test_switch_to_live_with_evidence_switches_and_back_to_shadow_is_free(session) -> None:  # type: ignore[no-untyped-def]
    founder = create_founder(session)
    controls = get_controls(session=session)
    controls.created_at = NOW - timedelta(days=20)
    session.add(controls)
    for i in range(44):
        session.add(
            Review(
                founder_id=founder.id,
                subject_kind="verdict",
                subject_id=i,
                founder_call="MEETS",
                agent_call="MEETS",
                agrees=i != 0,
                created_at=NOW - timedelta(days=i % 12, hours=2),
            )
        )
    session.add(
        EvalRun(
            provider="anthropic",
            model=MODEL,
            prompt_version=PROMPT,
            pass_rate=0.93,
            passed=True,
            created_at=NOW - timedelta(days=1),
        )
    )
    session.commit()
    report = switch_to_live(
        session=session,
        actor=f"founder:{founder.id}",
        settings=_settings(),
        model=MODEL,
        prompt_version=PROMPT,
        clock=FixedClock(NOW),
    )
    session.commit()
    assert report.passed, report.reasons
    assert get_controls(session=session).mode == AgentMode.LIVE
    actions = [e.action for e in session.exec(select(AuditEvent).order_by(AuditEvent.id))]
    assert actions[-2:] == ["controls.go_live_evidence", "controls.mode"]
    set_kill_switch(session=session, on=True, actor="founder:1", clock=FixedClock(NOW))
    switch_to_shadow(session=session, actor="founder:1", clock=FixedClock(NOW + timedelta(minutes=1)))
    session.commit()
    assert get_controls(session=session).mode == AgentMode.SHADOW
    # Having just been live, the gate now refuses until a new 14-day shadow stretch has passed.
    again = switch_to_live(
        session=session,
        actor="founder:1",
        settings=_settings(),
        model=MODEL,
        prompt_version=PROMPT,
        clock=FixedClock(NOW + timedelta(days=2)),
    )
    assert not again.passed and "14 days of shadow" in again.reasons[0]
