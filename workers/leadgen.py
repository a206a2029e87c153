"""The daily lead gen job: 09:00 company-local on workdays, at most once per local date.

rq-scheduler's cron is UTC, so two entries (13:00 and 14:00 UTC, Mon-Fri) cover 09:00 New York in
summer and winter; the job runs only in the local 09:00 hour of a workday that is not a holiday, and a
`job_runs` row (unique name + local date, claimed by an insert) makes a second scheduler's run a no-op.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from redis import Redis
from rq import get_current_job
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from agent.drafting.schema import LeadContext
from agent.llm.base import OFFLINE_PROVIDER, LeadInput, LlmProvider
from agent.tools import Enricher, Researcher, gather_context
from agent.wiring import build_provider
from core import leadgen
from core.audit import record_audit
from core.clock import Clock, FixedClock, SystemClock
from core.config import Settings, get_settings
from core.controls import effective_controls
from core.costs import BudgetExhausted, remaining_daily_budget
from core.db import get_engine, session_scope
from core.demo.icp import Icp, load_icp
from core.models import DiscoveryRun, DiscoveryStatus, Lead, LeadStatus, Rep
from core.sequences import create_sequence
from integrations.enrichment import build_enricher
from integrations.lead_sources import LeadCandidate, LeadSource, LeadSourceError, build_lead_source
from integrations.research import build_researcher
from workers.sequences import CallLedger

log = logging.getLogger(__name__)

# 09:00 America/New_York is 13:00 UTC in summer (EDT) and 14:00 UTC in winter (EST).
LEAD_GEN_CRONS = ("0 13 * * 1-5", "0 14 * * 1-5")


@dataclass
class LeadGenDeps:
    """What the job needs; the job builds the defaults, a test passes its own."""

    settings: Settings
    engine: Engine
    clock: Clock
    source: LeadSource
    provider_factory: Any  # (CostLedger | None) -> LlmProvider
    researcher: Researcher
    enricher: Enricher
    icp: Icp
    connection: Redis | None = None
    holidays: Collection[date] = frozenset()


@dataclass
class LeadGenResult:
    """What one run did."""

    ran: bool
    reason: str = ""
    discovered: int = 0
    duplicates: int = 0
    sequences: list[int] = field(default_factory=list)
    disqualified: int = 0
    targets: dict[int, int] = field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        """The JSON kept on the job_runs row."""
        return {"discovered": self.discovered, "duplicates": self.duplicates, "sequences": len(self.sequences),
                "disqualified": self.disqualified, "targets": {str(k): v for k, v in self.targets.items()}}  # fmt: skip


def default_deps(
    *, at: datetime | None = None, connection: Redis | None = None, holidays: Collection[date] | None = None
) -> LeadGenDeps:
    """The configured source, provider, research, ICP and company holidays."""
    settings = get_settings()
    return LeadGenDeps(
        settings=settings,
        engine=get_engine(settings),
        clock=FixedClock(at) if at is not None else SystemClock(),
        source=build_lead_source(settings),
        provider_factory=lambda ledger: build_provider(settings, ledger=ledger),
        researcher=build_researcher(settings),
        enricher=build_enricher(settings),
        icp=load_icp(settings.icp_path),
        connection=connection,
        holidays=frozenset(settings.company_holidays if holidays is None else holidays),
    )


def daily_lead_gen(at: datetime | None = None, force: bool = False) -> dict[str, Any]:
    """RQ job (both UTC cron entries): run today's lead gen if it is 09:00 local on a workday and not yet run."""
    job = get_current_job()
    result = run_lead_gen(deps=default_deps(at=at, connection=job.connection if job else None), force=force)
    return {"ran": result.ran, "reason": result.reason, **result.summary()}


def run_lead_gen(*, deps: LeadGenDeps, force: bool = False) -> LeadGenResult:
    """Claim today's run, top up the leads, and start each rep's sequences for today."""
    now, tz = deps.clock.now(), deps.settings.tz
    if not force and not leadgen.is_lead_gen_time(now, tz, deps.holidays):
        return LeadGenResult(ran=False, reason="not 09:00 on a local workday")
    day = leadgen.today(now, tz)
    with session_scope(deps.engine) as session:
        if not leadgen.claim_daily_run(session=session, name=leadgen.LEAD_GEN_JOB, day=day, now=now):
            return LeadGenResult(ran=False, reason=f"already run for {day.isoformat()}")
    result = LeadGenResult(ran=True)
    _discover(deps, result, day)
    _start_sequences(deps, result, day)
    with session_scope(deps.engine) as session:
        leadgen.finish_daily_run(session=session, name=leadgen.LEAD_GEN_JOB, day=day, now=deps.clock.now(),
                                 summary=result.summary())  # fmt: skip
    if deps.connection is not None:
        from workers.queues import enqueue_advance_sequence

        at = now if isinstance(deps.clock, FixedClock) else None
        for sequence_id in result.sequences:
            enqueue_advance_sequence(connection=deps.connection, sequence_id=sequence_id, at=at)
    log.info("lead gen %s: %s", day, result.summary())
    return result


def _discover(deps: LeadGenDeps, result: LeadGenResult, day: date) -> None:
    """Under the floor of new unassigned leads: pull fresh domains, dedupe, record the run; alert on 3 empties."""
    now = deps.clock.now()
    with session_scope(deps.engine) as session:
        wanted = leadgen.discovery_request(leadgen.count_new_unassigned(session=session), deps.settings.new_lead_floor)
        if wanted == 0:
            return
        source_name = str(getattr(deps.source, "source", type(deps.source).__name__))[:64]
        run = DiscoveryRun(source=source_name, local_date=day, requested=wanted, created_at=now)
        session.add(run)
        session.flush()
        run_id = run.id
    try:
        candidates = deps.source.fetch(wanted)
        error = None
    except LeadSourceError as exc:
        candidates, error = [], str(exc)
    with session_scope(deps.engine) as session:
        finished = session.get(DiscoveryRun, run_id)
        assert finished is not None
        added, duplicates = _add_leads(session, candidates, run_id or 0, now)
        finished.found, finished.added, finished.duplicates = len(candidates), added, duplicates
        finished.error = error[:2000] if error else None
        finished.status = (
            DiscoveryStatus.FAILED if error else (DiscoveryStatus.SUCCEEDED if added else DiscoveryStatus.EMPTY)
        )
        finished.finished_at = deps.clock.now()
        session.add(finished)
        session.flush()
        result.discovered, result.duplicates = added, duplicates
        statuses = leadgen.recent_discovery_statuses(session=session, limit=leadgen.EMPTY_RUNS_ALERT + 1)
        streak = leadgen.empty_streak(statuses)  # alert when the streak reaches 3, not again at 4, 5, ...
        if finished.status is DiscoveryStatus.EMPTY and streak == leadgen.EMPTY_RUNS_ALERT:
            leadgen.raise_empty_runs_alert(session=session, streak=streak, source=source_name, now=now)


def _add_leads(session: Session, candidates: list[LeadCandidate], run_id: int, now: datetime) -> tuple[int, int]:
    known = leadgen.known_domains(session=session, domains={c.domain for c in candidates})
    keep, duplicates = leadgen.dedupe_by_domain([c.domain for c in candidates], known)
    added = 0
    for index in keep:
        candidate = candidates[index]
        lead = Lead(
            created_at=now, domain=candidate.domain, company=candidate.company[:200],
            contact_name=candidate.contact_name, contact_title=candidate.contact_title,
            contact_email=candidate.contact_email, source=candidate.source[:64], discovery_run_id=run_id,
        )  # fmt: skip
        try:
            with session.begin_nested():
                session.add(lead)
            added += 1
        except Exception:  # noqa: BLE001 - a concurrent run added the same domain: a duplicate, not a failure
            duplicates += 1
    return added, duplicates


def _start_sequences(deps: LeadGenDeps, result: LeadGenResult, day: date) -> None:
    """Per active rep (in id order): today's target of ICP-fit leads, one queued sequence each."""
    now, tz = deps.clock.now(), deps.settings.tz
    with session_scope(deps.engine) as session:
        reps = session.exec(select(Rep).where(col(Rep.active).is_(True), col(Rep.opted_out).is_(False))
                            .order_by(col(Rep.id))).all()  # fmt: skip
        rep_days = [
            leadgen.RepDay(
                rep_id=rep.id or 0,
                sent_this_week=leadgen.sent_this_week(session=session, rep_id=rep.id or 0, now=now, tz=tz),
                started_today=leadgen.started_on(session=session, rep_id=rep.id or 0, day=day, tz=tz),
            )
            for rep in reps
        ]
        shadow = effective_controls(session=session, settings=deps.settings).mode.value == "shadow"
        provider = deps.provider_factory(None)
        budget = None
        if getattr(provider, "name", "") != OFFLINE_PROVIDER:
            remaining = remaining_daily_budget(session=session, now=now, settings=deps.settings)
            budget = leadgen.budget_draft_cap(remaining, deps.settings.llm_draft_cap_usd)
    targets = leadgen.plan_rep_targets(
        rep_days, weekly_floor=deps.settings.weekly_email_floor,
        workdays_left=leadgen.workdays_left(now, tz, deps.holidays), daily_cap=deps.settings.daily_draft_cap,
        budget_drafts=budget,
    )  # fmt: skip
    for target in targets:
        result.targets[target.rep_id] = target.to_assign
        for _ in range(target.to_assign):
            sequence_id = _next_fit_lead(deps, result, rep_id=target.rep_id, shadow=shadow)
            if sequence_id is None:
                return  # no fit lead left today
            result.sequences.append(sequence_id)


def _next_fit_lead(deps: LeadGenDeps, result: LeadGenResult, *, rep_id: int, shadow: bool) -> int | None:
    """Qualify new leads (oldest first) until one fits; assign it to the rep and queue its sequence."""
    while True:
        with session_scope(deps.engine) as session:
            query = (
                select(Lead)
                .where(Lead.status == LeadStatus.NEW, col(Lead.assigned_rep_id).is_(None))
                .order_by(col(Lead.id))
                .limit(1)
            )
            lead = session.exec(query).first()
            if lead is None or lead.id is None:
                return None
            lead_id = lead.id
            lead_input = LeadInput(domain=lead.domain, company=lead.company, contact_name=lead.contact_name,
                                   contact_email=lead.contact_email, contact_title=lead.contact_title)  # fmt: skip
        # No transaction is open while the provider researches and judges the lead.
        ledger = CallLedger(engine=deps.engine, rep_id=rep_id, sequence_id=None, clock=deps.clock,
                            settings=deps.settings)  # fmt: skip
        try:
            verdict = _qualify(deps, deps.provider_factory(ledger), lead_input)
        except BudgetExhausted:
            return None  # the guard's audit event is committed; no more qualifying today
        reasons = list(verdict.reasons)[:20]
        with session_scope(deps.engine) as session:
            now = deps.clock.now()
            if not verdict.fit:
                if leadgen.disqualify_lead(session=session, lead_id=lead_id, fit=verdict.score, reasons=reasons):
                    result.disqualified += 1
                continue
            if not leadgen.assign_lead(session=session, lead_id=lead_id, rep_id=rep_id, fit=verdict.score,
                                       reasons=reasons):  # fmt: skip
                continue  # another run took it
            sequence = create_sequence(session=session, lead_id=lead_id, rep_id=rep_id, shadow_mode=shadow, now=now)
            if sequence is None:
                continue
            session.flush()
            record_audit(session=session, actor="system", action="sequence.created", subject_type="sequence",
                         subject_id=sequence.id, details={"lead_id": lead_id, "rep_id": rep_id}, at=now)  # fmt: skip
            return sequence.id


def _qualify(deps: LeadGenDeps, provider: LlmProvider, lead: LeadInput) -> Any:
    context: LeadContext = gather_context(lead, researcher=deps.researcher, enricher=deps.enricher)
    return provider.qualify(context, deps.icp)
