"""Verdicts in the database: a rep's 8-week history, one saved verdict per rep and week, routing, and a
founder's answer on a PIP or terminate action.

Safety here does not rest on the caller: a PIP or terminate message is only ever queued by
`approve_verdict_action`, with the founder's id (and the outbox's CHECK refuses one without it).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from core.audit import record_audit
from core.config import Settings
from core.controls import effective_controls
from core.errors import SafetyRefusal
from core.evidence import check_evidence, rep_sending_domain
from core.models import (
    Approval,
    ApprovalKind,
    ApprovalStatus,
    DeliverabilitySnapshot,
    Founder,
    OutboundMessage,
    Rep,
    Verdict,
    VerdictAction,
    VerdictLevel,
    VerdictStatus,
    rep_weekly_metrics,
)
from core.outbox import queue_sms
from core.policy import HISTORY_WEEKS, DeliverabilityDay, RepHistory, WeekMetrics, band_distance
from core.routing import approved_purpose, decide_route, message_body, quiet_reason

log = logging.getLogger(__name__)

# A founder's decision on a person's job is not rushed by a 48-hour timer.
VERDICT_APPROVAL_TTL = timedelta(days=7)
MAX_BAND_DISTANCE = 1


@dataclass(frozen=True)
class NewVerdict:
    """A verdict as a provider wrote it, ready to be checked, saved and routed."""

    rep_id: int
    week_start: date
    verdict: VerdictLevel
    rationale: str
    evidence_refs: list[dict[str, Any]]
    policy_band: VerdictLevel
    action: VerdictAction
    provider: str
    model: str
    prompt_version: str


@dataclass
class FounderDecision:
    """The result of a founder's approve/reject: whether this call decided it, and what it released."""

    decided: bool
    verdict: Verdict
    message: OutboundMessage | None = None
    notes: list[str] = field(default_factory=list)


def history_weeks(week_start: date, weeks: int = HISTORY_WEEKS) -> list[date]:
    """The Mondays of the `weeks` weeks ending with `week_start`, oldest first."""
    return [week_start - timedelta(weeks=back) for back in range(weeks - 1, -1, -1)]


def load_rep_history(*, session: Session, rep_id: int, week_start: date, weeks: int = HISTORY_WEEKS) -> RepHistory:
    """A rep's metrics rows and their sending domain's deliverability for the weeks ending with `week_start`."""
    rep = session.get(Rep, rep_id)
    if rep is None:
        raise ValueError(f"rep {rep_id} does not exist")
    mondays = history_weeks(week_start, weeks)
    m = rep_weekly_metrics.c
    rows = session.execute(
        sa.select(m.week_start, m.emails_sent, m.replies, m.meetings, m.calls, m.reply_rate)
        .where(m.rep_id == rep_id, m.week_start >= mondays[0], m.week_start <= mondays[-1])
        .order_by(m.week_start)
    ).all()
    metrics = tuple(
        WeekMetrics(
            week_start=_as_date(r.week_start), emails_sent=int(r.emails_sent or 0), replies=int(r.replies or 0),
            meetings=int(r.meetings or 0), calls=int(r.calls or 0), reply_rate=float(r.reply_rate or 0.0),
        )
        for r in rows
    )  # fmt: skip
    snapshots = session.exec(
        select(DeliverabilitySnapshot)
        .where(
            DeliverabilitySnapshot.domain == rep_sending_domain(rep),
            col(DeliverabilitySnapshot.day) >= mondays[0],
            col(DeliverabilitySnapshot.day) <= mondays[-1] + timedelta(days=6),
        )
        .order_by(col(DeliverabilitySnapshot.day))
    ).all()
    days = tuple(
        DeliverabilityDay(
            id=s.id or 0, day=s.day, spam_rate=s.spam_rate, spf_pass_rate=s.spf_pass_rate,
            dkim_pass_rate=s.dkim_pass_rate, dmarc_pass_rate=s.dmarc_pass_rate, delivery_errors=s.delivery_errors,
        )
        for s in snapshots
    )  # fmt: skip
    return RepHistory(rep_id=rep_id, weeks=tuple(mondays), metrics=metrics, deliverability=days)


def get_verdict(*, session: Session, rep_id: int, week_start: date) -> Verdict | None:
    """The verdict of one rep and week, if written."""
    return session.exec(select(Verdict).where(Verdict.rep_id == rep_id, Verdict.week_start == week_start)).first()


def active_rep_ids(*, session: Session) -> list[int]:
    """The ids of the active reps, in id order."""
    return [rep_id for rep_id in session.exec(select(Rep.id).where(col(Rep.active)).order_by(col(Rep.id))) if rep_id]


def review_reasons(*, session: Session, new: NewVerdict, weeks: int = HISTORY_WEEKS) -> list[str]:
    """Why a founder must look at this verdict: evidence that does not resolve, or a verdict far from the band."""
    reasons = check_evidence(
        session=session, rep_id=new.rep_id, weeks=history_weeks(new.week_start, weeks), refs=new.evidence_refs
    )
    distance = band_distance(new.verdict, new.policy_band)
    if distance > MAX_BAND_DISTANCE:
        reasons.append(f"verdict {new.verdict.value} is {distance} bands from the policy band {new.policy_band.value}")
    return reasons


def record_verdict(*, session: Session, new: NewVerdict, settings: Settings, now: datetime) -> tuple[Verdict, bool]:
    """Check, save and route a verdict, once per rep and week; returns (the verdict, whether it is new).

    A second call for the same rep and week changes nothing and returns the verdict already saved.
    """
    existing = get_verdict(session=session, rep_id=new.rep_id, week_start=new.week_start)
    if existing is not None:
        return existing, False
    rep = session.get(Rep, new.rep_id)
    if rep is None:
        raise ValueError(f"rep {new.rep_id} does not exist")
    reasons = review_reasons(session=session, new=new)
    controls = effective_controls(session=session, settings=settings)
    route = decide_route(verdict=new.verdict, action=new.action, review_reasons=reasons, controls=controls)
    verdict = Verdict(
        created_at=now, rep_id=new.rep_id, week_start=new.week_start, verdict=new.verdict,
        rationale=new.rationale[:8000], evidence_refs=list(new.evidence_refs), policy_band=new.policy_band,
        action=new.action, status=route.status, review_reasons=reasons, provider=new.provider[:64],
        model=new.model[:64], prompt_version=new.prompt_version[:64], shadow_mode=controls.mode.value == "shadow",
    )  # fmt: skip
    try:
        with session.begin_nested():  # a concurrent writer for the same rep and week loses cleanly
            session.add(verdict)
    except IntegrityError:
        winner = get_verdict(session=session, rep_id=new.rep_id, week_start=new.week_start)
        if winner is None:
            raise
        return winner, False
    assert verdict.id is not None
    if route.needs_founder_approval:
        session.add(
            Approval(
                created_at=now, kind=ApprovalKind.VERDICT_ACTION, subject_id=verdict.id, rep_id=rep.id or 0,
                expires_at=now + VERDICT_APPROVAL_TTL, shadow_mode=verdict.shadow_mode,
            )
        )  # fmt: skip
    if route.queue_purpose is not None:
        queue_sms(
            session=session, idempotency_key=f"verdict:{verdict.id}:{route.queue_purpose.value}", to_number=rep.phone,
            body=message_body(action=new.action, rep_name=rep.name, week_start=new.week_start.isoformat(),
                              rationale=new.rationale),
            purpose=route.queue_purpose, rep_id=rep.id, shadow_mode=False,
        )  # fmt: skip
    record_audit(
        session=session, actor="system:scorecards", action="verdict.routed", subject_type="verdict",
        subject_id=verdict.id, at=now,
        details={"rep_id": rep.id, "week_start": new.week_start.isoformat(), "verdict": new.verdict.value,
                 "policy_band": new.policy_band.value, "action": new.action.value, "status": route.status.value,
                 "reason": route.reason, "provider": new.provider, "model": new.model},
    )  # fmt: skip
    session.flush()
    log.info("verdict %s for rep %s week %s: %s (%s)", verdict.id, rep.id, new.week_start, route.status, route.reason)
    return verdict, True


def approve_verdict_action(
    *, session: Session, approval_id: int, founder_id: int, settings: Settings, now: datetime, note: str | None = None
) -> FounderDecision:
    """A founder approves a verdict's action; the message is queued (with their id) only if sending is allowed."""
    founder, approval, verdict = _decision_subjects(session, approval_id, founder_id)
    if not _resolve(session, approval_id, ApprovalStatus.APPROVED, founder_id, now, note):
        session.refresh(verdict)
        return FounderDecision(decided=False, verdict=verdict, notes=[f"approval {approval_id} was already decided"])
    rep = session.get(Rep, verdict.rep_id)
    assert rep is not None and founder.id is not None
    decision = FounderDecision(decided=True, verdict=verdict)
    action = VerdictAction(verdict.action)  # read back from the database as text
    purpose = approved_purpose(action)
    quiet = quiet_reason(effective_controls(session=session, settings=settings))
    if purpose is None:
        decision.notes.append(f"{action.value}: nothing to send")
    elif quiet:
        decision.notes.append(f"{action.value} approved but not sent: {quiet}")
    else:
        decision.message, _ = queue_sms(
            session=session, idempotency_key=f"verdict:{verdict.id}:{purpose.value}", to_number=rep.phone,
            body=message_body(action=action, rep_name=rep.name, week_start=verdict.week_start.isoformat(),
                              rationale=verdict.rationale),
            purpose=purpose, rep_id=rep.id, approval_id=approval_id, approved_by=founder.id, shadow_mode=False,
        )  # fmt: skip
    verdict.status = VerdictStatus.QUEUED if decision.message else VerdictStatus.APPROVED
    session.add(verdict)
    record_audit(
        session=session, actor=f"founder:{founder.id}", action="verdict.approved", subject_type="verdict",
        subject_id=verdict.id, at=now,
        details={"approval_id": approval_id, "action": action.value, "notes": decision.notes,
                 "message_id": decision.message.id if decision.message else None},
    )  # fmt: skip
    session.flush()
    return decision


def reject_verdict_action(
    *, session: Session, approval_id: int, founder_id: int, now: datetime, note: str | None = None
) -> FounderDecision:
    """A founder rejects a verdict's action: nothing is ever sent for it."""
    founder, _, verdict = _decision_subjects(session, approval_id, founder_id)
    if not _resolve(session, approval_id, ApprovalStatus.REJECTED, founder_id, now, note):
        session.refresh(verdict)
        return FounderDecision(decided=False, verdict=verdict, notes=[f"approval {approval_id} was already decided"])
    verdict.status = VerdictStatus.REJECTED
    session.add(verdict)
    record_audit(
        session=session, actor=f"founder:{founder.id}", action="verdict.rejected", subject_type="verdict",
        subject_id=verdict.id, at=now, details={"approval_id": approval_id, "note": note},
    )  # fmt: skip
    session.flush()
    return FounderDecision(decided=True, verdict=verdict)


def _decision_subjects(session: Session, approval_id: int, founder_id: int) -> tuple[Founder, Approval, Verdict]:
    founder = session.get(Founder, founder_id)
    if founder is None or not founder.active:
        raise SafetyRefusal(f"founder {founder_id} does not exist or is not active: only a founder decides this")
    approval = session.get(Approval, approval_id)
    if approval is None or approval.kind != ApprovalKind.VERDICT_ACTION:
        raise ValueError(f"approval {approval_id} is not a verdict action approval")
    verdict = session.get(Verdict, approval.subject_id)
    if verdict is None:
        raise ValueError(f"approval {approval_id} points at a missing verdict {approval.subject_id}")
    return founder, approval, verdict


def _resolve(
    session: Session, approval_id: int, status: ApprovalStatus, founder_id: int, now: datetime, note: str | None
) -> bool:
    # One conditional update: of two founders answering at once, exactly one wins.
    table = Approval.__table__  # type: ignore[attr-defined]
    result = session.execute(
        sa.update(table)
        .where(table.c.id == approval_id, table.c.status == ApprovalStatus.PENDING.value)
        .values(status=status.value, resolved_by=f"founder:{founder_id}", resolved_at=now, reply_text=note)
    )
    session.expire_all()
    return bool(result.rowcount)  # type: ignore[attr-defined]


def _as_date(value: Any) -> date:
    # SQLite's view returns the stored ISO text; PostgreSQL returns a date.
    return value if isinstance(value, date) else date.fromisoformat(str(value))
