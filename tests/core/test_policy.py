"""The policy band: hand-built histories for every band and its edges, and the demo reps' profiles."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import Session, select

from core.demo.profiles import PROFILES
from core.demo.seed import seed_demo
from core.metrics import refresh_rep_weekly_metrics
from core.models import Rep, VerdictLevel
from core.policy import (
    DeliverabilityDay,
    EvidenceRef,
    EvidenceTable,
    PolicyThresholds,
    RepHistory,
    WeekMetrics,
    band_distance,
    metrics_ref,
    policy_band,
)
from core.verdicts import load_rep_history
from core.weeks import week_starts_back

LAST = date(2026, 11, 16)  # a Monday
WEEKS = tuple(LAST - timedelta(weeks=back) for back in range(7, -1, -1))
EXPECTED = {
    "exceeds": VerdictLevel.EXCEEDS,
    "meets": VerdictLevel.MEETS,
    "below_floor": VerdictLevel.BELOW_FLOOR,
    "pip_path": VerdictLevel.BELOW_FLOOR_PIP,
    "critical": VerdictLevel.CRITICAL,
}


def history(
    emails: list[int | None], *, reply_rate: float = 0.05, meetings: int = 3, spam: float | None = None
) -> RepHistory:
    """Eight weeks (oldest first); None is a week without any row; `spam` fills the last week's days."""
    assert len(emails) == 8
    rows = tuple(
        WeekMetrics(week, sent, round(sent * reply_rate), meetings, sent // 10, reply_rate)
        for week, sent in zip(WEEKS, emails, strict=True)
        if sent is not None
    )
    days = () if spam is None else tuple(DeliverabilityDay(id=i, day=LAST + timedelta(days=i), spam_rate=spam)
                                         for i in range(7))  # fmt: skip
    return RepHistory(rep_id=7, weeks=WEEKS, metrics=rows, deliverability=days)


@pytest.mark.parametrize(
    ("emails", "level"),
    [
        ([250] * 8, VerdictLevel.EXCEEDS),
        ([200, 200, 200, 200, 240, 240, 240, 240], VerdictLevel.EXCEEDS),  # exactly 120% on average
        ([200, 200, 200, 200, 239, 240, 240, 240], VerdictLevel.MEETS),  # a hair under 120%
        ([210] * 8, VerdictLevel.MEETS),
        ([100] * 7 + [200], VerdictLevel.BELOW_FLOOR_PIP),  # back at the floor, but 3 of the last 4 were under
        ([100] * 5 + [200, 200, 200], VerdictLevel.MEETS),
        ([210] * 7 + [199], VerdictLevel.BELOW_FLOOR),
        ([210] * 6 + [150, 150], VerdictLevel.BELOW_FLOOR),  # two of four under: not yet a pattern
        ([210] * 5 + [150, 150, 150], VerdictLevel.BELOW_FLOOR_PIP),  # three of four under
        ([150] * 7 + [180], VerdictLevel.BELOW_FLOOR_PIP),
        ([210, 210, 210, 210, 260, 230, 215, 190], VerdictLevel.BELOW_FLOOR_PIP),  # fell every week, -27%
        ([210, 210, 210, 210, 230, 220, 210, 199], VerdictLevel.BELOW_FLOOR),  # fell every week, but only -13%
        ([210] * 6 + [49, 49], VerdictLevel.CRITICAL),  # two weeks under 25% of the floor
        ([210] * 7 + [10], VerdictLevel.BELOW_FLOOR),  # one bad week is not critical
        ([210] * 6 + [50, 49], VerdictLevel.BELOW_FLOOR),  # 50 is exactly 25%: not under it
        ([None] * 8, VerdictLevel.CRITICAL),  # no activity at all
    ],
)
def test_bands_from_hand_built_histories(emails: list[int | None], level: VerdictLevel) -> None:
    result = policy_band(history(emails))
    assert result.level is level, result.reasons
    assert result.reasons


def test_exceeds_needs_results_too() -> None:
    assert policy_band(history([260] * 8, reply_rate=0.02)).level is VerdictLevel.MEETS
    assert policy_band(history([260] * 8, meetings=0)).level is VerdictLevel.MEETS


@pytest.mark.parametrize(
    ("spam", "level", "warned"),
    [
        (0.0009, VerdictLevel.EXCEEDS, False),
        (0.001, VerdictLevel.MEETS, True),  # a warning keeps a strong week from EXCEEDS
        (0.0029, VerdictLevel.MEETS, True),
        (0.003, VerdictLevel.CRITICAL, True),  # Gmail's hard line
    ],
)
def test_spam_rate_warns_at_010_and_is_critical_at_030(spam: float, level: VerdictLevel, warned: bool) -> None:
    result = policy_band(history([250] * 8, spam=spam))
    assert result.level is level and bool(result.warnings) is warned
    if level is VerdictLevel.CRITICAL:
        assert EvidenceRef(table=EvidenceTable.DELIVERABILITY_SNAPSHOTS, id="0") in result.evidence


def test_thresholds_are_configurable() -> None:
    strict = PolicyThresholds(weekly_email_floor=300)
    assert policy_band(history([250] * 8), strict).level is VerdictLevel.BELOW_FLOOR_PIP
    lenient = PolicyThresholds(pip_min_weeks_under=4)
    assert policy_band(history([210] * 5 + [150, 150, 150]), lenient).level is VerdictLevel.BELOW_FLOOR


def test_evidence_cites_only_existing_rows_of_the_rep() -> None:
    result = policy_band(history([210] * 5 + [None, 150, 150]))
    assert result.level is VerdictLevel.BELOW_FLOOR_PIP
    assert result.evidence == [metrics_ref(7, WEEKS[4]), metrics_ref(7, WEEKS[6]), metrics_ref(7, WEEKS[7])]
    assert metrics_ref(7, LAST).id == "7:2026-11-16"


def test_band_distance() -> None:
    assert band_distance(VerdictLevel.EXCEEDS, VerdictLevel.EXCEEDS) == 0
    assert band_distance(VerdictLevel.MEETS, VerdictLevel.BELOW_FLOOR) == 1
    assert band_distance(VerdictLevel.EXCEEDS, VerdictLevel.CRITICAL) == 4


def test_history_rejects_unordered_weeks() -> None:
    with pytest.raises(ValueError):
        RepHistory(rep_id=1, weeks=(LAST, LAST - timedelta(weeks=1)))


# Wednesday after the spring change, Wednesday after the autumn change, a Monday 09:00 in New York.
@pytest.mark.parametrize(
    "now",
    [datetime(2026, 3, 11, 19, 30, tzinfo=UTC), datetime(2026, 11, 4, 16, 0, tzinfo=UTC),
     datetime(2026, 11, 23, 14, 0, tzinfo=UTC)],
)  # fmt: skip
def test_demo_reps_get_the_band_their_profile_implies(session: Session, settings, engine, now: datetime) -> None:  # type: ignore[no-untyped-def]
    seed_demo(session=session, now=now, settings=settings)
    session.commit()
    refresh_rep_weekly_metrics(engine, tz=settings.tz, today=now.astimezone(settings.tz).date())
    week = week_starts_back(now, settings.tz, 1)[0]
    thresholds = PolicyThresholds(weekly_email_floor=settings.weekly_email_floor)
    for profile in PROFILES:
        rep = session.exec(select(Rep).where(Rep.email == profile.email)).one()
        assert rep.id is not None
        result = policy_band(load_rep_history(session=session, rep_id=rep.id, week_start=week), thresholds)
        assert result.level is EXPECTED[profile.key], (profile.key, result.reasons)
        assert result.evidence
