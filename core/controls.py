"""The switches (mode, sending, kill switch): read at every send check; every change is audited.

The environment is a ceiling, never a way round the gate: AGENT_MODE=shadow or AGENT_SEND_ENABLED=false
force the system quiet whatever the database says, but only `switch_to_live` (which runs the go-live
gate) can make the row live.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from core.audit import record_audit
from core.clock import Clock, SystemClock
from core.config import AgentMode, Settings
from core.golive import EvalRecord, GatePolicy, GateReport, ModeChange, ReviewRecord, evaluate_go_live
from core.models import AuditEvent, Controls, EvalRun, Review


@dataclass(frozen=True)
class EffectiveControls:
    """What is in force right now: the database row capped by the environment."""

    mode: AgentMode
    send_enabled: bool
    kill_switch: bool

    @property
    def may_send(self) -> bool:
        """True only in live mode with sending on and the kill switch off."""
        return self.mode is AgentMode.LIVE and self.send_enabled and not self.kill_switch


def get_controls(*, session: Session) -> Controls:
    """The controls row (created by the first migration)."""
    row = session.get(Controls, 1)
    if row is None:  # a database built without migrations (should not happen): fail quiet, not loud
        row = Controls(id=1)
        session.add(row)
        session.flush()
    return row


def effective_controls(*, session: Session, settings: Settings) -> EffectiveControls:
    """The switches in force: the row, capped by AGENT_MODE and AGENT_SEND_ENABLED."""
    row = get_controls(session=session)
    live = row.mode == AgentMode.LIVE and settings.agent_mode is AgentMode.LIVE
    return EffectiveControls(
        mode=AgentMode.LIVE if live else AgentMode.SHADOW,
        send_enabled=bool(row.send_enabled and settings.agent_send_enabled),
        kill_switch=bool(row.kill_switch),
    )


def set_kill_switch(*, session: Session, on: bool, actor: str, clock: Clock | None = None) -> Controls:
    """Throw or release the kill switch (always allowed); audited."""
    return _change(session=session, field="kill_switch", value=on, actor=actor, clock=clock)


def set_send_enabled(*, session: Session, on: bool, actor: str, clock: Clock | None = None) -> Controls:
    """Turn sending on or off; audited. Sending only matters in live mode."""
    return _change(session=session, field="send_enabled", value=on, actor=actor, clock=clock)


def switch_to_shadow(*, session: Session, actor: str, clock: Clock | None = None) -> Controls:
    """Go back to shadow mode: always allowed; audited."""
    return _change(session=session, field="mode", value=AgentMode.SHADOW, actor=actor, clock=clock)


def go_live_report(
    *,
    session: Session,
    now: datetime,
    settings: Settings,
    model: str,
    prompt_version: str,
    policy: GatePolicy = GatePolicy(),
) -> GateReport:
    """The go-live gate evaluated on the database's evidence (mode history, reviews, eval runs)."""
    row = get_controls(session=session)
    changes = [
        ModeChange(at=event.created_at, mode=AgentMode(event.details["to"]))
        for event in session.exec(select(AuditEvent).where(AuditEvent.action == "controls.mode"))
    ]
    since = now - timedelta(days=policy.window_days)
    reviews = [
        ReviewRecord(at=review.created_at, agrees=review.agrees, subject_kind=review.subject_kind)
        for review in session.exec(select(Review).where(col(Review.created_at) >= since))
    ]
    runs = [
        EvalRecord(
            at=run.created_at,
            model=run.model,
            prompt_version=run.prompt_version,
            pass_rate=run.pass_rate,
            passed=run.passed,
        )
        for run in session.exec(select(EvalRun).where(EvalRun.model == model))
    ]
    return evaluate_go_live(
        now=now,
        tz=settings.tz,
        system_started_at=row.created_at,
        mode_changes=changes,
        reviews=reviews,
        eval_runs=runs,
        model=model,
        prompt_version=prompt_version,
        policy=policy,
    )


def switch_to_live(
    *,
    session: Session,
    actor: str,
    settings: Settings,
    model: str,
    prompt_version: str,
    clock: Clock | None = None,
    policy: GatePolicy = GatePolicy(),
) -> GateReport:
    """The only path to live: evaluates the gate and switches only if it passes. Either way the decision
    and its evidence become an audit event; a refusal leaves the mode unchanged. Returns the report."""
    now = (clock or SystemClock()).now()
    report = go_live_report(
        session=session, now=now, settings=settings, model=model, prompt_version=prompt_version, policy=policy
    )
    evidence = {"model": model, "prompt_version": prompt_version, **report.as_dict()}
    if not report.passed:
        record_audit(
            session=session,
            actor=actor,
            action="controls.go_live_refused",
            subject_type="controls",
            subject_id=1,
            details=evidence,
            at=now,
        )
        return report
    record_audit(
        session=session,
        actor=actor,
        action="controls.go_live_evidence",
        subject_type="controls",
        subject_id=1,
        details=evidence,
        at=now,
    )
    _change(session=session, field="mode", value=AgentMode.LIVE, actor=actor, clock=clock)
    return report


def _change(*, session: Session, field: str, value: object, actor: str, clock: Clock | None) -> Controls:
    now = (clock or SystemClock()).now()
    row = get_controls(session=session)
    before = getattr(row, field)
    setattr(row, field, value)
    row.updated_at = now
    row.updated_by = actor
    session.add(row)
    record_audit(
        session=session,
        actor=actor,
        action=f"controls.{field}",
        subject_type="controls",
        subject_id=1,
        details={"from": str(before), "to": str(value)},
        at=now,
    )
    return row
