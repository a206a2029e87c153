"""`salesagent golive`: the report with every figure, a refused switch (exit 1, audited), shadow always."""

from __future__ import annotations

from sqlmodel import select
from typer.testing import CliRunner

from core.models import AuditEvent, Controls
from sales_cli.main import app

runner = CliRunner()


def test_check_prints_every_condition_for_the_offline_agent(session) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(app, ["golive", "check"])
    assert result.exit_code == 1
    assert "go-live gate for offline-rules / prompt version all-" in result.output
    for name in ("days of shadow", "founder reviews", "agreement", "eval gate"):
        assert name in result.output
    assert "verdict: FAIL" in result.output


def test_switch_is_refused_with_reasons_and_audited(session) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(app, ["golive", "switch", "--actor", "founder@example.com"])
    assert result.exit_code == 1
    assert "refused: " in result.output and "no eval run for offline-rules" in result.output
    session.expire_all()
    assert session.get(Controls, 1).mode == "shadow"
    actions = [e.action for e in session.exec(select(AuditEvent))]
    assert "controls.go_live_refused" in actions


def test_shadow_is_always_allowed(session) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(app, ["golive", "shadow", "--actor", "founder@example.com"])
    assert result.exit_code == 0 and "switched to shadow" in result.output
    assert session.exec(select(AuditEvent).where(AuditEvent.action == "controls.mode")).first() is not None
