"""Read-only queries behind the dashboard's charts and panels: costs, pipeline, alerts, safety counters,
agreement, audit events, eval runs, deliverability. Small keyword-only functions; nothing here writes."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from core.leadgen import EMPTY_RUNS_ALERT, count_new_unassigned, empty_streak
from core.models import (
    AgentCost,
    Alert,
    Approval,
    ApprovalKind,
    ApprovalStatus,
    AuditEvent,
    DeliverabilitySnapshot,
    DiscoveryRun,
    DiscoveryStatus,
    EvalRun,
    InboundMessage,
    Lead,
    OutboundMessage,
    OutboundStatus,
    Rep,
    Review,
    ReviewSubject,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DayCost:
    """One local day's LLM spend; `drafts` = sequences that cost something that day, `draft_usd` their part."""

    day: date
    usd: float
    drafts: int
    draft_usd: float

    @property
    def per_draft(self) -> float | None:
        """Spend on drafting per sequence drafted that day (None when nothing was drafted)."""
        return self.draft_usd / self.drafts if self.drafts else None


@dataclass(frozen=True)
class GroupCost:
    """Spend for one rep or one model over a window."""

    key: str
    usd: float
    calls: int
    drafts: int


@dataclass(frozen=True)
class PipelineCounts:
    """Lead pipeline health: new unassigned leads against the floor, leads by status, discovery runs."""

    new_unassigned: int
    by_status: dict[str, int]
    empty_streak: int
    recent_runs: list[DiscoveryRun]


@dataclass(frozen=True)
class SafetyCounters:
    """What the safety rails stopped, all time.

    - unauthorized_inbound: inbound SMS with a bad signature or from a number that may change nothing;
    - replays_ignored: signed webhook calls whose MessageSid was already acted on (answered, not acted on again);
    - unknown_not_resent: outbound SMS whose send outcome is unknown and which are held for a human, never retried;
    - verdict_actions_held: PIP/terminate messages waiting for a founder's approval.
    """

    unauthorized_inbound: int
    replays_ignored: int
    unknown_not_resent: int
    verdict_actions_held: int


@dataclass(frozen=True)
class DayAgreement:
    """Founders' reviews on one local day and how many agreed with the agent."""

    day: date
    reviews: int
    agreed: int


def _count(session: Session, query: sa.Select) -> int:  # type: ignore[type-arg]
    return int(session.exec(query).one() or 0)  # type: ignore[call-overload]


def daily_costs(*, session: Session, since: date, until: date) -> list[DayCost]:
    """LLM spend per local day in [since, until], oldest first (days without spend are absent)."""
    drafting = sa.case((col(AgentCost.sequence_id).is_not(None), col(AgentCost.usd)), else_=0.0)
    query = (
        select(  # type: ignore[call-overload]
            AgentCost.local_date,
            func.sum(AgentCost.usd),
            func.count(sa.distinct(col(AgentCost.sequence_id))),
            func.sum(drafting),
        )
        .where(AgentCost.local_date >= since, AgentCost.local_date <= until)
        .group_by(AgentCost.local_date)
        .order_by(AgentCost.local_date)
    )
    return [DayCost(day, float(usd or 0), int(n), float(d or 0)) for day, usd, n, d in session.exec(query)]


def costs_by_rep(*, session: Session, since: date, until: date) -> list[GroupCost]:
    """Spend per rep in [since, until], largest first; costs tied to no rep are grouped as "(no rep)"."""
    query = (
        select(
            Rep.name,
            func.sum(AgentCost.usd),
            func.count(col(AgentCost.id)),
            func.count(sa.distinct(col(AgentCost.sequence_id))),
        )
        .select_from(AgentCost)
        .outerjoin(Rep, col(Rep.id) == col(AgentCost.rep_id))
        .where(AgentCost.local_date >= since, AgentCost.local_date <= until)
        .group_by(Rep.name)
        .order_by(func.sum(AgentCost.usd).desc())
    )
    return [GroupCost(name or "(no rep)", float(usd or 0), int(c), int(d)) for name, usd, c, d in session.exec(query)]


def costs_by_model(*, session: Session, since: date, until: date) -> list[GroupCost]:
    """Spend per model in [since, until], largest first."""
    query = (
        select(
            AgentCost.model,
            func.sum(AgentCost.usd),
            func.count(col(AgentCost.id)),
            func.count(sa.distinct(col(AgentCost.sequence_id))),
        )
        .where(AgentCost.local_date >= since, AgentCost.local_date <= until)
        .group_by(AgentCost.model)
        .order_by(func.sum(AgentCost.usd).desc())
    )
    return [GroupCost(model, float(usd or 0), int(c), int(d)) for model, usd, c, d in session.exec(query)]


def pipeline_counts(*, session: Session, runs: int = 10) -> PipelineCounts:
    """New unassigned leads, leads per status, the current run of empty discovery runs and the latest runs."""
    by_status = {
        str(status): int(n)
        for status, n in session.exec(select(Lead.status, func.count(col(Lead.id))).group_by(Lead.status))
    }
    recent = list(session.exec(select(DiscoveryRun).order_by(col(DiscoveryRun.id).desc()).limit(max(runs, 1))))
    streak_source = [DiscoveryStatus(run.status) for run in recent[: max(EMPTY_RUNS_ALERT, runs)]]
    return PipelineCounts(
        new_unassigned=count_new_unassigned(session=session),
        by_status=by_status,
        empty_streak=empty_streak(streak_source),
        recent_runs=recent,
    )


def open_alerts(*, session: Session, limit: int = 20) -> list[Alert]:
    """Alerts nobody has acknowledged yet, newest first."""
    query = select(Alert).where(col(Alert.acknowledged_at).is_(None)).order_by(col(Alert.id).desc()).limit(limit)
    return list(session.exec(query))


def safety_counters(*, session: Session) -> SafetyCounters:
    """The safety counters (see SafetyCounters for what each one counts)."""
    inbound = func.count(col(InboundMessage.id))
    unauthorized = select(inbound).where(
        sa.or_(col(InboundMessage.signature_ok).is_(False), col(InboundMessage.allowed).is_(False))
    )
    replays = select(inbound).where(InboundMessage.outcome == "replay")
    unknown = select(func.count(col(OutboundMessage.id))).where(OutboundMessage.status == OutboundStatus.UNKNOWN)
    held = select(func.count(col(Approval.id))).where(
        Approval.kind == ApprovalKind.VERDICT_ACTION, Approval.status == ApprovalStatus.PENDING
    )
    return SafetyCounters(
        unauthorized_inbound=_count(session, unauthorized),
        replays_ignored=_count(session, replays),
        unknown_not_resent=_count(session, unknown),
        verdict_actions_held=_count(session, held),
    )


def agreement_by_day(
    *, session: Session, subject: ReviewSubject, since: datetime, until: datetime, tz: ZoneInfo
) -> list[DayAgreement]:
    """Founders' reviews of `subject` created in [since, until), bucketed by company-local day, oldest first.

    Grouped in Python: the local day needs the time zone, which SQLite cannot apply."""
    query = select(Review.created_at, Review.agrees).where(
        Review.subject_kind == subject, Review.created_at >= since, Review.created_at < until
    )
    days: dict[date, list[int]] = {}
    for created_at, agrees in session.exec(query):
        bucket = days.setdefault(created_at.astimezone(tz).date(), [0, 0])
        bucket[0] += 1
        bucket[1] += int(bool(agrees))
    return [DayAgreement(day, n, agreed) for day, (n, agreed) in sorted(days.items())]


def trailing_agreement(days: Sequence[DayAgreement], *, window: int = 14) -> list[float | None]:
    """For each day, agreement over the `window` days ending on it (None when no reviews fall in it)."""
    result: list[float | None] = []
    for current in days:
        start = current.day - timedelta(days=window - 1)
        inside = [d for d in days if start <= d.day <= current.day]
        total = sum(d.reviews for d in inside)
        result.append(sum(d.agreed for d in inside) / total if total else None)
    return result


def audit_events(
    *,
    session: Session,
    action: str | None = None,
    actor: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[AuditEvent], int]:
    """One page of audit events matching the filters, newest first, and how many match in all.

    `action` and `actor` match a prefix ("controls." finds every switch change; "founder:" every founder)."""
    conditions = []
    if action:
        conditions.append(col(AuditEvent.action).startswith(action, autoescape=True))
    if actor:
        conditions.append(col(AuditEvent.actor).startswith(actor, autoescape=True))
    if since is not None:
        conditions.append(col(AuditEvent.created_at) >= since)
    if until is not None:
        conditions.append(col(AuditEvent.created_at) < until)
    total = _count(session, select(func.count(col(AuditEvent.id))).where(*conditions))
    query = select(AuditEvent).where(*conditions).order_by(col(AuditEvent.id).desc()).offset(offset).limit(limit)
    return list(session.exec(query)), total


def audit_facets(*, session: Session) -> tuple[list[str], list[str]]:
    """Every distinct action and actor in the audit log, sorted (for the filter menus)."""
    actions = sorted(session.exec(select(AuditEvent.action).distinct()))
    actors = sorted(session.exec(select(AuditEvent.actor).distinct()))
    return actions, actors


def eval_runs(*, session: Session, limit: int = 50) -> list[EvalRun]:
    """The latest eval runs, newest first."""
    return list(session.exec(select(EvalRun).order_by(col(EvalRun.id).desc()).limit(limit)))


def latest_spam_rates(*, session: Session, domains: Sequence[str]) -> dict[str, tuple[date, float | None]]:
    """The newest deliverability snapshot's day and spam rate for each domain that has one."""
    if not domains:
        return {}
    newest = (
        select(DeliverabilitySnapshot.domain, func.max(DeliverabilitySnapshot.day).label("day"))
        .where(col(DeliverabilitySnapshot.domain).in_(list(domains)))
        .group_by(DeliverabilitySnapshot.domain)
        .subquery()
    )
    query = select(  # type: ignore[call-overload]
        DeliverabilitySnapshot.domain, DeliverabilitySnapshot.day, DeliverabilitySnapshot.spam_rate
    ).join(
        newest,
        sa.and_(
            col(DeliverabilitySnapshot.domain) == newest.c.domain, col(DeliverabilitySnapshot.day) == newest.c.day
        ),
    )
    return {domain: (day, rate) for domain, day, rate in session.exec(query)}


def all_reps(*, session: Session) -> list[Rep]:
    """Every rep, active first, then by name."""
    return list(session.exec(select(Rep).order_by(col(Rep.active).desc(), Rep.name)))
