"""`salesagent golive ...`: the gate's report, the one audited switch to live, and back to shadow."""

from __future__ import annotations

import typer

from agent.versions import current_agent
from core.clock import SystemClock
from core.config import get_settings
from core.golive import GateReport

golive_app = typer.Typer(help="Going live: the gate's report, the switch (refused without evidence), shadow.",
                         no_args_is_help=True)  # fmt: skip


def render_report(report: GateReport, model: str, prompt_version: str) -> str:
    """Every condition with its figure, and the verdict."""
    lines = [f"go-live gate for {model} / prompt version {prompt_version}"]
    lines += [f"  [{'pass' if c.passed else 'FAIL'}] {c.name}: {c.figure}" for c in report.checks]
    lines.append(f"verdict: {'PASS' if report.passed else 'FAIL'}")
    return "\n".join(lines)


@golive_app.command("check")
def golive_check() -> None:
    """Print the gate's report for the current model and prompt version (exit 1 when it would refuse)."""
    from core.controls import go_live_report
    from core.db import session_scope, upgrade_database

    settings = get_settings()
    upgrade_database(settings)
    model, version = current_agent(settings)
    with session_scope() as session:
        report = go_live_report(session=session, now=SystemClock().now(), settings=settings, model=model,
                                prompt_version=version)  # fmt: skip
    typer.echo(render_report(report, model, version))
    raise typer.Exit(0 if report.passed else 1)


@golive_app.command("switch")
def golive_switch(
    actor: str = typer.Option(..., help="Who asks (a founder's email); recorded in the audit log."),
) -> None:
    """Switch to live through the gate (the only path); refused with every reason unless it passes."""
    from core.controls import switch_to_live
    from core.db import session_scope, upgrade_database

    settings = get_settings()
    upgrade_database(settings)
    model, version = current_agent(settings)
    with session_scope() as session:
        report = switch_to_live(session=session, actor=actor[:64], settings=settings, model=model,
                                prompt_version=version)  # fmt: skip
    typer.echo(render_report(report, model, version))
    if not report.passed:
        typer.secho("refused: " + "; ".join(report.reasons), fg=typer.colors.RED, err=True)
        raise typer.Exit(1)
    typer.echo("switched to live (audited)")


@golive_app.command("shadow")
def golive_shadow(actor: str = typer.Option("cli", help="Who asks; recorded in the audit log.")) -> None:
    """Switch back to shadow mode: always allowed, audited."""
    from core.controls import switch_to_shadow
    from core.db import session_scope, upgrade_database

    upgrade_database(get_settings())
    with session_scope() as session:
        switch_to_shadow(session=session, actor=actor[:64])
    typer.echo("switched to shadow (audited)")
