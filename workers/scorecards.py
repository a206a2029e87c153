"""The Monday scorecards: for each active rep, the verdict for the last completed week, checked and routed.

Scheduled at 13:00 and 14:00 UTC on Mondays (rq-scheduler's cron is UTC): one of them is 09:00 in New York
whatever the DST. The job runs only on a local Monday at or after 09:00, and a rep that already has a
verdict for the week is skipped, so the second entry (or any re-run) changes nothing. A rep whose verdict
failed (LLM down, budget) has no verdict yet and is picked up by the next run.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any

import httpx2
from redis import Redis
from rq.job import Job
from sqlalchemy import Engine

from agent.llm.ledger import DbCostLedger
from agent.verdicts import VerdictInput, build_verdict_provider, write_verdict
from core.clock import SystemClock
from core.config import Settings, get_settings
from core.db import get_engine, session_scope
from core.errors import SalesAgentError
from core.metrics import refresh_rep_weekly_metrics
from core.models import Rep
from core.policy import PolicyThresholds, policy_band
from core.verdicts import NewVerdict, active_rep_ids, get_verdict, load_rep_history, record_verdict
from core.weeks import week_starts_back
from workers.queues import QueueName, get_queue

log = logging.getLogger(__name__)

SCORECARD_WEEKDAY = 0  # Monday
SCORECARD_LOCAL_HOUR = 9
SCORECARD_CRON = "0 13,14 * * 1"  # 09:00 New York is 13:00 UTC in summer, 14:00 UTC in winter


@dataclass
class ScorecardRun:
    """What one run did: the week judged, and per rep whether a verdict was written, skipped or failed."""

    ran: bool
    reason: str
    week_start: date | None = None
    written: dict[int, str] = field(default_factory=dict)  # rep id -> verdict status
    skipped: list[int] = field(default_factory=list)
    failed: dict[int, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly, for the job's result."""
        result = asdict(self)
        result["week_start"] = self.week_start.isoformat() if self.week_start else None
        return result


def scorecards_due(now: datetime, settings: Settings) -> bool:
    """True on a company-local Monday at or after 09:00."""
    local = now.astimezone(settings.tz)
    return local.weekday() == SCORECARD_WEEKDAY and local.hour >= SCORECARD_LOCAL_HOUR


def run_scorecards(
    *,
    settings: Settings,
    now: datetime,
    engine: Engine | None = None,
    provider: str | None = None,
    http_client: httpx2.Client | None = None,
) -> ScorecardRun:
    """Refresh the metrics view, then write, check and route each active rep's verdict for last week."""
    engine = engine or get_engine(settings)
    refresh_rep_weekly_metrics(engine, tz=settings.tz, today=now.astimezone(settings.tz).date())
    week = week_starts_back(now, settings.tz, 1)[0]
    thresholds = PolicyThresholds(weekly_email_floor=settings.weekly_email_floor)
    run = ScorecardRun(ran=True, reason="scorecards written", week_start=week)
    with session_scope(engine) as session:
        rep_ids = active_rep_ids(session=session)
    for rep_id in rep_ids:
        # One unit of work per rep: a failure leaves the others' verdicts, and its own spend, committed.
        with session_scope(engine) as session:
            if get_verdict(session=session, rep_id=rep_id, week_start=week) is not None:
                run.skipped.append(rep_id)
                continue
            rep = session.get(Rep, rep_id)
            assert rep is not None
            history = load_rep_history(session=session, rep_id=rep_id, week_start=week)
            band = policy_band(history, thresholds)
            data = VerdictInput.from_history(history, rep_name=rep.name, band=band, floor=thresholds.weekly_email_floor)
            ledger = DbCostLedger(session=session, rep_id=rep_id, sequence_id=None, now=lambda: now, settings=settings)
            try:
                chosen = build_verdict_provider(settings, provider=provider, ledger=ledger, http_client=http_client)
                outcome = write_verdict(chosen, data)
            except SalesAgentError as exc:
                log.warning("no verdict for rep %s week %s: %s", rep_id, week, exc)
                run.failed[rep_id] = str(exc)
                continue
            verdict, _ = record_verdict(
                session=session,
                new=NewVerdict(
                    rep_id=rep_id, week_start=week, verdict=outcome.verdict, rationale=outcome.rationale,
                    evidence_refs=outcome.evidence_json(), policy_band=band.level, action=outcome.action,
                    provider=outcome.provider, model=outcome.model, prompt_version=outcome.prompt_version,
                ),
                settings=settings,
                now=now,
            )  # fmt: skip
            run.written[rep_id] = verdict.status.value
    log.info("scorecards for %s: %d written, %d skipped, %d failed", week, len(run.written), len(run.skipped),
             len(run.failed))  # fmt: skip
    return run


def weekly_scorecards(now_iso: str | None = None, provider: str | None = None) -> dict[str, Any]:
    """The RQ job (scheduled with no arguments): run the scorecards if it is Monday 09:00 or later locally."""
    settings = get_settings()
    now = datetime.fromisoformat(now_iso) if now_iso else SystemClock().now()
    if not scorecards_due(now, settings):
        local = now.astimezone(settings.tz)
        log.info("scorecards not due at %s local", local.isoformat(timespec="minutes"))
        return ScorecardRun(ran=False, reason=f"not due at {local:%a %H:%M} local").as_dict()
    return run_scorecards(settings=settings, now=now, provider=provider).as_dict()


def enqueue_weekly_scorecards(*, connection: Redis, now: datetime | None = None, provider: str | None = None) -> Job:
    """Put the scorecards job on the agent queue now (`now` pins the clock, for replays and tests)."""
    return get_queue(QueueName.AGENT, connection=connection).enqueue(
        weekly_scorecards,
        now.isoformat() if now else None,
        provider,
        description="weekly scorecards",
        job_timeout=1800,
    )
