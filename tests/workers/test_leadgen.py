"""The daily lead gen job in-process: guard, once per date, discovery with dedupe, alerts, quota, sequences."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlmodel import select

from agent.wiring import build_provider
from core.clock import FixedClock
from core.demo.icp import load_icp
from core.models import (
    ActivityEvent,
    ActivityKind,
    Alert,
    DiscoveryRun,
    DiscoveryStatus,
    JobRun,
    Lead,
    LeadStatus,
    Sequence,
    SequenceState,
)
from integrations.enrichment import build_enricher
from integrations.lead_sources import DemoLeadSource
from integrations.research import build_researcher
from tests.factories import create_rep
from workers.leadgen import LeadGenDeps, run_lead_gen
from workers.queues import QueueName, get_queue, sequence_job_id

TUESDAY_9 = datetime(2026, 11, 24, 14, 5, tzinfo=UTC)  # 09:05 New York (EST)


class EmptySource:
    """A lead source that has nothing new (the demo source is exhausted, say)."""

    source = "empty"

    def fetch(self, limit: int) -> list:  # type: ignore[type-arg]
        return []


def deps(settings, engine, at: datetime, **kw) -> LeadGenDeps:  # type: ignore[no-untyped-def]
    return LeadGenDeps(
        settings=kw.pop("settings_", settings), engine=engine, clock=FixedClock(at),
        source=kw.pop("source", None) or DemoLeadSource(),
        provider_factory=lambda ledger: build_provider(settings, ledger=ledger),
        researcher=build_researcher(settings), enricher=build_enricher(settings), icp=load_icp(settings.icp_path),
        **kw,
    )  # fmt: skip


def test_runs_only_at_nine_local_on_workdays(settings, engine, session) -> None:  # type: ignore[no-untyped-def]
    create_rep(session)
    session.commit()
    assert not run_lead_gen(deps=deps(settings, engine, TUESDAY_9 + timedelta(hours=1))).ran
    assert not run_lead_gen(deps=deps(settings, engine, TUESDAY_9 - timedelta(days=3))).ran  # Saturday
    holiday = deps(settings, engine, TUESDAY_9, holidays={date(2026, 11, 24)})
    assert run_lead_gen(deps=holiday).reason == "not 09:00 on a local workday"
    assert session.exec(select(JobRun)).all() == []


def test_discovers_dedupes_and_starts_each_reps_target_once(settings, engine, session, redis_conn) -> None:  # type: ignore[no-untyped-def]
    small = settings.model_copy(update={"daily_draft_cap": 3})
    busy, idle = create_rep(session), create_rep(session)
    # The busy rep is near the floor: 196 sent this week, 4 to go over 4 workdays -> 1 today.
    week_start = date(2026, 11, 23)
    for n in range(196):
        session.add(ActivityEvent(rep_id=busy.id, kind=ActivityKind.EMAIL_SENT, occurred_at=TUESDAY_9,
                                  week_start=week_start, source="test", external_id=f"e{n}"))  # fmt: skip
    session.add(Lead(domain="shipwright-cloud.example", company="Shipwright Cloud", source="csv"))  # already known
    session.commit()

    result = run_lead_gen(deps=deps(settings, engine, TUESDAY_9, settings_=small, connection=redis_conn))
    assert result.ran and result.targets == {busy.id: 1, idle.id: 3}
    run = session.exec(select(DiscoveryRun)).one()
    assert (run.requested, run.found, run.added, run.duplicates, run.status) == (
        29,
        29,
        28,
        1,
        DiscoveryStatus.SUCCEEDED,
    )
    sequences = session.exec(select(Sequence).order_by(Sequence.id)).all()
    assert [s.rep_id for s in sequences] == [busy.id, idle.id, idle.id, idle.id]
    assert all(s.state == SequenceState.QUEUED and s.shadow_mode for s in sequences)
    leads = {lead.id: lead for lead in session.exec(select(Lead))}
    assert all(leads[s.lead_id].status == LeadStatus.IN_SEQUENCE and leads[s.lead_id].icp_fit for s in sequences)
    queued = get_queue(QueueName.AGENT, connection=redis_conn).job_ids
    assert queued == [sequence_job_id(s.id) for s in sequences]

    # The other UTC entry, or a second scheduler, the same local date: nothing more.
    again = run_lead_gen(deps=deps(settings, engine, TUESDAY_9 + timedelta(minutes=40), settings_=small))
    assert not again.ran and again.reason == "already run for 2026-11-24"
    assert len(session.exec(select(Sequence)).all()) == 4


def test_non_fits_are_disqualified_and_skipped(settings, engine, session) -> None:  # type: ignore[no-untyped-def]
    create_rep(session)
    for domain, company in (("crumbandkettle.example", "Crumb and Kettle"), ("tallyhr.example", "Tally HR")):
        session.add(Lead(domain=domain, company=company, source="test"))
    session.commit()
    one = settings.model_copy(update={"daily_draft_cap": 1, "new_lead_floor": 0})
    result = run_lead_gen(deps=deps(settings, engine, TUESDAY_9, settings_=one))
    assert result.disqualified == 1 and len(result.sequences) == 1
    lead = session.exec(select(Lead).where(Lead.domain == "crumbandkettle.example")).one()
    assert lead.status == LeadStatus.DISQUALIFIED and lead.icp_reasons and lead.assigned_rep_id is None


def test_three_empty_runs_in_a_row_raise_one_alert(settings, engine, session) -> None:  # type: ignore[no-untyped-def]
    for day in range(4):  # Tue, Wed, Thu, Fri
        result = run_lead_gen(deps=deps(settings, engine, TUESDAY_9 + timedelta(days=day), source=EmptySource()))
        assert result.ran
        alerts = session.exec(select(Alert)).all()
        assert len(alerts) == (0 if day < 2 else 1)
    assert alerts[0].kind == "discovery.empty_runs" and "3 runs in a row" in alerts[0].message
    statuses = [run.status for run in session.exec(select(DiscoveryRun))]
    assert statuses == [DiscoveryStatus.EMPTY] * 4
