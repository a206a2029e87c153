"""The daily deliverability job stores one snapshot per domain and day, idempotently."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlmodel import select

from core.clock import FixedClock
from core.models import DeliverabilitySnapshot
from integrations.postmaster import DailyStats
from tests.factories import create_rep
from workers.deliverability import deliverability_job, sending_domains

NOW = datetime(2026, 11, 25, 16, tzinfo=UTC)


class Revising:
    """A source whose figures change between runs (Google revises recent days)."""

    name = "postmaster"

    def __init__(self) -> None:
        self.calls: list[tuple[str, date, date]] = []

    def daily_stats(self, domain: str, start: date, end: date) -> list[DailyStats]:
        self.calls.append((domain, start, end))
        bump = 0.001 * (len(self.calls) - 1)
        return [DailyStats(domain=domain, day=end, spam_rate=0.001 + bump, compliant=True)]


def test_snapshots_are_upserted_per_domain_and_day(session, settings) -> None:  # type: ignore[no-untyped-def]
    create_rep(session, email="a@acme.example")
    create_rep(session, email="b@ACME.example")
    create_rep(session, email="c@other.example", active=False)
    session.commit()
    assert sending_domains(session=session) == ["acme.example"]
    source = Revising()
    clock = FixedClock(NOW)
    assert deliverability_job(clock=clock, settings=settings, source=source) == {"acme.example": 1}
    deliverability_job(clock=clock, settings=settings, source=source)
    assert source.calls[0] == ("acme.example", date(2026, 11, 18), date(2026, 11, 24))
    session.expire_all()
    snapshot = session.exec(select(DeliverabilitySnapshot)).one()
    assert (snapshot.domain, snapshot.day, snapshot.source, snapshot.compliant) == (
        "acme.example", date(2026, 11, 24), "postmaster", True)
    assert abs((snapshot.spam_rate or 0) - 0.002) < 1e-9  # the revised figure


def test_fixture_source_by_default(session, settings) -> None:  # type: ignore[no-untyped-def]
    create_rep(session, email="a@acme.example")
    session.commit()
    written = deliverability_job(clock=FixedClock(NOW), settings=settings)
    assert written == {"acme.example": 7}
    session.expire_all()
    assert {s.source for s in session.exec(select(DeliverabilitySnapshot))} == {"fixture"}
