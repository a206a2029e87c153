"""`GET /api/health`: the health report as JSON, without secrets; 200 while the database answers, else 503."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse

from core.clock import SystemClock
from core.config import Settings
from workers.health import HealthReport, health_report

# Credentials inside a URL (scheme://user:password@host) must never reach a response.
_URL_CREDENTIALS = re.compile(r"(\w+://)[^@/\s]+@")


def _scrub(text: str) -> str:
    return _URL_CREDENTIALS.sub(r"\1***@", text)


def health_json(report: HealthReport) -> dict[str, Any]:
    """The report as plain JSON types: states, details, times (ISO 8601 UTC), names and counts."""
    controls = report.controls
    return {
        "ok": report.ok,
        "database": {"ok": report.database_ok, "detail": _scrub(report.database_detail)},
        "redis": {"ok": report.redis_ok, "detail": _scrub(report.redis_detail)},
        "controls": None
        if controls is None
        else {
            "mode": controls.mode.value,
            "send_enabled": controls.send_enabled,
            "kill_switch": controls.kill_switch,
            "may_send": controls.may_send,
        },
        "heartbeat": {
            "at": report.last_heartbeat_at.isoformat() if report.last_heartbeat_at else None,
            "worker": report.last_heartbeat_worker,
            "fresh": report.heartbeat_fresh,
        },
        "workers": list(report.workers),
        "scheduler": {"alive": report.scheduler_alive},
        "schedule": [
            {
                "name": job.name,
                "cron": job.cron,
                "queue": job.queue,
                "description": job.description,
                "next_run": job.next_run.isoformat() if job.next_run else None,
            }
            for job in report.schedule
        ],
        "queues": dict(report.queue_depths),
    }


def health_endpoint(settings: Settings) -> Callable[[Request], Awaitable[JSONResponse]]:
    """The endpoint for `settings`: checks every part (in a thread: the checks block); 503 if the database is down."""

    async def health(request: Request) -> JSONResponse:
        report = await run_in_threadpool(health_report, settings=settings, now=SystemClock().now())
        return JSONResponse(health_json(report), status_code=200 if report.database_ok else 503)

    return health
