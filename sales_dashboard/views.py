"""What the overview page shows, as plain data: pure functions from core's rows and the health report."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from agent.versions import current_agent
from core.config import AgentMode, Settings
from core.controls import EffectiveControls, effective_controls, get_controls, go_live_report
from core.db import session_scope
from core.golive import GateReport
from core.models import Controls
from workers.health import HealthReport, health_report


@dataclass
class ControlsView:
    """The switches: what the database row says and what is in force after the environment's ceiling."""

    mode: str = ""
    mode_row: str = ""
    send_enabled: bool = False
    send_in_effect: bool = False
    kill_switch: bool = False
    may_send: bool = False
    ceilings: list[str] = field(default_factory=list)
    updated: str = ""


@dataclass
class ScheduleRow:
    """One registered periodic job."""

    name: str = ""
    cron: str = ""
    queue: str = ""
    next_run: str = ""


@dataclass
class QueueRow:
    """One queue and how many jobs wait in it."""

    name: str = ""
    depth: int = 0


@dataclass
class HealthView:
    """The health panel: each part's state and a line a person can act on."""

    database_ok: bool = False
    database_detail: str = ""
    redis_ok: bool = False
    redis_detail: str = ""
    heartbeat: str = ""
    heartbeat_fresh: bool = False
    workers: list[str] = field(default_factory=list)
    scheduler_alive: bool = False
    schedule: list[ScheduleRow] = field(default_factory=list)
    queues: list[QueueRow] = field(default_factory=list)
    checked_at: str = ""


@dataclass
class GateCheckRow:
    """One condition of the go-live gate and its figure."""

    name: str = ""
    passed: bool = False
    figure: str = ""


@dataclass
class GateView:
    """The go-live checklist for the agent as configured now."""

    passed: bool = False
    model: str = ""
    prompt_version: str = ""
    checks: list[GateCheckRow] = field(default_factory=list)


def format_time(at: datetime, tz: ZoneInfo) -> str:
    """A timestamp in the company's time zone, to the second."""
    return at.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S %Z")


def format_age(seconds: float) -> str:
    """How long ago, in the largest whole unit that fits."""
    seconds = max(0, int(seconds))
    if seconds < 120:
        return f"{seconds} s ago"
    if seconds < 2 * 3600:
        return f"{seconds // 60} min ago"
    if seconds < 2 * 86400:
        return f"{seconds // 3600} h ago"
    return f"{seconds // 86400} days ago"


def controls_view(*, row: Controls, effective: EffectiveControls, settings: Settings) -> ControlsView:
    """The switches for display, with a note for each setting that holds the row back."""
    ceilings = []
    if row.mode == AgentMode.LIVE and effective.mode is AgentMode.SHADOW:
        ceilings.append("AGENT_MODE=shadow in the environment keeps the system in shadow whatever the switch says.")
    if row.send_enabled and not effective.send_enabled:
        ceilings.append("AGENT_SEND_ENABLED=false in the environment keeps sending off whatever the switch says.")
    return ControlsView(
        mode=effective.mode.value,
        mode_row=AgentMode(row.mode).value,
        send_enabled=bool(row.send_enabled),
        send_in_effect=effective.send_enabled,
        kill_switch=effective.kill_switch,
        may_send=effective.may_send,
        ceilings=ceilings,
        updated=f"{format_time(row.updated_at, settings.tz)} by {row.updated_by}",
    )


def health_view(report: HealthReport, *, now: datetime, tz: ZoneInfo) -> HealthView:
    """The health report for display: times in the company's zone, ages, and plain lines."""
    if report.last_heartbeat_at is not None:
        age = format_age((now - report.last_heartbeat_at).total_seconds())
        freshness = "fresh" if report.heartbeat_fresh else "stale"
        heartbeat = (
            f"{format_time(report.last_heartbeat_at, tz)} ({age}, {freshness}) from {report.last_heartbeat_worker}"
        )
    elif report.database_ok:
        heartbeat = "never: no worker has run the heartbeat job yet"
    else:
        heartbeat = "unknown: the database cannot be read"
    return HealthView(
        database_ok=report.database_ok,
        database_detail=report.database_detail,
        redis_ok=report.redis_ok,
        redis_detail=report.redis_detail,
        heartbeat=heartbeat,
        heartbeat_fresh=report.heartbeat_fresh,
        workers=list(report.workers),
        scheduler_alive=report.scheduler_alive,
        schedule=[
            ScheduleRow(
                name=job.name,
                cron=job.cron,
                queue=job.queue,
                next_run=format_time(job.next_run, tz) if job.next_run else "not scheduled",
            )
            for job in report.schedule
        ],
        queues=[QueueRow(name=name, depth=depth) for name, depth in report.queue_depths.items()],
        checked_at=format_time(now, tz),
    )


def load_controls(*, settings: Settings) -> ControlsView:
    """Read the switches (one unit of work)."""
    with session_scope() as session:
        effective = effective_controls(session=session, settings=settings)
        return controls_view(row=get_controls(session=session), effective=effective, settings=settings)


def load_health(*, settings: Settings, now: datetime) -> HealthView:
    """Check every part of the system (blocks on the database and Redis; never raises)."""
    return health_view(health_report(settings=settings, now=now), now=now, tz=settings.tz)


def gate_view(report: GateReport, *, model: str, prompt_version: str) -> GateView:
    """The gate's report for display."""
    return GateView(
        passed=report.passed,
        model=model,
        prompt_version=prompt_version,
        checks=[GateCheckRow(name=c.name, passed=c.passed, figure=c.figure) for c in report.checks],
    )


def load_gate(*, settings: Settings, now: datetime) -> GateView:
    """Evaluate the go-live gate for the current model and prompt version (read only)."""
    model, version = current_agent(settings)
    with session_scope() as session:
        report = go_live_report(session=session, now=now, settings=settings, model=model, prompt_version=version)
    return gate_view(report, model=model, prompt_version=version)
