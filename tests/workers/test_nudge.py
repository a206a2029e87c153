"""The morning nudge job: workdays at 08:xx local only (DST-correct), once per rep and local date, shadow-marked."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlmodel import select

from core.clock import FixedClock
from core.models import ActivityEvent, ActivityKind, MessagePurpose, OutboundMessage
from tests.factories import create_rep
from workers.nudge import NUDGE_CRONS, morning_nudge_job, send_morning_nudges
from workers.schedule import SCHEDULE


def test_two_utc_entries_cover_both_offsets() -> None:
    crons = {entry.cron for entry in SCHEDULE if entry.func is morning_nudge_job}
    assert crons == set(NUDGE_CRONS) == {"30 12 * * 1-5", "30 13 * * 1-5"}


@pytest.mark.parametrize(
    ("at", "acts"),
    [
        (datetime(2026, 7, 15, 12, 30, tzinfo=UTC), True),  # EDT: 08:30 local
        (datetime(2026, 7, 15, 13, 30, tzinfo=UTC), False),  # EDT: 09:30 local
        (datetime(2026, 11, 25, 13, 30, tzinfo=UTC), True),  # EST: 08:30 local
        (datetime(2026, 11, 25, 12, 30, tzinfo=UTC), False),  # EST: 07:30 local
        (datetime(2026, 11, 28, 13, 30, tzinfo=UTC), False),  # a Saturday
    ],
)
def test_local_hour_guard(session, settings, at, acts) -> None:  # type: ignore[no-untyped-def]
    create_rep(session)
    run = send_morning_nudges(session=session, settings=settings, now=at)
    assert (run.skipped is None) is acts
    assert len(run.queued) == (1 if acts else 0)


def test_one_nudge_per_rep_per_local_date_in_shadow(session, engine, settings) -> None:  # type: ignore[no-untyped-def]
    rep = create_rep(session, name="Ana Lopez")
    create_rep(session, opted_out=True)
    create_rep(session, active=False)
    for n in range(28):
        session.add(ActivityEvent(rep_id=rep.id, kind=ActivityKind.EMAIL_SENT, occurred_at=datetime(2026, 11, 23, 15,
                                  tzinfo=UTC), week_start=date(2026, 11, 23), source="t", external_id=str(n)))
    session.commit()
    clock = FixedClock(datetime(2026, 11, 25, 13, 30, tzinfo=UTC))  # Wednesday 08:30 EST
    first = morning_nudge_job(clock=clock, settings=settings)
    second = morning_nudge_job(clock=clock, settings=settings)
    assert first.queued == [rep.id] and second.queued == [] and second.already == [rep.id]
    session.expire_all()
    message = session.exec(select(OutboundMessage)).one()
    assert message.idempotency_key == f"nudge:{rep.id}:2026-11-25"
    assert message.purpose == MessagePurpose.NUDGE and message.shadow_mode is True
    assert message.body == "Morning Ana: 28/200 this week, 172 to floor, 3 workdays left -> 58/day, capped at 15."
