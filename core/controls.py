"""The switches (mode, sending, kill switch): read at every send check; every change is audited.

The environment is a ceiling, never a way round the gate: AGENT_MODE=shadow or AGENT_SEND_ENABLED=false
force the system quiet whatever the database says, but only the gated switch can make the row live.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from core.audit import record_audit
from core.clock import Clock, SystemClock
from core.config import AgentMode, Settings
from core.models import Controls


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
