"""The switches: the environment is a ceiling, every change is audited, sending needs all three."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import select

from core.clock import FixedClock
from core.config import AgentMode, Settings
from core.controls import effective_controls, get_controls, set_kill_switch, set_send_enabled, switch_to_shadow
from core.models import AuditEvent

CLOCK = FixedClock(datetime(2026, 11, 24, 14, 0, tzinfo=UTC))


def _settings(mode: str, send: bool) -> Settings:
    return Settings(_env_file=None, agent_mode=mode, agent_send_enabled=send)  # type: ignore[call-arg]


def _make_live(session) -> None:  # type: ignore[no-untyped-def]
    # Test setup only: the product has no ungated path to live.
    row = get_controls(session=session)
    row.mode = AgentMode.LIVE
    row.send_enabled = True
    session.add(row)


def test_may_send_needs_live_send_on_and_kill_off(session) -> None:  # type: ignore[no-untyped-def]
    _make_live(session)
    assert effective_controls(session=session, settings=_settings("live", True)).may_send
    set_kill_switch(session=session, on=True, actor="founder:1", clock=CLOCK)
    assert not effective_controls(session=session, settings=_settings("live", True)).may_send


def test_environment_caps_the_database(session) -> None:  # type: ignore[no-untyped-def]
    _make_live(session)
    quiet = effective_controls(session=session, settings=_settings("shadow", True))
    assert quiet.mode is AgentMode.SHADOW and not quiet.may_send
    no_send = effective_controls(session=session, settings=_settings("live", False))
    assert no_send.mode is AgentMode.LIVE and not no_send.send_enabled and not no_send.may_send


def test_fresh_database_is_shadow_and_cannot_send(session) -> None:  # type: ignore[no-untyped-def]
    controls = effective_controls(session=session, settings=_settings("live", True))
    assert controls.mode is AgentMode.SHADOW and not controls.may_send


def test_every_change_is_an_audit_event(session) -> None:  # type: ignore[no-untyped-def]
    set_kill_switch(session=session, on=True, actor="founder:7", clock=CLOCK)
    set_send_enabled(session=session, on=True, actor="founder:7", clock=CLOCK)
    switch_to_shadow(session=session, actor="founder:7", clock=CLOCK)
    session.commit()
    events = session.exec(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [(e.action, e.actor, e.details["to"]) for e in events] == [
        ("controls.kill_switch", "founder:7", "True"),
        ("controls.send_enabled", "founder:7", "True"),
        ("controls.mode", "founder:7", "shadow"),
    ]
    row = get_controls(session=session)
    assert row.updated_by == "founder:7" and row.updated_at == CLOCK.now()
