"""`salesagent status`: processes, queues, schedule, and the switches in force, as plain text."""

from __future__ import annotations

from datetime import datetime

from core.config import Settings
from sales_cli.supervisor import read_run_file
from workers.health import health_report


def _mark(ok: bool) -> str:
    return "ok  " if ok else "DOWN"


def render_status(*, settings: Settings, now: datetime) -> str:
    """A human-readable status report."""
    report = health_report(settings=settings, now=now)
    lines = ["Processes started by `salesagent up`:"]
    processes = read_run_file(settings.data_dir / "processes.json")
    if not processes:
        lines.append("  none (`salesagent up` is not running here)")
    for name, pid in processes.items():
        lines.append(f"  {name:<11} {'pid ' + str(pid) if pid else 'not running'}")
    lines += [
        "",
        f"[{_mark(report.database_ok)}] database   {report.database_detail}",
        f"[{_mark(report.redis_ok)}] redis      {report.redis_detail}",
        f"[{_mark(bool(report.workers))}] workers    {', '.join(report.workers) or 'none'}",
        f"[{_mark(report.scheduler_alive)}] scheduler  {'running' if report.scheduler_alive else 'not running'}",
    ]
    if report.last_heartbeat_at:
        age = int((now - report.last_heartbeat_at).total_seconds())
        lines.append(f"[{_mark(report.heartbeat_fresh)}] heartbeat  {age}s ago from {report.last_heartbeat_worker}")
    else:
        lines.append("[DOWN] heartbeat  never (no worker has run the heartbeat job)")
    if report.queue_depths:
        depths = ", ".join(f"{name} {count}" for name, count in report.queue_depths.items())
        lines.append(f"       queues     {depths}")
    for job in report.schedule:
        when = job.next_run.isoformat(timespec="seconds") if job.next_run else "?"
        lines.append(f"       schedule   {job.name} [{job.cron}] on {job.queue}, next {when}")
    if report.controls:
        c = report.controls
        lines += [
            "",
            f"Mode: {c.mode.value}   sending: {'on' if c.send_enabled else 'off'}   "
            f"kill switch: {'ON' if c.kill_switch else 'off'}   may send now: {'yes' if c.may_send else 'no'}",
        ]
    return "\n".join(lines)
